"""Run flow sales-orders-to-analytics once: python -m sales_orders_to_analytics run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from sales_orders_to_analytics.base import SalesOrdersToAnalyticsSettings
from sales_orders_to_analytics.connector import SalesOrdersToAnalyticsConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "sales_orders_to_analytics",
        __doc__,
        SalesOrdersToAnalyticsSettings.from_env,
        SalesOrdersToAnalyticsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
