"""IntegrationGraph: one wrapper around networkx with one documented edge direction.

Edge direction is the direction data moves: an edge ``a -> b`` means a flow carries an object
from system ``a`` to system ``b`` (whoever initiates the call). Node ids are typed strings,
``system:odoo-erp``; systems are always present, and objects, events, teams and plants are
added on request.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import networkx as nx

from mfgint.compiler.model import Flow, Model

NODE_KINDS = ("system", "object", "event", "team", "plant")


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


class IntegrationGraph:
    """Systems and the flows between them, built once per run from the Model."""

    def __init__(self, model: Model, *, extra_kinds: Iterable[str] = ()) -> None:
        self.model = model
        self.g: nx.MultiDiGraph = nx.MultiDiGraph()
        for name, system in model.systems.items():
            self.g.add_node(node_id("system", name), kind="system", name=name,
                            zone=system.zone, type=system.type, criticality=system.criticality,
                            owner=system.owner)
        for flow in model.flows.values():
            for target in flow.targets:
                self.add_flow_edge(flow, flow.source, target)
        kinds = set(extra_kinds)
        if "object" in kinds:
            for name in model.objects:
                self.g.add_node(node_id("object", name), kind="object", name=name)
        if "event" in kinds:
            for name, event in model.events.items():
                self.g.add_node(node_id("event", name), kind="event", name=name)
                self._link(node_id("system", event.publisher), node_id("event", name), "publishes")
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

    # --- queries ---------------------------------------------------------------------------

    def flow_edges(self) -> Iterator[tuple[str, str, FlowEdge]]:
        """Every flow edge as (source id, target id, FlowEdge), in a stable order."""
        items = [
            (a, b, d["edge"]) for a, b, d in self.g.edges(data=True) if d.get("relation") == "flow"
        ]
        items.sort(key=lambda t: (t[2].flow, t[0], t[1]))
        return iter(items)

    def flows_touching(self, system: str) -> list[Flow]:
        """Flows whose source, target or via hop is ``system``, sorted by name."""
        return [
            f for f in self.model.flows.values()
            if f.source == system or system in f.targets or system in f.via
        ]

    def upstream(self, nid: str, depth: int | None = None) -> dict[str, int]:
        """Nodes that feed ``nid`` with their distance (excluding ``nid``)."""
        return self._walk(nid, depth, reverse=True)

    def downstream(self, nid: str, depth: int | None = None) -> dict[str, int]:
        """Nodes fed by ``nid`` with their distance (excluding ``nid``)."""
        return self._walk(nid, depth, reverse=False)

    def _walk(self, nid: str, depth: int | None, *, reverse: bool) -> dict[str, int]:
        if nid not in self.g:
            return {}
        seen = {nid: 0}
        frontier = [nid]
        level = 0
        while frontier and (depth is None or level < depth):
            level += 1
            nxt = []
            for n in frontier:
                neigh = self.g.predecessors(n) if reverse else self.g.successors(n)
                for m in sorted(neigh):
                    if m not in seen:
                        seen[m] = level
                        nxt.append(m)
            frontier = nxt
        del seen[nid]
        return seen

    def sync_cycles(self) -> list[list[str]]:
        """Cycles made only of synchronous (api) flows, as system-name lists, deduplicated."""
        sync = nx.DiGraph()
        for a, b, e in self.flow_edges():
            if e.pattern == "api":
                sync.add_edge(split_id(a)[1], split_id(b)[1])
        cycles = []
        for cycle in nx.simple_cycles(sync):
            i = cycle.index(min(cycle))
            cycles.append(cycle[i:] + cycle[:i])
        return sorted(cycles)
