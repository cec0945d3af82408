"""Write generated files: confined to the output folder, atomic, with a manifest of what was made.

The manifest (``.mfgint-manifest.json`` in the output folder) records the sha256 of every file a
run wrote. The next run uses it to remove files that are no longer generated and to refuse to
overwrite (or remove) a file whose content no longer matches its record, i.e. that a person
edited. ``once`` files (hand-written extension points) are created when missing and never
touched again.

A large run streams: a ``Planner`` takes the files one at a time and, in ``disk`` mode, writes
each new or changed file straight into a staging folder beside the output folder, keeping only
its path and hash. ``apply`` then moves the staged files into place (or renames the staging
folder when the output folder is new), so a failed run still leaves the output folder as it
was. Files are not synced one by one; the folders that changed are, once, at the end.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Any, Literal

from mfgint.targets.base import GeneratedFile

MANIFEST_NAME = ".mfgint-manifest.json"
MANIFEST_VERSION = 1
_DRIVE_RX = re.compile(r"^[A-Za-z]:")
_BAD_CHAR_RX = re.compile(r"[\x00-\x1f\x7f\\]")
# memory: keep every new file's bytes (for --diff and the tests); disk: stage them in a folder
# beside the output as they come; none: keep nothing (--check, --dry-run: plans never applied).
StagingMode = Literal["memory", "disk", "none"]
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0) | getattr(
    os, "O_CLOEXEC", 0)


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
    if (_BAD_CHAR_RX.search(path) is None and path[0] != "/" and path[1:2] != ":"
            and "//" not in path and "/./" not in path and "/../" not in path
            and not path.startswith(("./", "../")) and not path.endswith(("/", "/.", "/.."))
            and path not in (".", "..", MANIFEST_NAME)):
        return path  # the common case, decided without splitting the path
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
    # disk mode: the staging folder holding new files (``fresh``: laid out as the new output
    # folder; else under ``new/``), and the paths staged there, with None for removals.
    staging: Path | None = None
    fresh: bool = False
    staged: dict[str, bool] = field(default_factory=dict)
    mode: StagingMode = "memory"

    def discard(self) -> None:
        """Remove the staging folder of a plan that will not be applied."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None

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
    """The manifest bytes: sorted, no timestamps, trailing newline.

    Exactly ``json.dumps(doc, indent=2, sort_keys=True)``, written entry by entry: a large
    run's manifest has a hundred thousand entries, and building the whole document first
    costs more memory than the rest of the run.
    """
    if not entries:
        doc = {"files": {}, "generator": "mfgint", "version": MANIFEST_VERSION}
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")
    quote = encode_basestring_ascii  # what json.dumps does to a str (ensure_ascii)
    chunks: list[bytes] = []  # ASCII text, encoded a few thousand entries at a time
    parts = ['{\n  "files": {']
    sep = ""
    for path in sorted(entries):
        entry = entries[path]
        once = '\n      "once": true,' if entry.once else ""
        parts.append(f'{sep}\n    {quote(path)}: {{{once}\n      "sha256": {quote(entry.sha256)},'
                     f'\n      "target": {quote(entry.target)}\n    }}')
        sep = ","
        if len(parts) >= 4096:
            chunks.append("".join(parts).encode("ascii"))
            parts.clear()
    parts.append(f'\n  }},\n  "generator": "mfgint",\n  "version": {MANIFEST_VERSION}\n}}\n')
    chunks.append("".join(parts).encode("ascii"))
    return b"".join(chunks)


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What planning one file found, without its bytes (what parallel workers send back)."""

    path: str
    entry: ManifestEntry
    action: str  # create | update | kept | conflict
    reason: str = ""


class _Confiner:
    """``confine`` for many paths: each folder is resolved once."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.base = out.resolve()
        self.folders: dict[str, Path] = {}

    def __call__(self, path: str) -> Path:
        folder, _, name = path.rpartition("/")
        resolved = self.folders.get(folder)
        if resolved is None:
            resolved = (self.base / folder).resolve() if folder else self.base
            if resolved != self.base and self.base not in resolved.parents:
                raise UnsafePathError(f"path {path!r} resolves outside the output folder")
            self.folders[folder] = resolved
        final = resolved / name
        if final.is_symlink():
            return confine(self.out, path)
        return self.base / path


