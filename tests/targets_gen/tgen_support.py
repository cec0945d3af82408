"""Helpers for the connectors / alerts / runbooks tests: paths, models, running targets."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from mfgint.compiler.model import Model
from mfgint.graph.core import IntegrationGraph
from mfgint.pipeline import compile_specs
from mfgint.targets.base import GeneratedFile, Scope, TargetContext
from mfgint.targets.env import make_env
from mfgint.targets.registry import TARGETS

HERE = Path(__file__).parent
REPO_ROOT = HERE.parent.parent
EXAMPLES = REPO_ROOT / "specs" / "examples"
VARIANTS = HERE / "fixtures" / "variants"
GOLDEN = HERE / "golden"
CHECK_ARTIFACTS = REPO_ROOT.parent / "shared" / "validators" / "check-artifacts"
MY_TARGETS = ("connectors", "alerts", "runbooks")
TODAY = "2026-11-28"
LANDSCAPES = {"examples": EXAMPLES, "variants": VARIANTS}


@cache
def model_of(landscape: str) -> Model:
    """A compiled landscape (``examples`` or ``variants``), once per test process."""
    return compile_specs([LANDSCAPES[landscape]]).model


def context(
    model: Model,
    *,
    scope: Scope | None = None,
    options: dict[str, Any] | None = None,
    templates: Path | None = None,
) -> TargetContext:
    """A TargetContext built with the project's environment factory."""
    return TargetContext(model=model, graph=IntegrationGraph(model), env=make_env(templates),
                         scope=scope or Scope(), options=options or {})


def run(name: str, landscape: str = "examples", **kwargs: Any) -> list[GeneratedFile]:
    """Run one target on a landscape."""
    return TARGETS[name]().generate(context(model_of(landscape), **kwargs))


def files_of(generated: Iterable[GeneratedFile]) -> dict[str, str]:
    """Path -> text."""
    return {f.path: f.content.decode("utf-8") for f in generated}


def write(generated: Iterable[GeneratedFile], out: Path) -> None:
    """Write generated files under ``out``."""
    for f in generated:
        path = out / f.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f.content)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative posix path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
