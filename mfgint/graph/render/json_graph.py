"""JSON export: networkx node-link shape (``nodes`` / ``links``), documented in docs/graph.md."""

from __future__ import annotations

import json
from typing import Any

from mfgint.graph.view import GraphView, ViewEdge, ViewNode

SCHEMA_ID = "mfgint.graph/v1"
EDGE_DIRECTION = "data: an edge source -> target means the object moves from source to target"


def node_record(n: ViewNode) -> dict[str, Any]:
    """The JSON object of one node."""
    return {
        "id": n.id,
        "kind": n.kind,
        "name": n.name,
        "label": list(n.label),
        "group": f"group:{n.group}" if n.group is not None else None,
        "boundary": n.boundary,
        "ownershipConflict": n.conflict,
        **dict(n.attrs),
    }


def link_record(e: ViewEdge) -> dict[str, Any]:
    """The JSON object of one link."""
    record: dict[str, Any] = {
        "source": e.source,
        "target": e.target,
        "key": e.id,
        "relation": e.relation,
    }
    if e.relation in ("flow", "rollup"):
        record.update({
            "pattern": e.pattern,
            "latency": e.latency,
            "criticality": e.criticality,
            "syncCycle": e.cycle,
            "ownershipConflict": e.conflict,
            "count": e.count,
        })
    record.update({k: v for k, v in e.attrs.items() if k not in record})
    return record


def graph_document(view: GraphView) -> dict[str, Any]:
    """The whole export as plain data."""
    flows = sorted({str(e.attrs["flow"]) for e in view.edges if e.relation == "flow"})
    systems = [n for n in view.nodes if n.kind == "system" and not n.boundary]
    return {
        "schema": SCHEMA_ID,
        "directed": True,
        "multigraph": True,
        "graph": {
            "title": view.title,
            "edgeDirection": EDGE_DIRECTION,
            "groupBy": view.group_by,
            "collapsed": view.collapsed,
            **dict(view.meta),
            "counts": {
                "systems": len(systems),
                "boundarySystems": sum(1 for n in view.nodes if n.boundary),
                "flows": len(flows),
                "links": len(view.edges),
            },
        },
        "nodes": [node_record(n) for n in view.nodes],
        "links": [link_record(e) for e in view.edges],
        "groups": [
            {"id": g.id, "by": g.by, "key": g.key, "label": g.label,
             "members": list(g.members)}
            for g in view.groups
        ],
        "syncCycles": [list(c) for c in view.cycles],
    }


def render_json(view: GraphView) -> str:
    """The view as indented, key-stable JSON."""
    return json.dumps(graph_document(view), indent=2, ensure_ascii=False) + "\n"
