"""SVG export: the DOT export laid out by Graphviz ``dot``, when it is installed."""

from __future__ import annotations

import shutil
import subprocess

from mfgint.graph.render.dot import render_dot
from mfgint.graph.view import GraphView

INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
    "Windows: winget install graphviz; see https://graphviz.org/download/), or export "
    "--format dot and render it elsewhere"
)


class RenderError(Exception):
    """An export that cannot be produced; ``hint`` says what to do."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def dot_executable() -> str | None:
    """Path of Graphviz ``dot``, or None."""
    return shutil.which("dot")


def render_svg(view: GraphView) -> str:
    """The view as SVG, laid out by ``dot -Tsvg``."""
    exe = dot_executable()
    if exe is None:
        raise RenderError("SVG needs Graphviz, and its `dot` program is not on PATH",
                          INSTALL_HINT)
    try:
        done = subprocess.run(
            [exe, "-Tsvg"], input=render_dot(view).encode("utf-8"), capture_output=True,
            timeout=600, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError(f"Graphviz `dot` failed to run: {exc}", INSTALL_HINT) from None
    if done.returncode != 0:
        first = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise RenderError(f"Graphviz `dot` failed: {first[0] if first else 'no message'}")
    return done.stdout.decode("utf-8")
