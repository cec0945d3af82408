"""Run flow stock-moves-to-analytics once: python -m stock_moves_to_analytics run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from stock_moves_to_analytics.base import StockMovesToAnalyticsSettings
from stock_moves_to_analytics.connector import StockMovesToAnalyticsConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "stock_moves_to_analytics",
        __doc__,
        StockMovesToAnalyticsSettings.from_env,
        StockMovesToAnalyticsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
