"""Generated tests of flow bom-release-to-odoo."""