class Planner:
    """Plans a run one file at a time (see the module docstring); ``finish`` gives the Plan."""

    def __init__(self, out: Path, mode: StagingMode = "memory") -> None:
        if out.exists() and not out.is_dir():
            raise WriterError(f"output path {out} exists and is not a folder")
        self.out = out
        self.mode: StagingMode = mode
        self.fresh = not out.exists()
        self.old_entries, self.old_raw = ({}, None) if self.fresh else read_manifest(out)
        self.confiner = None if self.fresh else _Confiner(out)
        self.records: dict[str, FileRecord] = {}
        # Path -> target of the files a worker examined (duplicates within one worker are
        # caught before writing); the parent finds its duplicates in ``records``.
        self.targets: dict[str, str] = {}
        self.data: dict[str, bytes] = {}  # memory mode: new bytes by path
        self.old: dict[str, bytes] = {}  # memory mode: current bytes of updated files
        self.staging: Path | None = None
        self._root: str | None = None  # the staging root, as text (joined once per file)
        self._folders: set[str] = set()  # folders made in it by this process

    # --- one file ------------------------------------------------------------------------

    def add(self, target: str, file: GeneratedFile) -> FileRecord:
        """Plan one generated file: compare it with the folder, stage it when it changes."""
        record = self.examine(target, file)
        self.keep(record, target)
        return record

    def examine(self, target: str, file: GeneratedFile) -> FileRecord:
        """Plan one file without recording it (parallel workers call this, then send it)."""
        path = check_path(file.path)
        if path in self.targets or path in self.records:
            first = self.targets.get(path) or self.records[path].entry.target
            raise UnsafePathError(f"{path!r} is generated twice (targets {first} and {target})")
        data = file.content
        entry = ManifestEntry(sha256(data), target, file.once)
        if self.fresh:
            self._stage(path, data)
            return FileRecord(path, entry, "create")
        assert self.confiner is not None
        final = self.confiner(path)
        try:
            info = os.stat(final)
        except FileNotFoundError:
            self._stage(path, data)
            return FileRecord(path, entry, "create")
        if stat.S_ISDIR(info.st_mode):
            raise WriterError(f"{final} is a folder, but mfgint generates a file there")
        if file.once:
            return FileRecord(path, entry, "kept")
        current = final.read_bytes()
        if current == data:
            return FileRecord(path, entry, "kept")
        if self.mode == "memory":
            self.old[path] = current
        previous = self.old_entries.get(path)
        if previous is None:
            reason = "exists but was not generated by mfgint"
        elif previous.sha256 != sha256(current):
            reason = "edited since mfgint generated it"
        else:
            self._stage(path, data)
            return FileRecord(path, entry, "update")
        self._stage(path, data)
        return FileRecord(path, entry, "conflict", reason)

    def keep(self, record: FileRecord, target: str) -> None:
        """Record a planned file (from ``examine`` here or in a worker)."""
        known = self.records.get(record.path)
        if known is not None:
            raise UnsafePathError(f"{record.path!r} is generated twice (targets "
                                  f"{known.entry.target} and {target})")
        self.records[record.path] = record

    def _stage(self, path: str, data: bytes) -> None:
        if self.mode == "memory":
            self.data[path] = data
        elif self.mode == "disk":
            root = self._root
            if root is None:
                root = self._root = os.fspath(self._staging_root())
            _write_new(root, path, data, self._folders)

    def _staging_root(self) -> Path:
        if self.staging is None:
            self.staging = make_staging(self.out)
        return self.staging if self.fresh else self.staging / "new"

    def prepare(self) -> None:
        """Create the staging folder now (before forking workers that stage into it)."""
        if self.mode == "disk":
            self._staging_root().mkdir(parents=True, exist_ok=True)

    def discard(self) -> None:
        """Remove the staging folder (a failed or read-only run)."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
            self._root = None

    # --- the whole run -------------------------------------------------------------------

    def finish(self, *, targets_run: Iterable[str], prune: bool = True) -> Plan:
        """Everything the run would do, once every file was added."""
        paths = self.records
        folders = _folders(paths)
        clash = sorted(folders & paths.keys())
        if clash:
            raise UnsafePathError(f"{clash[0]!r} is generated both as a file and as a folder")
        run = set(targets_run)
        result = Plan(out=self.out, old_manifest=self.old_raw, staging=self.staging,
                      fresh=self.fresh, mode=self.mode)
        new_entries: dict[str, ManifestEntry] = {}
        for path in sorted(paths):
            record = paths[path]
            new_entries[path] = record.entry
            if record.action == "kept":
                result.kept += 1
                continue
            new = self.data.get(path)
            if record.action == "conflict":
                result.conflicts.append(Conflict(path, record.reason))
                result.pending[path] = new if self.mode != "disk" else b""
            else:
                result.changes.append(Change(record.action, path, self.old.get(path), new))
            result.staged[path] = True
        for path, old in sorted(self.old_entries.items()):
            if path in paths:
                continue
            keep = not prune or old.target not in run or old.once
            if keep:
                if not (old.once and prune and old.target in run):
                    new_entries[path] = old
                continue
            assert self.confiner is not None
            final = self.confiner(path)
            if not final.is_file():
                continue
            current = final.read_bytes()
            if sha256(current) != old.sha256:
                result.conflicts.append(Conflict(path, "edited since mfgint generated it; "
                                                 "no longer generated"))
                result.pending[path] = None
                continue
            result.changes.append(Change("remove", path, current, None))
        result.manifest = render_manifest(new_entries)
        result.changes.sort(key=lambda c: c.path)
        result.conflicts.sort(key=lambda c: c.path)
        return result


def _folders(paths: Iterable[str]) -> set[str]:
    """Every folder that holds one of ``paths``, at any depth."""
    folders: set[str] = set()
    for path in paths:
        folder = path.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def make_staging(out: Path) -> Path:
    """A new, empty staging folder beside ``out`` (its parent is created when missing).

    Beside the real folder when ``out`` is a link to one, so that files move by renaming.
    """
    parent = (out.resolve() if out.is_dir() else out.absolute()).parent
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.mfgint-", dir=parent))


def plan(
    out: Path,
    files: Iterable[PlannedFile],
    *,
    targets_run: Iterable[str],
    prune: bool = True,
    staging: StagingMode = "memory",
) -> Plan:
    """Compare generated files with the output folder and its manifest; change nothing there."""
    planner = Planner(out, staging)
    try:
        for item in files:
            planner.add(item.target, item.file)
        return planner.finish(targets_run=targets_run, prune=prune)
    except BaseException:
        planner.discard()
        raise


def apply(result: Plan, *, force: bool = False) -> None:
    """Carry out a plan atomically: on any failure the output folder is left as it was."""
    try:
        _apply(result, force)
    finally:
        result.discard()


def _apply(result: Plan, force: bool) -> None:
    if result.conflicts and not force:
        raise ConflictError(result.conflicts)
    if result.mode == "none":
        raise WriterError("this plan was made to be listed, not applied")
    writes = [c.path for c in result.changes if c.action != "remove"]
    removals = [c.path for c in result.changes if c.action == "remove"]
    for conflict in result.conflicts:
        if result.pending.get(conflict.path) is None:
            removals.append(conflict.path)
        else:
            writes.append(conflict.path)
    if not writes and not removals and not result.manifest_changed:
        return
    out = result.out
    if result.mode == "memory":
        data = {c.path: c.new for c in result.changes if c.new is not None}
        data.update({p: d for p, d in result.pending.items() if d is not None})
        result.staging = make_staging(out)
        made: set[Path] = set()
        root = result.staging if not out.exists() else result.staging / "new"
        for path in sorted(writes):
            _write_fast(root / path, data[path], made)
        result.fresh = not out.exists()
    assert result.staging is not None or not writes
    if result.staging is None:
        result.staging = make_staging(out)
    if result.fresh:
        _create_folder(out, result.staging, result.manifest)
        result.staging = None
        return
    _update_folder(out, result.staging, sorted(writes), sorted(removals), result.manifest)


def _create_folder(out: Path, staged: Path, manifest: bytes) -> None:
    """Rename a staging folder holding every new file into place as the output folder."""
    _write_fast(staged / MANIFEST_NAME, manifest, set())
    staged.chmod(0o777 & ~_umask())
    os.rename(staged, out)
    _sync_folder(out.absolute().parent)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_fast(path: Path, data: bytes, made: set[Path]) -> None:
    """Write a new file, creating its folder when this run did not yet (no per-file sync)."""
    folder = path.parent
    if folder not in made:
        folder.mkdir(parents=True, exist_ok=True)
        made.add(folder)
    fd = os.open(path, _OPEN_FLAGS, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _write_new(root: str, path: str, data: bytes, made: set[str]) -> None:
    """``_write_fast`` for a checked relative ``path`` under ``root``, with text paths only:
    a large run stages over a hundred thousand files, and Path objects cost more than the
    system calls."""
    folder = path.rpartition("/")[0]
    if folder not in made:
        os.makedirs(f"{root}/{folder}" if folder else root, exist_ok=True)
        made.add(folder)
    fd = os.open(f"{root}/{path}", _OPEN_FLAGS, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` durable (where the platform allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _update_folder(out: Path, tmp: Path, writes: list[str], removals: list[str],
                   manifest: bytes) -> None:
    base = out.resolve()
    staged, backup = tmp / "new", tmp / "old"
    placed: list[Path] = []
    backed_up: list[tuple[Path, Path]] = []
    made_dirs: list[Path] = []
    try:
        _write_fast(staged / MANIFEST_NAME, manifest, set())
        moves = [*writes, MANIFEST_NAME]
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
    _sync_folder(base)


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
