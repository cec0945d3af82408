"""`mfgint rules` and `mfgint explain`: the catalogue users read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mfgint.cli import app
from mfgint.validators.registry import default_registry

REPO = Path(__file__).resolve().parents[2]
GOVERNANCE = {"OWN", "LAT", "VER", "SEC", "EVT", "RES", "LIF", "ODO", "GRF"}


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_rules_json_shape_and_size() -> None:
    code, out, _ = invoke("rules", "--format", "json")
    rules = json.loads(out)
    assert code == 0
    for rule in rules:
        assert {"code", "name", "family", "severity", "summary"} <= set(rule)
    governance = [r for r in rules if r["code"][:3] in GOVERNANCE]
    assert len(governance) >= 30
    assert len({r["family"] for r in governance}) >= 7
    assert [r["code"] for r in rules] == sorted(r["code"] for r in rules)


@pytest.mark.parametrize("code", [r.code for r in default_registry()])
def test_every_rule_explains_itself(code: str) -> None:
    status, out, _ = invoke("explain", code.lower())
    assert status == 0
    assert out.startswith(code)
    rule = default_registry().get(code)
    assert rule is not None and rule.explanation.splitlines()[0] in out
    if rule.check is not None:
        assert "Fails (" in out and "Passes (" in out and f"reports: {code}" in out


def test_unknown_code_suggests() -> None:
    status, _, err = invoke("explain", "LAT04")
    assert status == 2 and "did you mean" in err


def test_rules_doc_is_current() -> None:
    _, out, _ = invoke("rules", "--format", "markdown")
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == out, (
        "regenerate: mfgint rules --format markdown > docs/rules.md"
    )
