"""Generated tests of flow purchase-order-to-portal."""
