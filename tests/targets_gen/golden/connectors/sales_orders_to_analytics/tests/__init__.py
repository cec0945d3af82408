"""Generated tests of flow sales-orders-to-analytics."""
