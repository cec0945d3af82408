"""Hand-written part of flow purchase-order-to-portal: created once by mfgint, never overwritten.

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from mfgint_runtime import Record
from purchase_order_to_portal.base import PurchaseOrderToPortalBase


class PurchaseOrderToPortalConnector(PurchaseOrderToPortalBase):
    """Flow purchase-order-to-portal with this site's mappings."""

    def from_source(self, row: Record) -> Record:
        """Map a purchase.order row read from odoo-erp to a canonical record."""
        # Canonical fields: currency, date_order, lines, po_number, ship_to_plant, state,
        # supplier_code, supplier_ref. Set SOURCE_FIELDS to read only the Odoo fields you map.
        raise NotImplementedError(
            "connector.py: map purchase.order fields to purchase-order"
        )

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical purchase-order 1.0 record to what target expects."""
        # currency (string): ISO 4217 currency code.
        # date_order (string): Order date; date_order.
        # lines (array): Order lines; order_line.
        # po_number (string): Order reference; purchase.order.name (e.g. P01234).
        # ship_to_plant (string): Acme plant code (Plant.spec.code).
        # state (string): Odoo 17 purchase.order.state.
        # supplier_code (string): Supplier code; partner_id.ref.
        # supplier_ref (string): Supplier's order confirmation reference;
        # purchase.order.partner_ref.
        return super().transform(record, target)
