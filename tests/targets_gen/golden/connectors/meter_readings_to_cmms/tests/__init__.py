"""Generated tests of flow meter-readings-to-cmms."""
