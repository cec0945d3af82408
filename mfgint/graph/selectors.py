"""Selectors in the spirit of dbt: ``plant:lyon``, ``+system:mes-lyon``, ``zone:ot,owner:team-erp``.

Grammar (see docs/graph.md)::

    expression := term (" " term)*          union
    term       := atom ("," atom)*          intersection
    atom       := [[N]"+"] [method ":"] value ["+"[N]]

``+X`` adds what feeds X (upstream), ``X+`` what X feeds (downstream), ``N+X`` / ``X+N`` stop
after N hops. A value may be a glob (``system:mes-*``). Without a method, a value names a
system, else an object, else a flow.

Every atom is evaluated to a :class:`Term`. System atoms choose systems, and their flows are
the flows between chosen systems; flow atoms (object, pattern, latency, flow, event) choose
flows, and their systems are those flows' sources and targets; ``plant:NAME`` chooses the
plant's systems and every flow touching them; ``owner:`` and ``label:`` choose both systems
and flows.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from mfgint.compiler.model import ZONES, Flow, ObjectRef, System
from mfgint.graph.core import IntegrationGraph

PATTERNS = ("api", "webhook", "event", "batch", "file")
LATENCIES = ("realtime", "near-realtime", "batch")
CRITICALITIES = ("tier-1", "tier-2", "tier-3")
LIFECYCLES = ("active", "legacy", "retiring", "retired")
_ATOM_RX = re.compile(r"^(?:(?P<up>[0-9]*)\+)?(?P<body>[^+]+?)(?:\+(?P<down>[0-9]*))?$")
_GLOB_CHARS = frozenset("*?[")


class SelectorError(Exception):
    """A selector that cannot be parsed or that matches nothing; ``hint`` says what to try."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Selected:
    """What a selector chose: system names, flow names and plant names."""

    systems: frozenset[str]
    flows: frozenset[str]
    plants: frozenset[str]


@dataclass(frozen=True)
class Term:
    """The value of an atom or of a combination of atoms, before the final flows are fixed.

    ``flows`` None means "the flows between ``systems``"; ``plants`` None means "the plants
    ``systems`` serve". ``core`` are the systems chosen for themselves (not only as the end of
    a chosen flow): excluding a term removes its core systems. ``objects`` are object names
    that object atoms named (impact reports on them).
    """

    systems: frozenset[str]
    core: frozenset[str]
    flows: frozenset[str] | None = None
    plants: frozenset[str] | None = None
    objects: frozenset[str] = frozenset()
    hidden: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Atom:
    """One parsed atom: method, value and graph operators."""

    text: str
    method: str
    value: str
    up: bool = False
    up_depth: int | None = None
    down: bool = False
    down_depth: int | None = None


# --- parsing -------------------------------------------------------------------------------


def parse(expr: str) -> list[list[Atom]]:
    """Parse an expression into a union of intersections of atoms."""
    terms = expr.split()
    if not terms:
        raise SelectorError("empty selector", "write e.g. system:odoo-erp or plant:lyon")
    out: list[list[Atom]] = []
    for term in terms:
        parts = term.split(",")
        if any(not p for p in parts):
            raise SelectorError(f"empty selector between commas in {term!r}",
                                "a comma joins two selectors: zone:ot,plant:lyon")
        out.append([parse_atom(p) for p in parts])
    return out


def parse_atom(text: str) -> Atom:
    """Parse one atom such as ``2+system:mes-lyon+``."""
    m = _ATOM_RX.match(text)
    if m is None:
        raise SelectorError(
            f"cannot read selector {text!r}",
            "graph operators go around one selector: +system:x (upstream), system:x+ "
            "(downstream), 2+system:x+1 (bounded depth)",
        )
    body = m.group("body")
    method, sep, value = body.partition(":")
    if not sep:
        method, value = "", body
    method = method.strip().lower()
    if method and method not in METHODS:
        near = nearest_names(method, METHODS)
        raise SelectorError(
            f"unknown selector method {method!r} in {text!r}",
            (f"did you mean {near}? " if near else "") + f"methods: {', '.join(METHODS)}",
        )
    if not value:
        raise SelectorError(f"selector {text!r} has no value", f"write e.g. {method}:NAME")
    up, down = m.group("up"), m.group("down")
    return Atom(
        text=text,
        method=method,
        value=value,
        up=up is not None,
        up_depth=int(up) if up else None,
        down=down is not None,
        down_depth=int(down) if down else None,
    )


# --- evaluation ----------------------------------------------------------------------------


