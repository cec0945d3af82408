"""Run flow quality-hold-to-mes-poznan once: python -m quality_hold_to_mes_poznan run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from quality_hold_to_mes_poznan.base import QualityHoldToMesPoznanSettings
from quality_hold_to_mes_poznan.connector import QualityHoldToMesPoznanConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "quality_hold_to_mes_poznan",
        __doc__,
        QualityHoldToMesPoznanSettings.from_env,
        QualityHoldToMesPoznanConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
