"""Hand-written part of flow work-orders-to-analytics: created once by mfgint, never overwritten.

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from mfgint_runtime import Record
from work_orders_to_analytics.base import WorkOrdersToAnalyticsBase


class WorkOrdersToAnalyticsConnector(WorkOrdersToAnalyticsBase):
    """Flow work-orders-to-analytics with this site's mappings."""

    def from_source(self, row: Record) -> Record:
        """Map a mrp.production row read from odoo-erp to a canonical record."""
        # Canonical fields: bom_revision, date_deadline, date_finished, date_start, item_number,
        # operations, origin, plant_code, quantity, state, uom, work_order_number. Set SOURCE_FIELDS
        # to read only the Odoo fields you map.
        raise NotImplementedError(
            "connector.py: map mrp.production fields to work-order"
        )

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical work-order 2.0 record to what target expects."""
        # bom_revision (string): Revision of the BOM used; mrp.bom.code.
        # date_deadline (string): Deadline; mrp.production.date_deadline.
        # date_finished (string): Planned end; Odoo 17 mrp.production.date_finished.
        # date_start (string): Planned start; Odoo 17 mrp.production.date_start.
        # item_number (string): Acme item number; Odoo product.product.default_code, unique per
        # company by Acme convention.
        # operations (array): Planned operations; mrp.production.workorder_ids.
        # origin (string): Source document, usually the sales order; mrp.production.origin.
        # plant_code (string): Acme plant code (Plant.spec.code).
        # quantity (number): Quantity to produce; mrp.production.product_qty.
        # state (string): Odoo mrp.production.state.
        # uom (string): Unit of measure name as in Odoo uom.uom (e.g. Units, kg, m).
        # work_order_number (string): Manufacturing order reference; mrp.production.name (e.g.
        # LYO/MO/04211).
        return super().transform(record, target)
