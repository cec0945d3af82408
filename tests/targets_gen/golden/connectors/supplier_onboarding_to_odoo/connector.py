"""Hand-written part of flow supplier-onboarding-to-odoo: created once by mfgint, never overwritten.

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from mfgint_runtime import Record
from supplier_onboarding_to_odoo.base import SupplierOnboardingToOdooBase


class SupplierOnboardingToOdooConnector(SupplierOnboardingToOdooBase):
    """Flow supplier-onboarding-to-odoo with this site's mappings."""

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical supplier 1.0 record to what target expects."""
        # country (string): ISO 3166-1 alpha-2 country; res.partner.country_id.
        # email (string): Order contact e-mail; res.partner.email.
        # iban (string): Bank account IBAN; res.partner.bank_ids (confidential).
        # name (string): Legal name; res.partner.name.
        # payment_terms (string): Payment terms name; res.partner.property_supplier_payment_term_id.
        # status (string): Onboarding status in the portal.
        # supplier_code (string): Acme supplier code; res.partner.ref.
        # vat (string): VAT / tax id; res.partner.vat.
        if target == "odoo-erp":
            raise NotImplementedError(
                "connector.py: map supplier fields to res.partner"
            )
        return super().transform(record, target)
