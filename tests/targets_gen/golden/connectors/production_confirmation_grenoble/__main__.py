"""Run flow production-confirmation-grenoble once: python -m production_confirmation_grenoble..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from production_confirmation_grenoble.base import ProductionConfirmationGrenobleSettings
from production_confirmation_grenoble.connector import ProductionConfirmationGrenobleConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "production_confirmation_grenoble",
        __doc__,
        ProductionConfirmationGrenobleSettings.from_env,
        ProductionConfirmationGrenobleConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
