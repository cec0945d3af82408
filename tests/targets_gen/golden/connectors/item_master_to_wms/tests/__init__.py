"""Generated tests of flow item-master-to-wms."""
