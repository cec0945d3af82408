"""Run flow item-master-to-mes-poznan once: python -m item_master_to_mes_poznan run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from item_master_to_mes_poznan.base import ItemMasterToMesPoznanSettings
from item_master_to_mes_poznan.connector import ItemMasterToMesPoznanConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "item_master_to_mes_poznan",
        __doc__,
        ItemMasterToMesPoznanSettings.from_env,
        ItemMasterToMesPoznanConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
