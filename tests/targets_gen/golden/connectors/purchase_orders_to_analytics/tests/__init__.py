"""Generated tests of flow purchase-orders-to-analytics."""
