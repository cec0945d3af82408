"""Hand-written part of flow stock-moves-to-analytics: created once by mfgint, never overwritten.

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from mfgint_runtime import Record
from stock_moves_to_analytics.base import StockMovesToAnalyticsBase


class StockMovesToAnalyticsConnector(StockMovesToAnalyticsBase):
    """Flow stock-moves-to-analytics with this site's mappings."""

    def from_source(self, row: Record) -> Record:
        """Map a stock.move row read from odoo-erp to a canonical record."""
        # Canonical fields: executed_at, item_number, location_from, location_to, lot_number,
        # move_type, quantity, reference, source_move_ref, source_system, uom. Set SOURCE_FIELDS to
        # read only the Odoo fields you map.
        raise NotImplementedError(
            "connector.py: map stock.move fields to stock-move"
        )

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical stock-move 1.0 record to what target expects."""
        # executed_at (string): When the movement was physically done.
        # item_number (string): Acme item number; Odoo product.product.default_code, unique per
        # company by Acme convention.
        # location_from (string): Source location; stock.move.location_id (complete name).
        # location_to (string): Destination location; stock.move.location_dest_id (complete name).
        # lot_number (string): Lot or serial moved; stock.move.line.lot_id.
        # move_type (string): Kind of movement.
        # quantity (number): Executed quantity; Odoo 17 stock.move.quantity.
        # reference (string): Odoo document the move belongs to: picking (stock.picking.name) or
        # manufacturing order (raw_material_production_id.name).
        # source_move_ref (string): Reporting system's unique movement id.
        # source_system (string): Name of the reporting System (e.g. wms-reflex, mes-lyon).
        # uom (string): Unit of measure name as in Odoo uom.uom (e.g. Units, kg, m).
        return super().transform(record, target)
