"""The writer: path confinement, manifest, edited-file refusal, pruning, once files, atomicity."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mfgint.targets import writer
from mfgint.targets.base import GeneratedFile
from mfgint.targets.writer import (
    MANIFEST_NAME,
    ConflictError,
    PlannedFile,
    UnsafePathError,
    apply,
    check_path,
    plan,
)


def files(*items: tuple[str, str] | tuple[str, str, bool], target: str = "t") -> list[PlannedFile]:
    """PlannedFiles from (path, text[, once]) tuples."""
    out = []
    for item in items:
        path, text = item[0], item[1]
        once = bool(item[2]) if len(item) > 2 else False
        out.append(PlannedFile(target, GeneratedFile(path, text.encode(), once)))
    return out


def run(out: Path, planned: list[PlannedFile], *, force: bool = False, prune: bool = True,
        targets: tuple[str, ...] = ("t",)) -> writer.Plan:
    """Plan and apply; return the plan."""
    result = plan(out, planned, targets_run=targets, prune=prune)
    apply(result, force=force)
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder (relative path -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


HOSTILE = [
    "",
    "/etc/passwd",
    "../escape.yaml",
    "kong/../../escape.yaml",
    "a/./b.yaml",
    "a//b.yaml",
    "a\\..\\b.yaml",
    "nul\x00byte.yaml",
    "new\nline.yaml",
    "C:/windows/evil.yaml",
    "c:evil.yaml",
    "..",
    ".",
    "kong/",
    MANIFEST_NAME,
]


@pytest.mark.parametrize("path", HOSTILE)
def test_hostile_paths_are_rejected(path: str, tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError):
        check_path(path)
    out = tmp_path / "out"
    with pytest.raises(UnsafePathError):
        plan(out, files((path, "x")), targets_run=["t"])
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_symlink_escape_is_rejected(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "kong").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="outside the output folder"):
        plan(out, files(("kong/team.yaml", "x")), targets_run=["t"])
    assert list(outside.iterdir()) == []


def test_manifest_paths_are_checked_too(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "victim.txt").write_text("keep me")
    manifest = {"files": {"../victim.txt": {"sha256": "0" * 64, "target": "t"}}}
    (out / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(writer.WriterError, match="segment"):
        plan(out, files(("a.yaml", "a")), targets_run=["t"])
    assert (tmp_path / "victim.txt").read_text() == "keep me"


def test_duplicate_and_file_folder_clash_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError, match="twice"):
        plan(tmp_path / "o", files(("a.yaml", "1"), ("a.yaml", "2")), targets_run=["t"])
    with pytest.raises(UnsafePathError, match="file and as a folder"):
        plan(tmp_path / "o", files(("a", "1"), ("a/b.yaml", "2")), targets_run=["t"])


def test_first_run_writes_files_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "out"
    run(out, files(("kong/a.yaml", "a\n"), ("openapi/b.yaml", "b\n")))
    assert (out / "kong/a.yaml").read_text() == "a\n"
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert sorted(manifest["files"]) == ["kong/a.yaml", "openapi/b.yaml"]
    assert manifest["files"]["kong/a.yaml"]["target"] == "t"
    assert len(manifest["files"]["kong/a.yaml"]["sha256"]) == 64
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".out.mfgint-")]


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    planned = files(("kong/a.yaml", "a\n"), ("b.yaml", "b\n"))
    run(out, planned)
    before = snapshot(out)
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    result = run(out, planned)
    assert result.up_to_date
    assert snapshot(out) == before
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == mtimes


def test_files_no_longer_generated_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(out, files(("kong/a.yaml", "a"), ("kong/old.yaml", "old"), ("x/only.yaml", "o")))
    result = run(out, files(("kong/a.yaml", "a")))
    assert sorted(c.path for c in result.changes if c.action == "remove") == [
        "kong/old.yaml", "x/only.yaml"]
    assert not (out / "kong/old.yaml").exists()
    assert not (out / "x").exists(), "emptied folders are removed too"
    assert sorted(json.loads((out / MANIFEST_NAME).read_text())["files"]) == ["kong/a.yaml"]


def test_other_targets_files_survive_a_partial_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(out, [*files(("a.yaml", "a"), target="one"), *files(("b.yaml", "b"), target="two")],
        targets=("one", "two"))
    run(out, files(("a.yaml", "a2"), target="one"), targets=("one",))
    assert (out / "b.yaml").read_text() == "b"
    assert sorted(json.loads((out / MANIFEST_NAME).read_text())["files"]) == ["a.yaml", "b.yaml"]


def test_selection_runs_do_not_prune(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(out, files(("a.yaml", "a"), ("b.yaml", "b")))
    run(out, files(("c.yaml", "c")), prune=False)
    assert sorted(snapshot(out)) == [MANIFEST_NAME, "a.yaml", "b.yaml", "c.yaml"]


def test_edited_file_is_refused_then_forced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(out, files(("a.yaml", "generated\n")))
    (out / "a.yaml").write_text("hand edit\n")
    result = plan(out, files(("a.yaml", "regenerated\n")), targets_run=["t"])
    assert [c.path for c in result.conflicts] == ["a.yaml"]
    assert "edited" in result.differences()[0]
    with pytest.raises(ConflictError):
        apply(result)
    assert (out / "a.yaml").read_text() == "hand edit\n"
    apply(result, force=True)
    assert (out / "a.yaml").read_text() == "regenerated\n"
    assert plan(out, files(("a.yaml", "regenerated\n")), targets_run=["t"]).up_to_date


def test_edited_file_is_not_removed_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(out, files(("a.yaml", "a"), ("gone.yaml", "g")))
    (out / "gone.yaml").write_text("kept by hand")
    with pytest.raises(ConflictError):
        run(out, files(("a.yaml", "a")))
    assert (out / "gone.yaml").read_text() == "kept by hand"
    run(out, files(("a.yaml", "a")), force=True)
    assert not (out / "gone.yaml").exists()


def test_unmanaged_file_in_the_way_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.yaml").write_text("mine")
    result = plan(out, files(("a.yaml", "generated")), targets_run=["t"])
    assert result.conflicts[0].reason == "exists but was not generated by mfgint"
    identical = plan(out, files(("a.yaml", "mine")), targets_run=["t"])
    assert not identical.conflicts and not identical.changes


def test_once_files_are_created_once_and_never_touched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(out, files(("conn/impl.py", "stub\n", True), ("conn/base.py", "base\n")))
    (out / "conn/impl.py").write_text("my code\n")
    result = run(out, files(("conn/impl.py", "new stub\n", True), ("conn/base.py", "base2\n")))
    assert not result.conflicts
    assert (out / "conn/impl.py").read_text() == "my code\n"
    run(out, files(("conn/base.py", "base2\n")))
    assert (out / "conn/impl.py").read_text() == "my code\n", "once files are never removed"


def test_check_lists_every_kind_of_difference(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(out, files(("a.yaml", "a"), ("b.yaml", "b"), ("c.yaml", "c")))
    (out / "b.yaml").unlink()
    result = plan(out, files(("a.yaml", "a2"), ("b.yaml", "b"), ("d.yaml", "d")),
                  targets_run=["t"])
    assert result.differences() == ["update a.yaml", "create b.yaml", "remove c.yaml",
                                    "create d.yaml"]
    assert "--- a/a.yaml" in result.diff() and "+a2" in result.diff()


def test_failed_update_leaves_the_folder_as_it_was(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    run(out, files(("a.yaml", "a"), ("k/b.yaml", "b"), ("old.yaml", "o")))
    before = snapshot(out)
    real_replace = os.replace
    calls = {"n": 0}

    def flaky(src: str | Path, dst: str | Path) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr("mfgint.targets.writer.os.replace", flaky)
    result = plan(out, files(("a.yaml", "A"), ("k/b.yaml", "B"), ("n/new.yaml", "N")),
                  targets_run=["t"])
    with pytest.raises(OSError, match="No space"):
        apply(result)
    monkeypatch.setattr("mfgint.targets.writer.os.replace", real_replace)
    assert snapshot(out) == before
    assert not (out / "n").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "the temporary folder is gone"


def test_failed_first_run_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(src: str | Path, dst: str | Path) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr("mfgint.targets.writer.os.rename", broken)
    out = tmp_path / "out"
    with pytest.raises(OSError):
        run(out, files(("a.yaml", "a")))
    assert list(tmp_path.iterdir()) == []


def test_broken_manifest_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(writer.WriterError, match="not a valid mfgint manifest"):
        plan(out, files(("a.yaml", "a")), targets_run=["t"])


def test_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("x")
    with pytest.raises(writer.WriterError, match="not a folder"):
        plan(out, files(("a.yaml", "a")), targets_run=["t"])


@pytest.mark.parametrize("staging", ["memory", "disk"])
def test_a_path_generated_twice_is_refused_naming_both_targets(
    tmp_path: Path, staging: writer.StagingMode
) -> None:
    same = [PlannedFile("kong", GeneratedFile("x/a.yaml", b"1")),
            PlannedFile("openapi", GeneratedFile("x/a.yaml", b"2"))]
    with pytest.raises(UnsafePathError, match=r"generated twice.*kong and openapi"):
        plan(tmp_path / "out", same, targets_run=["kong", "openapi"], staging=staging)
    planner = writer.Planner(tmp_path / "out2", staging)
    planner.keep(planner.examine("kong", same[0].file), "kong")  # as a worker's record arrives
    with pytest.raises(UnsafePathError, match="kong and openapi"):
        planner.keep(writer.FileRecord("x/a.yaml", writer.ManifestEntry("0" * 64, "openapi"),
                                       "create"), "openapi")
    planner.discard()
