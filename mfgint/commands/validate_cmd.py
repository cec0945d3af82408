"""``mfgint validate``: check specs against the schemas and the governance rules."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from mfgint.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    config_failure,
    emit,
    fail_usage,
    split_list,
    use_color,
    write_atomic,
)
from mfgint.commands.progress import FileProgress
from mfgint.compiler.cache import SpecCache, default_cache_dir
from mfgint.config import ConfigError, find_config, load_config
from mfgint.diagnostics import Severity
from mfgint.pipeline import resolve_today, validate
from mfgint.reporters import REPORTERS, Report
from mfgint.reporters.base import checked_resources
from mfgint.validators.engine import (
    RuleCrash,
    Selection,
    baseline_document,
    read_baseline,
    validate_selectors,
)
from mfgint.validators.registry import RegistryError, default_registry

FAIL_ON = ("error", "warning", "info", "never")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command(
        "validate",
        help="Check spec files against the schemas and governance rules. Exit codes: 0 = no "
        "findings at or above --fail-on; 1 = findings at or above --fail-on; 2 = usage or "
        "configuration error.",
    )(validate_command)


def validate_command(
    paths: list[Path] = typer.Argument(None, help="Spec files or folders (default: .)."),
    fmt: str = typer.Option(
        "text", "--format", "-f", help=f"Output format: {', '.join(REPORTERS)}."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here."),
    select: list[str] = typer.Option(
        None, "--select", help="Only these codes or families (prefix, comma-separated)."
    ),
    ignore: list[str] = typer.Option(
        None, "--ignore", help="Skip these codes or families (prefix, comma-separated)."
    ),
    fail_on: str = typer.Option(
        "error",
        "--fail-on",
        help="Lowest severity that fails the run: error, warning, info, never.",
    ),
    config_file: Path | None = typer.Option(
        None, "--config", help="mfgint.yaml to use (default: the one at the first spec folder)."
    ),
    today: str | None = typer.Option(
        None, "--today", help="Date for expiry checks, YYYY-MM-DD (default: MFGINT_TODAY or today)."
    ),
    baseline: Path | None = typer.Option(
        None, "--baseline", help="Report only findings not recorded in this baseline file."
    ),
    write_baseline: Path | None = typer.Option(
        None, "--write-baseline", help="Record today's findings in this file and exit 0."
    ),
    no_cache: bool = typer.Option(
        False,
        "--no-cache",
        help="Do not read or write the cache of checked files (default folder: "
        "$MFGINT_CACHE_DIR, else ~/.cache/mfgint; MFGINT_NO_CACHE=1 also disables it).",
    ),
) -> None:
    """Check spec files against the schemas and governance rules."""
    if fmt not in REPORTERS:
        fail_usage(f"unknown format {fmt!r}", f"choose one of: {', '.join(REPORTERS)}")
    if fail_on not in FAIL_ON:
        fail_usage(f"unknown --fail-on {fail_on!r}", f"choose one of: {', '.join(FAIL_ON)}")
    threshold = None if fail_on == "never" else Severity.parse(fail_on)
    spec_paths = list(paths or [Path(".")])
    try:
        registry = default_registry()
    except RegistryError as exc:
        fail_usage(f"rule registry: {exc}")
    try:
        cli_select, cli_ignore = split_list(select), split_list(ignore)
        validate_selectors(registry, (*cli_select, *cli_ignore))
        cfg_path = config_file if config_file is not None else find_config(spec_paths)
        if config_file is not None and not config_file.is_file():
            raise ConfigError(f"config file {config_file} does not exist")
        config = load_config(cfg_path, spec_paths[0] if spec_paths[0].is_dir() else Path("."))
        validate_selectors(registry, (*config.select, *config.ignore))
        selection = Selection(config.select, config.ignore, cli_select, cli_ignore)
        day = resolve_today(today)
        known = read_baseline(baseline) if baseline is not None else None
        cache = None
        if not no_cache and not os.environ.get("MFGINT_NO_CACHE"):
            cache = SpecCache(default_cache_dir(), config.root)
        with FileProgress() as progress:
            run = validate(
                spec_paths,
                config=config,
                selection=selection,
                today=day,
                baseline=known,
                registry=registry,
                progress=progress,
                cache=cache,
            )
    except ConfigError as exc:
        config_failure(exc)
    except RuleCrash as exc:
        fail_usage(f"internal error: {exc}", "please report this as a bug in mfgint")
    outcome = run.outcome
    if write_baseline is not None:
        write_atomic(write_baseline, baseline_document(outcome.diagnostics))
        typer.echo(
            f"wrote {write_baseline} with {sum(1 for d in outcome.diagnostics if not d.waived)} "
            "findings",
            err=True,
        )
        raise typer.Exit(EXIT_OK)
    compiled = run.compiled
    report = Report(
        diagnostics=outcome.diagnostics,
        registry=registry,
        sources={s.path: s for s in compiled.sources},
        checked=checked_resources(compiled.model, compiled.sources, outcome.diagnostics)
        if REPORTERS[fmt].needs_checked
        else (),
        file_count=compiled.file_count,
        fail_on=threshold,
        baselined=outcome.baselined,
        color=fmt == "text" and output is None and use_color(),
    )
    emit(REPORTERS[fmt]().render(report), output)
    raise typer.Exit(EXIT_FINDINGS if outcome.failing(threshold) else EXIT_OK)
