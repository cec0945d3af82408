"""Hand-written part of flow maintenance-request-to-odoo: created once by mfgint, never overwritten.

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from maintenance_request_to_odoo.base import MaintenanceRequestToOdooBase
from mfgint_runtime import Record


class MaintenanceRequestToOdooConnector(MaintenanceRequestToOdooBase):
    """Flow maintenance-request-to-odoo with this site's mappings."""

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical maintenance-request 1.0 record to what target expects."""
        # description (string): Problem description.
        # duration_hours (number): Planned duration, hours.
        # equipment_ref (string): Asset tag; maintenance.equipment.serial_no in Odoo.
        # maintenance_type (string): maintenance.request.maintenance_type.
        # plant_code (string): Acme plant code (Plant.spec.code).
        # priority (string): maintenance.request.priority (0 = very low, 1 = low, 2 = normal, 3 =
        # high).
        # request_number (string): CMMS service request number; for requests raised in Odoo, the
        # Odoo reference (maintenance.request name), kept by Maximo as external reference.
        # requested_by (string): Who raised the request (user or system).
        # schedule_date (string): Planned intervention; maintenance.request.schedule_date.
        # status (string): CMMS status.
        # title (string): Summary; maintenance.request.name.
        # workcenter (string): Work centre blocked during the intervention (code).
        if target == "odoo-erp":
            raise NotImplementedError(
                "connector.py: map maintenance-request fields to maintenance.request"
            )
        return super().transform(record, target)
