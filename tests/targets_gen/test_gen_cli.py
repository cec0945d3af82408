"""``mfgint generate`` with the connectors, alerts and runbooks targets, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tgen_support import EXAMPLES, MY_TARGETS, REPO_ROOT, TODAY, tree
from typer.testing import CliRunner

from mfgint.cli import app

TARGET_ARGS = [a for t in MY_TARGETS for a in ("--target", t)]


def generate(*args: str | Path) -> tuple[int, str]:
    """Run ``mfgint generate`` in-process; (exit code, stdout + stderr)."""
    result = CliRunner().invoke(app, ["generate", *map(str, args), "--today", TODAY])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """specs/examples generated once for the module."""
    out = tmp_path_factory.mktemp("gen") / "out"
    code, output = generate(EXAMPLES, "--out", out, *TARGET_ARGS)
    assert code == 0, output
    return out


def test_targets_lists_connectors_alerts_and_runbooks() -> None:
    result = CliRunner().invoke(app, ["targets"])
    assert result.exit_code == 0
    for name in MY_TARGETS:
        assert f"\n{name} " in f"\n{result.output}"


def test_generate_writes_the_three_trees(generated: Path) -> None:
    tops = {p.split("/")[0] for p in tree(generated)}
    assert set(MY_TARGETS) <= tops
    assert (generated / "runbooks" / "index.md").is_file()
    assert (generated / "connectors" / "pyproject.toml").is_file()


def test_hand_written_connector_survives_regeneration(generated: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    subprocess.run(["cp", "-a", str(generated), str(out)], check=True)
    mine = out / "connectors" / "outbound_delivery_to_wms" / "connector.py"
    mine.write_text(mine.read_text() + "\n# site mapping lives here\n")
    base = out / "connectors" / "outbound_delivery_to_wms" / "base.py"
    base_before = base.read_bytes()
    base.unlink()
    code, output = generate(EXAMPLES, "--out", out, *TARGET_ARGS)
    assert code == 0, output
    assert mine.read_text().endswith("# site mapping lives here\n")
    assert base.read_bytes() == base_before


def test_two_processes_with_different_hash_seeds_write_identical_bytes(tmp_path: Path) -> None:
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [sys.executable, "-m", "mfgint", "generate", str(EXAMPLES), "--out", str(out),
             "--today", TODAY, *TARGET_ARGS],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False, timeout=600,
        )
        assert proc.returncode == 0, proc.stderr
        outs.append(tree(out))
    assert outs[0] == outs[1]
    assert len(outs[0]) > 300
