"""Ownership rules: owners and teams, systems of record, who may write and where to read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from mfgint.compiler.model import (
    BusinessObject,
    Flow,
    Model,
    Resource,
    SystemOfRecord,
    Team,
)
from mfgint.diagnostics import Diagnostic, Severity, Span
from mfgint.validators.registry import ALL_KINDS, Family, RuleContext, Scope

FAMILY = Family(
    "OWN",
    "ownership",
    "Owners and teams, systems of record, writes into the system of record, reads from copies.",
)

# Flow patterns that replicate a copy of the object into the target.
_COPY_PATTERNS = frozenset({"event", "batch", "file"})
_READ_ACTIONS = frozenset({"read", "*"})
# Every kind but Team needs an owner (OWN001).
_OWNED_KINDS = tuple(kind for kind in ALL_KINDS if kind != "Team")


def _target_path(flow: Flow, index: int) -> tuple[str | int, ...]:
    """Spec path of the ``index``-th target (``target`` or ``targets[i]``)."""
    spec = flow.raw.get("spec") if isinstance(flow.raw, Mapping) else None
    if isinstance(spec, Mapping) and "targets" in spec:
        return ("spec", "targets", index)
    return ("spec", "target")


def _has(res: Resource, *path: str) -> bool:
    """True when the raw document has a value at ``path`` (absent keys are not defaults)."""
    node = res.raw
    for step in path:
        if not isinstance(node, Mapping) or step not in node:
            return False
        node = node[step]
    return True


def _sor_span(obj: BusinessObject, entry: SystemOfRecord) -> Span:
    return obj.loc("spec", "systemOfRecord", entry.index)


def flow_scope(model: Model, flow: Flow, target: str) -> frozenset[str] | None:
    """Plants a flow to ``target`` concerns: plants of its source and target; None = any."""
    plants: set[str] = set()
    for name in (flow.source, target):
        system = model.systems.get(name)
        if system is not None:
            plants.update(system.plants)
    return frozenset(plants) if plants else None


def _covers(entry: SystemOfRecord, scope: frozenset[str] | None) -> bool:
    """True when the entry's plants meet the scope (empty plants or scope = everywhere)."""
    return not entry.plants or scope is None or bool(scope.intersection(entry.plants))


def sor_entries(
    obj: BusinessObject, system: str, scope: frozenset[str] | None
) -> list[SystemOfRecord]:
    """Entries naming ``system`` as system of record somewhere in ``scope``."""
    return [e for e in obj.sor_by_system.get(system, ()) if _covers(e, scope)]


# --- OWN001-OWN003: owners and teams ---------------------------------------------------------


