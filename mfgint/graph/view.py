"""GraphView: what an export draws, computed once and rendered by every format.

A view holds the selected systems, the endpoints of selected flows that were not selected
themselves (boundary nodes, drawn muted), one edge per flow target, optional extra nodes
(objects, events, teams, plants) and optional groups. With ``collapse`` each group becomes
one node and the flows between two groups one edge carrying their count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mfgint.compiler.model import Model, System
from mfgint.graph.analysis import flow_conflicts, system_conflicts
from mfgint.graph.core import CRITICALITY_RANK, IntegrationGraph, node_id, split_id
from mfgint.graph.selectors import Selected

GROUP_BY = ("plant", "zone", "owner", "domain")
SHOW_KINDS = ("object", "event", "team", "plant")
ENTERPRISE = "(enterprise-wide)"
MULTI_PLANT = "(multi-plant)"
NO_OWNER = "(no owner)"
NO_DOMAIN = "(no domain)"


@dataclass(frozen=True)
class ViewNode:
    """A node to draw."""

    id: str
    kind: str
    name: str
    label: tuple[str, ...]
    group: str | None = None
    boundary: bool = False
    conflict: str | None = None
    zone: str | None = None
    tier1: bool = False
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ViewEdge:
    """An edge to draw: one flow target, a non-flow relation, or a roll-up of flows."""

    id: str
    source: str
    target: str
    relation: str
    label: tuple[str, ...]
    pattern: str = ""
    latency: str = ""
    criticality: str = ""
    cycle: bool = False
    conflict: str | None = None
    count: int = 1
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ViewGroup:
    """A cluster of nodes sharing a plant, zone, owner or domain."""

    id: str
    by: str
    key: str
    label: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class GraphView:
    """Everything an export needs, in a deterministic order."""

    title: str
    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    groups: tuple[ViewGroup, ...]
    group_by: str | None
    collapsed: bool
    cycles: tuple[tuple[str, ...], ...]
    meta: Mapping[str, Any] = field(default_factory=dict)


def group_key(system: System, by: str) -> str:
    """The group a system falls in for ``--group-by``."""
    if by == "plant":
        plants = sorted(set(system.plants))
        return ENTERPRISE if not plants else plants[0] if len(plants) == 1 else MULTI_PLANT
    if by == "zone":
        return system.zone
    if by == "owner":
        return system.owner or NO_OWNER
    if by == "domain":
        return system.meta.labels.get("domain") or NO_DOMAIN
    raise ValueError(f"unknown grouping {by!r}")


def _system_node(model: Model, name: str, boundary: bool, conflicts: Mapping[str, str],
                 group: str | None, hops: int, locations: bool) -> ViewNode:
    s = model.systems[name]
    second = " · ".join(x for x in (s.type, s.zone, s.criticality) if x)
    label = [name, second]
    if hops:
        label.append(f"via hop of {hops} flow{'s' if hops != 1 else ''}")
    if s.lifecycle.status != "active":
        date = s.lifecycle.retirement_date
        label.append(s.lifecycle.status + (f" {date.isoformat()}" if date else ""))
    attrs: dict[str, Any] = {
        "type": s.type,
        "vendor": s.vendor,
        "product": s.product,
        "version": s.version,
        "zone": s.zone,
        "criticality": s.criticality,
        "owner": s.owner,
        "plants": sorted(set(s.plants)),
        "lifecycle": s.lifecycle.status,
        "retirementDate": s.lifecycle.retirement_date.isoformat()
        if s.lifecycle.retirement_date else None,
        "replacedBy": s.lifecycle.replaced_by,
        "labels": dict(sorted(s.meta.labels.items())),
        "viaHopOf": hops,
        "location": str(s.span) if locations else s.src.path,
    }
    return ViewNode(node_id("system", name), "system", name, tuple(label), group, boundary,
                    conflicts.get(name), s.zone, s.criticality == "tier-1", attrs)


def build_view(
    graph: IntegrationGraph,
    selected: Selected | None = None,
    *,
    group_by: str | None = None,
    collapse: bool = False,
    show: Iterable[str] = (),
    hidden: Iterable[str] = (),
    title: str = "mfgint integration graph",
    meta: Mapping[str, Any] | None = None,
    locations: bool = True,
) -> GraphView:
    """Build the view of ``selected`` (everything when None).

    ``locations`` adds ``file:line:col`` to every node and edge (for JSON and GraphML); without
    it only the file is given, which is much cheaper on large landscapes.
    """
    if group_by is not None and group_by not in GROUP_BY:
        raise ValueError(f"unknown grouping {group_by!r}")
    model = graph.model
    if selected is None:
        systems = set(model.systems)
        flows = set(model.flows)
    else:
        systems = set(selected.systems)
        flows = set(selected.flows)
    gone = set(hidden)
    sys_conf = system_conflicts(model)
    flow_conf = flow_conflicts(model)
    cycle_edges = graph.sync_cycle_edges

    edges: list[ViewEdge] = []
    boundary: set[str] = set()
    for name in sorted(flows):
        f = model.flows[name]
        if f.source not in model.systems or f.source in gone:
            continue
        for t in dict.fromkeys(f.targets):
            if t not in model.systems or t in gone:
                continue
            for end in (f.source, t):
                if end not in systems:
                    boundary.add(end)
            second = " · ".join((str(f.object), f.pattern, f.latency))
            attrs: dict[str, Any] = {
                "flow": name,
                "object": f.object.name,
                "version": str(f.object),
                "pattern": f.pattern,
                "latency": f.latency,
                "criticality": f.criticality,
                "owner": f.owner,
                "via": list(f.via),
                "protocol": f.protocol,
                "event": f.event,
                "operation": f.operation,
                "direction": f.direction,
                "rto": f.rto,
                "location": str(f.span) if locations else f.src.path,
            }
            edges.append(ViewEdge(
                id=f"flow:{name}->{t}",
                source=node_id("system", f.source),
                target=node_id("system", t),
                relation="flow",
                label=(name, second),
                pattern=f.pattern,
                latency=f.latency,
                criticality=f.criticality,
                cycle=(name, f.source, t) in cycle_edges,
                conflict=flow_conf.get(name),
                attrs=attrs,
            ))

    def grp(name: str) -> str | None:
        return group_key(model.systems[name], group_by) if group_by else None

    hops = Counter(h for name in flows for h in dict.fromkeys(model.flows[name].via))
    nodes = [
        _system_node(model, n, n in boundary and n not in systems, sys_conf, grp(n), hops[n],
                     locations)
        for n in sorted(systems | boundary)
    ]
    shown = {n.id for n in nodes}
    extra_nodes, extra_edges = _extra(graph, shown, set(show))

    cycles = _cycles(edges)
    if group_by and collapse:
        view_nodes, view_edges, groups = _collapse(nodes, edges, group_by)
        view_nodes += extra_nodes
        view_edges += _reattach(extra_edges, {n.id: f"group:{n.group}" for n in nodes})
    else:
        view_nodes = nodes + extra_nodes
        view_edges = edges + extra_edges
        groups = _groups(nodes, group_by) if group_by else []
    return GraphView(title, tuple(view_nodes), tuple(view_edges), tuple(groups), group_by,
                     bool(group_by and collapse), cycles, dict(meta or {}))


def _extra(graph: IntegrationGraph, shown: set[str], kinds: set[str]
           ) -> tuple[list[ViewNode], list[ViewEdge]]:
    """Object, event, team and plant nodes linked to the shown systems."""
    if not kinds:
        return [], []
    g = graph.g
    nodes: dict[str, ViewNode] = {}
    edges: list[ViewEdge] = []
    for a, b, _key, rel in sorted(g.edges(keys=True, data="relation")):
        if rel == "flow":
            continue
        other = b if a in shown else a if b in shown else None
        if other is None or other in shown:
            continue
        kind, name = split_id(other)
        if kind not in kinds:
            continue
        nodes.setdefault(other, ViewNode(other, kind, name, (name, kind)))
        edges.append(ViewEdge(f"{rel}:{a}->{b}", a, b, rel, (rel,), attrs={"relation": rel}))
    return [nodes[k] for k in sorted(nodes)], edges


def _groups(nodes: list[ViewNode], by: str) -> list[ViewGroup]:
    members: dict[str, list[str]] = {}
    for n in nodes:
        if n.group is not None:
            members.setdefault(n.group, []).append(n.id)
    return [
        ViewGroup(f"group:{key}", by, key, f"{by}: {key}", tuple(ids))
        for key, ids in sorted(members.items())
    ]


def _collapse(nodes: list[ViewNode], edges: list[ViewEdge], by: str
              ) -> tuple[list[ViewNode], list[ViewEdge], list[ViewGroup]]:
    """One node per group and one edge per ordered pair of groups."""
    groups = _groups(nodes, by)
    where = {n.id: f"group:{n.group}" for n in nodes}
    by_group: dict[str, list[ViewNode]] = {}
    for n in nodes:
        by_group.setdefault(f"group:{n.group}", []).append(n)
    out_nodes = []
    for g in groups:
        members = by_group[g.id]
        conflicts = sorted({m.name for m in members if m.conflict})
        tier1 = sum(1 for m in members if m.tier1)
        count = f"{len(members)} system{'s' if len(members) != 1 else ''}"
        label = (g.label, count + (f" · {tier1} tier-1" if tier1 else ""))
        zones = {m.zone for m in members}
        out_nodes.append(ViewNode(
            g.id, "group", g.key, label, None, all(m.boundary for m in members),
            f"conflicts in {', '.join(conflicts)}" if conflicts else None,
            zones.pop() if len(zones) == 1 else None, tier1 > 0,
            {"by": by, "members": [m.name for m in members]},
        ))
    bundles: dict[tuple[str, str], list[ViewEdge]] = {}
    for e in edges:
        bundles.setdefault((where[e.source], where[e.target]), []).append(e)
    out_edges = []
    for (a, b), items in sorted(bundles.items()):
        patterns = Counter(e.pattern for e in items)
        latencies = Counter(e.latency for e in items)
        flows = sorted({str(e.attrs["flow"]) for e in items})
        crit = min((e.criticality for e in items), key=lambda c: CRITICALITY_RANK.get(c, 3))
        mix = ", ".join(f"{p} {n}" for p, n in sorted(patterns.items()))
        conflicts = sorted({str(e.attrs["flow"]) for e in items if e.conflict})
        out_edges.append(ViewEdge(
            id=f"rollup:{a}->{b}",
            source=a,
            target=b,
            relation="rollup",
            label=(f"{len(flows)} flow{'s' if len(flows) != 1 else ''}", mix),
            pattern=patterns.most_common(1)[0][0] if len(patterns) == 1 else "mixed",
            latency=min(latencies, key=lambda x: ("realtime", "near-realtime", "batch").index(x)
                        if x in ("realtime", "near-realtime", "batch") else 3),
            criticality=crit,
            cycle=any(e.cycle for e in items),
            conflict=f"ownership conflicts: {', '.join(conflicts)}" if conflicts else None,
            count=len(flows),
            attrs={"flows": flows, "patterns": dict(sorted(patterns.items())),
                   "latencies": dict(sorted(latencies.items()))},
        ))
    return out_nodes, out_edges, groups


def _reattach(edges: list[ViewEdge], where: Mapping[str, str]) -> list[ViewEdge]:
    """Point extra-node edges at the group nodes their systems were folded into."""
    seen: dict[str, ViewEdge] = {}
    for e in edges:
        a, b = where.get(e.source, e.source), where.get(e.target, e.target)
        eid = f"{e.relation}:{a}->{b}"
        seen.setdefault(eid, ViewEdge(eid, a, b, e.relation, e.label, attrs=e.attrs))
    return [seen[k] for k in sorted(seen)]


def _cycles(edges: list[ViewEdge]) -> tuple[tuple[str, ...], ...]:
    """Groups of systems joined by synchronous cycles among the drawn edges (sorted names).

    Each group is a strongly connected component of the api edges on a cycle; listing
    components rather than every simple cycle keeps this linear on large landscapes.
    """
    import networkx as nx

    sync = nx.DiGraph()
    for e in edges:
        if e.cycle:
            sync.add_edge(split_id(e.source)[1], split_id(e.target)[1])
    comps = [tuple(sorted(c)) for c in nx.strongly_connected_components(sync)
             if len(c) > 1 or any(sync.has_edge(n, n) for n in c)]
    return tuple(sorted(comps))
