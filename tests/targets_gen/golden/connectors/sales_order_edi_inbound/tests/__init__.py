"""Generated tests of flow sales-order-edi-inbound."""
