"""The pipeline, stage by stage: load -> check -> expand -> build -> rules -> outcome."""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass
from pathlib import Path

from mfgint.compiler.build import build
from mfgint.compiler.cache import SpecCache, code_fingerprint
from mfgint.compiler.check import check_documents, keep_compiled_checks
from mfgint.compiler.expand import expand
from mfgint.compiler.incremental import load_checked
from mfgint.compiler.loader import ProgressFn, discover
from mfgint.compiler.model import Model
from mfgint.compiler.source import SourceFile
from mfgint.config import Config, ConfigError, find_config, load_config
from mfgint.diagnostics import Diagnostic
from mfgint.graph.core import IntegrationGraph
from mfgint.validators.engine import Outcome, Selection, finish, run_rules
from mfgint.validators.incremental import Landscape, RuleCache
from mfgint.validators.registry import Registry, default_registry


@dataclass(frozen=True)
class Compiled:
    """What the compiler produced: the Model, its sources and the compiler's diagnostics."""

    model: Model
    sources: tuple[SourceFile, ...]
    diagnostics: tuple[Diagnostic, ...]
    config: Config
    file_count: int


def resolve_today(text: str | None = None) -> dt.date:
    """Today's date for expiry checks: ``--today``, else ``MFGINT_TODAY``, else the clock."""
    value = text or os.environ.get("MFGINT_TODAY")
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"today must be a date YYYY-MM-DD, not {value!r}") from None


def spec_roots(paths: list[Path]) -> tuple[Path, ...]:
    """Folders the specs live in: schema files must stay inside them."""
    return tuple(p if p.is_dir() else p.parent for p in paths)


def compile_specs(
    paths: list[Path],
    config: Config | None = None,
    progress: ProgressFn | None = None,
    cache: SpecCache | None = None,
) -> Compiled:
    """Load, check, expand and build the specs under ``paths``."""
    if config is None:
        config = load_config(find_config(paths), paths[0] if paths else Path("."))
    keep_compiled_checks(cache.sibling_dir("checks") if cache is not None else None)
    files, diags = discover(paths, config.include, config.exclude)
    checked = load_checked(files, cache, progress)
    all_diags: list[Diagnostic] = [*diags, *checked.diagnostics]
    expanded = expand(checked.valid)
    all_diags.extend(expanded.diagnostics)
    checked_expansion = check_documents(expanded.documents)
    all_diags.extend(checked_expansion.diagnostics)
    docs = [*checked.valid, *checked_expansion.valid]
    invalid = checked.invalid_names | checked_expansion.invalid_names
    known = cache.valid_schemas() if cache is not None else frozenset()
    built = build(docs, spec_roots(paths), config.default_owner, checked.sources, invalid, known)
    if cache is not None:
        cache.save_valid_schemas(built.valid_schemas, known)
    all_diags.extend(built.diagnostics)
    return Compiled(built.model, checked.sources, tuple(all_diags), config, len(files))


@dataclass(frozen=True)
class Validation:
    """A whole validate run: compiled specs and the final outcome."""

    compiled: Compiled
    outcome: Outcome
    registry: Registry
    reused: int = 0  # (rule, file) findings taken from the previous run instead of rerunning


def validate(
    paths: list[Path],
    *,
    config: Config | None = None,
    selection: Selection | None = None,
    today: dt.date | None = None,
    baseline: set[str] | None = None,
    registry: Registry | None = None,
    progress: ProgressFn | None = None,
    cache: SpecCache | None = None,
) -> Validation:
    """Compile the specs, run the rules and apply selection, waivers and baseline."""
    registry = registry or default_registry()
    compiled = compile_specs(paths, config, progress, cache)
    cfg = compiled.config
    selection = selection or Selection(cfg.select, cfg.ignore)
    day = today or resolve_today()
    model = compiled.model

    @functools.cache
    def graph() -> IntegrationGraph:
        return IntegrationGraph(model)

    memo = None
    if cache is not None:
        land = Landscape(
            model,
            {s.path: s.digest for s in compiled.sources},
            f"{code_fingerprint()}\0{cfg!r}",
        )
        memo = (RuleCache(cache.sibling("rules")), land)
    found = run_rules(model, registry, cfg, day, graph, selection, progress, memo)
    reused = 0
    if memo is not None:
        memo[0].save()
        reused = memo[0].reused
    diags = [*compiled.diagnostics, *found]
    outcome = finish(diags, model, registry, cfg, selection, day, baseline)
    return Validation(compiled, outcome, registry, reused)
