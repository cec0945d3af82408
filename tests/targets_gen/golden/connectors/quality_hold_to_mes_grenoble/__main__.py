"""Run flow quality-hold-to-mes-grenoble once: python -m quality_hold_to_mes_grenoble run|reco..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from quality_hold_to_mes_grenoble.base import QualityHoldToMesGrenobleSettings
from quality_hold_to_mes_grenoble.connector import QualityHoldToMesGrenobleConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "quality_hold_to_mes_grenoble",
        __doc__,
        QualityHoldToMesGrenobleSettings.from_env,
        QualityHoldToMesGrenobleConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
