"""Generated tests of flow quality-alert-to-odoo."""
