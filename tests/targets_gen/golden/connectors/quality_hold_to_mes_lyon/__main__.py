"""Run flow quality-hold-to-mes-lyon once: python -m quality_hold_to_mes_lyon run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from quality_hold_to_mes_lyon.base import QualityHoldToMesLyonSettings
from quality_hold_to_mes_lyon.connector import QualityHoldToMesLyonConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "quality_hold_to_mes_lyon",
        __doc__,
        QualityHoldToMesLyonSettings.from_env,
        QualityHoldToMesLyonConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
