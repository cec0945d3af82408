"""Colours and line styles shared by the DOT and Mermaid exports (one legend for both)."""

from __future__ import annotations

RED = "#d62728"
BOUNDARY_FILL = "#f4f4f4"
BOUNDARY_TEXT = "#777777"
EXTRA_FILL = "#ffffff"
ZONE_FILL = {
    "ot": "#fde2c8",
    "dmz": "#fff3b0",
    "it": "#dbe9f6",
    "cloud": "#e4dcf3",
    "partner": "#e2f0d9",
}
DEFAULT_FILL = "#eeeeee"
LATENCY_COLOR = {
    "realtime": "#1f4e9c",
    "near-realtime": "#2a9d8f",
    "batch": "#7f7f7f",
}
DEFAULT_EDGE = "#555555"
# Line style per pattern: synchronous calls solid, notifications and events dashed,
# scheduled transfers dotted.
PATTERN_DOT_STYLE = {
    "api": "solid",
    "webhook": "dashed",
    "event": "dashed",
    "batch": "dotted",
    "file": "dotted",
}
PATTERN_ARROWHEAD = {"webhook": "vee", "file": "box"}
PATTERN_DASHARRAY = {"webhook": "6 3", "event": "6 3", "batch": "2 3", "file": "2 3"}
EXTRA_SHAPES_DOT = {"object": "note", "event": "cds", "team": "folder", "plant": "house"}


def edge_color(latency: str, red: bool) -> str:
    """Red for cycles and ownership conflicts, else the latency colour."""
    return RED if red else LATENCY_COLOR.get(latency, DEFAULT_EDGE)


def zone_fill(zone: str | None) -> str:
    """Node fill colour for a network zone."""
    return ZONE_FILL.get(zone or "", DEFAULT_FILL)
