"""Impact analysis: what a change to (or the loss of) some systems or objects touches."""

from __future__ import annotations

from dataclasses import dataclass

from mfgint.compiler.model import Flow, Model
from mfgint.graph.core import IntegrationGraph
from mfgint.graph.selectors import Term, evaluate

MAX_PATHS = 50
MAX_PATH_FLOWS = 8


@dataclass(frozen=True)
class AffectedFlow:
    """A flow the subject takes part in, and how (source, target, via, ...)."""

    name: str
    source: str
    targets: tuple[str, ...]
    via: tuple[str, ...]
    object: str
    pattern: str
    latency: str
    criticality: str
    rto: str | None
    owner: str | None
    roles: tuple[str, ...]


@dataclass(frozen=True)
class AffectedSystem:
    """A system the subject's change reaches, how far away and in which direction."""

    name: str
    depth: int
    direction: str  # downstream | upstream | both (sends to and receives from it) | hop
    via_flows: tuple[str, ...]
    type: str
    zone: str
    criticality: str
    owner: str | None


@dataclass(frozen=True)
class AffectedItem:
    """An event, access policy, workflow or object, with why it is affected."""

    kind: str
    name: str
    owner: str | None
    why: str


@dataclass(frozen=True)
class TeamContact:
    """An owner team to notify, how to reach it and what it owns among the affected."""

    name: str
    known: bool
    display_name: str | None
    email: str | None
    chat: str | None
    on_call: str | None
    escalation: tuple[str, ...]
    owns: tuple[str, ...]


@dataclass(frozen=True)
class CriticalPath:
    """A chain of tier-1 flows: systems[i] --flows[i]--> systems[i + 1]."""

    systems: tuple[str, ...]
    flows: tuple[str, ...]

    def arrow(self) -> str:
        """``a --> b --> c``."""
        return " --> ".join(self.systems)


@dataclass(frozen=True)
class Impact:
    """The full answer of ``mfgint impact``."""

    selector: str
    exclude: str | None
    subject_systems: tuple[str, ...]
    subject_objects: tuple[str, ...]
    flows: tuple[AffectedFlow, ...]
    systems: tuple[AffectedSystem, ...]
    events: tuple[AffectedItem, ...]
    policies: tuple[AffectedItem, ...]
    workflows: tuple[AffectedItem, ...]
    objects: tuple[AffectedItem, ...]
    plants: tuple[str, ...]
    teams: tuple[TeamContact, ...]
    critical_paths: tuple[CriticalPath, ...]
    paths_truncated: bool


def _roles(f: Flow, core: frozenset[str], objects: frozenset[str]) -> list[str]:
    roles = []
    if f.source in core:
        roles.append("source")
    if any(t in core for t in f.targets):
        roles.append("target")
    if any(h in core for h in f.via):
        roles.append("via")
    if f.dead_letter is not None and f.dead_letter.system in core:
        roles.append("dead-letter")
    if f.object.name in objects:
        roles.append("object")
    return roles or ["selected"]


def analyse(graph: IntegrationGraph, expr: str, exclude: str | None = None) -> Impact:
    """Impact of the systems and objects ``expr`` selects (SelectorError when it is bad)."""
    term = evaluate(graph, expr, exclude)
    return impact_of(graph, term, expr, exclude)


def impact_of(graph: IntegrationGraph, term: Term, expr: str = "",
              exclude: str | None = None) -> Impact:
    """Impact of an evaluated selector term."""
    model = graph.model
    core = term.core
    objects = term.objects
    names: set[str] = set(term.flows or ())
    for s in core:
        names |= graph.index.touching(s)
    if core:
        names |= {n for n, f in model.flows.items()
                  if f.dead_letter is not None and f.dead_letter.system in core}
    names -= {n for n, f in model.flows.items() if n in names and f.source in term.hidden}
    flows = [model.flows[n] for n in sorted(names)]
    affected = [
        AffectedFlow(f.name, f.source, f.targets, f.via, str(f.object), f.pattern, f.latency,
                     f.criticality, f.rto, f.owner, tuple(_roles(f, core, objects)))
        for f in flows
    ]

    systems = _systems(graph, flows, core, objects)
    events = _events(model, flows, core, objects)
    policies = _policies(model, flows, core, objects)
    workflows = _workflows(model, set(names))
    mastered = _objects(model, flows, core, objects)
    plants = _plants(model, flows, core, systems)
    paths, truncated = _critical_paths(model, flows, core, objects)
    teams = _teams(model, core, affected, systems, events, policies, workflows, mastered)
    return Impact(
        selector=expr,
        exclude=exclude,
        subject_systems=tuple(sorted(core)),
        subject_objects=tuple(sorted(objects)),
        flows=tuple(affected),
        systems=tuple(systems),
        events=tuple(events),
        policies=tuple(policies),
        workflows=tuple(workflows),
        objects=tuple(mastered),
        plants=tuple(plants),
        teams=tuple(teams),
        critical_paths=tuple(paths),
        paths_truncated=truncated,
    )


