"""Run flow work-order-download-lyon once: python -m work_order_download_lyon run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from work_order_download_lyon.base import WorkOrderDownloadLyonSettings
from work_order_download_lyon.connector import WorkOrderDownloadLyonConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "work_order_download_lyon",
        __doc__,
        WorkOrderDownloadLyonSettings.from_env,
        WorkOrderDownloadLyonConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
