"""Run flow quality-hold-to-wms once: python -m quality_hold_to_wms run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from quality_hold_to_wms.base import QualityHoldToWmsSettings
from quality_hold_to_wms.connector import QualityHoldToWmsConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "quality_hold_to_wms",
        __doc__,
        QualityHoldToWmsSettings.from_env,
        QualityHoldToWmsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