def _systems(graph: IntegrationGraph, flows: list[Flow], core: frozenset[str],
             objects: frozenset[str]) -> list[AffectedSystem]:
    model = graph.model
    down: dict[str, set[str]] = {}
    up: dict[str, set[str]] = {}
    hops: dict[str, set[str]] = {}
    for f in flows:
        roles = _roles(f, core, objects)
        feeds = roles != ["target"]  # the subject is upstream of the targets
        if feeds:
            for t in f.targets:
                if t not in core and t in model.systems:
                    down.setdefault(t, set()).add(f.name)
        if roles != ["source"] and f.source not in core and f.source in model.systems:
            up.setdefault(f.source, set()).add(f.name)
        for h in f.via:
            if h not in core and h in model.systems:
                hops.setdefault(h, set()).add(f.name)
    further = graph.reach(down)
    out: list[AffectedSystem] = []

    def add(name: str, depth: int, direction: str, via: set[str]) -> None:
        s = model.systems[name]
        out.append(AffectedSystem(name, depth, direction, tuple(sorted(via)), s.type, s.zone,
                                  s.criticality, s.owner))

    for name in down:
        add(name, 1, "both" if name in up else "downstream", down[name] | up.get(name, set()))
    for name in up:
        if name not in down:
            add(name, 1, "upstream", up[name])
    for name, depth in further.items():
        if name not in core and name not in down and name not in up:
            add(name, depth + 1, "downstream", set())
    listed = {a.name for a in out}
    for name in hops:
        if name not in listed:
            add(name, 1, "hop", hops[name])
    order = {"both": 0, "downstream": 1, "upstream": 2, "hop": 3}
    return sorted(out, key=lambda a: (a.depth, order[a.direction], a.name))


def _events(model: Model, flows: list[Flow], core: frozenset[str],
            objects: frozenset[str]) -> list[AffectedItem]:
    carried = {f.event: f.name for f in flows if f.event}
    out = []
    for name, e in model.events.items():
        why = []
        if e.publisher in core:
            why.append(f"published by {e.publisher}")
        if e.broker in core:
            why.append(f"carried by broker {e.broker}")
        if e.object.name in objects:
            why.append(f"carries {e.object}")
        if name in carried and not why:
            why.append(f"consumed through flow {carried[name]}")
        if why:
            out.append(AffectedItem("Event", name, e.owner, "; ".join(why)))
    return out


def _policies(model: Model, flows: list[Flow], core: frozenset[str],
              objects: frozenset[str]) -> list[AffectedItem]:
    used: dict[tuple[str, str], list[str]] = {}
    for f in flows:
        reached = f.targets if f.direction == "push" else (f.source,)
        for r in reached:
            used.setdefault((f.acting_principal, r), []).append(f.name)
    out = []
    for name, p in model.policies.items():
        why = []
        if p.principal.kind == "system" and p.principal.name in core:
            why.append(f"principal {p.principal.name}")
        if p.target in core:
            why.append(f"target {p.target}")
        if p.via is not None and p.via in core:
            why.append(f"through {p.via}")
        granted = sorted({g.object for g in p.grants if g.object in objects})
        if granted:
            why.append(f"grants on {', '.join(granted)}")
        flows_using = used.get((p.principal.name, p.target))
        if flows_using and not why:
            why.append(f"used by flow {', '.join(sorted(flows_using))}")
        if why:
            out.append(AffectedItem("AccessPolicy", name, p.owner, "; ".join(why)))
    return out


def _workflows(model: Model, flows: set[str]) -> list[AffectedItem]:
    out = []
    for name, w in model.workflows.items():
        steps = []
        for step in w.steps:
            if step.flow in flows:
                steps.append(f"step {step.name} ({step.flow})")
            elif step.compensation and step.compensation.flow in flows:
                steps.append(f"compensation of step {step.name} ({step.compensation.flow})")
        if steps:
            out.append(AffectedItem("Workflow", name, w.owner, "; ".join(steps)))
    return out


