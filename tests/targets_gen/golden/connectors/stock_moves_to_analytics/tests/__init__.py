"""Generated tests of flow stock-moves-to-analytics."""
