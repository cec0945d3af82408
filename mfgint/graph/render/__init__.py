"""Graph exports by format name; ``--format`` choices come from this registry's keys."""

from __future__ import annotations

from collections.abc import Callable

from mfgint.graph.render.dot import render_dot
from mfgint.graph.render.graphml import render_graphml
from mfgint.graph.render.json_graph import render_json
from mfgint.graph.render.mermaid import render_mermaid
from mfgint.graph.render.svg import RenderError, render_svg
from mfgint.graph.view import GraphView

RENDERERS: dict[str, Callable[[GraphView], str]] = {
    "dot": render_dot,
    "mermaid": render_mermaid,
    "json": render_json,
    "graphml": render_graphml,
    "svg": render_svg,
}

__all__ = ["RENDERERS", "RenderError"]
