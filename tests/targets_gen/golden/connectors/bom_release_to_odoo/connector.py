"""Hand-written part of flow bom-release-to-odoo: created once by mfgint, never overwritten.

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from bom_release_to_odoo.base import BomReleaseToOdooBase
from mfgint_runtime import Record


class BomReleaseToOdooConnector(BomReleaseToOdooBase):
    """Flow bom-release-to-odoo with this site's mappings."""

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical bom 1.0 record to what target expects."""
        # bom_revision (string): BOM revision from the PLM; stored in Odoo mrp.bom.code.
        # bom_type (string): Odoo mrp.bom.type: normal, phantom (kit) or subcontract.
        # change_number (string): PLM change notice that released this revision.
        # effective_date (string): Date from which the revision applies.
        # item_number (string): Acme item number; Odoo product.product.default_code, unique per
        # company by Acme convention.
        # lines (array): Component lines; mrp.bom.bom_line_ids.
        # operations (array): Routing operations; mrp.bom.operation_ids.
        # quantity (number): Quantity the BOM produces; mrp.bom.product_qty.
        # uom (string): Unit of measure name as in Odoo uom.uom (e.g. Units, kg, m).
        if target == "odoo-erp":
            raise NotImplementedError(
                "connector.py: map bom fields to mrp.bom"
            )
        return super().transform(record, target)
