"""Run flow breakdown-request-to-cmms once: python -m breakdown_request_to_cmms run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from breakdown_request_to_cmms.base import BreakdownRequestToCmmsSettings
from breakdown_request_to_cmms.connector import BreakdownRequestToCmmsConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "breakdown_request_to_cmms",
        __doc__,
        BreakdownRequestToCmmsSettings.from_env,
        BreakdownRequestToCmmsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
