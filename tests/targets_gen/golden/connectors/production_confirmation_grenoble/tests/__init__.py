"""Generated tests of flow production-confirmation-grenoble."""
