"""Run flow item-master-to-mes-grenoble once: python -m item_master_to_mes_grenoble run|reconc..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from item_master_to_mes_grenoble.base import ItemMasterToMesGrenobleSettings
from item_master_to_mes_grenoble.connector import ItemMasterToMesGrenobleConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "item_master_to_mes_grenoble",
        __doc__,
        ItemMasterToMesGrenobleSettings.from_env,
        ItemMasterToMesGrenobleConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
