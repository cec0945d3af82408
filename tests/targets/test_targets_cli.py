"""``mfgint generate`` and ``mfgint targets`` as a user runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gen_helpers import EXAMPLES, MY_TARGETS, REPO_ROOT, TODAY
from typer.testing import CliRunner

from mfgint.cli import app
from mfgint.targets.env import make_env
from mfgint.targets.writer import MANIFEST_NAME

TARGET_ARGS = [a for t in MY_TARGETS for a in ("--target", t)]


def generate(*args: str | Path) -> tuple[int, str, str]:
    """Run ``mfgint generate`` in-process; (exit code, stdout, stderr)."""
    result = CliRunner().invoke(app, ["generate", *map(str, args), "--today", TODAY])
    return result.exit_code, result.stdout, result.stderr


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """specs/examples generated once for the module (my three targets)."""
    out = tmp_path_factory.mktemp("gen") / "out"
    code, _, err = generate(EXAMPLES, "--out", out, *TARGET_ARGS)
    assert code == 0, err
    return out


def copy_of(generated: Path, tmp_path: Path) -> Path:
    """A private copy of the generated folder."""
    out = tmp_path / "out"
    shutil.copytree(generated, out)
    return out


def test_generate_writes_every_target_and_a_manifest(generated: Path) -> None:
    files = tree(generated)
    assert MANIFEST_NAME in files
    assert {p.split("/")[0] for p in files if p != MANIFEST_NAME} == set(MY_TARGETS)


def test_second_run_changes_nothing_and_check_is_clean(generated: Path, tmp_path: Path) -> None:
    out = copy_of(generated, tmp_path)
    before = tree(out)
    code, stdout, err = generate(EXAMPLES, "--out", out, *TARGET_ARGS)
    assert code == 0 and stdout == ""
    assert "0 created, 0 updated, 0 removed" in err
    assert tree(out) == before
    code, _, err = generate(EXAMPLES, "--out", out, "--check", *TARGET_ARGS)
    assert code == 0 and "up to date" in err


def test_check_fails_after_an_output_file_is_touched(generated: Path, tmp_path: Path) -> None:
    out = copy_of(generated, tmp_path)
    target = out / "kong" / "team-erp.yaml"
    target.write_text(target.read_text() + "# tweak\n")
    code, stdout, err = generate(EXAMPLES, "--out", out, "--check", *TARGET_ARGS)
    assert code == 1
    assert "edited kong/team-erp.yaml" in stdout
    assert "difference" in err
    code, _, err = generate(EXAMPLES, "--out", out, *TARGET_ARGS)
    assert code == 1 and "refused to overwrite" in err and "--force" in err
    assert target.read_text().endswith("# tweak\n")
    code, stdout, _ = generate(EXAMPLES, "--out", out, "--force", *TARGET_ARGS)
    assert code == 0 and "kong/team-erp.yaml (forced" in stdout
    assert tree(out) == tree(generated)


def test_check_fails_after_a_spec_changes(generated: Path, tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(EXAMPLES, specs)
    out = copy_of(generated, tmp_path)
    assert generate(specs, "--out", out, "--check", *TARGET_ARGS)[0] == 0
    flows = specs / "flows" / "logistics.yaml"
    if not flows.exists():
        flows = next(p for p in sorted((specs / "flows").glob("*.yaml"))
                     if "/hooks/geodis/tracking" in p.read_text())
    flows.write_text(flows.read_text().replace("/hooks/geodis/tracking", "/hooks/geodis/track"))
    code, stdout, _ = generate(specs, "--out", out, "--check", *TARGET_ARGS)
    assert code == 1
    assert "update kong/team-erp.yaml" in stdout and "update openapi/odoo-erp.yaml" in stdout
    code, stdout, _ = generate(specs, "--out", out, "--diff", *TARGET_ARGS)
    assert code == 0 and "+          - /hooks/geodis/track" in stdout
    code, stdout, _ = generate(specs, "--out", out, "--dry-run", *TARGET_ARGS)
    assert code == 0 and "would update kong/team-erp.yaml" in stdout
    assert tree(out) == tree(generated), "read-only modes write nothing"


def test_generation_refuses_specs_with_errors(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(EXAMPLES, specs)
    (specs / "broken.yaml").write_text(
        "apiVersion: mfgint/v1\nkind: Flow\nmetadata: {name: broken}\n"
        "spec: {object: nothing@1, source: nowhere, target: odoo-erp, pattern: api, "
        "latency: realtime}\n")
    out = tmp_path / "out"
    code, _, err = generate(specs, "--out", out)
    assert code == 1
    assert "broken.yaml:" in err and "error[" in err
    assert "generation refused" in err
    assert not out.exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _, err = generate(EXAMPLES, "--out", tmp_path / "o", "--target", "nope")
    assert code == 2 and "unknown target 'nope'" in err and "kong" in err
    code, _, err = generate(EXAMPLES)
    assert code == 2 and "--out is required" in err
    code, _, err = generate(EXAMPLES, "--out", tmp_path / "o", "--select", "plant:atlantis")
    assert code == 2 and "atlantis" in err
    code, _, err = generate(EXAMPLES, "--out", tmp_path / "o", "--templates", tmp_path / "no")
    assert code == 2 and "templates folder" in err
    assert not (tmp_path / "o").exists()


def test_select_narrows_to_a_plant(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, err = generate(EXAMPLES, "--out", out, "--select", "system:geodis-3pl",
                            *TARGET_ARGS)
    assert code == 0, err
    files = sorted(p for p in tree(out) if p != MANIFEST_NAME)
    assert "kong/team-supply-chain.yaml" in files and "openapi/geodis-3pl.yaml" in files
    assert "openapi/supplier-portal.yaml" not in files


def test_template_override_from_option_and_config(tmp_path: Path) -> None:
    override = tmp_path / "my-templates" / "kong"
    override.mkdir(parents=True)
    builtin = make_env().loader.get_source(make_env(), "kong/team.yaml.j2")[0]  # type: ignore[union-attr]
    (override / "team.yaml.j2").write_text("# ACME CHANGE BOARD: CHG-1234\n" + builtin)
    out = tmp_path / "out"
    code, _, err = generate(EXAMPLES, "--out", out, "--target", "kong", "--templates",
                            tmp_path / "my-templates")
    assert code == 0, err
    assert (out / "kong/team-erp.yaml").read_text().startswith("# ACME CHANGE BOARD: CHG-1234\n")
    specs = tmp_path / "specs"
    shutil.copytree(EXAMPLES, specs)
    config = specs / "mfgint.yaml"
    config.write_text(config.read_text() + "\ntargets:\n  templates: ../my-templates\n")
    out2 = tmp_path / "out2"
    code, _, err = generate(specs, "--out", out2, "--target", "kong")
    assert code == 0, err
    assert (out2 / "kong/team-erp.yaml").read_text().startswith("# ACME CHANGE BOARD")


def test_broken_override_is_a_clear_error(tmp_path: Path) -> None:
    override = tmp_path / "t" / "openapi"
    override.mkdir(parents=True)
    (override / "api.yaml.j2").write_text("{{ documnet | to_yaml }}\n")
    out = tmp_path / "out"
    code, _, err = generate(EXAMPLES, "--out", out, "--templates", tmp_path / "t")
    assert code == 2
    assert "openapi/api.yaml.j2" in err and "documnet" in err and "Traceback" not in err
    assert not out.exists()


def test_targets_command_lists_targets() -> None:
    result = CliRunner().invoke(app, ["targets"])
    assert result.exit_code == 0
    for name in MY_TARGETS:
        assert any(line.startswith(name) for line in result.stdout.splitlines())


def test_output_is_identical_across_hash_seeds(tmp_path: Path) -> None:
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [sys.executable, "-m", "mfgint", "generate", str(EXAMPLES), "--out", str(out),
             "--today", TODAY, *TARGET_ARGS],
            capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=False,
        )
        assert proc.returncode == 0, proc.stderr
        outs.append(tree(out))
    assert outs[0] == outs[1]
    assert not any(str(tmp_path) in v.decode() for v in outs[0].values()), "no absolute paths"
