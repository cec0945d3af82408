"""``mfgint schema``: export the JSON Schemas for editors."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from mfgint.commands.common import emit, fail_usage
from mfgint.compiler.check import did_you_mean
from mfgint.schemas import KINDS, bundle, load_schema


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("schema", help="Print the JSON Schema of a kind, or one bundle for all kinds.")(
        schema_command
    )


def schema_command(
    kind: str | None = typer.Argument(None, help=f"One of: {', '.join(KINDS)}, config."),
    bundle_all: bool = typer.Option(
        False, "--bundle", help="One schema for every kind (for yaml-language-server)."
    ),
    out_dir: Path | None = typer.Option(
        None, "--out-dir", help="Write every schema (and bundle.schema.json) into this folder."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
) -> None:
    """Print the JSON Schema of a kind, or one bundle for all kinds."""
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in (*KINDS, "config"):
            target = out_dir / f"{name.lower()}.schema.json"
            target.write_text(_dump(load_schema(name)), encoding="utf-8")
        (out_dir / "bundle.schema.json").write_text(_dump(bundle()), encoding="utf-8")
        typer.echo(f"wrote {len(KINDS) + 2} schemas to {out_dir}", err=True)
        return
    if bundle_all or kind is None:
        emit(_dump(bundle()), output)
        return
    names = {k.lower(): k for k in (*KINDS, "config")}
    if kind.lower() not in names:
        fail_usage(f"unknown kind {kind!r}", did_you_mean(kind, names.values()))
    emit(_dump(load_schema(names[kind.lower()])), output)


def _dump(schema: object) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
