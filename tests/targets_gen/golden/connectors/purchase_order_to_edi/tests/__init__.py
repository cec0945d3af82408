"""Generated tests of flow purchase-order-to-edi."""
