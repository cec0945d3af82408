"""Run flow item-master-to-wms once: python -m item_master_to_wms run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from item_master_to_wms.base import ItemMasterToWmsSettings
from item_master_to_wms.connector import ItemMasterToWmsConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "item_master_to_wms",
        __doc__,
        ItemMasterToWmsSettings.from_env,
        ItemMasterToWmsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
