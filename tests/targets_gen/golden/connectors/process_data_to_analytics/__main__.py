"""Run flow process-data-to-analytics once: python -m process_data_to_analytics run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from process_data_to_analytics.base import ProcessDataToAnalyticsSettings
from process_data_to_analytics.connector import ProcessDataToAnalyticsConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "process_data_to_analytics",
        __doc__,
        ProcessDataToAnalyticsSettings.from_env,
        ProcessDataToAnalyticsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
