"""Run flow wms-stock-moves-to-odoo once: python -m wms_stock_moves_to_odoo run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from wms_stock_moves_to_odoo.base import WmsStockMovesToOdooSettings
from wms_stock_moves_to_odoo.connector import WmsStockMovesToOdooConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "wms_stock_moves_to_odoo",
        __doc__,
        WmsStockMovesToOdooSettings.from_env,
        WmsStockMovesToOdooConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
