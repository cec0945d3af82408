"""Generated tests of flow quality-hold-to-mes-poznan."""
