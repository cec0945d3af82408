"""Run flow item-master-to-qms once: python -m item_master_to_qms run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from item_master_to_qms.base import ItemMasterToQmsSettings
from item_master_to_qms.connector import ItemMasterToQmsConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "item_master_to_qms",
        __doc__,
        ItemMasterToQmsSettings.from_env,
        ItemMasterToQmsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
