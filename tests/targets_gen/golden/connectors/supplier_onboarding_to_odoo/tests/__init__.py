"""Generated tests of flow supplier-onboarding-to-odoo."""
