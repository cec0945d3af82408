"""Hand-written part of flow quality-alert-to-odoo: created once by mfgint, never overwritten.

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from mfgint_runtime import Record
from quality_alert_to_odoo.base import QualityAlertToOdooBase


class QualityAlertToOdooConnector(QualityAlertToOdooBase):
    """Flow quality-alert-to-odoo with this site's mappings."""

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical quality-event 1.0 record to what target expects."""
        # description (string): Details; quality.alert.description.
        # event_type (string): Kind of quality event.
        # hold_stock (boolean): true = quarantine the affected lots in the WMS and block them in
        # Odoo.
        # item_number (string): Acme item number; Odoo product.product.default_code, unique per
        # company by Acme convention.
        # lot_numbers (array): Affected lots.
        # plant_code (string): Acme plant code (Plant.spec.code).
        # quality_event_id (string): QMS record number (e.g. NC-2026-00412).
        # raised_at (string): When the event was raised.
        # severity (string): Severity.
        # status (string): Workflow status in the QMS.
        # supplier_code (string): Supplier concerned (supplier NCR), if any.
        # title (string): Short title; quality.alert.name.
        # work_order_number (string): Manufacturing order concerned, if any.
        if target == "odoo-erp":
            raise NotImplementedError(
                "connector.py: map quality-event fields to quality.alert"
            )
        return super().transform(record, target)
