"""Hand-written part of flow item-master-to-cmms: created once by mfgint, never overwritten.

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from item_master_to_cmms.base import ItemMasterToCmmsBase
from mfgint_runtime import Record


class ItemMasterToCmmsConnector(ItemMasterToCmmsBase):
    """Flow item-master-to-cmms with this site's mappings."""

    def from_source(self, row: Record) -> Record:
        """Map a product.product row read from odoo-erp to a canonical record."""
        # Canonical fields: barcode, category, country_of_origin, drawing_number, hs_code,
        # item_number, item_type, name, revision, tracking, uom, weight_kg. Set SOURCE_FIELDS to
        # read only the Odoo fields you map.
        raise NotImplementedError(
            "connector.py: map product.product fields to item"
        )

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical item 1.1 record to what target expects."""
        # barcode (string): EAN/GTIN barcode; Odoo product.product.barcode (unique per company).
        # category (string): Product category path; Odoo product.category complete name (e.g. All /
        # Valves / Ball valves).
        # country_of_origin (string): ISO 3166-1 alpha-2 country of origin for customs (optional,
        # added in 1.1).
        # drawing_number (string): Drawing number of the released CAD model in the PLM.
        # hs_code (string): Harmonized System customs tariff code, needed on 3PL and carrier customs
        # documents for non-EU shipments (optional, added in 1.1).
        # item_number (string): Acme item number; Odoo product.product.default_code, unique per
        # company by Acme convention.
        # item_type (string): Inventory behaviour; Odoo 17 product.template.detailed_type (product =
        # storable, consu, service).
        # name (string): Item name; Odoo product.template.name.
        # revision (string): Engineering revision released in the PLM (e.g. C).
        # tracking (string): Traceability; Odoo product.template.tracking.
        # uom (string): Unit of measure name as in Odoo uom.uom (e.g. Units, kg, m).
        # weight_kg (number): Net weight in kilograms; Odoo product.product.weight.
        return super().transform(record, target)
