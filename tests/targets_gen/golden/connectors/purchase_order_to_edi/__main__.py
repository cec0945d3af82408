"""Run flow purchase-order-to-edi once: python -m purchase_order_to_edi run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from purchase_order_to_edi.base import PurchaseOrderToEdiSettings
from purchase_order_to_edi.connector import PurchaseOrderToEdiConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "purchase_order_to_edi",
        __doc__,
        PurchaseOrderToEdiSettings.from_env,
        PurchaseOrderToEdiConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
