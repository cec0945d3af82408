"""The target interface: Model (+ graph) -> list of (relative path, bytes)."""

from __future__ import annotations

import traceback
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from jinja2 import Environment, Template, TemplateError

from mfgint.compiler.model import Flow, Model, Resource
from mfgint.graph.core import IntegrationGraph

ALL_PLANTS = "all"
T = TypeVar("T")
# (id of a Model, what) -> (weak reference to that Model, value): per-model indexes that several
# targets need (gateway services, ...), built once per run and dropped with their Model.
_PER_MODEL: dict[tuple[int, str], tuple[weakref.ref[Model], Any]] = {}


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
    # Parallel runs split a shardable target's per-resource files: this context makes every
    # ``shards``-th one, starting at ``shard``; files made once per run belong to shard 0.
    shard: int = 0
    shards: int = 1

    def mine(self, position: int) -> bool:
        """True when the resource at ``position`` (in a stable order) belongs to this shard."""
        return position % self.shards == self.shard

    def render(self, template: str, **context: Any) -> str:
        """Render a template by name (user folder first); mistakes in it become GenerationError."""
        prepared = _PREPARED.get(self.env)
        if prepared is None:
            prepared = _PREPARED[self.env] = {}
        found = prepared.get(template)
        if found is None:
            try:
                tpl = self.env.get_template(template)
            except TemplateError as exc:
                where = getattr(exc, "filename", None) or template
                line = getattr(exc, "lineno", None)
                at = f"{where}:{line}" if line else where
                raise GenerationError(f"template {at}: {exc.message or exc}") from exc
            # Template.render merges the globals into every context through a ChainMap, which
            # costs more than many small templates do: they are merged once here instead.
            found = prepared[template] = (tpl, dict(tpl.globals))
        tpl, globals_ = found
        try:
            return _render(tpl, {**globals_, **context})
        except (TemplateError, TypeError, ValueError, AttributeError) as exc:
            where = tpl.filename or template
            line = next((n for f, n in traceback.walk_tb(exc.__traceback__)
                         if f.f_code.co_filename == where), None)
            at = f"{where}:{line}" if line else where
            raise GenerationError(f"template {at}: {exc}") from exc


# Environment -> template name -> (the loaded template, its globals as a plain dict): a large
# run renders a hundred thousand files from a few templates (and the environment's own cache
# costs a lock and a few look-ups per call). Auto-reload is off, so a loaded template stays.
_PREPARED: weakref.WeakKeyDictionary[Environment, dict[str, tuple[Template, dict[str, Any]]]] = (
    weakref.WeakKeyDictionary())


def _render(tpl: Template, context: dict[str, Any]) -> str:
    """``tpl.render(**context)`` for a context that already holds the template's globals."""
    ctx = tpl.new_context(context, shared=True)
    try:
        text: str = tpl.environment.concat(tpl.root_render_func(ctx))
    except Exception:
        tpl.environment.handle_exception()
    return text


class Target(ABC):
    """A generator for one artifact family; pure: same context, same bytes."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    output_dir: ClassVar[str] = ""
    # Whether iter_files honours ctx.shard / ctx.shards (else one context makes every file).
    shardable: ClassVar[bool] = False

    def prepare(self, ctx: TargetContext) -> None:  # noqa: B027 - an optional hook, no-op default
        """Build what every shard of a parallel run shares, before the run is split."""

    @abstractmethod
    def generate(self, ctx: TargetContext) -> list[GeneratedFile]:
        """The files this target produces, paths relative to the output folder."""

    def iter_files(self, ctx: TargetContext) -> Iterator[GeneratedFile]:
        """The same files one at a time, so that a large run never holds them all."""
        yield from self.generate(ctx)


def per_model(model: Model, what: str, build: Callable[[], T]) -> T:
    """``build()`` once per Model and ``what``; the answer is dropped when the Model is."""
    key = (id(model), what)
    entry = _PER_MODEL.get(key)
    if entry is not None and entry[0]() is model:
        value: T = entry[1]
        return value
    value = build()
    _PER_MODEL[key] = (weakref.ref(model, lambda _ref: _PER_MODEL.pop(key, None)), value)
    return value


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
