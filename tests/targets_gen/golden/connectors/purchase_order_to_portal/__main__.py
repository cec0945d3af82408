"""Run flow purchase-order-to-portal once: python -m purchase_order_to_portal run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from purchase_order_to_portal.base import PurchaseOrderToPortalSettings
from purchase_order_to_portal.connector import PurchaseOrderToPortalConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "purchase_order_to_portal",
        __doc__,
        PurchaseOrderToPortalSettings.from_env,
        PurchaseOrderToPortalConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
