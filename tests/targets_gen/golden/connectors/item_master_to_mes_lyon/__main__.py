"""Run flow item-master-to-mes-lyon once: python -m item_master_to_mes_lyon run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from item_master_to_mes_lyon.base import ItemMasterToMesLyonSettings
from item_master_to_mes_lyon.connector import ItemMasterToMesLyonConnector
from mfgint_runtime.cli import run_flow


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "item_master_to_mes_lyon",
        __doc__,
        ItemMasterToMesLyonSettings.from_env,
        ItemMasterToMesLyonConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
