"""A cache of loaded and checked spec files, keyed by content, so re-runs skip unchanged files.

One file per spec root under the user's cache folder (never inside the spec repository, so a
hostile repository cannot plant one). Entries hold plain data, position trees, the document
check results and their diagnostics; an entry is used only when the file's content digest and
mfgint's cache key (version + schemas) match, so cached and uncached runs report the same.
"""

from __future__ import annotations

import functools
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

FORMAT = 3
ENTRY_FIELDS = 5  # digest, documents, diagnostics, check results, invalid names
Entry = tuple[Any, ...]


@functools.cache
def code_fingerprint() -> str:
    """Changes when mfgint's code changes: its version and the size and mtime of its modules."""
    h = hashlib.blake2b(digest_size=16)
    h.update(__version__.encode())
    root = Path(__file__).resolve().parent.parent
    for path in sorted(root.rglob("*.py")):
        try:
            st = path.stat()
        except OSError:
            continue
        h.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


def cache_key() -> str:
    """Changes whenever a cached result could change: mfgint's code and its schemas."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}:{code_fingerprint()}".encode())
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
    """Cached per-file results for one spec root.

    Each file's entry is stored on its own, named by a digest of the cache key, the file's
    display path and its content, so a run writes only the entries of files that changed. A
    small index per spec root records which entries the last run used, so that the entry a
    changed file replaces can be removed.
    """

    def __init__(self, folder: Path, root: Path) -> None:
        ident = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
        self.ident = ident
        self.path = folder / f"specs-{ident}.v{FORMAT}.index"
        self.entry_dir = folder / "files"
        self.tree_dir = folder / "trees"
        self.key = cache_key()
        self.index: dict[str, str] = {}
        self.used: dict[str, str] = {}
        self.new: dict[str, Entry] = {}
        self.hits = 0
        try:
            payload = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return
        ok = isinstance(payload, tuple) and len(payload) == 2 and payload[0] == self.key
        if ok and isinstance(payload[1], dict):
            self.index = payload[1]

    def _name(self, shown: str, digest: str) -> str:
        text = f"{self.key}\0{shown}\0{digest}"
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def valid_schemas(self) -> frozenset[str]:
        """Digests of object version schemas an earlier run found to be valid JSON Schemas."""
        try:
            found = marshal.loads(self.sibling("schemas").read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return frozenset()
        ok = isinstance(found, tuple) and len(found) == 2 and found[0] == self.key
        return frozenset(found[1]) if ok and isinstance(found[1], frozenset) else frozenset()

    def save_valid_schemas(self, digests: frozenset[str], before: frozenset[str]) -> None:
        """Remember the valid schemas of this run (only when the set changed)."""
        if digests != before:
            _write_atomic(self.sibling("schemas"), marshal.dumps((self.key, digests)))

    def sibling_dir(self, name: str) -> Path:
        """A folder of the cache shared by every spec root (``name`` says what it holds)."""
        return self.entry_dir.with_name(name)

    def sibling(self, name: str) -> Path:
        """Path of another cache file kept for the same spec root (``name`` says what)."""
        return self.path.with_name(f"{name}-{self.ident}.v{FORMAT}.cache")

    def get(self, shown: str, digest: str) -> Entry | None:
        """The entry of a file whose content is unchanged, else None."""
        name = self._name(shown, digest)
        try:
            entry = marshal.loads((self.entry_dir / name).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not isinstance(entry, tuple) or len(entry) != ENTRY_FIELDS or entry[0] != digest:
            return None
        self.used[shown] = name
        self.hits += 1
        return entry

    def put(self, shown: str, entry: Entry) -> None:
        """Record a file's new results (written by :meth:`save`)."""
        self.new[shown] = entry
        self.used[shown] = self._name(shown, entry[0])

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
        """Write new entries and the index; drop the entries of files changed or gone."""
        keep = set(seen)
        for shown, entry in self.new.items():
            if shown in keep:
                _write_atomic(self.entry_dir / self.used[shown], marshal.dumps(entry))
        index = {k: v for k, v in self.used.items() if k in keep}
        if index == self.index:
            return
        _write_atomic(self.path, marshal.dumps((self.key, index)))
        live = set(index.values())
        for old in set(self.index.values()) - live:
            (self.entry_dir / old).unlink(missing_ok=True)


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
