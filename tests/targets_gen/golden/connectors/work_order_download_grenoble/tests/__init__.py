"""Generated tests of flow work-order-download-grenoble."""