class _Ctx:
    """Evaluation helpers over one graph (its index is built once and shared)."""

    def __init__(self, graph: IntegrationGraph) -> None:
        self.graph = graph
        self.model = graph.model
        self.index = graph.index

    def endpoints(self, flows: Iterable[str]) -> frozenset[str]:
        """Sources and targets (known systems only) of ``flows``."""
        known = self.model.systems
        out: set[str] = set()
        for name in flows:
            f = self.model.flows[name]
            out.update(s for s in (f.source, *f.targets) if s in known)
        return frozenset(out)

    def induced(self, systems: frozenset[str]) -> frozenset[str]:
        """Flows whose source and at least one target are in ``systems``."""
        out: set[str] = set()
        flows = self.model.flows
        for s in systems:
            for name in self.index.as_source.get(s, ()):
                if any(t in systems for t in flows[name].targets):
                    out.add(name)
        return frozenset(out)

    def touching(self, systems: Iterable[str]) -> frozenset[str]:
        """Flows with a source, target or via hop in ``systems``."""
        out: set[str] = set()
        for s in systems:
            out |= self.index.touching(s)
        return frozenset(out)

    def served(self, systems: Iterable[str]) -> frozenset[str]:
        """Plants the systems serve (enterprise-wide systems serve none in particular)."""
        out: set[str] = set()
        for s in systems:
            out.update(self.model.systems[s].plants)
        return frozenset(p for p in out if p in self.model.plants)

    def flows_of(self, t: Term) -> frozenset[str]:
        """The term's flows, made explicit."""
        return t.flows if t.flows is not None else self.induced(t.systems)

    def plants_of(self, t: Term) -> frozenset[str]:
        """The term's plants, made explicit."""
        return t.plants if t.plants is not None else self.served(t.systems)

    def systems_term(self, systems: Iterable[str]) -> Term:
        """A term of systems chosen for themselves."""
        s = frozenset(systems)
        return Term(s, s)

    def flows_term(self, flows: Iterable[str]) -> Term:
        """A term of flows and their endpoints."""
        f = frozenset(flows)
        return Term(self.endpoints(f), frozenset(), f)

    def mixed_term(self, systems: Iterable[str], flows: Iterable[str]) -> Term:
        """A term of systems chosen for themselves plus flows with their endpoints."""
        s, f = frozenset(systems), frozenset(flows)
        return Term(s | self.endpoints(f), s, f | self.induced(s))


def _union(ctx: _Ctx, a: Term, b: Term) -> Term:
    flows = None if a.flows is None and b.flows is None else ctx.flows_of(a) | ctx.flows_of(b)
    plants = None if a.plants is None and b.plants is None else (
        ctx.plants_of(a) | ctx.plants_of(b))
    return Term(a.systems | b.systems, a.core | b.core, flows, plants, a.objects | b.objects)


def _intersect(ctx: _Ctx, a: Term, b: Term) -> Term:
    flows: frozenset[str] | None = None
    if a.flows is not None or b.flows is not None:
        # A system-only side constrains flows to those touching its systems.
        fa = a.flows if a.flows is not None else ctx.touching(a.systems)
        fb = b.flows if b.flows is not None else ctx.touching(b.systems)
        flows = fa & fb
    plants = None if a.plants is None and b.plants is None else (
        ctx.plants_of(a) & ctx.plants_of(b))
    objects = a.objects & b.objects if a.objects and b.objects else a.objects | b.objects
    return Term(a.systems & b.systems, a.core & b.core, flows, plants, objects)


def _exclude(ctx: _Ctx, base: Term, x: Term) -> Term:
    flows = None
    if base.flows is not None or x.flows is not None:
        gone = x.flows if x.flows is not None else frozenset()
        kept = set(ctx.flows_of(base) - gone)
        if x.core:
            model = ctx.model.flows
            kept = {
                f for f in kept
                if model[f].source not in x.core
                and not all(t in x.core for t in model[f].targets)
            }
        flows = frozenset(kept)
    plants = base.plants
    if x.plants is not None:
        plants = ctx.plants_of(base) - x.plants
    return Term(base.systems - x.core, base.core - x.core, flows, plants, base.objects,
                base.hidden | x.core)


def _apply_graph_ops(ctx: _Ctx, atom: Atom, t: Term) -> Term:
    if not (atom.up or atom.down):
        return t
    seeds = t.systems
    reached: set[str] = set(seeds)
    if atom.up:
        reached |= ctx.graph.reach(seeds, atom.up_depth, reverse=True).keys()
    if atom.down:
        reached |= ctx.graph.reach(seeds, atom.down_depth).keys()
    s = frozenset(reached)
    return Term(s, s, None, t.plants, t.objects)


