"""Shared helpers for the generation tests: paths, compiled examples, running targets."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from mfgint.compiler.model import Model
from mfgint.graph.core import IntegrationGraph
from mfgint.pipeline import compile_specs
from mfgint.targets.base import GeneratedFile, Scope, TargetContext
from mfgint.targets.env import make_env
from mfgint.targets.registry import TARGETS

HERE = Path(__file__).parent
REPO_ROOT = HERE.parent.parent
EXAMPLES = REPO_ROOT / "specs" / "examples"
GOLDEN = HERE / "golden"
CHECK_ARTIFACTS = REPO_ROOT.parent / "shared" / "validators" / "check-artifacts"
MY_TARGETS = ("kong", "openapi", "asyncapi")
TODAY = "2026-11-28"


@cache
def example_model() -> Model:
    """The compiled specs/examples landscape (compiled once per test process)."""
    return compile_specs([EXAMPLES]).model


def run_target(name: str, model: Model | None = None, templates: Path | None = None,
               scope: Scope | None = None) -> list[GeneratedFile]:
    """Run one target on a model (default: the examples)."""
    model = model or example_model()
    ctx = TargetContext(model=model, graph=IntegrationGraph(model), env=make_env(templates),
                        scope=scope or Scope())
    return TARGETS[name]().generate(ctx)
