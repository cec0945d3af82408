"""Generated tests of flow breakdown-request-to-cmms."""
