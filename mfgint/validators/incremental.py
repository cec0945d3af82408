"""Reuse a scoped rule's findings for subjects whose files did not change since the last run.

A rule with a :class:`~mfgint.validators.registry.Scope` promises that its findings about a
subject depend only on the subject's document, on the resources of the kinds it reads, on its
options and on today's date. So a run can skip every subject whose file is unchanged, provided
that nothing it reads changed: the *context key* of a rule digests its code, options, today,
the configuration and every file holding a resource of a kind it reads; the *file key* of a
subject file digests its content and the subjects the Model took from it (a duplicate name in
another file can take a subject out). Findings are cached only when both keys match.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mfgint.compiler.cache import _write_atomic, diag_from_tuple, diag_to_tuple
from mfgint.compiler.model import Model, Resource
from mfgint.diagnostics import Diagnostic

FORMAT = 1
# Kinds whose resources may be expanded from a blueprint: such resources also depend on these.
_EXPANSION_INPUTS = ("Blueprint", "Plant")


@dataclass
class Landscape:
    """What the keys are computed from: which files hold which kinds, and their digests."""

    model: Model
    digests: Mapping[str, str]
    setting: str  # configuration and code that every rule depends on
    _kind_files: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _file_keys: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)
    _kind_names: dict[str, dict[str, str]] = field(default_factory=dict)

    def kind_files(self, kind: str) -> tuple[str, ...]:
        """Sorted display paths of the files holding a resource of ``kind`` in the Model."""
        found = self._kind_files.get(kind)
        if found is None:
            paths: set[str] = set()
            expanded = False
            for res in self.model.by_kind(kind).values():
                paths.add(res.src.path)
                expanded = expanded or res.origin is not None
            if expanded:
                for other in _EXPANSION_INPUTS:
                    paths.update(r.src.path for r in self.model.by_kind(other).values())
            found = self._kind_files[kind] = tuple(sorted(paths))
        return found

    def context_key(self, code: str, options: Mapping[str, Any], today: str,
                    reads: Iterable[str]) -> str:
        """Digest of everything a scoped rule depends on besides its subjects' own files."""
        h = hashlib.blake2b(digest_size=16)
        opts = json.dumps(dict(options), sort_keys=True, default=repr)
        h.update(f"{self.setting}\0{code}\0{opts}\0{today}".encode())
        for kind in sorted(set(reads)):
            h.update(f"\0{kind}".encode())
            for path in self.kind_files(kind):
                h.update(f"\0{path}\0{self.digests.get(path, '')}".encode())
            if kind == "BusinessObject":
                for path, digest in self.model.schema_inputs.items():
                    h.update(f"\0{path}\0{digest}".encode())
        return h.hexdigest()

    def file_keys(self, kinds: tuple[str, ...]) -> dict[str, str]:
        """Per file holding subjects of ``kinds``: its content and which subjects it gave."""
        found = self._file_keys.get(kinds)
        if found is None:
            parts: dict[str, list[str]] = {}
            for kind in kinds:
                for path, names in self._names(kind).items():
                    parts.setdefault(path, []).append(names)
            found = self._file_keys[kinds] = {
                path: f"{self.digests.get(path, '')}:{'.'.join(names)}"
                for path, names in parts.items()
            }
        return found

    def _names(self, kind: str) -> dict[str, str]:
        """Per file, a digest of the names of the resources of ``kind`` the Model took from it."""
        found = self._kind_names.get(kind)
        if found is None:
            by_file = self.model.by_file(kind)  # expansions are checked on every run
            found = self._kind_names[kind] = {
                path: kind + hashlib.blake2b(
                    "\0".join(r.meta.name for r in found_here).encode(), digest_size=8
                ).hexdigest()
                for path, found_here in by_file.items()
            }
        return found


# code -> (context key, {file: (file key, findings as tuples)})
Stored = dict[str, tuple[str, dict[str, tuple[str, list[tuple[Any, ...]]]]]]


class RuleCache:
    """Findings of scoped rules per subject file, from the previous run on the same specs."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.stored: Stored = {}
        self.fresh: Stored = {}
        self.reused = 0
        if path is not None:
            try:
                payload = marshal.loads(path.read_bytes())
            except (OSError, EOFError, ValueError, TypeError):
                payload = None
            ok = isinstance(payload, tuple) and len(payload) == 2 and payload[0] == FORMAT
            if ok and isinstance(payload[1], dict):
                self.stored = payload[1]

    def save(self) -> None:
        """Write this run's findings; a cache that cannot be written only costs time."""
        if self.path is not None and self.fresh != self.stored:
            _write_atomic(self.path, marshal.dumps((FORMAT, self.fresh)))


def run_scoped(
    cache: RuleCache,
    land: Landscape,
    code: str,
    subjects: tuple[str, ...],
    context: str,
    check: Callable[[frozenset[str] | None], Iterable[Diagnostic]],
) -> Iterator[Diagnostic]:
    """Run a scoped rule on the changed subject files only, reusing the others' findings."""
    keys = land.file_keys(subjects)
    previous = cache.stored.get(code)
    reuse: dict[str, list[tuple[Any, ...]]] = {}
    if previous is not None and previous[0] == context:
        for path, (key, found) in previous[1].items():
            if keys.get(path) == key:
                reuse[path] = found
    dirty = frozenset(p for p in keys if p not in reuse)
    produced = list(check(dirty if reuse else None))
    by_file: dict[str, list[tuple[Any, ...]]] = {p: [] for p in dirty}
    cacheable = True
    out: list[Diagnostic] = []
    for d in produced:
        res = _subject(land.model, d, subjects)
        if res is None:
            # Not about one of its subjects: the rule breaks its scope. Report the finding, but
            # keep nothing of this rule for the next run.
            cacheable = False
            out.append(d)
        elif res.origin is not None:
            out.append(d)  # a blueprint expansion: checked on every run, never stored
        elif res.src.path in dirty:
            by_file[res.src.path].append(diag_to_tuple(d))
            out.append(d)
        # else: about an unchanged file's subject; the stored copy is used instead.
    for found in reuse.values():
        out.extend(diag_from_tuple(t) for t in found)
    cache.reused += len(reuse)
    if cacheable:
        entries = {p: (keys[p], by_file[p]) for p in dirty}
        entries.update((p, (keys[p], reuse[p])) for p in reuse)
        cache.fresh[code] = (context, entries)
    return iter(out)


def _subject(model: Model, d: Diagnostic, kinds: tuple[str, ...]) -> Resource | None:
    ref = d.resource
    if ref is None or ref.kind not in kinds:
        return None
    return model.by_kind(ref.kind).get(ref.name)
