"""Run flow lot-registered-to-analytics once: python -m lot_registered_to_analytics run|reconc..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from lot_registered_to_analytics.base import LotRegisteredToAnalyticsSettings
from lot_registered_to_analytics.connector import LotRegisteredToAnalyticsConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "lot_registered_to_analytics",
        __doc__,
        LotRegisteredToAnalyticsSettings.from_env,
        LotRegisteredToAnalyticsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
