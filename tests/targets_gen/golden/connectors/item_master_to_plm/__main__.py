"""Run flow item-master-to-plm once: python -m item_master_to_plm run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from item_master_to_plm.base import ItemMasterToPlmSettings
from item_master_to_plm.connector import ItemMasterToPlmConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "item_master_to_plm",
        __doc__,
        ItemMasterToPlmSettings.from_env,
        ItemMasterToPlmConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