def _objects(model: Model, flows: list[Flow], core: frozenset[str],
             objects: frozenset[str]) -> list[AffectedItem]:
    carried: dict[str, int] = {}
    for f in flows:
        carried[f.object.name] = carried.get(f.object.name, 0) + 1
    out = []
    for name, obj in model.objects.items():
        why = []
        if name in objects:
            why.append("selected")
        sor = sorted({s.system for s in obj.system_of_record if s.system in core})
        if sor:
            why.append(f"system of record is {', '.join(sor)}")
        if name in carried:
            n = carried[name]
            why.append(f"carried by {n} affected flow{'s' if n != 1 else ''}")
        if why:
            out.append(AffectedItem("BusinessObject", name, obj.owner, "; ".join(why)))
    return out


def _plants(model: Model, flows: list[Flow], core: frozenset[str],
            systems: list[AffectedSystem]) -> list[str]:
    """Plants served by the subject (enterprise-wide = every plant) or by a direct receiver."""
    every = set(model.plants)
    anchors = set(core) or {s for f in flows for s in (f.source, *f.targets)}
    out: set[str] = set()
    for name in anchors:
        s = model.systems.get(name)
        if s is not None:
            out |= set(s.plants) if s.plants else every
    for a in systems:
        if a.depth == 1 and a.direction in ("downstream", "both"):
            out |= set(model.systems[a.name].plants)
    return sorted(p for p in out if p in every)


def _critical_paths(model: Model, flows: list[Flow], core: frozenset[str],
                    objects: frozenset[str]) -> tuple[list[CriticalPath], bool]:
    """Chains of tier-1 flows from the subject downstream, and tier-1 flows feeding it.

    A chain starts with an affected tier-1 flow that the subject sends, carries or is the
    object of, and follows tier-1 flows from its targets until it ends or comes back to its
    first system. A tier-1 flow into the subject is listed on its own unless a chain already
    contains it. At most MAX_PATHS chains of MAX_PATH_FLOWS flows are explored.
    """
    tier1_out: dict[str, list[Flow]] = {}
    for f in model.flows.values():
        if f.criticality == "tier-1":
            tier1_out.setdefault(f.source, []).append(f)
    found: list[CriticalPath] = []
    truncated = False

    def extend(systems: list[str], chain: list[str]) -> None:
        nonlocal truncated
        if len(found) >= MAX_PATHS:
            truncated = True
            return
        last = systems[-1]
        closed = last == systems[0]
        nexts = [] if closed or len(chain) >= MAX_PATH_FLOWS else [
            (f, t) for f in tier1_out.get(last, ()) for t in dict.fromkeys(f.targets)
            if f.name not in chain and (t not in systems or t == systems[0])
        ]
        if not nexts:
            found.append(CriticalPath(tuple(systems), tuple(chain)))
            return
        for f, t in nexts:
            extend([*systems, t], [*chain, f.name])

    feeders: list[CriticalPath] = []
    for f in flows:
        if f.criticality != "tier-1":
            continue
        if _roles(f, core, objects) == ["target"]:
            for t in dict.fromkeys(f.targets):
                if t in core:
                    feeders.append(CriticalPath((f.source, t), (f.name,)))
            continue
        for t in dict.fromkeys(f.targets):
            extend([f.source, t], [f.name])
    keep: list[CriticalPath] = []
    for p in sorted(set(found), key=lambda p: (p.systems, p.flows)):
        if not any(_contains(q.flows, p.flows) for q in found if q != p):
            keep.append(p)
    chained = {f for q in keep for f in q.flows}
    extra = [p for p in sorted(set(feeders), key=lambda p: (p.systems, p.flows))
             if p.flows[0] not in chained]
    room = max(MAX_PATHS - len(keep), 0)
    if len(extra) > room:
        truncated = True
    return keep + extra[:room], truncated


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return any(big[i:i + n] == small for i in range(len(big) - n + 1))


def _teams(model: Model, core: frozenset[str], flows: list[AffectedFlow],
           systems: list[AffectedSystem], *items: list[AffectedItem]) -> list[TeamContact]:
    owns: dict[str, set[str]] = {}

    def add(owner: str | None, what: str) -> None:
        if owner:
            owns.setdefault(owner, set()).add(what)

    for name in core:
        add(model.systems[name].owner, f"System/{name}")
    for f in flows:
        add(f.owner, f"Flow/{f.name}")
    for s in systems:
        add(s.owner, f"System/{s.name}")
    for group in items:
        for item in group:
            add(item.owner, f"{item.kind}/{item.name}")
    out = []
    for name in sorted(owns):
        team = model.teams.get(name)
        if team is None:
            out.append(TeamContact(name, False, None, None, None, None, (),
                                   tuple(sorted(owns[name]))))
            continue
        esc = tuple(
            f"{e.name}: {e.contact}" + (f" after {e.after}" if e.after else "")
            for e in team.escalation
        )
        out.append(TeamContact(name, True, team.display_name, team.email, team.chat,
                               team.on_call, esc, tuple(sorted(owns[name]))))
    return out
