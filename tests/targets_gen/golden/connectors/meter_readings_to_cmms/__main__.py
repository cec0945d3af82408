"""Run flow meter-readings-to-cmms once: python -m meter_readings_to_cmms run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from meter_readings_to_cmms.base import MeterReadingsToCmmsSettings
from meter_readings_to_cmms.connector import MeterReadingsToCmmsConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "meter_readings_to_cmms",
        __doc__,
        MeterReadingsToCmmsSettings.from_env,
        MeterReadingsToCmmsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
