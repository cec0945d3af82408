"""Hand-written part of flow process-data-to-analytics: created once by mfgint, never overwritten.

Override the base class's hooks here: transform() (canonical record -> target values),
from_source() (source row -> canonical record), natural_key_domain() (find records that were
not created through this flow), parse_file() / render_file(), open_broker() / open_files().
"""

from __future__ import annotations

from mfgint_runtime import Record
from process_data_to_analytics.base import ProcessDataToAnalyticsBase


class ProcessDataToAnalyticsConnector(ProcessDataToAnalyticsBase):
    """Flow process-data-to-analytics with this site's mappings."""

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical equipment-reading 1.0 record to what target expects."""
        # asset_tag (string): Asset tag shared by the historian and the CMMS.
        # meter_name (string): Meter or tag name (e.g. RUNHOURS, CYCLES, VIB-RMS).
        # plant_code (string): Acme plant code (Plant.spec.code).
        # quality (string): OPC UA status class of the value.
        # reading_time (string): End of the aggregation interval.
        # unit (string): Engineering unit (h, count, mm/s).
        # value (number): Aggregated value.
        return super().transform(record, target)
