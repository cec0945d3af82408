"""Generated tests of flow production-confirmation-poznan."""
