"""Run flow outbound-delivery-to-wms once: python -m outbound_delivery_to_wms run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from outbound_delivery_to_wms.base import OutboundDeliveryToWmsSettings
from outbound_delivery_to_wms.connector import OutboundDeliveryToWmsConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "outbound_delivery_to_wms",
        __doc__,
        OutboundDeliveryToWmsSettings.from_env,
        OutboundDeliveryToWmsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