def _evaluate_expr(ctx: _Ctx, expr: str) -> Term:
    result: Term | None = None
    for atoms in parse(expr):
        term: Term | None = None
        for atom in atoms:
            value = _apply_graph_ops(ctx, atom, _evaluate_atom(ctx, atom))
            term = value if term is None else _intersect(ctx, term, value)
        assert term is not None
        result = term if result is None else _union(ctx, result, term)
    assert result is not None
    return result


def evaluate(graph: IntegrationGraph, expr: str, exclude: str | None = None) -> Term:
    """Evaluate ``expr`` minus ``exclude`` to a Term (flows and plants may stay implicit)."""
    ctx = _Ctx(graph)
    term = _evaluate_expr(ctx, expr)
    if exclude is not None and exclude.strip():
        term = _exclude(ctx, term, _evaluate_expr(ctx, exclude))
    return term


def finish(graph: IntegrationGraph, term: Term) -> Selected:
    """Make a Term's flows and plants explicit."""
    ctx = _Ctx(graph)
    flows = ctx.flows_of(term)
    if term.hidden:
        model = graph.model.flows
        flows = frozenset(
            f for f in flows
            if model[f].source not in term.hidden
            and not all(t in term.hidden for t in model[f].targets)
        )
    return Selected(term.systems, flows, ctx.plants_of(term))


def select(graph: IntegrationGraph, expr: str, exclude: str | None = None) -> Selected:
    """Systems, flows and plants chosen by ``expr`` minus ``exclude``.

    Raises SelectorError when the expression cannot be parsed, when an atom matches nothing
    (with the nearest names as hint), or when the result is empty.
    """
    sel = finish(graph, evaluate(graph, expr, exclude))
    if not (sel.systems or sel.flows or sel.plants):
        what = f"{expr!r} without {exclude!r}" if exclude else repr(expr)
        raise SelectorError(f"selector {what} matches nothing",
                            "each part matches something, but their combination is empty")
    return sel


# --- methods -------------------------------------------------------------------------------


def nearest_names(word: str, options: Iterable[str], n: int = 3) -> str | None:
    matches = difflib.get_close_matches(word, sorted(set(options)), n=n, cutoff=0.5)
    return ", ".join(matches) if matches else None


def _nothing(atom: Atom, what: str, options: Iterable[str]) -> SelectorError:
    opts = sorted(set(options))
    near = None if _is_glob(atom.value) else nearest_names(atom.value, opts)
    if near:
        hint = f"did you mean: {near}?"
    elif opts:
        shown = ", ".join(opts[:12]) + (f" (and {len(opts) - 12} more)" if len(opts) > 12 else "")
        hint = f"choose from: {shown}"
    else:
        hint = f"the landscape has no {what}"
    return SelectorError(f"selector {atom.text!r} matches nothing: no {what} {atom.value!r}",
                         hint)


def _is_glob(value: str) -> bool:
    return any(c in _GLOB_CHARS for c in value)


def _match(value: str, candidates: Iterable[str]) -> list[str]:
    if _is_glob(value):
        return [c for c in candidates if fnmatch.fnmatchcase(c, value)]
    return [c for c in candidates if c == value]


def _m_system(ctx: _Ctx, atom: Atom) -> Term:
    names = _match(atom.value, ctx.model.systems)
    if not names:
        raise _nothing(atom, "system", ctx.model.systems)
    return ctx.systems_term(names)


def _m_plant(ctx: _Ctx, atom: Atom) -> Term:
    plants = _match(atom.value, ctx.model.plants)
    if not plants:
        raise _nothing(atom, "plant", ctx.model.plants)
    systems = {s for p in plants for s in ctx.index.systems_by_plant.get(p, ())}
    s = frozenset(systems)
    return Term(s, s, ctx.touching(s), frozenset(plants))


def _m_owner(ctx: _Ctx, atom: Atom) -> Term:
    owners = {r.owner for r in (*ctx.model.systems.values(), *ctx.model.flows.values())
              if r.owner}
    teams = set(_match(atom.value, owners))
    if not teams:
        raise _nothing(atom, "owner team", {*owners, *ctx.model.teams})
    return ctx.mixed_term(
        (n for n, s in ctx.model.systems.items() if s.owner in teams),
        (n for n, f in ctx.model.flows.items() if f.owner in teams),
    )


