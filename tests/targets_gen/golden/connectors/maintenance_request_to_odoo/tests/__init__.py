"""Generated tests of flow maintenance-request-to-odoo."""
