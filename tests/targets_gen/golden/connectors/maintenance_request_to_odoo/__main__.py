"""Run flow maintenance-request-to-odoo once: python -m maintenance_request_to_odoo run|reconc..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from maintenance_request_to_odoo.base import MaintenanceRequestToOdooSettings
from maintenance_request_to_odoo.connector import MaintenanceRequestToOdooConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "maintenance_request_to_odoo",
        __doc__,
        MaintenanceRequestToOdooSettings.from_env,
        MaintenanceRequestToOdooConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
