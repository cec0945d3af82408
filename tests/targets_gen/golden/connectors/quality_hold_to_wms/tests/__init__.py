"""Generated tests of flow quality-hold-to-wms."""
