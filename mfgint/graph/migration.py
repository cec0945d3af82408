"""Migration waves for retiring a system: which flows move together, which must wait.

Every flow that touches the retiring system (as source, target, via hop or dead-letter store)
is re-pointed to the replacement. A flow that reads an object out of the retiring system
waits for the flows that feed that object into it: the replacement must receive the object
before it can hand it on. Waves follow that order (feed the replacement first, then switch
the readers). A feeding flow whose readers move in a later wave runs in coexistence (it feeds
both systems, with reconciliation) until they have moved. Via hops are stateless here and
wait for nothing. The dependency index goes through objects, so planning is linear in the
number of flows.
"""

from __future__ import annotations

from dataclasses import dataclass

from mfgint.compiler.model import Flow, Model, duration_seconds
from mfgint.graph.core import CRITICALITY_RANK, IntegrationGraph
from mfgint.graph.selectors import nearest_names

MAX_LISTED = 10


class MigrationError(Exception):
    """The retiring or replacement system is unknown or the same; ``hint`` says what to do."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class FlowMove:
    """One flow to re-point: what changes and what it waits for."""

    flow: str
    roles: tuple[str, ...]  # source | target | via | dead-letter
    action: str
    object: str
    pattern: str
    criticality: str
    rto: str | None
    owner: str | None
    waits_for: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Coexistence:
    """A flow that must feed both systems for a while, and how they are kept in step."""

    flow: str
    object: str
    from_wave: int
    until_wave: int
    reason: str
    reconciliation: str | None


@dataclass(frozen=True)
class Risk:
    """How risky a wave is: highest criticality, tightest RTO, and a level."""

    level: str  # high | medium | low
    criticality: str
    tightest_rto: str | None
    tier1_flows: int
    teams: tuple[str, ...]


@dataclass(frozen=True)
class Wave:
    """Flows that can move together."""

    number: int
    moves: tuple[FlowMove, ...]
    waits_for_waves: tuple[int, ...]
    coexistence: tuple[Coexistence, ...]
    risk: Risk


@dataclass(frozen=True)
class MigrationPlan:
    """The answer of ``mfgint plan-migration``."""

    retire: str
    replace_with: str | None
    retire_criticality: str
    retirement_date: str | None
    waves: tuple[Wave, ...]
    mastered_objects: tuple[str, ...]
    events: tuple[tuple[str, str], ...]  # (event, what to do)
    policies: tuple[tuple[str, str], ...]  # (policy, what to do)
    notes: tuple[str, ...]


def _roles(f: Flow, x: str) -> tuple[str, ...]:
    roles = []
    if f.source == x:
        roles.append("source")
    if x in f.targets:
        roles.append("target")
    if x in f.via:
        roles.append("via")
    if f.dead_letter is not None and f.dead_letter.system == x:
        roles.append("dead-letter")
    return tuple(roles)


def _action(f: Flow, roles: tuple[str, ...], x: str, y: str | None) -> str:
    new = y or "(no replacement)"
    parts = []
    if "source" in roles:
        parts.append(f"source {x} -> {new}")
    if "target" in roles:
        parts.append(f"target {x} -> {new}")
    if "via" in roles:
        parts.append(f"via {x} -> {new}" if y and y not in f.via else f"drop hop {x}")
    if "dead-letter" in roles:
        parts.append(f"dead letter on {x} -> {new}")
    ends = {f.source, *f.targets}
    if y is not None and ("source" in roles or "target" in roles):
        after = {y if s == x else s for s in ends}
        if len(after) == 1:
            return f"retire: after re-pointing, {y} would send {f.object.name} to itself"
    if y is None and ("source" in roles or "target" in roles):
        return "retire or re-home: no replacement given"
    return "; ".join(parts)


def _rank(criticality: str) -> int:
    return CRITICALITY_RANK.get(criticality, 3)


def plan_migration(graph: IntegrationGraph, retire: str, replace_with: str | None = None,
                   max_per_wave: int | None = None) -> MigrationPlan:
    """Plan the waves that move every flow off ``retire`` (onto ``replace_with``)."""
    model = graph.model
    x = model.systems.get(retire)
    if x is None:
        near = nearest_names(retire, model.systems)
        raise MigrationError(f"no system named {retire!r} to retire",
                             f"did you mean: {near}?" if near else "see `mfgint graph`")
    y = replace_with if replace_with is not None else x.lifecycle.replaced_by
    if y is not None and y not in model.systems:
        near = nearest_names(y, model.systems)
        raise MigrationError(f"no replacement system named {y!r}",
                             f"did you mean: {near}?" if near else None)
    if y == retire:
        raise MigrationError(f"{retire} cannot replace itself",
                             "pass another system with --replace-with")

    names = set(graph.index.touching(retire))
    names |= {n for n, f in model.flows.items()
              if f.dead_letter is not None and f.dead_letter.system == retire}
    flows = {n: model.flows[n] for n in sorted(names)}

    # B waits for A when A feeds an object into the retiring system and B reads it out.
    # Kept per object (not per pair of flows) so that it stays linear in the flow count.
    deps = _Deps(retire)
    for n, f in flows.items():
        deps.add(n, f)
    wave_of = _layers(flows, deps, max_per_wave)

    mastered = sorted(
        name for name, obj in model.objects.items()
        if any(s.system == retire for s in obj.system_of_record)
    )
    coexist = _coexistence(flows, deps, wave_of, mastered)
    waves = _waves(model, flows, deps, wave_of, coexist, retire, y)
    events = []
    for name, e in model.events.items():
        if e.broker == retire:
            events.append((name, f"move channel {e.channel} to broker {y or '(none)'}"))
        elif e.publisher == retire:
            events.append((name, f"publisher {retire} -> {y or '(none)'}"))
    policies = []
    for name, p in model.policies.items():
        is_principal = p.principal.kind == "system" and p.principal.name == retire
        if y is not None and ((is_principal and p.target == y) or
                              (p.target == retire and p.principal.name == y)):
            policies.append((name, f"retire: {y} would be granted access to itself"))
        elif is_principal:
            policies.append((name, f"re-issue for principal {y or '(none)'}: new credential"))
        elif p.target == retire:
            policies.append((name, f"re-target to {y or '(none)'}"))
        elif p.via == retire:
            policies.append((name, f"route through {y or '(none)'}"))
    notes = _notes(model, flows, retire, y, mastered)
    x_date = x.lifecycle.retirement_date
    return MigrationPlan(retire, y, x.criticality, x_date.isoformat() if x_date else None,
                         tuple(waves), tuple(mastered), tuple(events), tuple(policies),
                         tuple(notes))


class _Deps:
    """Feeders and readers of each object of the retiring system."""

    def __init__(self, retire: str) -> None:
        self.retire = retire
        self.feeders: dict[str, list[str]] = {}
        self.readers: dict[str, list[str]] = {}
        self.object_of: dict[str, str] = {}
        self.role: dict[str, str] = {}

    def add(self, name: str, f: Flow) -> None:
        """Index one affected flow."""
        self.object_of[name] = f.object.name
        if f.source == self.retire:
            self.readers.setdefault(f.object.name, []).append(name)
            self.role[name] = "reader"
        elif self.retire in f.targets:
            self.feeders.setdefault(f.object.name, []).append(name)
            self.role[name] = "feeder"

    def waits_on(self, name: str) -> list[str]:
        """The flows ``name`` waits for (empty unless it reads out of the retiring system)."""
        if self.role.get(name) != "reader":
            return []
        return self.feeders.get(self.object_of[name], [])


def _layers(flows: dict[str, Flow], deps: _Deps, max_per_wave: int | None) -> dict[str, int]:
    """Wave number per flow: after every flow it waits for; big layers split, pilots first.

    Flows that wait for nothing form layer 1, readers of a fed object layer 2. With
    ``max_per_wave`` a layer is cut into consecutive waves of that size, lowest criticality
    first, so that the first wave of each layer is a low-risk pilot. What a flow waits for is
    always in an earlier layer, so no wave ever waits for a later one.
    """
    layer = {n: 2 if deps.waits_on(n) else 1 for n in flows}
    wave_of: dict[str, int] = {}
    next_wave = 1
    for number in sorted(set(layer.values())):
        members = sorted((n for n in flows if layer[n] == number),
                         key=lambda n: (-_rank(flows[n].criticality), n))
        size = max_per_wave or len(members)
        for i in range(0, len(members), size):
            for n in members[i:i + size]:
                wave_of[n] = next_wave
            next_wave += 1
    return wave_of


def _coexistence(flows: dict[str, Flow], deps: _Deps, wave_of: dict[str, int],
                 mastered: list[str]) -> dict[int, list[Coexistence]]:
    out: dict[int, list[Coexistence]] = {}
    last_read = {obj: max(wave_of[r] for r in readers) for obj, readers in deps.readers.items()}
    for n, f in flows.items():
        obj = f.object.name
        recon = f"{f.reconciliation.method} at {f.reconciliation.schedule!r}" \
            if f.reconciliation else None
        if deps.role.get(n) == "feeder" and last_read.get(obj, 0) > wave_of[n]:
            until = last_read[obj]
            out.setdefault(wave_of[n], []).append(Coexistence(
                n, obj, wave_of[n], until,
                f"feeds {obj} to both systems until its readers move in wave {until}", recon))
        elif obj in mastered and deps.role.get(n) == "reader" and not deps.waits_on(n):
            out.setdefault(wave_of[n], []).append(Coexistence(
                n, obj, wave_of[n], wave_of[n],
                f"{deps.retire} is the system of record for {obj}: load it into the "
                "replacement and compare both before switching", recon))
    return out


def _waves(model: Model, flows: dict[str, Flow], deps: _Deps, wave_of: dict[str, int],
           coexist: dict[int, list[Coexistence]], retire: str, y: str | None) -> list[Wave]:
    by_wave: dict[int, list[str]] = {}
    for n in flows:
        by_wave.setdefault(wave_of[n], []).append(n)
    replacement = model.systems.get(y) if y else None
    feeder_waves = {
        obj: tuple(sorted({wave_of[f] for f in feeders})) for obj, feeders in deps.feeders.items()
    }
    out = []
    for number in sorted(by_wave):
        moves = []
        for n in sorted(by_wave[number]):
            f = flows[n]
            roles = _roles(f, retire)
            notes = []
            action = _action(f, roles, retire, y)
            if replacement is not None and f.protocol and not action.startswith("retire") and \
                    ("source" in roles or "target" in roles or "via" in roles) and \
                    replacement.endpoints and f.protocol not in replacement.protocols():
                notes.append(f"{replacement.name} has no {f.protocol} endpoint")
            if "via" in roles and model.systems[retire].processing == "batch":
                notes.append(f"drain files or messages held by {retire} before the switch")
            waits = _waits_for(deps.waits_on(n), feeder_waves.get(f.object.name, ()))
            moves.append(FlowMove(n, roles, action, str(f.object), f.pattern, f.criticality,
                                  f.rto, f.owner, waits, tuple(notes)))
        objects = {deps.object_of[n] for n in by_wave[number] if deps.waits_on(n)}
        earlier = sorted({w for o in objects for w in feeder_waves.get(o, ())})
        co = sorted(coexist.get(number, []), key=lambda c: c.flow)
        out.append(Wave(number, tuple(moves), tuple(earlier), tuple(co),
                        _risk([flows[n] for n in by_wave[number]], bool(co))))
    return out


def _waits_for(feeders: list[str], waves: tuple[int, ...]) -> tuple[str, ...]:
    """The flows a reader waits for, or a summary when there are many."""
    if len(feeders) <= MAX_LISTED:
        return tuple(sorted(feeders))
    return (f"{len(feeders)} feeding flows in wave{'s' if len(waves) > 1 else ''} "
            f"{', '.join(map(str, waves))}",)


def _risk(flows: list[Flow], coexistence: bool) -> Risk:
    crit = min((f.criticality for f in flows), key=_rank, default="tier-3")
    rtos = [(duration_seconds(f.rto), f.rto) for f in flows if f.rto]
    known = [r for r in rtos if r[0] is not None]
    tightest = min(known)[1] if known else None
    tier1 = sum(1 for f in flows if f.criticality == "tier-1")
    seconds = min(known)[0] if known else None
    if tier1 or (seconds is not None and seconds <= 3600):
        level = "high"
    elif _rank(crit) == 2 or coexistence:
        level = "medium"
    else:
        level = "low"
    teams = tuple(sorted({f.owner for f in flows if f.owner}))
    return Risk(level, crit, tightest, tier1, teams)


def _notes(model: Model, flows: dict[str, Flow], retire: str, y: str | None,
           mastered: list[str]) -> list[str]:
    notes = []
    if not flows:
        notes.append(f"no flow touches {retire}: it can be switched off once nothing else "
                     "refers to it")
    if y is None:
        notes.append(f"{retire} has no replacement (set lifecycle.replacedBy or pass "
                     "--replace-with): flows are listed to be retired or re-homed")
    for name in mastered:
        notes.append(f"{retire} is the system of record for {name}: update the "
                     f"BusinessObject's systemOfRecord to {y or 'its new owner'}")
    if y is not None:
        ry, rx = model.systems[y], model.systems[retire]
        if _rank(ry.criticality) > _rank(rx.criticality):
            notes.append(f"{y} is {ry.criticality} but takes over from {retire} "
                         f"({rx.criticality}): raise its criticality")
        if ry.lifecycle.status in ("legacy", "retiring", "retired"):
            notes.append(f"{y} is itself {ry.lifecycle.status}")
    return notes
