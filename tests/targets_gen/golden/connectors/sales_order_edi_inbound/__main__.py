"""Run flow sales-order-edi-inbound once: python -m sales_order_edi_inbound run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from sales_order_edi_inbound.base import SalesOrderEdiInboundSettings
from sales_order_edi_inbound.connector import SalesOrderEdiInboundConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "sales_order_edi_inbound",
        __doc__,
        SalesOrderEdiInboundSettings.from_env,
        SalesOrderEdiInboundConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
