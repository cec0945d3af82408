"""Hand-written part of flow lot-registered-to-qms: created once by mfgint, never overwritten.

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from lot_registered_to_qms.base import LotRegisteredToQmsBase
from mfgint_runtime import Record


class LotRegisteredToQmsConnector(LotRegisteredToQmsBase):
    """Flow lot-registered-to-qms with this site's mappings."""

    def from_source(self, row: Record) -> Record:
        """Map a stock.lot row read from odoo-erp to a canonical record."""
        # Canonical fields: item_number, location, lot_number, plant_code, production_date,
        # supplier_lot, work_order_number. Set SOURCE_FIELDS to read only the Odoo fields you map.
        raise NotImplementedError(
            "connector.py: map stock.lot fields to lot"
        )

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical lot 1.0 record to what target expects."""
        # item_number (string): Acme item number; Odoo product.product.default_code, unique per
        # company by Acme convention.
        # location (string): Current location; Odoo 17 stock.lot.location_id (complete name).
        # lot_number (string): Lot or serial number; Odoo stock.lot.name.
        # plant_code (string): Acme plant code (Plant.spec.code).
        # production_date (string): Date the lot was produced or received.
        # supplier_lot (string): Supplier's own lot reference for purchased material; stock.lot.ref.
        # work_order_number (string): Manufacturing order that produced the lot
        # (mrp.production.lot_producing_id points at it).
        return super().transform(record, target)
