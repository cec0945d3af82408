"""Hand-written part of flow asn-edi-inbound: created once by mfgint, never overwritten.

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from asn_edi_inbound.base import AsnEdiInboundBase
from mfgint_runtime import Record


class AsnEdiInboundConnector(AsnEdiInboundBase):
    """Flow asn-edi-inbound with this site's mappings."""

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical despatch-advice 1.0 record to what target expects."""
        # asn_number (string): Supplier's despatch advice number (EDIFACT BGM / X12 BSN02).
        # carrier (string): Carrier name.
        # expected_delivery (string): Estimated delivery date and time.
        # lines (array): Despatched lines.
        # ship_date (string): Despatch date and time.
        # ship_to_plant (string): Acme plant code (Plant.spec.code).
        # standard (string): Source message standard.
        # supplier_code (string): Supplier code; res.partner.ref.
        # tracking_number (string): Carrier tracking number.
        if target == "odoo-erp":
            raise NotImplementedError(
                "connector.py: map despatch-advice fields to stock.picking"
            )
        return super().transform(record, target)
