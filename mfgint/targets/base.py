"""The target interface: Model (+ graph) -> list of (relative path, bytes)."""

from __future__ import annotations

import traceback
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from jinja2 import Environment, TemplateError

from mfgint.compiler.model import Flow, Model, Resource
from mfgint.graph.core import IntegrationGraph

ALL_PLANTS = "all"


class GenerationError(Exception):
    """A problem a user can fix (a broken template override, ...): reported, exit code 2."""


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    """One generated file: a relative posix path and its exact bytes.

    ``once`` marks hand-written extension points (generation gap): created when missing,
    never overwritten, never removed.
    """

    path: str
    content: bytes
    once: bool = False


@dataclass(frozen=True)
class Scope:
    """What a run generates for: selected systems and flows (None = everything)."""

    systems: frozenset[str] | None = None
    flows: frozenset[str] | None = None
    plants: frozenset[str] | None = None

    def has_system(self, name: str) -> bool:
        """True when the system is in scope."""
        return self.systems is None or name in self.systems

    def has_flow(self, name: str) -> bool:
        """True when the flow is in scope."""
        return self.flows is None or name in self.flows

    def has_plant(self, name: str) -> bool:
        """True when the plant is in scope."""
        return self.plants is None or name in self.plants

    @property
    def everything(self) -> bool:
        """True when nothing narrows the run."""
        return self.systems is None and self.flows is None and self.plants is None

    def touches(
        self,
        systems: Iterable[str] = (),
        flows: Iterable[str] = (),
        plants: Iterable[str] = (),
    ) -> bool:
        """True when a file about these systems, flows or plants belongs to the selection."""
        if self.everything:
            return True
        if self.systems is not None and any(s in self.systems for s in systems):
            return True
        if self.flows is not None and any(f in self.flows for f in flows):
            return True
        return self.plants is not None and any(p in self.plants for p in plants)


@dataclass(frozen=True)
class TargetContext:
    """Everything a target may read: model, graph, scope, templates, its own options."""

    model: Model
    graph: IntegrationGraph
    env: Environment
    scope: Scope = Scope()
    options: Mapping[str, Any] = field(default_factory=dict)

    def render(self, template: str, **context: Any) -> str:
        """Render a template by name (user folder first); mistakes in it become GenerationError."""
        try:
            tpl = self.env.get_template(template)
        except TemplateError as exc:
            where = getattr(exc, "filename", None) or template
            line = getattr(exc, "lineno", None)
            at = f"{where}:{line}" if line else where
            raise GenerationError(f"template {at}: {exc.message or exc}") from exc
        try:
            return tpl.render(**context)
        except (TemplateError, TypeError, ValueError, AttributeError) as exc:
            where = tpl.filename or template
            line = next((n for f, n in traceback.walk_tb(exc.__traceback__)
                         if f.f_code.co_filename == where), None)
            at = f"{where}:{line}" if line else where
            raise GenerationError(f"template {at}: {exc}") from exc


class Target(ABC):
    """A generator for one artifact family; pure: same context, same bytes."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    output_dir: ClassVar[str] = ""

    @abstractmethod
    def generate(self, ctx: TargetContext) -> list[GeneratedFile]:
        """The files this target produces, paths relative to the output folder."""


def templates_root() -> Path:
    """The built-in templates: inside the installed package, or the source tree's templates/."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "templates"
    return packaged if packaged.is_dir() else here.parent / "templates"


def resource_plants(model: Model, resource: Resource) -> tuple[str, ...]:
    """Plants a resource concerns, sorted; ``("all",)`` for enterprise-wide ones."""
    if resource.origin is not None:
        return (resource.origin[1],)
    plants: set[str] = set()
    systems = model.systems
    if isinstance(resource, Flow):
        for name in (resource.source, *resource.targets):
            system = systems.get(name)
            if system is not None:
                plants.update(system.plants)
    else:
        own = getattr(resource, "plants", None)
        if isinstance(own, tuple):
            plants.update(p for p in own if isinstance(p, str))
    return tuple(sorted(plants)) or (ALL_PLANTS,)
