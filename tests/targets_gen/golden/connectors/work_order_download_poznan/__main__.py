"""Run flow work-order-download-poznan once: python -m work_order_download_poznan run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from work_order_download_poznan.base import WorkOrderDownloadPoznanSettings
from work_order_download_poznan.connector import WorkOrderDownloadPoznanConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "work_order_download_poznan",
        __doc__,
        WorkOrderDownloadPoznanSettings.from_env,
        WorkOrderDownloadPoznanConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
