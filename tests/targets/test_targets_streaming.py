"""Large runs: files staged beside the output as they come, and parallel workers."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from gen_helpers import EXAMPLES, TODAY, example_model
from typer.testing import CliRunner

from mfgint.cli import app
from mfgint.graph.core import IntegrationGraph
from mfgint.targets.base import GeneratedFile, GenerationError, TargetContext
from mfgint.targets.env import make_env
from mfgint.targets.registry import TARGETS
from mfgint.targets.runner import _collecting, run_targets
from mfgint.targets.writer import (
    MANIFEST_NAME,
    ConflictError,
    ManifestEntry,
    PlannedFile,
    Planner,
    StagingMode,
    WriterError,
    apply,
    plan,
    render_manifest,
)


def files(*items: tuple[str, str]) -> list[PlannedFile]:
    """PlannedFiles of target ``t`` from (path, text) pairs."""
    return [PlannedFile("t", GeneratedFile(path, text.encode())) for path, text in items]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    """Staging folders a run left beside its output."""
    return sorted(p.name for p in parent.iterdir() if ".mfgint-" in p.name)


def test_a_new_folder_is_staged_beside_it_then_renamed_into_place(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = plan(out, files(("k/a.yaml", "a\n"), ("b.yaml", "b\n")), targets_run=["t"],
                  staging="disk")
    assert not out.exists(), "planning writes nothing into the output folder"
    assert len(leftovers(tmp_path)) == 1, "the files wait in one staging folder"
    assert all(c.new is None for c in result.changes), "their bytes are not kept in memory"
    apply(result)
    assert tree(out) == {"k/a.yaml": b"a\n", "b.yaml": b"b\n",
                         MANIFEST_NAME: result.manifest}
    assert leftovers(tmp_path) == []


def test_disk_staging_updates_exactly_like_memory_staging(tmp_path: Path) -> None:
    first = files(("a.yaml", "a"), ("k/b.yaml", "b"), ("old/gone.yaml", "g"))
    second = files(("a.yaml", "A"), ("k/b.yaml", "b"), ("n/new.yaml", "N"))
    outs = []
    modes: tuple[StagingMode, ...] = ("memory", "disk")
    for mode in modes:
        out = tmp_path / mode / "out"
        apply(plan(out, first, targets_run=["t"]))
        result = plan(out, second, targets_run=["t"], staging=mode)
        assert result.differences() == ["update a.yaml", "create n/new.yaml",
                                        "remove old/gone.yaml"]
        apply(result)
        assert leftovers(out.parent) == []
        outs.append(tree(out))
    assert outs[0] == outs[1]
    assert outs[1]["a.yaml"] == b"A" and "old/gone.yaml" not in outs[1]


def test_refused_edit_removes_the_staged_files_and_force_applies_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    apply(plan(out, files(("a.yaml", "generated\n")), targets_run=["t"]))
    (out / "a.yaml").write_text("hand edit\n")
    result = plan(out, files(("a.yaml", "new\n")), targets_run=["t"], staging="disk")
    with pytest.raises(ConflictError):
        apply(result)
    assert (out / "a.yaml").read_text() == "hand edit\n"
    assert leftovers(tmp_path) == []
    result = plan(out, files(("a.yaml", "new\n")), targets_run=["t"], staging="disk")
    apply(result, force=True)
    assert (out / "a.yaml").read_text() == "new\n"
    assert leftovers(tmp_path) == []


def test_a_target_failing_half_way_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "out"
    apply(plan(out, files(("a.yaml", "a")), targets_run=["t"]))
    before = tree(out)

    def broken() -> Iterator[PlannedFile]:
        yield from files(("a.yaml", "changed"), ("b.yaml", "b"))
        raise GenerationError("template x.j2:3: boom")

    with pytest.raises(GenerationError):
        plan(out, broken(), targets_run=["t"], staging="disk")
    assert tree(out) == before
    assert leftovers(tmp_path) == []


def test_listing_plans_keep_nothing_and_cannot_be_applied(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = plan(out, files(("a.yaml", "a")), targets_run=["t"], staging="none")
    assert result.differences() == ["create a.yaml"]
    with pytest.raises(WriterError):
        apply(result)
    assert not out.exists() and leftovers(tmp_path) == []


def test_manifest_text_is_what_json_dumps_writes() -> None:
    entries = {f"d{i % 3}/é\"{i}.yaml": ManifestEntry(f"{i:064x}", "kong", i % 2 == 0)
               for i in range(7)}
    doc = {"generator": "mfgint", "version": 1,
           "files": {k: entries[k].as_json() for k in sorted(entries)}}
    assert render_manifest(entries) == (json.dumps(doc, indent=2, sort_keys=True)
                                        + "\n").encode()
    assert json.loads(render_manifest({}))["files"] == {}


def test_broken_override_leaves_no_staging_folder(tmp_path: Path) -> None:
    override = tmp_path / "t" / "runbooks"
    override.mkdir(parents=True)
    (override / "index.md.j2").write_text("{{ flows | no_such_filter }}\n")
    out = tmp_path / "gen" / "out"
    result = CliRunner().invoke(app, ["generate", str(EXAMPLES), "--out", str(out), "--today",
                                      TODAY, "--templates", str(tmp_path / "t")])
    assert result.exit_code == 2, result.output
    assert "no_such_filter" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
    assert not (tmp_path / "gen").exists() or leftovers(tmp_path / "gen") == []


def test_parallel_workers_write_the_same_bytes_as_one_process(tmp_path: Path) -> None:
    model = example_model()
    names = list(TARGETS)
    trees = []
    for jobs in (1, 2, 3):
        ctx = TargetContext(model=model, graph=IntegrationGraph(model), env=make_env())
        out = tmp_path / f"out-{jobs}"
        planner = Planner(out, "disk")
        run_targets(ctx, names, planner, jobs=jobs)
        apply(planner.finish(targets_run=names))
        trees.append(tree(out))
        assert leftovers(tmp_path) == []
    assert trees[0] == trees[1] == trees[2]
    assert len(trees[0]) > 100


def test_workers_collect_the_cycles_rendering_makes_without_walking_older_objects() -> None:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with _collecting():
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0, "what existed before is frozen, never walked"
        assert not gc.isenabled() and gc.get_freeze_count() == 0, "the state is given back"
    finally:
        if was_enabled:
            gc.enable()
