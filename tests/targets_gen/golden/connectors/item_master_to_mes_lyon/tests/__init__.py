"""Generated tests of flow item-master-to-mes-lyon."""
