"""Run flow order-response-edi-outbound once: python -m order_response_edi_outbound run|reconc..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from order_response_edi_outbound.base import OrderResponseEdiOutboundSettings
from order_response_edi_outbound.connector import OrderResponseEdiOutboundConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "order_response_edi_outbound",
        __doc__,
        OrderResponseEdiOutboundSettings.from_env,
        OrderResponseEdiOutboundConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
