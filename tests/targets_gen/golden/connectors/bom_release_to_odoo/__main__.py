"""Run flow bom-release-to-odoo once: python -m bom_release_to_odoo run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from bom_release_to_odoo.base import BomReleaseToOdooSettings
from bom_release_to_odoo.connector import BomReleaseToOdooConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "bom_release_to_odoo",
        __doc__,
        BomReleaseToOdooSettings.from_env,
        BomReleaseToOdooConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
