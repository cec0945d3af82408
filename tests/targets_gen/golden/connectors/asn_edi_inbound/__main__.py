"""Run flow asn-edi-inbound once: python -m asn_edi_inbound run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from asn_edi_inbound.base import AsnEdiInboundSettings
from asn_edi_inbound.connector import AsnEdiInboundConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "asn_edi_inbound",
        __doc__,
        AsnEdiInboundSettings.from_env,
        AsnEdiInboundConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
