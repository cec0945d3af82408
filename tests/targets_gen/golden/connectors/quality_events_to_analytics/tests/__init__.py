"""Generated tests of flow quality-events-to-analytics."""
