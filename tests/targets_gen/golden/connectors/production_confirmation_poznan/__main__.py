"""Run flow production-confirmation-poznan once: python -m production_confirmation_poznan run|..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from production_confirmation_poznan.base import ProductionConfirmationPoznanSettings
from production_confirmation_poznan.connector import ProductionConfirmationPoznanConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "production_confirmation_poznan",
        __doc__,
        ProductionConfirmationPoznanSettings.from_env,
        ProductionConfirmationPoznanConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
