"""The command line: parses options and wires the pipeline stages; nothing else."""

from __future__ import annotations

import gc
import sys

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
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
