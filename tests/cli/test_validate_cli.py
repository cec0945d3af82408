"""`mfgint validate` through typer's runner and through a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mfgint.cli import app

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EXAMPLES = REPO / "specs" / "examples"
BROKEN = REPO / "tests" / "fixtures" / "broken"
GOLDEN = HERE / "golden"
TODAY = "2026-11-28"


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "MFGINT_TODAY": TODAY})
    return result.exit_code, result.stdout, result.stderr


def test_examples_are_clean() -> None:
    code, out, _ = run_cli("validate", str(EXAMPLES), "--format", "json")
    report = json.loads(out)
    failing = [d for d in report["diagnostics"] if not d["waived"]]
    assert failing == [], failing
    assert code == 0
    assert report["summary"]["waived"] >= 1


def test_broken_specs_golden_text(update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN.parent)
    code, out, _ = run_cli("validate", "broken")
    golden = GOLDEN / "broken.txt"
    if update_golden:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert code == 1
    assert out == golden.read_text(encoding="utf-8")


def test_every_finding_has_file_line_col() -> None:
    _, out, _ = run_cli("validate", str(BROKEN), "--format", "json")
    for d in json.loads(out)["diagnostics"]:
        assert d["file"] and d["line"] >= 1 and d["column"] >= 1, d


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 1), ("never", 0)])
def test_fail_on(fail_on: str, expected: int) -> None:
    code, _, _ = run_cli("validate", str(BROKEN), "--fail-on", fail_on)
    assert code == expected


def test_select_and_ignore_change_what_is_reported() -> None:
    _, out, _ = run_cli("validate", str(BROKEN), "--format", "json", "--ignore", "SCH002")
    codes = {d["code"] for d in json.loads(out)["diagnostics"]}
    assert "SCH002" not in codes and "YML003" in codes


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "xml"],
        ["--fail-on", "sometimes"],
        ["--select", "NOPE999"],
        ["--baseline", "/nonexistent/baseline.json"],
        ["--today", "yesterday"],
        ["--config", "/nonexistent/mfgint.yaml"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    code, out, err = run_cli("validate", str(BROKEN), *args)
    assert code == 2
    assert "error" in err and "Traceback" not in err + out


def test_bad_config_points_at_the_line(tmp_path: Path) -> None:
    (tmp_path / "mfgint.yaml").write_text("rules:\n  severty: {SEC: warning}\n")
    code, _, err = run_cli("validate", str(tmp_path))
    assert code == 2
    assert "mfgint.yaml:2:3" in err and "severty" in err


def test_output_file_and_formats(tmp_path: Path) -> None:
    for fmt in ("text", "json", "sarif", "junit", "github"):
        target = tmp_path / f"report.{fmt}"
        code, out, _ = run_cli("validate", str(BROKEN), "--format", fmt, "--output", str(target))
        assert code == 1 and out == ""
        assert target.read_text(encoding="utf-8").strip()


def test_baseline_hides_known_findings_and_survives_line_shifts(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    for f in BROKEN.iterdir():
        (specs / f.name).write_bytes(f.read_bytes())
    baseline = tmp_path / "baseline.json"
    code, _, _ = run_cli("validate", str(specs), "--write-baseline", str(baseline))
    assert code == 0 and baseline.is_file()
    code, out, _ = run_cli("validate", str(specs), "--baseline", str(baseline), "--format", "json")
    assert code == 0 and json.loads(out)["diagnostics"] == []
    flows = specs / "flows.yaml"
    flows.write_text("# a new comment shifts every line\n\n" + flows.read_text())
    code, out, _ = run_cli("validate", str(specs), "--baseline", str(baseline), "--format", "json")
    assert code == 0 and json.loads(out)["diagnostics"] == []
    flows.write_text(flows.read_text() + "  criticalty: tier-1\n")
    code, out, _ = run_cli("validate", str(specs), "--baseline", str(baseline), "--format", "json")
    new = json.loads(out)["diagnostics"]
    assert code == 1 and [d["code"] for d in new] == ["SCH002"]


def test_subprocess_of_the_installed_module() -> None:
    env = {**os.environ, "NO_COLOR": "1", "MFGINT_TODAY": TODAY}
    proc = subprocess.run(
        [sys.executable, "-m", "mfgint", "validate", str(EXAMPLES)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "\x1b[" not in proc.stdout, "no colour when piped"
    proc = subprocess.run(
        [sys.executable, "-m", "mfgint", "validate", str(BROKEN), "--format", "github"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert "::error file=" in proc.stdout and "Traceback" not in proc.stderr


def test_version_and_help() -> None:
    code, out, _ = run_cli("--version")
    assert code == 0 and out.startswith("mfgint ")
    code, out, _ = run_cli("validate", "--help")
    assert code == 0 and "Exit codes" in out


CHECK = REPO.parent / "shared" / "validators" / "check-artifacts"


@pytest.mark.validators
@pytest.mark.skipif(not CHECK.exists(), reason="../shared/validators/check-artifacts not present")
def test_sarif_and_junit_pass_third_party_validators(tmp_path: Path) -> None:
    for name, specs in (("broken", BROKEN), ("examples", EXAMPLES)):
        for fmt, ext in (("sarif", "sarif"), ("junit", "xml")):
            code, _, _ = run_cli(
                "validate", str(specs), "--format", fmt, "--output", str(tmp_path / f"{name}.{ext}")
            )
            assert code in (0, 1)
    proc = subprocess.run(
        [str(CHECK), "-j", "1", "--require-any", str(tmp_path)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 passed, 0 failed" in proc.stdout
