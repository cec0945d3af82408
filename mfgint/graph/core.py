"""IntegrationGraph: one wrapper around networkx with one documented edge direction.

Edge direction is the direction data moves: an edge ``a -> b`` means a flow carries an object
from system ``a`` to system ``b`` (whoever initiates the call). A flow with several targets has
one edge per target. Via hops (gateway, broker, middleware) are not edges: they are listed on
the edge (``FlowEdge.via``) and indexed, so that queries can ask what passes through a hop.

Node ids are typed strings, ``system:odoo-erp``; systems are always present, and objects,
events, teams and plants are added on request, linked by non-flow relations that also follow
the data direction where there is one: ``system -> object`` (masters: system of record),
``system -> event`` (publishes), ``event -> system`` (consumes), ``team -> system`` (owns),
``plant -> system`` (serves).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from mfgint.compiler.model import Flow, Model

if TYPE_CHECKING:
    # Imported where a graph is built: most validate runs never build one, and the import
    # costs a tenth of a second.
    import networkx as nx

NODE_KINDS = ("system", "object", "event", "team", "plant")
# Relations a walk follows: data moves along them. Ownership and plant membership do not.
DATA_RELATIONS = frozenset({"flow", "masters", "publishes", "consumes"})
CRITICALITY_RANK = {"tier-1": 1, "tier-2": 2, "tier-3": 3}
# Generators ask for the same systems' neighbourhoods again and again; keep recent answers.
WALK_CACHE_SIZE = 1024


def node_id(kind: str, name: str) -> str:
    """The typed node id ``kind:name``."""
    return f"{kind}:{name}"


def split_id(nid: str) -> tuple[str, str]:
    """``system:odoo-erp`` -> ("system", "odoo-erp")."""
    kind, _, name = nid.partition(":")
    return kind, name


@dataclass(frozen=True, slots=True)
class FlowEdge:
    """What an edge carries: the flow and its labels."""

    flow: str
    object: str
    version: str
    pattern: str
    latency: str
    criticality: str
    owner: str | None
    via: tuple[str, ...]


@dataclass(frozen=True)
class GraphIndex:
    """Look-up tables built once per graph, so that queries never scan every flow."""

    as_source: dict[str, tuple[str, ...]]
    as_target: dict[str, tuple[str, ...]]
    as_via: dict[str, tuple[str, ...]]
    succ: dict[str, tuple[str, ...]]
    pred: dict[str, tuple[str, ...]]
    systems_by_plant: dict[str, tuple[str, ...]]

    def touching(self, system: str) -> set[str]:
        """Names of flows with ``system`` as source, target or via hop."""
        return {
            *self.as_source.get(system, ()),
            *self.as_target.get(system, ()),
            *self.as_via.get(system, ()),
        }


def _build_index(model: Model) -> GraphIndex:
    as_source: dict[str, list[str]] = {}
    as_target: dict[str, list[str]] = {}
    as_via: dict[str, list[str]] = {}
    succ: dict[str, set[str]] = {}
    pred: dict[str, set[str]] = {}
    known = model.systems
    for flow in model.flows.values():  # sorted by name, so every list below is sorted too
        as_source.setdefault(flow.source, []).append(flow.name)
        targets = [t for t in dict.fromkeys(flow.targets) if t in known]
        for t in dict.fromkeys(flow.targets):
            as_target.setdefault(t, []).append(flow.name)
        for hop in dict.fromkeys(flow.via):
            as_via.setdefault(hop, []).append(flow.name)
        if flow.source not in known:
            continue
        for t in targets:
            if t != flow.source:
                succ.setdefault(flow.source, set()).add(t)
                pred.setdefault(t, set()).add(flow.source)
        # A walk that starts at a hop sees the flows it carries: their targets downstream and
        # their sources upstream. Walks between endpoints never enter hops, so a busy gateway
        # does not make every system look connected to every other.
        for hop in dict.fromkeys(flow.via):
            if hop not in known:
                continue
            for t in targets:
                if t != hop:
                    succ.setdefault(hop, set()).add(t)
            if flow.source != hop:
                pred.setdefault(hop, set()).add(flow.source)
    by_plant: dict[str, list[str]] = {}
    for name, system in model.systems.items():
        for plant in dict.fromkeys(system.plants):
            by_plant.setdefault(plant, []).append(name)
    return GraphIndex(
        {k: tuple(v) for k, v in as_source.items()},
        {k: tuple(v) for k, v in as_target.items()},
        {k: tuple(v) for k, v in as_via.items()},
        {k: tuple(sorted(v)) for k, v in succ.items()},
        {k: tuple(sorted(v)) for k, v in pred.items()},
        {k: tuple(v) for k, v in by_plant.items()},
    )


class IntegrationGraph:
    """Systems and the flows between them, built once per run from the Model."""

    def __init__(self, model: Model, *, extra_kinds: Iterable[str] = ()) -> None:
        self.model = model
        self.extra_kinds = frozenset(extra_kinds)
        self._walks: dict[tuple[str, int | None, bool], tuple[tuple[str, int], ...]] = {}
        import networkx as nx

        self.g: nx.MultiDiGraph = nx.MultiDiGraph()
        for name, system in model.systems.items():
            self.g.add_node(node_id("system", name), kind="system", name=name,
                            zone=system.zone, type=system.type, criticality=system.criticality,
                            owner=system.owner)
        for flow in model.flows.values():
            for target in dict.fromkeys(flow.targets):
                self.add_flow_edge(flow, flow.source, target)
        kinds = self.extra_kinds
        if "object" in kinds:
            for name, obj in model.objects.items():
                self.g.add_node(node_id("object", name), kind="object", name=name)
                for sor in obj.system_of_record:
                    self._link(node_id("system", sor.system), node_id("object", name), "masters")
        if "event" in kinds:
            for name, event in model.events.items():
                self.g.add_node(node_id("event", name), kind="event", name=name)
                self._link(node_id("system", event.publisher), node_id("event", name), "publishes")
            for flow in model.flows.values():
                if flow.event:
                    for target in flow.targets:
                        self._link(node_id("event", flow.event), node_id("system", target),
                                   "consumes")
        if "team" in kinds:
            for name in model.teams:
                self.g.add_node(node_id("team", name), kind="team", name=name)
            for name, system in model.systems.items():
                if system.owner:
                    self._link(node_id("team", system.owner), node_id("system", name), "owns")
        if "plant" in kinds:
            for name in model.plants:
                self.g.add_node(node_id("plant", name), kind="plant", name=name)
            for name, system in model.systems.items():
                for plant in system.plants:
                    self._link(node_id("plant", plant), node_id("system", name), "serves")

    def _link(self, a: str, b: str, relation: str) -> None:
        if a in self.g and b in self.g:
            self.g.add_edge(a, b, key=f"{relation}:{a}->{b}", relation=relation)

    def add_flow_edge(self, flow: Flow, source: str, target: str) -> None:
        """Add the edge of one flow target (unknown systems are skipped: REF001 covers them)."""
        a, b = node_id("system", source), node_id("system", target)
        if a not in self.g or b not in self.g:
            return
        edge = FlowEdge(flow.name, flow.object.name, str(flow.object), flow.pattern,
                        flow.latency, flow.criticality, flow.owner, flow.via)
        self.g.add_edge(a, b, key=f"{flow.name}->{target}", relation="flow", edge=edge)
        self._forget()

    def _forget(self) -> None:
        """Drop answers derived from the edges (after an edge is added)."""
        self._walks.clear()
        for name in ("_data_adjacency", "_sorted_flow_edges", "sync_cycle_edges"):
            self.__dict__.pop(name, None)

    @cached_property
    def index(self) -> GraphIndex:
        """Flows by system role, via-aware neighbours and systems by plant (built on first use)."""
        return _build_index(self.model)

    # --- queries ---------------------------------------------------------------------------

    def flow_edges(self) -> Iterator[tuple[str, str, FlowEdge]]:
        """Every flow edge as (source id, target id, FlowEdge), in a stable order."""
        return iter(self._sorted_flow_edges)

    @cached_property
    def _sorted_flow_edges(self) -> tuple[tuple[str, str, FlowEdge], ...]:
        items = [
            (a, b, d["edge"]) for a, b, d in self.g.edges(data=True) if d.get("relation") == "flow"
        ]
        items.sort(key=lambda t: (t[2].flow, t[0], t[1]))
        return tuple(items)

    def flows_touching(self, system: str) -> list[Flow]:
        """Flows whose source, target or via hop is ``system``, sorted by name."""
        flows = self.model.flows
        return [flows[name] for name in sorted(self.index.touching(system)) if name in flows]

    def upstream(self, nid: str, depth: int | None = None) -> dict[str, int]:
        """Nodes that feed ``nid`` with their distance (excluding ``nid``)."""
        return self._walk(nid, depth, reverse=True)

    def downstream(self, nid: str, depth: int | None = None) -> dict[str, int]:
        """Nodes fed by ``nid`` with their distance (excluding ``nid``)."""
        return self._walk(nid, depth, reverse=False)

    def _walk(self, nid: str, depth: int | None, *, reverse: bool) -> dict[str, int]:
        if nid not in self.g:
            return {}
        key = (nid, depth, reverse)
        found = self._walks.get(key)
        if found is None:
            found = self._bfs(nid, depth, reverse)
            if len(self._walks) >= WALK_CACHE_SIZE:
                self._walks.pop(next(iter(self._walks)))
            self._walks[key] = found
        return dict(found)

    def _bfs(self, nid: str, depth: int | None, reverse: bool) -> tuple[tuple[str, int], ...]:
        adj = self._data_adjacency[1 if reverse else 0]
        seen = {nid: 0}
        frontier = [nid]
        level = 0
        while frontier and (depth is None or level < depth):
            level += 1
            nxt = []
            for n in frontier:
                for m in adj.get(n, ()):
                    if m not in seen:
                        seen[m] = level
                        nxt.append(m)
            frontier = nxt
        del seen[nid]
        return tuple(seen.items())

    @cached_property
    def _data_adjacency(self) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        """Distinct data-relation neighbours per node, sorted (successors, predecessors)."""
        succ: dict[str, set[str]] = {}
        pred: dict[str, set[str]] = {}
        for a, b, rel in self.g.edges(data="relation"):
            if rel in DATA_RELATIONS:
                succ.setdefault(a, set()).add(b)
                pred.setdefault(b, set()).add(a)
        return ({k: tuple(sorted(v)) for k, v in succ.items()},
                {k: tuple(sorted(v)) for k, v in pred.items()})

    def reach(
        self, systems: Iterable[str], depth: int | None = None, *, reverse: bool = False
    ) -> dict[str, int]:
        """Systems reached from ``systems`` (names) with their distance, passing via hops.

        Downstream (``reverse=False``) from a system are the targets of the flows it sources
        or carries as a via hop; upstream are the sources of the flows it receives or carries.
        The starting systems are not included.
        """
        adj = self.index.pred if reverse else self.index.succ
        seeds = [s for s in dict.fromkeys(systems) if s in self.model.systems]
        seen = dict.fromkeys(seeds, 0)
        frontier = sorted(seeds)
        level = 0
        while frontier and (depth is None or level < depth):
            level += 1
            nxt = []
            for n in frontier:
                for m in adj.get(n, ()):
                    if m not in seen:
                        seen[m] = level
                        nxt.append(m)
            frontier = sorted(nxt)
        return {k: v for k, v in seen.items() if v > 0}

    def sync_cycles(self) -> list[list[str]]:
        """Cycles made only of synchronous (api) flows, as system-name lists, deduplicated."""
        import networkx as nx

        sync = nx.DiGraph()
        for a, b, e in self.flow_edges():
            if e.pattern == "api":
                sync.add_edge(split_id(a)[1], split_id(b)[1])
        cycles = []
        for cycle in nx.simple_cycles(sync):
            i = cycle.index(min(cycle))
            cycles.append(cycle[i:] + cycle[:i])
        return sorted(cycles)

    @cached_property
    def sync_cycle_edges(self) -> frozenset[tuple[str, str, str]]:
        """(flow, source, target) of every api edge that lies on a synchronous cycle.

        An edge lies on a cycle exactly when both ends are in the same strongly connected
        component of the api-only graph, so this is linear in the number of edges.
        """
        import networkx as nx

        sync = nx.DiGraph()
        edges: list[tuple[str, str, str]] = []
        for a, b, e in self.flow_edges():
            if e.pattern == "api":
                sa, sb = split_id(a)[1], split_id(b)[1]
                sync.add_edge(sa, sb)
                edges.append((e.flow, sa, sb))
        component: dict[str, int] = {}
        for i, members in enumerate(nx.strongly_connected_components(sync)):
            for m in members:
                component[m] = i
        return frozenset(
            (f, a, b) for f, a, b in edges if a == b or component[a] == component[b]
        )
