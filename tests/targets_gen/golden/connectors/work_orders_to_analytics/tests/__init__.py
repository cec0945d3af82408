"""Generated tests of flow work-orders-to-analytics."""
