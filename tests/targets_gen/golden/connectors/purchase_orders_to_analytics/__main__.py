"""Run flow purchase-orders-to-analytics once: python -m purchase_orders_to_analytics run|reco..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from purchase_orders_to_analytics.base import PurchaseOrdersToAnalyticsSettings
from purchase_orders_to_analytics.connector import PurchaseOrdersToAnalyticsConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "purchase_orders_to_analytics",
        __doc__,
        PurchaseOrdersToAnalyticsSettings.from_env,
        PurchaseOrdersToAnalyticsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
