"""Run flow purchase-order-confirmation once: python -m purchase_order_confirmation run|reconc..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from purchase_order_confirmation.base import PurchaseOrderConfirmationSettings
from purchase_order_confirmation.connector import PurchaseOrderConfirmationConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "purchase_order_confirmation",
        __doc__,
        PurchaseOrderConfirmationSettings.from_env,
        PurchaseOrderConfirmationConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
