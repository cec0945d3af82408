"""Run flow supplier-onboarding-to-odoo once: python -m supplier_onboarding_to_odoo run|reconc..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from supplier_onboarding_to_odoo.base import SupplierOnboardingToOdooSettings
from supplier_onboarding_to_odoo.connector import SupplierOnboardingToOdooConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "supplier_onboarding_to_odoo",
        __doc__,
        SupplierOnboardingToOdooSettings.from_env,
        SupplierOnboardingToOdooConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
