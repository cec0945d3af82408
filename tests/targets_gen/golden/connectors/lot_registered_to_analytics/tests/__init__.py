"""Generated tests of flow lot-registered-to-analytics."""
