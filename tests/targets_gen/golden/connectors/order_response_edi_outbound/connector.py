"""Hand-written part of flow order-response-edi-outbound: created once by mfgint, never overwritten.

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from mfgint_runtime import Record
from order_response_edi_outbound.base import OrderResponseEdiOutboundBase


class OrderResponseEdiOutboundConnector(OrderResponseEdiOutboundBase):
    """Flow order-response-edi-outbound with this site's mappings."""

    def from_source(self, row: Record) -> Record:
        """Map a sale.order row read from odoo-erp to a canonical record."""
        # Canonical fields: client_order_ref, commitment_date, currency, customer_code, date_order,
        # lines, order_number, state. Set SOURCE_FIELDS to read only the Odoo fields you map.
        raise NotImplementedError(
            "connector.py: map sale.order fields to sales-order"
        )

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical sales-order 1.0 record to what target expects."""
        # client_order_ref (string): Customer's PO number; sale.order.client_order_ref.
        # commitment_date (string): Promised delivery date; commitment_date.
        # currency (string): ISO 4217 currency code.
        # customer_code (string): Customer code; partner_id.ref.
        # date_order (string): Order date; date_order.
        # lines (array): Order lines; order_line.
        # order_number (string): Order reference; sale.order.name (e.g. S04877).
        # state (string): Odoo 17 sale.order.state.
        return super().transform(record, target)
