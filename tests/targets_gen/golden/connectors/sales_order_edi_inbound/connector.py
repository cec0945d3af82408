"""Hand-written part of flow sales-order-edi-inbound: created once by mfgint, never overwritten.

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from mfgint_runtime import Record
from sales_order_edi_inbound.base import SalesOrderEdiInboundBase


class SalesOrderEdiInboundConnector(SalesOrderEdiInboundBase):
    """Flow sales-order-edi-inbound with this site's mappings."""

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
        if target == "odoo-erp":
            raise NotImplementedError(
                "connector.py: map sales-order fields to sale.order"
            )
        return super().transform(record, target)
