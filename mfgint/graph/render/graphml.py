"""GraphML export through networkx, with string attributes only (yEd, Gephi, Cytoscape)."""

from __future__ import annotations

import io
import json
from typing import Any

from mfgint.graph.render.json_graph import link_record, node_record
from mfgint.graph.view import GraphView


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def render_graphml(view: GraphView) -> str:
    """The view as GraphML text."""
    import networkx as nx

    g = nx.MultiDiGraph()
    node_keys = sorted({k for n in view.nodes for k in node_record(n) if k != "id"})
    for n in view.nodes:
        record = node_record(n)
        g.add_node(n.id, **{k: _text(record.get(k)) for k in node_keys})
    link_keys = sorted({k for e in view.edges for k in link_record(e)
                        if k not in ("source", "target", "key")})
    for e in view.edges:
        record = link_record(e)
        g.add_edge(e.source, e.target, key=e.id,
                   **{k: _text(record.get(k)) for k in link_keys})
    buf = io.BytesIO()
    nx.write_graphml(g, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue().decode("utf-8")
