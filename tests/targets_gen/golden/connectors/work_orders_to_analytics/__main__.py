"""Run flow work-orders-to-analytics once: python -m work_orders_to_analytics run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from work_orders_to_analytics.base import WorkOrdersToAnalyticsSettings
from work_orders_to_analytics.connector import WorkOrdersToAnalyticsConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "work_orders_to_analytics",
        __doc__,
        WorkOrdersToAnalyticsSettings.from_env,
        WorkOrdersToAnalyticsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
