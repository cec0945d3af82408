"""Run flow shipment-tracking-from-3pl once: python -m shipment_tracking_from_3pl run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from shipment_tracking_from_3pl.base import ShipmentTrackingFrom3plSettings
from shipment_tracking_from_3pl.connector import ShipmentTrackingFrom3plConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "shipment_tracking_from_3pl",
        __doc__,
        ShipmentTrackingFrom3plSettings.from_env,
        ShipmentTrackingFrom3plConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
