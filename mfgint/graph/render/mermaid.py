"""Mermaid export: ``flowchart LR`` with one subgraph per group and sanitised ids."""

from __future__ import annotations

import re

from mfgint.graph.render.style import (
    BOUNDARY_FILL,
    BOUNDARY_TEXT,
    EXTRA_FILL,
    PATTERN_DASHARRAY,
    RED,
    ZONE_FILL,
    edge_color,
)
from mfgint.graph.view import GraphView, ViewEdge, ViewNode

# Prefixes avoid Mermaid keywords (end, graph, ...) and ids starting with o or x, which
# Mermaid may read as circle or cross arrow heads.
_PREFIX = {"system": "sys", "object": "bo", "event": "evt", "team": "team", "plant": "plant",
           "group": "grp"}
_SHAPES = {
    "system": ('("', '")'),
    "group": ('["', '"]'),
    "object": ('[/"', '"/]'),
    "event": ('{{"', '"}}'),
    "team": ('(["', '"])'),
    "plant": ('[["', '"]]'),
}


def text(value: str) -> str:
    """Text safe inside a quoted Mermaid label."""
    return (value.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;")
            .replace(">", "#gt;").replace("|", "#124;"))


def _label(lines: tuple[str, ...]) -> str:
    return "<br/>".join(text(line) for line in lines if line)


class _Ids:
    """Sanitised, unique Mermaid ids for typed node ids."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.used: set[str] = set()

    def __call__(self, nid: str, kind: str = "") -> str:
        if nid in self.ids:
            return self.ids[nid]
        k, _, name = nid.partition(":")
        base = f"{_PREFIX.get(kind or k, 'n')}_{re.sub(r'[^A-Za-z0-9_]', '_', name)}"
        candidate, i = base, 2
        while candidate in self.used:
            candidate, i = f"{base}_{i}", i + 1
        self.ids[nid] = candidate
        self.used.add(candidate)
        return candidate


def _node(n: ViewNode, ids: _Ids) -> str:
    opening, closing = _SHAPES.get(n.kind, ('["', '"]'))
    return f"{ids(n.id, n.kind)}{opening}{_label(n.label)}{closing}"


def _arrow(e: ViewEdge) -> str:
    if e.relation not in ("flow", "rollup"):
        return "-.->"
    if e.pattern in ("api", "mixed"):
        return "==>" if e.criticality == "tier-1" else "-->"
    return "-.->"


def _link_style(e: ViewEdge) -> str:
    if e.relation not in ("flow", "rollup"):
        return "stroke:#999999,stroke-width:1px"
    red = e.cycle or e.conflict is not None
    parts = [f"stroke:{edge_color(e.latency, red)}"]
    width = 3 if e.criticality == "tier-1" else min(1 + e.count // 5, 6)
    parts.append(f"stroke-width:{width}px")
    if e.pattern in PATTERN_DASHARRAY:
        parts.append(f"stroke-dasharray:{PATTERN_DASHARRAY[e.pattern]}")
    if red:
        parts.append(f"color:{RED}")
    return ",".join(parts)


def render_mermaid(view: GraphView) -> str:
    """The view as a Mermaid flowchart."""
    ids = _Ids()
    out = [f"%% {view.title}", "flowchart LR"]
    by_id = {n.id: n for n in view.nodes}
    grouped: set[str] = set()
    if not view.collapsed:
        for g in view.groups:
            out.append(f"  subgraph {ids(g.id, 'group')}[\"{text(g.label)}\"]")
            for member in g.members:
                out.append("    " + _node(by_id[member], ids))
                grouped.add(member)
            out.append("  end")
    for n in view.nodes:
        if n.id not in grouped:
            out.append("  " + _node(n, ids))
    styles: dict[str, list[int]] = {}
    for i, e in enumerate(view.edges):
        out.append(f"  {ids(e.source)} {_arrow(e)}|\"{_label(e.label)}\"| {ids(e.target)}")
        styles.setdefault(_link_style(e), []).append(i)
    for style, idx in sorted(styles.items(), key=lambda kv: kv[1][0]):
        out.append(f"  linkStyle {','.join(map(str, idx))} {style}")
    classes: dict[str, list[str]] = {}
    for n in view.nodes:
        names = []
        if n.kind not in ("system", "group"):
            names.append("extra")
        elif n.boundary:
            names.append("boundary")
        elif n.zone in ZONE_FILL:
            names.append(f"zone_{n.zone}")
        if n.tier1:
            names.append("tier1")
        if n.conflict:
            names.append("conflict")
        for c in names:
            classes.setdefault(c, []).append(ids(n.id))
    defs = {f"zone_{z}": f"fill:{c},stroke:#444444" for z, c in ZONE_FILL.items()}
    defs["boundary"] = f"fill:{BOUNDARY_FILL},stroke:#999999,stroke-dasharray:4 3,color:" \
                       f"{BOUNDARY_TEXT}"
    defs["extra"] = f"fill:{EXTRA_FILL},stroke:#999999"
    defs["tier1"] = "stroke-width:2px"
    defs["conflict"] = f"stroke:{RED},stroke-width:3px"
    for name, style in defs.items():
        if name in classes:
            out.append(f"  classDef {name} {style}")
    for name in defs:
        if name in classes:
            out.append(f"  class {','.join(classes[name])} {name}")
    return "\n".join(out) + "\n"
