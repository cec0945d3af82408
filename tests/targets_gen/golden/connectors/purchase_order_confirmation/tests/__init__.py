"""Generated tests of flow purchase-order-confirmation."""
