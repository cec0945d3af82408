"""Write generated files: confined to the output folder, atomic, with a manifest of what was made.

The manifest (``.mfgint-manifest.json`` in the output folder) records the sha256 of every file a
run wrote. The next run uses it to remove files that are no longer generated and to refuse to
overwrite (or remove) a file whose content no longer matches its record, i.e. that a person
edited. ``once`` files (hand-written extension points) are created when missing and never
touched again.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mfgint.targets.base import GeneratedFile

MANIFEST_NAME = ".mfgint-manifest.json"
MANIFEST_VERSION = 1
_DRIVE_RX = re.compile(r"^[A-Za-z]:")


class UnsafePathError(ValueError):
    """A generated (or manifest) path that could write outside the output folder."""


class WriterError(Exception):
    """The output folder cannot be used as it is (unreadable manifest, file in the way, ...)."""


class ConflictError(Exception):
    """Files a person edited (or that mfgint did not generate) would be overwritten or removed."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        super().__init__(f"{len(conflicts)} file(s) changed outside mfgint")
        self.conflicts = tuple(conflicts)


def check_path(path: object) -> str:
    """Return ``path`` when it is a safe relative posix path, else raise UnsafePathError."""
    if not isinstance(path, str) or not path:
        raise UnsafePathError(f"empty or non-text path {path!r}")
    shown = repr(path)
    if "\x00" in path:
        raise UnsafePathError(f"path {shown} contains a NUL byte")
    if "\\" in path:
        raise UnsafePathError(f"path {shown} contains a backslash")
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        raise UnsafePathError(f"path {shown} contains a control character")
    if path.startswith("/") or _DRIVE_RX.match(path):
        raise UnsafePathError(f"path {shown} is absolute")
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise UnsafePathError(f"path {shown} has an empty, '.' or '..' segment")
    if path == MANIFEST_NAME:
        raise UnsafePathError(f"path {shown} is reserved for the manifest")
    return path


def confine(out: Path, path: str) -> Path:
    """``out / path`` after checking that it resolves (symlinks followed) inside ``out``."""
    check_path(path)
    base = out.resolve()
    target = (base / path).resolve()
    if base != target and base not in target.parents:
        raise UnsafePathError(f"path {path!r} resolves outside the output folder")
    if target == base:
        raise UnsafePathError(f"path {path!r} is the output folder itself")
    return base / path


def sha256(data: bytes) -> str:
    """Hex sha256 of bytes."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """A generated file with the target that made it."""

    target: str
    file: GeneratedFile


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What the manifest records per file."""

    sha256: str
    target: str
    once: bool = False

    def as_json(self) -> dict[str, Any]:
        """The JSON form (``once`` only when set)."""
        out: dict[str, Any] = {"sha256": self.sha256, "target": self.target}
        if self.once:
            out["once"] = True
        return out


@dataclass(frozen=True, slots=True)
class Change:
    """One file the run creates, updates or removes."""

    action: str  # create | update | remove
    path: str
    old: bytes | None
    new: bytes | None


@dataclass(frozen=True, slots=True)
class Conflict:
    """A file that changed outside mfgint and that the run would overwrite or remove."""

    path: str
    reason: str


@dataclass
class Plan:
    """Everything a run would do to the output folder, computed without touching it."""

    out: Path
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    manifest: bytes = b""
    old_manifest: bytes | None = None
    kept: int = 0
    # What each conflicting path would get with --force (None: it would be removed).
    pending: dict[str, bytes | None] = field(default_factory=dict)

    @property
    def manifest_changed(self) -> bool:
        """True when the manifest on disk differs from the one this run writes."""
        return self.old_manifest != self.manifest

    @property
    def up_to_date(self) -> bool:
        """True when the folder already holds exactly what the specs generate."""
        return not self.changes and not self.conflicts and not self.manifest_changed

    def differences(self) -> list[str]:
        """One line per difference between the folder and the specs, for ``--check``."""
        lines = [f"{c.action} {c.path}" for c in self.changes]
        lines.extend(f"edited {c.path} ({c.reason})" for c in self.conflicts)
        if self.manifest_changed and not self.changes and not self.conflicts:
            lines.append(f"{'update' if self.old_manifest else 'create'} {MANIFEST_NAME}")
        return sorted(lines, key=lambda line: line.split(" ", 1)[1])

    def diff(self) -> str:
        """A unified diff of every change and conflict (text files)."""
        chunks = [_unified(c.path, c.old, c.new) for c in self.changes]
        for conflict in self.conflicts:
            target = self.out / conflict.path
            old = target.read_bytes() if target.is_file() else None
            chunks.append(_unified(conflict.path, old, self.pending.get(conflict.path)))
        return "".join(chunks)


