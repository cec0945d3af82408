"""Generated tests of flow asn-edi-inbound."""
