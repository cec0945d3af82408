"""Source files, and position trees that say where every value of a document sits.

Documents are plain dicts and lists. Beside each one the loader builds a position tree:

- a mapping: ``(pos, {key: (kl, kc, kel, kec, vl, vc, vel, vec, child)})``
- a sequence: ``(pos, [(l, c, el, ec, child), ...])``

where ``pos`` is ``(line, col, end_line, end_col)`` (0-based, as libyaml reports them) and
``child`` is the tree of the value, or None for scalars. Plain data keeps schema checks and
the model fast; trees are read only when a diagnostic needs a position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Pos = tuple[int, int, int, int]
NO_POS: Pos = (0, 0, 0, 0)
Tree = Any


@dataclass(slots=True)
class SourceFile:
    """A spec file as read: display path, decoded text and (lazily) its position trees."""

    path: str
    text: str
    fs_path: str = ""
    digest: str = ""
    _lines: list[str] | None = field(default=None, repr=False)
    _trees: list[Tree] | None = field(default=None, repr=False)
    _tree_loader: Callable[[SourceFile], list[Tree]] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        """The file's lines, split once on demand."""
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def set_trees(self, trees: list[Tree]) -> None:
        """Attach the position trees of every document (index = document index)."""
        self._trees = trees

    def defer_trees(self, loader: Callable[[SourceFile], list[Tree]]) -> None:
        """Compute position trees only when one is first needed (cached runs)."""
        self._trees = None
        self._tree_loader = loader

    def all_trees(self) -> list[Tree]:
        """Every document's position tree (for the cache)."""
        if self._trees is None and self._tree_loader is not None:
            self._trees = self._tree_loader(self)
        return list(self._trees or [])

    def doc_tree(self, index: int) -> Tree:
        """The position tree of document ``index`` (None when unknown)."""
        if self._trees is None and self._tree_loader is not None:
            self._trees = self._tree_loader(self)
        trees = self._trees or []
        return trees[index] if 0 <= index < len(trees) else None

    def snippet(self, pos: Pos) -> str:
        """The source text of a one-line scalar at ``pos``."""
        line, col, end_line, end_col = pos
        lines = self.lines
        if line >= len(lines):
            return ""
        if end_line == line and end_col > col:
            return lines[line][col:end_col]
        return lines[line][col:].split(" #", 1)[0].rstrip()


def subtree(tree: Tree, prefix: tuple[str | int, ...]) -> Tree:
    """The tree of the value at ``prefix`` (None when the path is not there)."""
    node = tree
    for step in prefix:
        if node is None:
            return None
        children = node[1]
        if isinstance(children, dict):
            entry = children.get(step)
            node = entry[8] if entry is not None else None
        elif isinstance(step, int) and 0 <= step < len(children):
            node = children[step][4]
        else:
            return None
    return node


def locate(tree: Tree, path: tuple[str | int, ...], *, key: bool = False) -> Pos:
    """Position of the value at ``path`` (or of its key), the nearest known ancestor otherwise."""
    if tree is None:
        return NO_POS
    node = tree
    best: Pos = tree[0]
    last = len(path) - 1
    for i, step in enumerate(path):
        if node is None:
            break
        children = node[1]
        if isinstance(children, dict):
            entry = children.get(step)
            if entry is None:
                break
            if key and i == last:
                return (entry[0], entry[1], entry[2], entry[3])
            best = (entry[4], entry[5], entry[6], entry[7])
            node = entry[8]
        elif isinstance(step, int) and 0 <= step < len(children):
            item = children[step]
            best = (item[0], item[1], item[2], item[3])
            node = item[4]
        else:
            break
    return best


def key_pos(tree: Tree, path: tuple[str | int, ...]) -> Pos:
    """Position of the key that names the value at ``path`` (the item start for list items)."""
    return locate(tree, path, key=True)
