"""``mfgint generate`` and ``mfgint targets``: turn the specs into gateway config and contracts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from mfgint.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    config_failure,
    fail_usage,
    split_list,
)
from mfgint.config import ConfigError, find_config, load_config
from mfgint.diagnostics import Severity, sort_diagnostics
from mfgint.pipeline import resolve_today, validate

if TYPE_CHECKING:
    from mfgint.targets.writer import Plan

EXIT_HELP = (
    "Exit codes: 0 = done (with --check: the output is up to date); 1 = refused (errors in the "
    "specs, files edited by hand) or, with --check, the output differs; 2 = usage or "
    "configuration error."
)


def register(app: typer.Typer) -> None:
    """Add the commands to the app."""
    app.command(
        "generate",
        help="Generate gateway config, API and event contracts from the specs into --out. "
        + EXIT_HELP,
    )(generate_command)
    app.command("targets", help="List the generation targets.")(targets_command)


def targets_command() -> None:
    """List the generation targets."""
    from mfgint.targets.registry import TARGETS

    width = max(len(n) for n in TARGETS)
    for name, cls in TARGETS.items():
        typer.echo(f"{name:<{width}}  {cls.output_dir + '/':<12} {cls.description}")


def generate_command(
    paths: list[Path] = typer.Argument(None, help="Spec files or folders (default: .)."),
    out: Path = typer.Option(None, "--out", "-o", help="Output folder (required)."),
    target: list[str] = typer.Option(
        None, "--target", "-t", help="Only these targets (repeat or comma-separate); "
        "see `mfgint targets`."
    ),
    selector: str | None = typer.Option(
        None, "--select", "-s", help="Only what this selector chooses, e.g. plant:lyon."
    ),
    exclude: str | None = typer.Option(None, "--exclude", help="Leave out what this selects."),
    templates: Path | None = typer.Option(
        None, "--templates", help="Folder of templates that override the built-in ones "
        "(default: targets.templates in mfgint.yaml)."
    ),
    check: bool = typer.Option(
        False, "--check", help="Write nothing; exit 1 and list the differences when the "
        "output folder is not what the specs generate."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would change; write nothing."),
    diff: bool = typer.Option(False, "--diff", help="Show the changes as a diff; write nothing."),
    force: bool = typer.Option(
        False, "--force", help="Overwrite or remove generated files even if edited by hand."
    ),
    config_file: Path | None = typer.Option(
        None, "--config", help="mfgint.yaml to use (default: the one at the first spec folder)."
    ),
    today: str | None = typer.Option(
        None, "--today", help="Date for expiry checks, YYYY-MM-DD (default: MFGINT_TODAY or today)."
    ),
) -> None:
    """Generate artifacts from the specs."""
    # Imported here so that `mfgint validate` does not pay for jinja2 and the targets at start.
    from mfgint.graph.core import IntegrationGraph
    from mfgint.graph.selectors import SelectorError, select
    from mfgint.targets.base import GenerationError, Scope, TargetContext
    from mfgint.targets.env import make_env
    from mfgint.targets.registry import TARGETS
    from mfgint.targets.runner import run_targets
    from mfgint.targets.writer import (
        ConflictError,
        Planner,
        StagingMode,
        UnsafePathError,
        WriterError,
        apply,
    )

    if out is None:
        fail_usage("--out is required", "e.g. mfgint generate specs --out generated")
    names = split_list(target) or tuple(TARGETS)
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        fail_usage(f"unknown target {unknown[0]!r}", f"choose from: {', '.join(TARGETS)}")
    spec_paths = list(paths or [Path(".")])
    missing = [p for p in spec_paths if not p.exists()]
    if missing:
        fail_usage(f"{missing[0]} does not exist")
    try:
        cfg_path = config_file if config_file is not None else find_config(spec_paths)
        if config_file is not None and not config_file.is_file():
            raise ConfigError(f"config file {config_file} does not exist")
        config = load_config(cfg_path, spec_paths[0] if spec_paths[0].is_dir() else Path("."))
        day = resolve_today(today)
        run = validate(spec_paths, config=config, today=day)
    except ConfigError as exc:
        config_failure(exc)
    errors = [d for d in run.outcome.diagnostics if not d.waived and d.severity >= Severity.ERROR]
    if errors:
        for d in sort_diagnostics(errors):
            typer.echo(f"{d.span}: error[{d.code}] {d.message}", err=True)
        typer.echo(
            f"mfgint: generation refused: the specs have {len(errors)} error(s); fix them "
            "(`mfgint validate` explains each) and run again.", err=True,
        )
        raise typer.Exit(EXIT_FINDINGS)
    user_templates = templates if templates is not None else config.templates
    if user_templates is not None and not user_templates.is_dir():
        fail_usage(f"templates folder {user_templates} does not exist")
    model = run.compiled.model
    graph = IntegrationGraph(model)
    scope = Scope()
    if selector or exclude:
        try:
            chosen = select(graph, selector or "system:*", exclude)
        except SelectorError as exc:
            fail_usage(exc.message, exc.hint)
        scope = Scope(frozenset(chosen.systems), frozenset(chosen.flows),
                      frozenset(chosen.plants))
    ctx = TargetContext(model=model, graph=graph, env=make_env(user_templates), scope=scope)
    # Files stream into a staging folder beside --out; the read-only modes keep only what they
    # list (or, for --diff, the bytes they show).
    mode: StagingMode = "memory" if diff else "none" if check or dry_run else "disk"
    planner: Planner | None = None
    try:
        planner = Planner(out, mode)
        run_targets(ctx, names, planner)
        result = planner.finish(targets_run=names, prune=scope.everything)
    except BaseException as exc:
        if planner is not None:
            planner.discard()
        if isinstance(exc, GenerationError):
            fail_usage(str(exc))
        if isinstance(exc, (UnsafePathError, WriterError)):
            fail_usage(str(exc))
        if isinstance(exc, OSError):
            fail_usage(f"cannot generate into {out}: {exc.strerror or exc}; nothing was changed")
        raise
    if check or dry_run or diff:
        result.discard()
        _report(result, check=check, dry_run=dry_run, diff=diff)
    try:
        apply(result, force=force)
    except ConflictError as exc:
        for c in exc.conflicts:
            typer.echo(f"  {c.path}: {c.reason}", err=True)
        typer.echo(
            f"mfgint: refused to overwrite {len(exc.conflicts)} file(s) in {out} changed by hand; "
            "move your changes into the specs or a template override, or rerun with --force.",
            err=True,
        )
        raise typer.Exit(EXIT_FINDINGS) from None
    except OSError as exc:
        fail_usage(f"cannot write {out}: {exc.strerror or exc}; nothing was changed")
    _summary(result, force)


def _report(result: Plan, *, check: bool, dry_run: bool, diff: bool) -> None:
    """The read-only modes: list or diff, never write."""
    lines = result.differences()
    if diff:
        typer.echo(result.diff(), nl=False)
    if dry_run or (check and not diff):
        for line in lines:
            typer.echo(f"{'would ' if dry_run and not check else ''}{line}")
    if check:
        if lines:
            typer.echo(f"{result.out}: {len(lines)} difference(s) from what the specs generate; "
                       "run mfgint generate to update it.", err=True)
            raise typer.Exit(EXIT_FINDINGS)
        typer.echo(f"{result.out} is up to date ({result.kept} files).", err=True)
    elif not lines:
        typer.echo(f"{result.out} is up to date ({result.kept} files).", err=True)
    raise typer.Exit(EXIT_OK)


def _summary(result: Plan, force: bool) -> None:
    counts = {"create": 0, "update": 0, "remove": 0}
    for change in result.changes:
        counts[change.action] += 1
        typer.echo(f"{change.action:<7} {change.path}")
    if force:
        for conflict in result.conflicts:
            action = "remove" if result.pending.get(conflict.path) is None else "update"
            counts[action] += 1
            typer.echo(f"{action:<7} {conflict.path} (forced: {conflict.reason})")
    typer.echo(
        f"{result.out}: {counts['create']} created, {counts['update']} updated, "
        f"{counts['remove']} removed, {result.kept} unchanged.", err=True,
    )
