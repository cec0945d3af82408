"""Run flow shipment-cancel-to-3pl once: python -m shipment_cancel_to_3pl run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from shipment_cancel_to_3pl.base import ShipmentCancelTo3plSettings
from shipment_cancel_to_3pl.connector import ShipmentCancelTo3plConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "shipment_cancel_to_3pl",
        __doc__,
        ShipmentCancelTo3plSettings.from_env,
        ShipmentCancelTo3plConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
