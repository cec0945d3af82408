"""The synthetic landscape of bench/synth.py: valid, clean, deterministic, split one per file."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from typer.testing import CliRunner

from mfgint.cli import app

REPO_ROOT = Path(__file__).resolve().parents[2]
SYNTH = REPO_ROOT / "bench" / "synth.py"
TODAY = "2026-11-28"
PLANTS, FLOWS = 3, 150
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_synth", SYNTH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


synth = _load_synth()


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def landscape(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small landscape (3 plants, 150 flows) and its one-document-per-file copy."""
    base = tmp_path_factory.mktemp("synth")
    land = synth.build_landscape(PLANTS, FLOWS, 7)
    synth.write_landscape(land, base / "specs")
    synth.write_split(land, base / "split")
    return base / "specs", base / "split"


def _kinds(folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in sorted(folder.rglob("*.yaml")):
        if path.name == "mfgint.yaml":
            continue
        for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=LOADER):
            counts[doc["kind"]] = counts.get(doc["kind"], 0) + 1
    return counts


def test_validate_is_clean(landscape: tuple[Path, Path]) -> None:
    """`mfgint validate` finds nothing at all: no error, warning or info."""
    specs, _ = landscape
    result = CliRunner().invoke(
        app, ["validate", str(specs), "--today", TODAY, "-f", "json", "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    findings = [f"{d['code']} {d['message']}" for d in report["diagnostics"]]
    assert findings == []
    assert report["summary"]["files"] > 20


def test_sizes_and_spread(landscape: tuple[Path, Path]) -> None:
    """Exactly the asked flows and plants, spread over many files like a real repository."""
    specs, _ = landscape
    counts = _kinds(specs)
    assert counts["Flow"] == FLOWS
    assert counts["Plant"] == PLANTS
    assert counts["System"] > 4 * PLANTS  # MES, WMS, QMS, CMMS per plant, plus shared ones
    for kind in ("Team", "BusinessObject", "Event", "AccessPolicy", "Workflow"):
        assert counts[kind] > 0, kind
    flow_files = sorted(specs.glob("flows/*/*.yaml"))
    assert len(flow_files) >= 2 * PLANTS
    assert sorted(specs.glob("objects/schemas/*/*.schema.json"))


def test_split_has_one_document_per_file(landscape: tuple[Path, Path]) -> None:
    """The split copy holds the same documents, one per file, in a folder per kind."""
    specs, split = landscape
    files = sorted(split.rglob("*.yaml"))
    for path in files:
        docs = list(yaml.load_all(path.read_text(encoding="utf-8"), Loader=LOADER))
        assert len(docs) == 1, path
        assert docs[0]["kind"].lower() == path.parent.name
        assert docs[0]["metadata"]["name"] == path.stem
    assert _kinds(split) == _kinds(specs)


def test_cli_is_deterministic_and_validates(
    landscape: tuple[Path, Path], tmp_path: Path
) -> None:
    """The script's bytes depend on the seed only; its output passes `python -m mfgint`."""
    specs, _ = landscape
    outs = []
    for hash_seed in ("0", "123"):
        out = tmp_path / f"run-{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        proc = subprocess.run(
            [sys.executable, str(SYNTH), "--plants", str(PLANTS), "--flows", str(FLOWS),
             "--seed", "7", "--out", str(out)],
            capture_output=True, text=True, env=env, check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert "150 Flow" in proc.stderr
        outs.append(_tree(out))
    assert outs[0] == outs[1] == _tree(specs)
    proc = subprocess.run(
        [sys.executable, "-m", "mfgint", "validate", str(tmp_path / "run-0"), "--today", TODAY,
         "--no-cache"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 findings" in proc.stdout


def test_other_seed_gives_other_bytes() -> None:
    """The seed changes the choices (vendors, dates, suppliers), not the shape."""
    a = synth.build_landscape(PLANTS, FLOWS, 7)
    b = synth.build_landscape(PLANTS, FLOWS, 8)
    assert a.files.keys() == b.files.keys()
    assert a.files != b.files


def test_too_few_flows_is_a_usage_error(tmp_path: Path) -> None:
    """Sizes that cannot hold each plant's flows: exit 2, a message, and nothing written."""
    out = tmp_path / "never"
    proc = subprocess.run(
        [sys.executable, str(SYNTH), "--plants", "10", "--flows", "50", "--out", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert "too few for 10 plants" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    """An existing, non-empty folder without the marker is never emptied."""
    keep = tmp_path / "keep.txt"
    keep.write_text("mine", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(SYNTH), "--plants", "1", "--flows", "60", "--out", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert "not written by bench/synth.py" in proc.stderr
    assert keep.read_text(encoding="utf-8") == "mine"


def test_an_edit_reruns_only_what_it_touches(
    landscape: tuple[Path, Path], tmp_path: Path
) -> None:
    """After one flows file is edited, the cached run reuses findings and equals a cold run."""
    import shutil

    from mfgint.compiler.cache import SpecCache
    from mfgint.config import find_config, load_config
    from mfgint.pipeline import validate

    specs = tmp_path / "specs"
    shutil.copytree(landscape[0], specs)
    bench_run = _load_bench_run()

    def once(cache: SpecCache | None) -> tuple[list[str], int]:
        config = load_config(find_config([specs]), specs)
        result = validate([specs], config=config, today=dt.date(2026, 11, 28), cache=cache)
        return [repr(d) for d in result.outcome.diagnostics], result.reused

    cache_dir = tmp_path / "cache"
    once(SpecCache(cache_dir, specs))
    edited = sorted(specs.glob("flows/*/operations.yaml"))[0]
    edited.write_bytes(bench_run.edit(edited.read_bytes(), 1))
    # A finding in the edited file (RES001: its first flow is tier-1), to see positions and
    # messages come out right.
    text = edited.read_text(encoding="utf-8")
    recon = '  reconciliation: {schedule: "*/15 * * * *", method: watermark}\n'
    assert recon in text
    edited.write_text(text.replace(recon, "", 1), encoding="utf-8")
    warm, reused = once(SpecCache(cache_dir, specs))
    cold, _ = once(None)
    assert warm == cold
    assert any("RES001" in d for d in warm)
    assert reused > 100  # (rule, file) pairs: most scoped rules skipped most files


def _load_bench_run() -> ModuleType:
    sys.path.insert(0, str(SYNTH.parent))
    try:
        spec = importlib.util.spec_from_file_location("bench_run", SYNTH.parent / "run.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SYNTH.parent))
