"""Graphviz DOT export: clusters per group, edge style per pattern, red for problems."""

from __future__ import annotations

from mfgint.graph.render.style import (
    BOUNDARY_FILL,
    BOUNDARY_TEXT,
    EXTRA_FILL,
    EXTRA_SHAPES_DOT,
    PATTERN_ARROWHEAD,
    PATTERN_DOT_STYLE,
    RED,
    edge_color,
    zone_fill,
)
from mfgint.graph.view import GraphView, ViewEdge, ViewNode


def quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _label(lines: tuple[str, ...]) -> str:
    return '"' + "\\n".join(
        line.replace("\\", "\\\\").replace('"', '\\"') for line in lines if line) + '"'


def _attrs(pairs: list[tuple[str, str]]) -> str:
    return "[" + ", ".join(f"{k}={v}" for k, v in pairs) + "]"


def _node(n: ViewNode) -> str:
    pairs: list[tuple[str, str]] = [("label", _label(n.label))]
    if n.kind in EXTRA_SHAPES_DOT:
        pairs += [("shape", EXTRA_SHAPES_DOT[n.kind]), ("style", '"filled"'),
                  ("fillcolor", quote(EXTRA_FILL)), ("color", '"#999999"')]
    elif n.boundary:
        pairs += [("style", '"rounded,filled,dashed"'), ("fillcolor", quote(BOUNDARY_FILL)),
                  ("fontcolor", quote(BOUNDARY_TEXT))]
    else:
        pairs.append(("fillcolor", quote(zone_fill(n.zone))))
    if n.tier1:
        pairs.append(("penwidth", "2"))
    tooltip = n.name
    if n.conflict:
        pairs += [("color", quote(RED)), ("penwidth", "3")]
        tooltip += ": " + n.conflict
    pairs.append(("tooltip", quote(tooltip)))
    return f"{quote(n.id)} {_attrs(pairs)};"


def _edge(e: ViewEdge) -> str:
    if e.relation not in ("flow", "rollup"):
        pairs = [("label", _label(e.label)), ("style", "dotted"), ("color", '"#999999"'),
                 ("fontcolor", '"#999999"')]
        return f"{quote(e.source)} -> {quote(e.target)} {_attrs(pairs)};"
    red = e.cycle or e.conflict is not None
    styles = [PATTERN_DOT_STYLE.get(e.pattern, "solid")]
    if e.criticality == "tier-1":
        styles.append("bold")
    color = edge_color(e.latency, red)
    pairs = [
        ("label", _label(e.label)),
        ("style", quote(",".join(styles))),
        ("color", quote(color)),
        ("fontcolor", quote(RED if red else "#333333")),
        ("arrowhead", PATTERN_ARROWHEAD.get(e.pattern, "normal")),
    ]
    if e.criticality == "tier-1":
        pairs.append(("penwidth", "2.5"))
    elif e.count > 1:
        pairs.append(("penwidth", str(min(1 + e.count // 5, 6))))
    reasons = [r for r in (
        "synchronous cycle" if e.cycle else None, e.conflict) if r]
    tooltip = " / ".join([" ".join(e.label), *reasons])
    pairs.append(("tooltip", quote(tooltip)))
    return f"{quote(e.source)} -> {quote(e.target)} {_attrs(pairs)};"


def render_dot(view: GraphView) -> str:
    """The view as a Graphviz digraph."""
    out = [
        "digraph mfgint {",
        f"  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, "
        f"label={quote(view.title)}, nodesep=0.35, ranksep=0.9, newrank=true];",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, '
        'color="#444444"];',
        '  edge [fontname="Helvetica", fontsize=8, arrowsize=0.7];',
    ]
    grouped: set[str] = set()
    by_id = {n.id: n for n in view.nodes}
    for i, g in enumerate(view.groups):
        if view.collapsed:
            break
        out.append(f"  subgraph {quote(f'cluster_{i}')} {{")
        out.append(f"    label={quote(g.label)}; style=\"rounded,dashed\"; color=\"#999999\"; "
                   "fontcolor=\"#555555\";")
        for member in g.members:
            out.append("    " + _node(by_id[member]))
            grouped.add(member)
        out.append("  }")
    for n in view.nodes:
        if n.id not in grouped:
            out.append("  " + _node(n))
    for e in view.edges:
        out.append("  " + _edge(e))
    out.append("}")
    return "\n".join(out) + "\n"
