"""Run flow quality-alert-to-odoo once: python -m quality_alert_to_odoo run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from quality_alert_to_odoo.base import QualityAlertToOdooSettings
from quality_alert_to_odoo.connector import QualityAlertToOdooConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "quality_alert_to_odoo",
        __doc__,
        QualityAlertToOdooSettings.from_env,
        QualityAlertToOdooConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
