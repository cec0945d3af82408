"""Run flow shipment-validated-to-analytics once: python -m shipment_validated_to_analytics ru..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from shipment_validated_to_analytics.base import ShipmentValidatedToAnalyticsSettings
from shipment_validated_to_analytics.connector import ShipmentValidatedToAnalyticsConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "shipment_validated_to_analytics",
        __doc__,
        ShipmentValidatedToAnalyticsSettings.from_env,
        ShipmentValidatedToAnalyticsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
