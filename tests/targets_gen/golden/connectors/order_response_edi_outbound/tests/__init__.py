"""Generated tests of flow order-response-edi-outbound."""
