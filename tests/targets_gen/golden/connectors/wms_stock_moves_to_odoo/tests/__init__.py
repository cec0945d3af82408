"""Generated tests of flow wms-stock-moves-to-odoo."""
