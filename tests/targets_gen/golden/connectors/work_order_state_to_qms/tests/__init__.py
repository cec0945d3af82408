"""Generated tests of flow work-order-state-to-qms."""
