"""Run flow item-master-to-cmms once: python -m item_master_to_cmms run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from item_master_to_cmms.base import ItemMasterToCmmsSettings
from item_master_to_cmms.connector import ItemMasterToCmmsConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "item_master_to_cmms",
        __doc__,
        ItemMasterToCmmsSettings.from_env,
        ItemMasterToCmmsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