@FAMILY.rule(
    code="OWN001",
    name="owner-unknown",
    severity=Severity.ERROR,
    summary="A resource has no owner, or its default owner is not a declared Team.",
    explanation="""
Every resource needs a team that answers for it: alerts, runbooks, access reviews and change
approvals are routed to `metadata.owner`. A resource without an owner is an orphan that nobody
is paged for. Resources that omit `owner` get `defaults.owner` from mfgint.yaml; this rule
reports a resource left without any owner, and one whose default owner names no Team (an
explicit `owner` naming no Team is REF001). Teams themselves need no owner.

Fix: add `metadata.owner: <team>` naming a declared Team, or set `defaults.owner` in
mfgint.yaml to a declared Team.
""",
    scope=Scope(_OWNED_KINDS, reads=("Team",)),
)
def check_owner(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Resources without a usable owner."""
    teams = ctx.model.teams
    for res in ctx.each_subject():
        if res.owner is None:
            yield ctx.diag(
                res, ("metadata",), f"{res.kind} '{res.name}' has no owner",
                hint="add `owner: <team>` under metadata, or set defaults.owner in mfgint.yaml",
                key=True,
            )
        elif res.owner not in teams and not _has(res, "metadata", "owner"):
            yield ctx.diag(
                res, ("metadata",),
                f"{res.kind} '{res.name}': its default owner '{res.owner}' (defaults.owner in "
                "mfgint.yaml) is not a declared Team",
                hint=f"declare a Team named '{res.owner}', or change defaults.owner",
                key=True,
            )


@FAMILY.rule(
    code="OWN002",
    name="team-without-contact",
    severity=Severity.WARNING,
    summary="A team has neither an email nor a chat channel.",
    explanation="""
Generated runbooks and alert routes tell people whom to contact about a flow or a system.
A team with no `email` and no `chat` cannot be reached outside its paging rotation: consumers
who find a broken contract, or partners whose credentials expire, have nowhere to write.

Fix: add `email: team@company.example` or `chat: "#channel"` (quote the `#`) to the Team's spec.
""",
    scope=Scope(("Team",)),
)
def check_team_contact(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Teams without email or chat."""
    for team in ctx.subjects(Team):
        if not team.email and not team.chat:
            yield ctx.diag(
                team, ("spec",), f"Team '{team.name}' has neither email nor chat",
                hint='add `email: <mailbox>` or `chat: "#channel"` to its spec', key=True,
            )


@FAMILY.rule(
    code="OWN003",
    name="team-without-escalation",
    severity=Severity.WARNING,
    summary="A team has no escalation chain.",
    explanation="""
When the on-call engineer does not acknowledge an alert on a tier-1 flow, somebody else must be
paged. The escalation chain (`escalation`, first contact first, each later level with `after`)
goes into alert routing and runbooks; without it an unacknowledged incident stays with nobody.

Fix: add `escalation:` with at least one level, e.g.
`- {name: Duty engineer, contact: pagerduty:erp}` and `- {name: ERP lead, contact: lead@...,
after: 30m}`.
""",
    scope=Scope(("Team",)),
)
def check_team_escalation(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Teams without an escalation chain."""
    for team in ctx.subjects(Team):
        if not team.escalation:
            path: tuple[str, ...] = ("spec", "escalation") if _has(team, "spec", "escalation") \
                else ("spec",)
            yield ctx.diag(
                team, path, f"Team '{team.name}' has no escalation chain",
                hint="add `escalation:` with the levels to page, first contact first, "
                     "each later one with `after: <duration>`",
                key=True,
            )


# --- OWN004, OWN005, OWN008: systems of record -----------------------------------------------


@FAMILY.rule(
    code="OWN004",
    name="object-without-system-of-record",
    severity=Severity.ERROR,
    summary="A business object declares no system of record.",
    explanation="""
Every business object needs a system of record: the one system whose copy wins when copies
disagree, where corrections are made, and which reconciliation jobs compare against. Without
it, two systems may both create and change the object, and nobody can say which value is right.

Fix: add `systemOfRecord: [{system: <system>}]`, scoped with `plants` and `fieldGroups` when
different systems own the object in different plants or own different parts of it.
""",
    scope=Scope(("BusinessObject",)),
)
def check_object_sor(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Objects without any system of record."""
    for obj in ctx.subjects(BusinessObject):
        if obj.system_of_record:
            continue
        path: tuple[str, ...] = ("spec", "systemOfRecord") if _has(obj, "spec", "systemOfRecord") \
            else ("spec",)
        yield ctx.diag(
            obj, path, f"BusinessObject '{obj.name}' has no system of record",
            hint="add `systemOfRecord: [{system: <system that masters it>}]`", key=True,
        )


def _fmt_scope(plants: Iterable[str] | None, groups: Iterable[str] | None) -> str:
    where = f"plant(s) {', '.join(sorted(plants))}" if plants else "all plants"
    what = f"field group(s) {', '.join(sorted(groups))}" if groups else "all fields"
    return f"{what} at {where}"


@FAMILY.rule(
    code="OWN005",
    name="system-of-record-overlap",
    severity=Severity.ERROR,
    summary="Two system-of-record entries of one object cover the same plants and fields.",
    explanation="""
A business object may have several systems of record, split by plant (`plants`) or by part of
the object (`fieldGroups`), but each field at each plant must have exactly one master. Two
entries overlap when their plant sets overlap (no `plants` = every plant) and their field-group
sets overlap (no `fieldGroups` = every field): both systems then claim the same data, and
reconciliation cannot tell which copy is right. Two entries naming the same system are
redundant and are reported too.

Fix: narrow one entry with `plants` or `fieldGroups` so the scopes no longer meet, or remove it.
""",
    scope=Scope(("BusinessObject",)),
)
def check_sor_overlap(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Pairs of overlapping system-of-record entries, reported on the later one."""
    for obj in ctx.subjects(BusinessObject):
        entries = obj.system_of_record
        for j, second in enumerate(entries):
            for first in entries[:j]:
                plants = _overlap(first.plants, second.plants)
                groups = _overlap(first.field_groups, second.field_groups)
                if plants is None or groups is None:
                    continue
                scope = _fmt_scope(plants, groups)
                if first.system == second.system:
                    msg = (f"BusinessObject '{obj.name}': system of record '{second.system}' is "
                           f"declared twice for {scope}")
                    hint = "remove the redundant entry or merge the two"
                else:
                    msg = (f"BusinessObject '{obj.name}': '{second.system}' and '{first.system}' "
                           f"are both system of record for {scope}")
                    hint = ("give each entry disjoint `plants` or `fieldGroups`, so each field "
                            "at each plant has one master")
                yield ctx.diag(
                    obj, ("spec", "systemOfRecord", second.index), msg, hint=hint,
                    related=[(_sor_span(obj, first), f"'{first.system}' declared here")],
                )


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> frozenset[str] | None:
    """Common members of two scopes (empty = everything); None when they do not meet.

    The result is empty when both scopes are unrestricted (they meet everywhere).
    """
    if not a:
        return frozenset(b)
    if not b:
        return frozenset(a)
    common = frozenset(a) & frozenset(b)
    return common or None


@FAMILY.rule(
    code="OWN008",
    name="system-of-record-gap",
    severity=Severity.WARNING,
    summary="A field group, or a plant where the object is exchanged, has no system of record.",
    explanation="""
When systems of record are split by `fieldGroups` or `plants`, the entries together must cover
the whole object wherever it is used. This rule reports a declared field group that no entry
owns (an entry without `fieldGroups` owns every group), and a plant with no master for a field
group although flows carry the object to or from a system serving that plant (a plant appears
when a flow's source or target lists it in `plants`). Objects without any system of record are
OWN004.

Fix: add an entry for the missing field group or plant, or widen an existing one.
""",
    # The plants where an object is used come from every flow of it and their systems.
    scope=Scope(("BusinessObject",), reads=("Flow", "System")),
)
def check_sor_gap(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Field groups and used plants without a system of record."""
    used = _plants_using(ctx.model)
    for obj in ctx.subjects(BusinessObject):
        if not obj.system_of_record:
            continue
        groups: list[str | None] = list(obj.field_groups) or [None]
        for group in groups:
            owners = [e for e in obj.system_of_record
                      if group is None or not e.field_groups or group in e.field_groups]
            label = f"field group '{group}'" if group else "the object"
            if not owners:
                yield ctx.diag(
                    obj, ("spec", "fieldGroups", group or ""),
                    f"BusinessObject '{obj.name}': {label} has no system of record",
                    hint=f"add a systemOfRecord entry with `fieldGroups: [{group}]`",
                    key=True,
                )
                continue
            if any(not e.plants for e in owners):
                continue
            covered = {p for e in owners for p in e.plants}
            missing = sorted(used.get(obj.name, set()) - covered)
            if missing:
                yield ctx.diag(
                    obj, ("spec", "systemOfRecord"),
                    f"BusinessObject '{obj.name}': {label} has no system of record at plant(s) "
                    f"{', '.join(missing)}, where flows carry it",
                    hint="add a systemOfRecord entry for those plants, or an entry without "
                         "`plants`",
                    related=[(_sor_span(obj, e), f"'{e.system}' covers {', '.join(e.plants)}")
                             for e in owners[:3]],
                    key=True,
                )


def _plants_using(model: Model) -> dict[str, set[str]]:
    """Plants of the systems each object flows from or to, by object name."""
    out: dict[str, set[str]] = defaultdict(set)
    for flow in model.flows.values():
        for name in (flow.source, *flow.targets):
            system = model.systems.get(name)
            if system is not None:
                out[flow.object.name].update(system.plants)
    return out


# --- OWN006: writes into the system of record ------------------------------------------------


@FAMILY.rule(
    code="OWN006",
    name="write-into-sor-from-non-owner",
    severity=Severity.ERROR,
    summary="A flow writes an object into its system of record from a system that does not own it.",
    explanation="""
The system of record is where an object is mastered. A flow whose operation changes data at
its target (`create`, `update`, `upsert`, `delete`, `sync`) while the target is the object's
system of record for the flow's plants, and the source is not a system of record of any part
of the object there, overwrites the master from a copy: corrections made in the master can be
silently undone, and the two systems drift apart.

The flow's plants are the `plants` of its source and target systems (none: every plant). A
source that masters some field group of the object at those plants (for example the MES owning
execution fields) writes its own data and is not reported.

Some such writes are intended (the MES confirming produced quantities into Odoo). Declare them
with `authorizedInbound: true` once the owners of the object have approved the write.

Fix: set `authorizedInbound: true` for an approved write, change the operation to `read`, make
the source a system of record for the fields it writes (`fieldGroups`), or send the change to
the team owning the master instead.
""",
    scope=Scope(("Flow",), reads=("BusinessObject", "System")),
)
def check_write_into_sor(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Writes into a system of record from a non-owner without authorizedInbound."""
    model = ctx.model
    for flow in ctx.subjects(Flow):
        if not flow.writes or flow.authorized_inbound:
            continue
        obj = model.objects.get(flow.object.name)
        if obj is None or not obj.system_of_record:
            continue
        for i, target in enumerate(flow.targets):
            if target == flow.source:
                continue
            scope = flow_scope(model, flow, target)
            target_entries = sor_entries(obj, target, scope)
            if not target_entries or sor_entries(obj, flow.source, scope):
                continue
            where = f" at {', '.join(sorted(scope))}" if scope else ""
            yield ctx.diag(
                flow, _target_path(flow, i),
                f"Flow '{flow.name}' {flow.operation}s {obj.name} in '{target}', its system of "
                f"record{where}, from '{flow.source}', which does not own it",
                hint="if the owners approved this write, set `authorizedInbound: true`; "
                     "otherwise read instead, or make the source a system of record for the "
                     "fields it writes",
                related=[(_sor_span(obj, target_entries[0]),
                          f"'{target}' is system of record of {obj.name} here")],
            )


# --- OWN007: reads from a copy ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Link:
    """Evidence that a system can reach an object's system of record directly."""

    span: Span
    note: str


def _links(model: Model) -> dict[tuple[str, str, str], _Link]:
    """Direct connections between systems for an object: (object, a, b) -> first evidence.

    A flow of the object between a and b links them in both directions; an AccessPolicy that
    lets system a read the object (or ``*``) at b links a to b.
    """
    out: dict[tuple[str, str, str], _Link] = {}
    for flow in model.flows.values():
        obj = flow.object.name
        for i, target in enumerate(flow.targets):
            span = flow.loc(*_target_path(flow, i))
            note = f"flow '{flow.name}' connects {flow.source} and {target} for {obj}"
            out.setdefault((obj, flow.source, target), _Link(span, note))
            out.setdefault((obj, target, flow.source), _Link(span, note))
    for pol in model.policies.values():
        if pol.principal.kind != "system":
            continue
        for grant in pol.grants:
            if _READ_ACTIONS.isdisjoint(grant.actions):
                continue
            span = pol.loc("spec", "grants", grant.index)
            note = (f"access policy '{pol.name}' lets {pol.principal.name} read {grant.object} "
                    f"at {pol.target}")
            out.setdefault((grant.object, pol.principal.name, pol.target), _Link(span, note))
    return out


@FAMILY.rule(
    code="OWN007",
    name="read-from-non-owner-copy",
    severity=Severity.WARNING,
    summary="A system reads an object from a copy although it can reach the system of record.",
    explanation="""
Reading from a copy adds the copy's lag and errors to every reader, and makes the copy a hidden
dependency. When the reader is already connected to the master, the copy is not needed.

The rule reports a flow and one of its targets when all of these hold:
1. the flow delivers the object for reading: `operation: read`, or pattern `event`, `batch` or
   `file` (the target keeps a copy);
2. neither the source nor the target is a system of record of the object for the flow's plants
   (the plants of its source and target systems; none = every plant);
3. a system of record of the object for those plants is directly reachable from the target:
   another flow carries the same object between that system of record and the target (in
   either direction), or an AccessPolicy lets the target read the object (or `*`) at it.

Longer paths through other systems are not counted: the copy is only reported when the reader
already has its own connection to the master.

Fix: read from the system of record over the existing connection and remove this flow, or
declare the source as system of record for the data it masters.
""",
    # The links to a master are other flows of the object and access policies: reads Flow.
    scope=Scope(("Flow",), reads=("Flow", "BusinessObject", "System", "AccessPolicy")),
)
def check_read_from_copy(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Reads from a non-owner while the system of record is directly reachable."""
    model = ctx.model
    links: dict[tuple[str, str, str], _Link] | None = None
    for flow in ctx.subjects(Flow):
        if flow.operation != "read" and flow.pattern not in _COPY_PATTERNS:
            continue
        obj = model.objects.get(flow.object.name)
        if obj is None or not obj.system_of_record:
            continue
        for target in flow.targets:
            scope = flow_scope(model, flow, target)
            if sor_entries(obj, flow.source, scope) or sor_entries(obj, target, scope):
                continue
            if links is None:
                links = _links(model)
            masters = sorted({e.system for e in obj.system_of_record if _covers(e, scope)})
            for master in masters:
                link = links.get((obj.name, target, master)) or links.get(("*", target, master))
                if link is None or master in (flow.source, target):
                    continue
                yield ctx.diag(
                    flow, ("spec", "source"),
                    f"Flow '{flow.name}': '{target}' reads {obj.name} from '{flow.source}', "
                    f"which is not its system of record, although it is connected to the "
                    f"system of record '{master}'",
                    hint=f"read {obj.name} from '{master}' over the existing connection, or "
                         f"make '{flow.source}' a system of record for the data it provides",
                    related=[(link.span, link.note)],
                )
                break
