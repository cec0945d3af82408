"""Rules as data: families of rules with stable codes, and the registry that collects them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any, TypeVar

from mfgint.compiler.model import Model, Resource
from mfgint.diagnostics import Diagnostic, Related, Severity, Span
from mfgint.schemas import KINDS

if TYPE_CHECKING:
    from mfgint.graph.core import IntegrationGraph

CODE_RX = re.compile(r"^[A-Z]{2,5}[0-9]{3}$")
ENTRY_POINT_GROUP = "mfgint.rules"
# Codes that were published once and then removed: never to be reused for another meaning.
RETIRED_CODES: frozenset[str] = frozenset()

CheckFn = Callable[["RuleContext"], Iterable[Diagnostic]]
R = TypeVar("R", bound=Resource)


@dataclass(frozen=True)
class Scope:
    """What a rule's finding about one resource depends on, so that it can be reused.

    A rule with a scope visits its subjects through ``ctx.subjects(kind)`` and promises that its
    findings about a subject depend only on the subject's own document, on the resources of the
    ``reads`` kinds, on its options and on today's date, and that each finding is about (its
    ``resource`` is) the subject. The engine then reruns it only for subjects in changed files.
    """

    subjects: tuple[str, ...]
    reads: tuple[str, ...] = ()


ALL_KINDS = KINDS  # every resource kind, for rules whose subjects are all of them


@dataclass(frozen=True)
class Rule:
    """One governance rule: identity, documentation, options and its check."""

    code: str
    name: str
    family: str
    severity: Severity
    summary: str
    explanation: str
    options: Mapping[str, Any] = field(default_factory=dict)
    check: CheckFn | None = None  # None: emitted by the compiler, not run by the engine
    scope: Scope | None = None  # None: findings may depend on anything; always rerun

    @property
    def prefix(self) -> str:
        """The family prefix of the code (``OWN`` for ``OWN001``)."""
        return self.code.rstrip("0123456789")


@dataclass
class Family:
    """A family of rules sharing a code prefix; one module per family."""

    prefix: str
    name: str
    description: str
    rules: list[Rule] = field(default_factory=list)

    def rule(
        self,
        code: str,
        name: str,
        severity: Severity,
        summary: str,
        explanation: str,
        options: Mapping[str, Any] | None = None,
        scope: Scope | None = None,
    ) -> Callable[[CheckFn], CheckFn]:
        """Decorator registering a check function as a rule of this family."""

        def register(fn: CheckFn) -> CheckFn:
            self.add(
                Rule(
                    code,
                    name,
                    self.name,
                    severity,
                    summary,
                    explanation.strip(),
                    dict(options or {}),
                    fn,
                    scope,
                )
            )
            return fn

        return register

    def add(self, rule: Rule) -> Rule:
        """Add a rule, checking that its code fits this family."""
        if not rule.code.startswith(self.prefix):
            raise ValueError(f"rule {rule.code} does not carry family prefix {self.prefix}")
        self.rules.append(rule)
        return rule


class RegistryError(Exception):
    """A rule family breaks the registry's invariants (bad or duplicate code)."""


class Registry:
    """Every known rule by code, validated on registration."""

    def __init__(self, families: Iterable[Family]) -> None:
        self.families: list[Family] = []
        self.rules: dict[str, Rule] = {}
        names: dict[str, str] = {}
        for family in families:
            self.families.append(family)
            for rule in family.rules:
                if not CODE_RX.match(rule.code):
                    raise RegistryError(f"rule code {rule.code!r} is not PREFIX + 3 digits")
                if rule.code in RETIRED_CODES:
                    raise RegistryError(f"rule code {rule.code} was retired and is never reused")
                if rule.code in self.rules:
                    raise RegistryError(f"rule code {rule.code} is registered twice")
                if rule.name in names:
                    raise RegistryError(
                        f"rule name {rule.name!r} used by {names[rule.name]} and {rule.code}"
                    )
                names[rule.name] = rule.code
                self.rules[rule.code] = rule
        self.rules = dict(sorted(self.rules.items()))

    def get(self, code: str) -> Rule | None:
        """The rule with this code, if any."""
        return self.rules.get(code.upper())

    def known_prefixes(self) -> set[str]:
        """Family prefixes and family names usable in --select / --ignore."""
        out = {f.prefix for f in self.families}
        out.update(f.name for f in self.families)
        return out

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules.values())


def load_families() -> list[Family]:
    """Families from the ``mfgint.rules`` entry-point group (built-ins come the same way)."""
    families: list[Family] = []
    eps = sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    if not any(ep.name == "builtin" for ep in eps):
        # Running from a source tree that was never installed: the package metadata is absent.
        from mfgint.validators import BUILTIN_FAMILIES

        families.extend(BUILTIN_FAMILIES)
    for ep in eps:
        loaded = ep.load()
        items = loaded() if callable(loaded) else loaded
        if isinstance(items, Family):
            items = [items]
        for item in items:
            if not isinstance(item, Family):
                raise RegistryError(
                    f"entry point {ep.name!r} gave {type(item).__name__}, not a Family"
                )
            families.append(item)
    return families


_REGISTRY: Registry | None = None


def default_registry() -> Registry:
    """The registry of built-in and plugged-in rules, built once."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = Registry(load_families())
    return _REGISTRY


@dataclass
class RuleContext:
    """What a rule sees: the model, the graph, its options and today's date."""

    model: Model
    rule: Rule
    options: Mapping[str, Any]
    today: dt.date
    _graph: Callable[[], IntegrationGraph]
    only: frozenset[str] | None = None  # files whose subjects to visit; None: every file

    def each_subject(self) -> Iterator[Resource]:
        """The subjects of every kind the rule's scope declares, kind by kind."""
        scope = self.rule.scope
        for kind in scope.subjects if scope is not None else ():
            yield from self._subjects(kind)

    def subjects(self, cls: type[R]) -> Iterator[R]:
        """Resources of ``cls`` this run must check (all, unless earlier findings are reused)."""
        scope = self.rule.scope
        if scope is None or cls.kind not in scope.subjects:
            raise ValueError(f"rule {self.rule.code} does not declare {cls.kind} as a subject")
        return self._subjects(cls.kind)  # type: ignore[return-value]  # the kind's table holds cls

    def _subjects(self, kind: str) -> Iterator[Resource]:
        if self.only is None:
            return iter(self.model.by_kind(kind).values())
        # Blueprint expansions also depend on their plant: they are always checked.
        return iter(self.model.resources_in(kind, self.only))

    @property
    def graph(self) -> IntegrationGraph:
        """The integration graph, built once per run on first use."""
        return self._graph()

    def option(self, name: str) -> Any:
        """A rule option (configured value or the rule's default)."""
        return self.options.get(name, self.rule.options.get(name))

    def diag(
        self,
        res: Resource,
        path: tuple[str | int, ...],
        message: str,
        hint: str | None = None,
        related: Iterable[tuple[Span, str]] = (),
        *,
        severity: Severity | None = None,
        anchor: str = "",
        key: bool = False,
    ) -> Diagnostic:
        """A finding of this rule on ``res`` at ``path`` (the resource's name when empty)."""
        span = res.span
        if path:
            span = res.key_loc(*path) if key else res.loc(*path)
        return Diagnostic(
            code=self.rule.code,
            severity=severity or self.rule.severity,
            message=message + res.origin_note(),
            span=span,
            hint=hint,
            related=tuple(Related(s, m) for s, m in related),
            resource=res.ref,
            anchor=anchor or "/".join(map(str, path)),
        )
