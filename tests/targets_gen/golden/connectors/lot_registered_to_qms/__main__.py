"""Run flow lot-registered-to-qms once: python -m lot_registered_to_qms run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from lot_registered_to_qms.base import LotRegisteredToQmsSettings
from lot_registered_to_qms.connector import LotRegisteredToQmsConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "lot_registered_to_qms",
        __doc__,
        LotRegisteredToQmsSettings.from_env,
        LotRegisteredToQmsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
