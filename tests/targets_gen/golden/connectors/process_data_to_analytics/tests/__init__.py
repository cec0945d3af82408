"""Generated tests of flow process-data-to-analytics."""
