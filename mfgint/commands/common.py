"""Helpers shared by commands: option parsing, errors, atomic output."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import typer

from mfgint.config import ConfigError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


def split_list(values: Iterable[str] | None) -> tuple[str, ...]:
    """``--select A,B --select C`` -> ("A", "B", "C")."""
    out: list[str] = []
    for value in values or ():
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return tuple(out)


def fail_usage(message: str, hint: str | None = None) -> NoReturn:
    """Print a usage/configuration error and exit 2."""
    typer.echo(f"mfgint: error: {message}", err=True)
    if hint:
        typer.echo(f"  hint: {hint}", err=True)
    raise typer.Exit(EXIT_USAGE)


def config_failure(exc: ConfigError) -> NoReturn:
    """Report a ConfigError with its location and exit 2."""
    where = f"{exc.span}: " if exc.span else ""
    fail_usage(f"{where}{exc.message}", exc.hint)


def use_color(stream: object = None) -> bool:
    """Color only on a terminal and when NO_COLOR is not set."""
    if os.environ.get("NO_COLOR") is not None:
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    target = stream if stream is not None else sys.stdout
    isatty = getattr(target, "isatty", None)
    return bool(isatty and isatty())


def write_atomic(path: Path, text: str) -> None:
    """Write a file so that readers never see it half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def emit(text: str, output: Path | None) -> None:
    """Send output to a file (atomically) or to stdout."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            write_atomic(output, text)
        except OSError as exc:
            fail_usage(f"cannot write {output}: {exc.strerror or exc}")
