"""Run flow shipment-to-3pl once: python -m shipment_to_3pl run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from shipment_to_3pl.base import ShipmentTo3plSettings
from shipment_to_3pl.connector import ShipmentTo3plConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "shipment_to_3pl",
        __doc__,
        ShipmentTo3plSettings.from_env,
        ShipmentTo3plConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
