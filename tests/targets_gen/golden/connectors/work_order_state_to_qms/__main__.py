"""Run flow work-order-state-to-qms once: python -m work_order_state_to_qms run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from work_order_state_to_qms.base import WorkOrderStateToQmsSettings
from work_order_state_to_qms.connector import WorkOrderStateToQmsConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "work_order_state_to_qms",
        __doc__,
        WorkOrderStateToQmsSettings.from_env,
        WorkOrderStateToQmsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
