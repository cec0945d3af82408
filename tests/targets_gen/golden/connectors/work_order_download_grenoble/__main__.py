"""Run flow work-order-download-grenoble once: python -m work_order_download_grenoble run|reco..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from work_order_download_grenoble.base import WorkOrderDownloadGrenobleSettings
from work_order_download_grenoble.connector import WorkOrderDownloadGrenobleConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "work_order_download_grenoble",
        __doc__,
        WorkOrderDownloadGrenobleSettings.from_env,
        WorkOrderDownloadGrenobleConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
