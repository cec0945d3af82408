"""The command line every flow package shares: ``python -m <flow> run|reconcile``.

Each ``<flow>/__main__.py`` calls ``run_flow`` with its settings and connector classes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from mfgint_runtime.connector import FlowConnector, HasFlowSettings
from mfgint_runtime.errors import ConfigError, ConnectorError
from mfgint_runtime.logs import configure_logging

SettingsT = TypeVar("SettingsT", bound=HasFlowSettings)


def run_flow(
    package: str,
    description: str | None,
    read_settings: Callable[[Mapping[str, str]], SettingsT],
    connector: Callable[[SettingsT], FlowConnector],
    argv: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Parse the command line, build the connector from the environment and run it.

    Exit codes: 0 done, 1 records were dead-lettered or the run failed, 2 configuration error
    (or a hook of connector.py not written yet).
    """
    parser = argparse.ArgumentParser(prog=f"python -m {package}", description=description)
    parser.add_argument("--metrics-file", help="write Prometheus metrics to this file at the end")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="consume / pull once, as scheduled")
    run.add_argument("--max-messages", type=int, default=None)
    reconcile = commands.add_parser("reconcile", help="pull changes since a watermark")
    reconcile.add_argument("--since", default=None, help="start point, e.g. 2026-01-01 00:00:00")
    args = parser.parse_args(argv)
    env = os.environ if environ is None else environ
    flow: FlowConnector | None = None
    try:
        settings = read_settings(env)
        configure_logging(settings.flow.log_level)
        flow = connector(settings)
        if args.command == "run":
            report = flow.run(args.max_messages)
        else:
            report = flow.reconcile(args.since)
    except ConfigError as exc:
        print(f"{package}: configuration error: {exc}", file=sys.stderr)
        return 2
    except NotImplementedError as exc:
        print(f"{package}: not written yet: {exc}", file=sys.stderr)
        return 2
    except ConnectorError as exc:
        print(f"{package}: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.metrics_file and flow is not None:
            flow.metrics.write_textfile(args.metrics_file)
    summary = {"delivered": report.delivered, "failed": report.failed}
    print(json.dumps(summary, sort_keys=True))
    return 1 if report.failed else 0
