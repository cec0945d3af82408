"""Generated tests of flow production-confirmation-lyon."""