def _unified(path: str, old: bytes | None, new: bytes | None) -> str:
    a = old.decode("utf-8", "replace").splitlines(keepends=True) if old is not None else []
    b = new.decode("utf-8", "replace").splitlines(keepends=True) if new is not None else []
    lines = list(
        difflib.unified_diff(
            a,
            b,
            fromfile=f"a/{path}" if old is not None else "/dev/null",
            tofile=f"b/{path}" if new is not None else "/dev/null",
        )
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def read_manifest(out: Path) -> tuple[dict[str, ManifestEntry], bytes | None]:
    """The manifest in ``out`` (empty when there is none); WriterError when it is unreadable."""
    path = out / MANIFEST_NAME
    if not path.is_file():
        return {}, None
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
        files = data["files"]
        if not isinstance(files, dict):
            raise TypeError("files is not a mapping")
        entries: dict[str, ManifestEntry] = {}
        for name, entry in files.items():
            check_path(name)
            entries[name] = ManifestEntry(
                str(entry["sha256"]), str(entry["target"]), bool(entry.get("once", False))
            )
    except UnsafePathError as exc:
        raise WriterError(f"{path}: {exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WriterError(
            f"{path} is not a valid mfgint manifest ({exc}); delete it to start over"
        ) from None
    return entries, raw


def render_manifest(entries: dict[str, ManifestEntry]) -> bytes:
    """The manifest bytes: sorted, no timestamps, trailing newline."""
    doc = {
        "generator": "mfgint",
        "version": MANIFEST_VERSION,
        "files": {k: entries[k].as_json() for k in sorted(entries)},
    }
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")


def plan(
    out: Path,
    files: Iterable[PlannedFile],
    *,
    targets_run: Iterable[str],
    prune: bool = True,
) -> Plan:
    """Compare generated files with the output folder and its manifest; change nothing."""
    planned = _check_planned(out, list(files))
    if out.exists() and not out.is_dir():
        raise WriterError(f"output path {out} exists and is not a folder")
    old_entries, old_raw = read_manifest(out) if out.is_dir() else ({}, None)
    run = set(targets_run)
    result = Plan(out=out, old_manifest=old_raw)
    new_entries: dict[str, ManifestEntry] = {}
    for path in sorted(planned):
        item = planned[path]
        data = item.file.content
        target = confine(out, path)
        new_entries[path] = ManifestEntry(sha256(data), item.target, item.file.once)
        if target.is_dir():
            raise WriterError(f"{target} is a folder, but mfgint generates a file there")
        if not target.exists():
            result.changes.append(Change("create", path, None, data))
            continue
        if item.file.once:
            result.kept += 1
            continue
        current = target.read_bytes()
        if current == data:
            result.kept += 1
            continue
        record = old_entries.get(path)
        if record is None:
            result.conflicts.append(Conflict(path, "exists but was not generated by mfgint"))
        elif record.sha256 != sha256(current):
            result.conflicts.append(Conflict(path, "edited since mfgint generated it"))
        else:
            result.changes.append(Change("update", path, current, data))
            continue
        result.pending[path] = data
    for path, record in sorted(old_entries.items()):
        if path in planned:
            continue
        keep = not prune or record.target not in run or record.once
        if keep:
            if not (record.once and prune and record.target in run):
                new_entries[path] = record
            continue
        target = confine(out, path)
        if not target.is_file():
            continue
        current = target.read_bytes()
        if sha256(current) != record.sha256:
            result.conflicts.append(Conflict(path, "edited since mfgint generated it; "
                                             "no longer generated"))
            result.pending[path] = None
            continue
        result.changes.append(Change("remove", path, current, None))
    result.manifest = render_manifest(new_entries)
    result.changes.sort(key=lambda c: c.path)
    result.conflicts.sort(key=lambda c: c.path)
    return result


def _check_planned(out: Path, files: list[PlannedFile]) -> dict[str, PlannedFile]:
    planned: dict[str, PlannedFile] = {}
    for item in files:
        path = check_path(item.file.path)
        confine(out, path)
        if path in planned:
            raise UnsafePathError(
                f"{path!r} is generated twice (targets {planned[path].target} and {item.target})"
            )
        planned[path] = item
    folders = {"/".join(p.split("/")[:i]) for p in planned for i in range(1, p.count("/") + 1)}
    clash = sorted(folders & set(planned))
    if clash:
        raise UnsafePathError(f"{clash[0]!r} is generated both as a file and as a folder")
    return planned


def apply(result: Plan, *, force: bool = False) -> None:
    """Carry out a plan atomically: on any failure the output folder is left as it was."""
    if result.conflicts and not force:
        raise ConflictError(result.conflicts)
    writes: dict[str, bytes] = {c.path: c.new for c in result.changes if c.new is not None}
    removals = [c.path for c in result.changes if c.action == "remove"]
    for conflict in result.conflicts:
        data = result.pending.get(conflict.path)
        if data is None:
            removals.append(conflict.path)
        else:
            writes[conflict.path] = data
    if not writes and not removals and not result.manifest_changed:
        return
    out = result.out
    if not out.exists():
        _create_folder(out, writes, result.manifest)
        return
    _update_folder(out, writes, sorted(removals), result.manifest)


def _create_folder(out: Path, writes: dict[str, bytes], manifest: bytes) -> None:
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.mfgint-", dir=parent))
    try:
        for path, data in sorted(writes.items()):
            _write(tmp / path, data)
        _write(tmp / MANIFEST_NAME, manifest)
        tmp.chmod(0o777 & ~_umask())
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _update_folder(out: Path, writes: dict[str, bytes], removals: list[str],
                   manifest: bytes) -> None:
    base = out.resolve()
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.mfgint-", dir=base.parent))
    staged, backup = tmp / "new", tmp / "old"
    placed: list[Path] = []
    backed_up: list[tuple[Path, Path]] = []
    made_dirs: list[Path] = []
    try:
        for path, data in sorted(writes.items()):
            _write(staged / path, data)
        _write(staged / MANIFEST_NAME, manifest)
        moves = [*sorted(writes), MANIFEST_NAME]
        for path in removals:
            _move_aside(base / path, backup / path, backed_up)
        for path in moves:
            final = base / path
            _make_parents(final.parent, base, made_dirs)
            if final.exists():
                _move_aside(final, backup / path, backed_up)
            os.replace(staged / path, final)
            placed.append(final)
    except BaseException:
        for final in reversed(placed):
            final.unlink(missing_ok=True)
        for final, saved in reversed(backed_up):
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(saved, final)
        for folder in reversed(made_dirs):
            _rmdir_quiet(folder)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(tmp, ignore_errors=True)
    for path in removals:
        folder = (base / path).parent
        while folder != base and base in folder.parents:
            if not _rmdir_quiet(folder):
                break
            folder = folder.parent


def _move_aside(final: Path, saved: Path, journal: list[tuple[Path, Path]]) -> None:
    saved.parent.mkdir(parents=True, exist_ok=True)
    os.replace(final, saved)
    journal.append((final, saved))


def _make_parents(folder: Path, base: Path, made: list[Path]) -> None:
    missing: list[Path] = []
    while folder != base and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for m in reversed(missing):
        m.mkdir()
        made.append(m)


def _rmdir_quiet(folder: Path) -> bool:
    try:
        folder.rmdir()
    except OSError:
        return False
    return True
