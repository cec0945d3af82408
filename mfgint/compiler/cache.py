"""A cache of loaded and checked spec files, keyed by content, so re-runs skip unchanged files.

One file per spec root under the user's cache folder (never inside the spec repository, so a
hostile repository cannot plant one). Entries hold plain data, position trees, the document
check results and their diagnostics; an entry is used only when the file's content digest and
mfgint's cache key (version + schemas) match, so cached and uncached runs report the same.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mfgint import __version__
from mfgint.diagnostics import Diagnostic, Related, ResourceRef, Severity, Span
from mfgint.schemas import KINDS, load_schema

FORMAT = 2
ENTRY_FIELDS = 5  # digest, documents, diagnostics, check results, invalid names
Entry = tuple[Any, ...]


def cache_key() -> str:
    """Changes whenever a cached result could change: mfgint's version and its schemas."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}:{__version__}".encode())
    for kind in KINDS:
        h.update(repr(load_schema(kind)).encode())
    return h.hexdigest()


def default_cache_dir() -> Path:
    """``$MFGINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/mfgint``, else ``~/.cache/mfgint``."""
    explicit = os.environ.get("MFGINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mfgint"


def diag_to_tuple(d: Diagnostic) -> tuple[Any, ...]:
    """A marshal-friendly form of a diagnostic."""
    s = d.span
    return (
        d.code,
        int(d.severity),
        d.message,
        (s.file, s.line, s.col, s.end_line, s.end_col),
        d.hint,
        tuple(
            ((r.span.file, r.span.line, r.span.col, r.span.end_line, r.span.end_col), r.message)
            for r in d.related
        ),
        (d.resource.kind, d.resource.name, d.resource.plant, d.resource.blueprint)
        if d.resource
        else None,
        d.anchor,
    )


def diag_from_tuple(t: tuple[Any, ...]) -> Diagnostic:
    """The diagnostic a tuple from :func:`diag_to_tuple` stands for."""
    code, sev, message, span, hint, related, resource, anchor = t
    return Diagnostic(
        code,
        Severity(sev),
        message,
        Span(*span),
        hint,
        tuple(Related(Span(*rs), rm) for rs, rm in related),
        ResourceRef(*resource) if resource else None,
        anchor=anchor,
    )


class SpecCache:
    """Cached per-file results for one spec root."""

    def __init__(self, folder: Path, root: Path) -> None:
        ident = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
        self.path = folder / f"specs-{ident}.v{FORMAT}.cache"
        self.tree_dir = folder / "trees"
        self.key = cache_key()
        self.entries: dict[str, Entry] = {}
        self.fresh: dict[str, Entry] = {}
        self.changed = False
        self.hits = 0
        self._read()

    def _read(self) -> None:
        try:
            # loads() on the whole file: marshal.load() on a file object reads in small pieces
            # and is several times slower.
            payload = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return
        if isinstance(payload, tuple) and len(payload) == 2 and payload[0] == self.key:
            entries = payload[1]
            if isinstance(entries, dict):
                self.entries = entries

    def get(self, shown: str, digest: str) -> Entry | None:
        """The entry of a file whose content is unchanged, else None."""
        entry = self.entries.get(shown)
        if not isinstance(entry, tuple) or len(entry) != ENTRY_FIELDS or entry[0] != digest:
            return None
        self.fresh[shown] = entry
        self.hits += 1
        return entry

    def put(self, shown: str, entry: Entry) -> None:
        """Record a file's new results."""
        self.fresh[shown] = entry
        self.changed = True

    def tree_path(self, digest: str) -> Path:
        """Where the position trees of a file with this content are kept."""
        return self.tree_dir / f"{digest}.{self.key[:12]}.trees"

    def put_trees(self, digest: str, trees: list[Any]) -> None:
        """Store a file's position trees apart: they are read only when a finding needs them."""
        target = self.tree_path(digest)
        if target.exists():
            return
        _write_atomic(target, marshal.dumps(trees))

    def load_trees(self, digest: str) -> list[Any] | None:
        """A file's position trees, or None when missing or unreadable."""
        try:
            trees = marshal.loads(self.tree_path(digest).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        return trees if isinstance(trees, list) else None

    def save(self, seen: Iterable[str]) -> None:
        """Write the cache if anything changed; entries for files not seen are dropped."""
        keep = set(seen)
        if not self.changed and keep == set(self.entries):
            return
        data = {k: v for k, v in self.fresh.items() if k in keep}
        _write_atomic(self.path, marshal.dumps((self.key, data)))


def _write_atomic(path: Path, payload: bytes) -> None:
    """Write a cache file whole or not at all; a cache that cannot be written only costs time."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        Path(tmp).replace(path)
        tmp = None
    except OSError:
        return
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
