"""``mfgint graph``, ``mfgint impact`` and ``mfgint plan-migration``: the dependency graph."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import typer

from mfgint.commands.common import config_failure, emit, fail_usage, split_list
from mfgint.config import ConfigError, find_config, load_config
from mfgint.diagnostics import Severity
from mfgint.graph.core import IntegrationGraph
from mfgint.graph.impact import impact_of
from mfgint.graph.impact_report import IMPACT_FORMATS
from mfgint.graph.migration import MigrationError, plan_migration
from mfgint.graph.migration_report import MIGRATION_FORMATS
from mfgint.graph.render import RENDERERS, RenderError
from mfgint.graph.selectors import SelectorError, evaluate, finish
from mfgint.graph.view import GROUP_BY, SHOW_KINDS, build_view
from mfgint.pipeline import compile_specs

SELECTOR_HELP = (
    "Selector, e.g. plant:lyon, +system:mes-lyon, zone:ot,owner:team-erp, object:work-order@2, "
    "pattern:event, latency:realtime, label:domain=quality (space = union, comma = "
    "intersection, +X upstream, X+ downstream, 2+X+1 bounded; see docs/graph.md)."
)

MERMAID_MAX_EDGES = 500  # mermaid's default maxEdges
SHOW_HELP = f"Also draw these node kinds: {', '.join(SHOW_KINDS)} (comma-separated)."


def register(app: typer.Typer) -> None:
    """Add the commands to the app."""
    app.command(
        "graph",
        help="Export the integration graph (systems as nodes, flows as edges in the direction "
        "data moves) as DOT, Mermaid, JSON, GraphML or SVG. Exit codes: 0 = written; 2 = usage "
        "or configuration error (bad selector, unknown format, Graphviz missing for SVG).",
    )(graph_command)
    app.command(
        "impact",
        help="What a change to, or the loss of, the selected systems or objects touches: flows, "
        "systems by depth, events, access policies, workflows, plants, teams to notify and "
        "tier-1 paths. Exit codes: 0 = reported; 2 = usage or configuration error.",
    )(impact_command)
    app.command(
        "plan-migration",
        help="Cut-over waves for retiring a system: flows to re-point per wave in dependency "
        "order, coexistence periods and risk per wave. Exit codes: 0 = planned; 2 = usage or "
        "configuration error.",
    )(plan_migration_command)


def _load(paths: list[Path] | None, config_file: Path | None,
          extra_kinds: tuple[str, ...] = ()) -> IntegrationGraph:
    """Compile the specs once and build the graph; usage errors exit 2."""
    spec_paths = list(paths or [Path(".")])
    missing = [p for p in spec_paths if not p.exists()]
    if missing:
        fail_usage(f"{missing[0]} does not exist", "pass spec files or folders")
    try:
        if config_file is not None and not config_file.is_file():
            raise ConfigError(f"config file {config_file} does not exist")
        cfg_path = config_file if config_file is not None else find_config(spec_paths)
        config = load_config(cfg_path, spec_paths[0] if spec_paths[0].is_dir() else Path("."))
        compiled = compile_specs(spec_paths, config)
    except ConfigError as exc:
        config_failure(exc)
    errors = sum(1 for d in compiled.diagnostics if d.severity >= Severity.ERROR)
    if errors:
        typer.echo(
            f"mfgint: note: the specs have {errors} error{'s' if errors != 1 else ''}; the "
            "graph holds what could be read (run `mfgint validate` for details)", err=True,
        )
    if compiled.file_count == 0:
        fail_usage(f"no spec files found in {', '.join(map(str, spec_paths))}",
                   "check the paths and the include/exclude globs of mfgint.yaml")
    return IntegrationGraph(compiled.model, extra_kinds=extra_kinds)


def _choice(value: str, choices: Mapping[str, object] | tuple[str, ...], what: str) -> str:
    if value not in choices:
        fail_usage(f"unknown {what} {value!r}", f"choose one of: {', '.join(choices)}")
    return value


def graph_command(
    paths: list[Path] = typer.Argument(None, help="Spec files or folders (default: .)."),
    fmt: str = typer.Option(
        "dot", "--format", "-f", help=f"Output format: {', '.join(RENDERERS)}."
    ),
    select: list[str] = typer.Option(
        None, "--select", "-s", help=SELECTOR_HELP + " Repeat to add (union)."
    ),
    exclude: list[str] = typer.Option(
        None, "--exclude", help="Leave out what this selector matches. Repeat to add."
    ),
    group_by: str | None = typer.Option(
        None, "--group-by", help=f"Cluster systems by {', '.join(GROUP_BY)}."
    ),
    collapse: bool = typer.Option(
        False, "--collapse", help="With --group-by: draw each group as one node and the flows "
        "between two groups as one edge with their count (for large landscapes)."
    ),
    show: list[str] = typer.Option(
        None, "--show", help=SHOW_HELP
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the export here."),
    config_file: Path | None = typer.Option(
        None, "--config", help="mfgint.yaml to use (default: the one at the first spec folder)."
    ),
) -> None:
    """Export the integration graph."""
    _choice(fmt, RENDERERS, "format")
    if group_by is not None:
        _choice(group_by, GROUP_BY, "--group-by")
    if collapse and group_by is None:
        fail_usage("--collapse needs --group-by", f"add --group-by {'|'.join(GROUP_BY)}")
    kinds = tuple(k.rstrip("s") if k.rstrip("s") in SHOW_KINDS else k for k in split_list(show))
    for kind in kinds:
        _choice(kind, SHOW_KINDS, "--show kind")
    expr = " ".join(select or ()).strip()
    excl = " ".join(exclude or ()).strip() or None
    if excl and not expr:
        expr = "system:*"
    graph = _load(paths, config_file, tuple(dict.fromkeys(kinds)))
    selected = hidden = None
    if expr:
        try:
            term = evaluate(graph, expr, excl)
            selected = finish(graph, term)
        except SelectorError as exc:
            fail_usage(exc.message, exc.hint)
        if not (selected.systems or selected.flows):
            fail_usage(f"--select {expr!r}" + (f" --exclude {excl!r}" if excl else "")
                       + " matches nothing to draw (no system or flow)",
                       "each part matches something, but their combination is empty")
        hidden = term.hidden
    meta = {"select": expr or None, "exclude": excl, "show": list(kinds)}
    view = build_view(graph, selected, group_by=group_by, collapse=collapse, show=kinds,
                      hidden=hidden or (), meta=meta, locations=fmt in ("json", "graphml"),
                      title="mfgint integration graph" + (f": {expr}" if expr else ""))
    try:
        text = RENDERERS[fmt](view)
    except RenderError as exc:
        fail_usage(exc.message, exc.hint)
    if fmt == "mermaid" and len(view.edges) > MERMAID_MAX_EDGES:
        typer.echo(
            f"mfgint: note: {len(view.edges)} edges; Mermaid renderers stop at "
            f"{MERMAID_MAX_EDGES} by default (maxEdges): narrow --select or use --group-by "
            "with --collapse", err=True,
        )
    emit(text, output)


def impact_command(
    selector: str = typer.Argument(..., help=SELECTOR_HELP + " A bare name is a system, "
                                   "else an object, else a flow."),
    paths: list[Path] = typer.Argument(None, help="Spec files or folders (default: .)."),
    fmt: str = typer.Option(
        "text", "--format", "-f", help=f"Output format: {', '.join(IMPACT_FORMATS)}."
    ),
    exclude: list[str] = typer.Option(
        None, "--exclude", help="Leave out what this selector matches. Repeat to add."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here."),
    config_file: Path | None = typer.Option(
        None, "--config", help="mfgint.yaml to use (default: the one at the first spec folder)."
    ),
) -> None:
    """Report what a change to the selected systems or objects touches."""
    _choice(fmt, IMPACT_FORMATS, "format")
    if paths and Path(selector).exists() and not all(p.exists() for p in paths):
        # `mfgint impact specs/ system:x`: the selector came after the paths.
        rest = [p for p in paths if p.exists()]
        selector, paths = str(next(p for p in paths if not p.exists())), [Path(selector), *rest]
    excl = " ".join(exclude or ()).strip() or None
    graph = _load(paths, config_file)
    try:
        term = evaluate(graph, selector, excl)
    except SelectorError as exc:
        fail_usage(exc.message, exc.hint)
    if not (term.core or term.objects or term.flows):
        fail_usage(f"selector {selector!r} matches nothing to analyse",
                   "each part matches something, but their combination is empty")
    emit(IMPACT_FORMATS[fmt](impact_of(graph, term, selector, excl)), output)


def plan_migration_command(
    paths: list[Path] = typer.Argument(None, help="Spec files or folders (default: .)."),
    retire: str = typer.Option(..., "--retire", help="The system to retire."),
    replace_with: str | None = typer.Option(
        None, "--replace-with", help="The system taking over (default: the retiring system's "
        "lifecycle.replacedBy)."
    ),
    max_per_wave: int | None = typer.Option(
        None, "--max-per-wave", min=1, help="Cut waves to at most this many flows, lowest "
        "criticality first (pilot waves); dependency order is kept."
    ),
    fmt: str = typer.Option(
        "text", "--format", "-f", help=f"Output format: {', '.join(MIGRATION_FORMATS)}."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the plan here."),
    config_file: Path | None = typer.Option(
        None, "--config", help="mfgint.yaml to use (default: the one at the first spec folder)."
    ),
) -> None:
    """Plan the cut-over waves for retiring a system."""
    _choice(fmt, MIGRATION_FORMATS, "format")
    graph = _load(paths, config_file)
    try:
        plan = plan_migration(graph, retire, replace_with, max_per_wave)
    except MigrationError as exc:
        fail_usage(exc.message, exc.hint)
    emit(MIGRATION_FORMATS[fmt](plan), output)
