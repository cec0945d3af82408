"""The alerts target: burn-rate, freshness and dead-letter rules per flow, one file per team."""

from __future__ import annotations

import posixpath
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from tgen_support import CHECK_ARTIFACTS, MY_TARGETS, files_of, model_of, run, write

from mfgint.targets.alerts import _shards
from mfgint.targets.base import GenerationError


def rules_of(landscape: str = "examples", **kwargs: Any) -> dict[str, dict[str, Any]]:
    """(flow, alert) -> rule, across every generated file; the file path under ``_file``."""
    out: dict[str, dict[str, Any]] = {}
    for path, text in files_of(run("alerts", landscape, **kwargs)).items():
        for group in yaml.safe_load(text)["groups"]:
            for rule in group["rules"]:
                out[f"{rule['labels']['flow']}/{rule['alert']}"] = {**rule, "_file": path}
    return out


def test_one_file_per_owner_team_with_one_group_per_flow() -> None:
    files = files_of(run("alerts"))
    model = model_of("examples")
    teams = {f.owner for f in model.flows.values()}
    assert sorted(files) == sorted(f"alerts/{t}.rules.yml" for t in teams)
    names = [g["name"] for text in files.values() for g in yaml.safe_load(text)["groups"]]
    assert len(names) == len(set(names)) == len(model.flows)


def test_burn_rate_thresholds_follow_the_success_rate() -> None:
    rules = rules_of("variants")
    fast = rules["items-to-carrier/MfgintFlowErrorBudgetBurnFast"]  # 99.9%: budget 0.001
    assert "[1h]" in fast["expr"] and "[5m]" in fast["expr"]
    assert fast["expr"].count("> 0.0144") == 2
    assert fast["labels"]["severity"] == "page"
    medium = rules["items-to-carrier/MfgintFlowErrorBudgetBurnMedium"]
    assert "[6h]" in medium["expr"] and "[30m]" in medium["expr"]
    assert medium["expr"].count("> 0.006") == 2
    slow = rules["legacy-orders-to-erp/MfgintFlowErrorBudgetBurnSlow"]  # 99%: budget 0.01
    assert "[3d]" in slow["expr"] and "[6h]" in slow["expr"]
    assert slow["expr"].count("> 0.01") == 2
    assert slow["labels"]["severity"] == "ticket"
    assert 'outcome="failure"' in slow["expr"]


def test_no_success_rate_means_no_burn_rate_alerts() -> None:
    alerts = {k.split("/")[1] for k in rules_of("variants") if k.startswith("3pl-cancel/")}
    assert alerts == {"MfgintFlowStale", "MfgintFlowDeadLetterBacklog", "MfgintFlowDeadLetters"}


def test_freshness_from_the_sla_else_the_latency_class() -> None:
    rules = rules_of("variants")
    assert rules["items-to-carrier/MfgintFlowStale"]["expr"].strip().endswith("> 60")
    assert rules["3pl-cancel/MfgintFlowStale"]["expr"].strip().endswith("> 3600")  # near-realtime
    assert rules["orders-to-3pl/MfgintFlowStale"]["expr"].strip().endswith("> 90000")  # batch 25h


def test_dead_letter_backlog_waits_fifteen_minutes() -> None:
    rule = rules_of("variants")["items-to-carrier/MfgintFlowDeadLetterBacklog"]
    assert rule["expr"].strip() == 'max(mfgint_flow_dead_letter_depth{flow="items-to-carrier"}) > 0'
    assert rule["for"] == "15m"
    assert rule["labels"]["severity"] == "page"  # tier-1


def test_labels_name_team_flow_and_plant() -> None:
    rules = rules_of("examples")
    lyon = rules["work-order-download-lyon/MfgintFlowStale"]["labels"]
    assert lyon == {"severity": "page", "team": "team-plant-ops",
                    "flow": "work-order-download-lyon", "plant": "lyon"}
    assert rules["bom-release-to-odoo/MfgintFlowStale"]["labels"]["plant"] == "all"
    for rule in rules.values():
        assert set(rule["labels"]) == {"severity", "team", "flow", "plant"}
        assert set(rule["annotations"]) == {"summary", "description", "runbook_url"}


def test_runbook_url_points_at_the_generated_runbook_section() -> None:
    runbooks = files_of(run("runbooks"))
    for key, rule in rules_of().items():
        alert = key.split("/")[1]
        link, _, anchor = rule["annotations"]["runbook_url"].partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rule["_file"]), link))
        assert target in runbooks, f"{key}: {target} is not generated"
        assert anchor == alert.lower()
        assert f"\n### {alert}\n" in runbooks[target]


def test_runbook_base_url_option_makes_absolute_links() -> None:
    rules = rules_of("variants", options={"runbook_base_url": "https://runbooks.example.test/"})
    url = rules["items-to-carrier/MfgintFlowStale"]["annotations"]["runbook_url"]
    assert url == "https://runbooks.example.test/flows/items-to-carrier.md#mfgintflowstale"


def test_a_blank_runbook_base_url_is_a_clear_error() -> None:
    with pytest.raises(GenerationError, match="runbook_base_url"):
        run("alerts", "variants", options={"runbook_base_url": " "})


@pytest.mark.validators
@pytest.mark.skipif(not CHECK_ARTIFACTS.exists(), reason=f"{CHECK_ARTIFACTS} is not available")
@pytest.mark.parametrize("landscape", ["examples", "variants"])
def test_check_artifacts_accepts_everything_generated(landscape: str, tmp_path: Path) -> None:
    """All three targets' output goes through check-artifacts; promtool checks the rules."""
    for target in MY_TARGETS:
        write(run(target, landscape), tmp_path)
    rule_files = sorted(p.name for p in (tmp_path / "alerts").glob("*.rules.yml"))
    proc = subprocess.run(
        [sys.executable, str(CHECK_ARTIFACTS), "--require-any", str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(rule_files)} passed, 0 failed" in proc.stdout, proc.stdout
    for name in rule_files:
        assert f"OK prometheus {tmp_path / 'alerts' / name} [promtool]" in proc.stdout


def test_parallel_shards_split_the_team_files_by_their_number_of_flows() -> None:
    flows: dict[str, list[Any]] = {"big": [None] * 10, "a": [None] * 3, "b": [None] * 3,
                                   "c": [None] * 2, "d": [None] * 2}
    shard_of = _shards(flows, 2)
    assert shard_of == _shards(dict(reversed(flows.items())), 2), "independent of the order"
    load = [sum(len(flows[t]) for t, s in shard_of.items() if s == shard) for shard in (0, 1)]
    assert sorted(load) == [10, 10]
    assert set(_shards(flows, 1).values()) == {0}
