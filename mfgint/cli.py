"""The command line: parses options and wires the pipeline stages; nothing else."""

from __future__ import annotations

import atexit
import gc
import os
import sys
from typing import NoReturn

import typer

from mfgint import __version__
from mfgint.commands import COMMAND_MODULES

EXIT_CODES_HELP = (
    "Exit codes: 0 = no findings at or above --fail-on; 1 = findings at or above --fail-on; "
    "2 = usage or configuration error (bad option, unreadable config, unknown rule code)."
)

app = typer.Typer(
    name="mfgint",
    help="Integration-as-code for Odoo-centred manufacturers: validate, graph and generate "
    "from YAML specs. " + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mfgint {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Integration-as-code for Odoo-centred manufacturers."""


for _module in COMMAND_MODULES:
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    # A run builds millions of long-lived objects and few reference cycles; the cyclic collector
    # would re-walk the whole heap again and again (a third of a large run's time), so this
    # short-lived process does without it.
    gc.disable()
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        code = 130
    else:
        code = 0
    _exit(code)


def _exit(code: object) -> NoReturn:
    """End the process as ``sys.exit(code)`` would, without freeing the heap first.

    Interpreter shutdown frees every object one by one: after a large run that takes a few
    tenths of a second for nothing, as the OS reclaims the memory anyway (mypy ends the same
    way). atexit handlers still run; the standard streams are flushed here.
    """
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        sys.stderr.write(f"{code}\n")
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        if stream is None or stream.closed:
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            status = 120  # what the interpreter's own shutdown returns when a flush fails
    os._exit(status)
