"""Generated tests of flow outbound-delivery-to-wms."""
