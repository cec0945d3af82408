"""Run flow item-master-to-qms once: python -m item_master_to_qms run|reconcile."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence

from item_master_to_qms.base import ItemMasterToQmsSettings
from item_master_to_qms.connector import ItemMasterToQmsConnector
from mfgint_runtime import ConfigError, ConnectorError, configure_logging


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    parser = argparse.ArgumentParser(
        prog="python -m item_master_to_qms", description=__doc__
    )
    parser.add_argument("--metrics-file", help="write Prometheus metrics to this file at the end")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="consume / pull once, as scheduled")
    run.add_argument("--max-messages", type=int, default=None)
    reconcile = commands.add_parser("reconcile", help="pull changes since a watermark")
    reconcile.add_argument("--since", default=None, help="start point, e.g. 2026-01-01 00:00:00")
    args = parser.parse_args(argv)
    env = os.environ if environ is None else environ
    connector: ItemMasterToQmsConnector | None = None
    try:
        settings = ItemMasterToQmsSettings.from_env(env)
        configure_logging(settings.flow.log_level)
        connector = ItemMasterToQmsConnector(settings)
        if args.command == "run":
            report = connector.run(args.max_messages)
        else:
            report = connector.reconcile(args.since)
    except ConfigError as exc:
        print(f"item_master_to_qms: configuration error: {exc}", file=sys.stderr)
        return 2
    except NotImplementedError as exc:
        print(f"item_master_to_qms: not written yet: {exc}", file=sys.stderr)
        return 2
    except ConnectorError as exc:
        print(f"item_master_to_qms: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.metrics_file and connector is not None:
            connector.metrics.write_textfile(args.metrics_file)
    summary = {"delivered": report.delivered, "failed": report.failed}
    print(json.dumps(summary, sort_keys=True))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
