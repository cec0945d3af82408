"""Hand-written part of flow production-confirmation-poznan: created once by mfgint, never overwr...

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from mfgint_runtime import Record
from production_confirmation_poznan.base import ProductionConfirmationPoznanBase


class ProductionConfirmationPoznanConnector(ProductionConfirmationPoznanBase):
    """Flow production-confirmation-poznan with this site's mappings."""

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical production-performance 1.0 record to what target expects."""
        # duration_minutes (number): Actual working minutes; mrp.workorder.duration.
        # end_time (string): Actual end.
        # final (boolean): true on the last report of the order: Odoo runs button_mark_done.
        # item_number (string): Acme item number; Odoo product.product.default_code, unique per
        # company by Acme convention.
        # lot_numbers (array): Lots or serials produced (stock.lot).
        # material_actuals (array): Material actually consumed for this report (ISA-95 material
        # actuals); Odoo sets quantity and picked on the raw stock.move of the order.
        # operation (string): Operation name; mrp.workorder.name.
        # performance_id (string): MES-unique id of the report (idempotency key).
        # plant_code (string): Acme plant code (Plant.spec.code).
        # quantity_good (number): Good quantity; drives qty_producing / qty_produced.
        # quantity_scrap (number): Scrapped quantity (posted as stock.scrap).
        # reversal_of (string): performance_id this report reverses (compensation), if any.
        # start_time (string): Actual start.
        # uom (string): Unit of measure name as in Odoo uom.uom (e.g. Units, kg, m).
        # work_order_number (string): Manufacturing order; mrp.production.name.
        # workcenter (string): Work centre code; mrp.workorder.workcenter_id (code).
        if target == "odoo-erp":
            raise NotImplementedError(
                "connector.py: map production-performance fields to mrp.workorder"
            )
        return super().transform(record, target)
