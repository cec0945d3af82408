"""Source files and position-carrying YAML containers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# (line, col, end_line, end_col), 0-based as libyaml reports them.
Pos = tuple[int, int, int, int]
NO_POS: Pos = (0, 0, 0, 0)


class YMap(dict[str, Any]):
    """A mapping that remembers where each key and value sits in its file."""

    __slots__ = ("kpos", "pos", "vpos")

    def __init__(self) -> None:
        super().__init__()
        self.pos: Pos = NO_POS
        self.kpos: dict[str, Pos] = {}
        self.vpos: dict[str, Pos] = {}


class YSeq(list[Any]):
    """A sequence that remembers where each item sits in its file."""

    __slots__ = ("ipos", "pos")

    def __init__(self) -> None:
        super().__init__()
        self.pos: Pos = NO_POS
        self.ipos: list[Pos] = []


@dataclass(slots=True)
class SourceFile:
    """A spec file as read: display path and decoded text (for code frames and trap hints)."""

    path: str
    text: str
    fs_path: str = ""
    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        """The file's lines, split once on demand."""
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def snippet(self, pos: Pos) -> str:
        """The source text of a one-line scalar at ``pos``."""
        line, col, end_line, end_col = pos
        lines = self.lines
        if line >= len(lines):
            return ""
        if end_line == line and end_col > col:
            return lines[line][col:end_col]
        return lines[line][col:].split(" #", 1)[0].rstrip()


def locate(root: Any, path: tuple[str | int, ...], *, key: bool = False) -> Pos:
    """Position of the value at ``path`` (or of its key), the nearest known ancestor otherwise."""
    node = root
    best: Pos = getattr(root, "pos", NO_POS)
    for i, step in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, YMap) and isinstance(step, str) and step in node:
            if last and key:
                return node.kpos.get(step, best)
            best = node.vpos.get(step, best)
            node = node[step]
        elif isinstance(node, YSeq) and isinstance(step, int) and 0 <= step < len(node):
            best = node.ipos[step] if step < len(node.ipos) else best
            node = node[step]
        else:
            break
    return best


def key_pos(root: Any, path: tuple[str | int, ...]) -> Pos:
    """Position of the key that names the value at ``path`` (the item start for list items)."""
    if not path:
        return getattr(root, "pos", NO_POS)
    parent = root
    for step in path[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return locate(root, path)
    last = path[-1]
    if isinstance(parent, YMap) and isinstance(last, str) and last in parent.kpos:
        return parent.kpos[last]
    return locate(root, path)
