"""Run flow production-confirmation-lyon once: python -m production_confirmation_lyon run|reco..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from production_confirmation_lyon.base import ProductionConfirmationLyonSettings
from production_confirmation_lyon.connector import ProductionConfirmationLyonConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "production_confirmation_lyon",
        __doc__,
        ProductionConfirmationLyonSettings.from_env,
        ProductionConfirmationLyonConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
