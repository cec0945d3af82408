"""Hand-written part of flow shipment-validated-to-analytics: created once by mfgint, never overw...

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from mfgint_runtime import Record
from shipment_validated_to_analytics.base import ShipmentValidatedToAnalyticsBase


class ShipmentValidatedToAnalyticsConnector(ShipmentValidatedToAnalyticsBase):
    """Flow shipment-validated-to-analytics with this site's mappings."""

    def from_source(self, row: Record) -> Record:
        """Map a stock.picking row read from odoo-erp to a canonical record."""
        # Canonical fields: carrier, date_done, lines, origin, packages, partner_ref, picking_type,
        # scheduled_date, ship_from_plant, ship_to, shipment_number, state, tracking_ref. Set
        # SOURCE_FIELDS to read only the Odoo fields you map.
        raise NotImplementedError(
            "connector.py: map stock.picking fields to shipment"
        )

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical shipment 1.0 record to what target expects."""
        # carrier (string): Carrier; stock.picking.carrier_id (name).
        # date_done (string): Validation date; stock.picking.date_done.
        # lines (array): Lines; move_ids.
        # origin (string): Source document (sales order); stock.picking.origin.
        # packages (array): Packages.
        # partner_ref (string): Customer code; partner_id.ref.
        # picking_type (string): stock.picking.picking_type_id code.
        # scheduled_date (string): Planned date; stock.picking.scheduled_date.
        # ship_from_plant (string): Acme plant code (Plant.spec.code).
        # ship_to (object): Delivery address.
        # shipment_number (string): Transfer reference; stock.picking.name (e.g. LYO/OUT/00871).
        # state (string): stock.picking.state.
        # tracking_ref (string): Carrier tracking number; stock.picking.carrier_tracking_ref.
        return super().transform(record, target)