def _system_attr(attr: Callable[[System], str], what: str,
                 allowed: Iterable[str] = ()) -> Callable[[_Ctx, Atom], Term]:
    def method(ctx: _Ctx, atom: Atom) -> Term:
        values = {n: attr(s) for n, s in ctx.model.systems.items()}
        names = [n for n, v in values.items() if _match(atom.value, [v])]
        if not names:
            raise _nothing(atom, what, [*values.values(), *allowed])
        return ctx.systems_term(names)

    return method


def _flow_attr(attr: Callable[[Flow], str], what: str,
               allowed: Iterable[str] = ()) -> Callable[[_Ctx, Atom], Term]:
    def method(ctx: _Ctx, atom: Atom) -> Term:
        values = {n: attr(f) for n, f in ctx.model.flows.items()}
        names = [n for n, v in values.items() if v and _match(atom.value, [v])]
        if not names:
            raise _nothing(atom, what, [*(v for v in values.values() if v), *allowed])
        return ctx.flows_term(names)

    return method


def _m_object(ctx: _Ctx, atom: Atom) -> Term:
    name, sep, version = atom.value.partition("@")
    objects = _match(name, {*ctx.model.objects, *(f.object.name for f in ctx.model.flows.values())})
    if not objects:
        raise _nothing(atom, "object", ctx.model.objects)
    ref: ObjectRef | None = None
    if sep:
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", version):
            raise SelectorError(f"bad object version in {atom.text!r}",
                                "write object:NAME or object:NAME@MAJOR[.MINOR], e.g. "
                                "object:work-order@2")
        ref = ObjectRef.parse(f"x@{version}")
    chosen = set(objects)
    flows = [
        n for n, f in ctx.model.flows.items()
        if f.object.name in chosen and (
            ref is None or (f.object.major == ref.major
                            and (ref.minor is None or f.object.minor in (None, ref.minor)))
        )
    ]
    if not flows and ref is not None:
        versions = sorted({str(f.object) for f in ctx.model.flows.values()
                           if f.object.name in chosen})
        raise SelectorError(f"selector {atom.text!r} matches nothing: no flow carries that "
                            "version", f"flows carry: {', '.join(versions) or 'nothing'}")
    t = ctx.flows_term(flows)
    return Term(t.systems, t.core, t.flows, t.plants, frozenset(chosen))


def _m_label(ctx: _Ctx, atom: Atom) -> Term:
    key, sep, value = atom.value.partition("=")
    if not key:
        raise SelectorError(f"selector {atom.text!r} has no label key", "write label:KEY=VALUE")

    def hit(labels: Mapping[str, str]) -> bool:
        keys = _match(key, labels)
        if not sep:
            return bool(keys)
        return any(fnmatch.fnmatchcase(str(labels[k]), value) for k in keys)

    systems = [n for n, s in ctx.model.systems.items() if hit(s.meta.labels)]
    flows = [n for n, f in ctx.model.flows.items() if hit(f.meta.labels)]
    if not systems and not flows:
        pairs = {f"{k}={v}" for r in (*ctx.model.systems.values(), *ctx.model.flows.values())
                 for k, v in r.meta.labels.items()}
        raise _nothing(atom, "label", pairs)
    return ctx.mixed_term(systems, flows)


def _m_bare(ctx: _Ctx, atom: Atom) -> Term:
    for method, mapping in (("system", ctx.model.systems), ("object", ctx.model.objects),
                            ("flow", ctx.model.flows)):
        if _match(atom.value, mapping):
            return METHODS[method](ctx, Atom(atom.text, method, atom.value))
    names = {*ctx.model.systems, *ctx.model.objects, *ctx.model.flows}
    raise _nothing(atom, "system, object or flow", names)


METHODS: dict[str, Callable[[_Ctx, Atom], Term]] = {
    "system": _m_system,
    "plant": _m_plant,
    "owner": _m_owner,
    "zone": _system_attr(lambda s: s.zone, "zone", ZONES),
    "type": _system_attr(lambda s: s.type, "system type"),
    "criticality": _system_attr(lambda s: s.criticality,
                                "criticality", CRITICALITIES),
    "lifecycle": _system_attr(lambda s: s.lifecycle.status,
                              "lifecycle status", LIFECYCLES),
    "object": _m_object,
    "flow": _flow_attr(lambda f: f.name, "flow"),
    "event": _flow_attr(lambda f: f.event or "", "event"),
    "pattern": _flow_attr(lambda f: f.pattern, "pattern", PATTERNS),
    "latency": _flow_attr(lambda f: f.latency, "latency class", LATENCIES),
    "label": _m_label,
}


def _evaluate_atom(ctx: _Ctx, atom: Atom) -> Term:
    if not atom.method:
        return _m_bare(ctx, atom)
    return METHODS[atom.method](ctx, atom)
