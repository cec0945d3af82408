"""Run flow shipment-confirmation-from-3pl once: python -m shipment_confirmation_from_3pl run|..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from shipment_confirmation_from_3pl.base import ShipmentConfirmationFrom3plSettings
from shipment_confirmation_from_3pl.connector import ShipmentConfirmationFrom3plConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "shipment_confirmation_from_3pl",
        __doc__,
        ShipmentConfirmationFrom3plSettings.from_env,
        ShipmentConfirmationFrom3plConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
