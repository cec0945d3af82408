"""The SARIF reporter: rule table, indices, fingerprints, suppressions, regions, validators."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from reporter_samples import CHECK_ARTIFACTS, MES, ODD, make_report

from mfgint.diagnostics import Diagnostic, Severity, Span
from mfgint.reporters.base import Report
from mfgint.reporters.sarif import FINGERPRINT_KEY, SarifReporter, region


def load(report: Report) -> Any:
    """Render and parse."""
    return json.loads(SarifReporter().render(report))


def edge_report() -> Report:
    """Findings with missing or inverted end positions, an unknown code and an absolute path."""
    return make_report([
        Diagnostic("ZZZ999", Severity.WARNING, "unknown code", Span("a.yaml", 0, 0)),
        Diagnostic("SCH001", Severity.ERROR, "inverted", Span("a.yaml", 3, 7, 3, 2)),
        Diagnostic("SCH001", Severity.INFO, "multi-line", Span("b c.yaml", 3, 7, 5, 0)),
        Diagnostic("SCH002", Severity.ERROR, "absolute", Span("/abs/x y.yaml", 2, 1, 2, 4)),
    ])


def walk_regions(node: Any) -> list[dict[str, int]]:
    """Every region object anywhere in the log."""
    found: list[dict[str, int]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "region":
                found.append(value)
            else:
                found.extend(walk_regions(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(walk_regions(item))
    return found


def test_log_header() -> None:
    """Schema, version, one run with the mfgint driver and code-point columns."""
    log = load(make_report())
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mfgint"
    assert driver["version"] == driver["semanticVersion"] == "0.1.0"
    assert driver["informationUri"] == "https://github.com/mfgint/mfgint"
    assert run["columnKind"] == "unicodeCodePoints"


def test_every_registry_rule_sorted_with_docs() -> None:
    """All registry rules, sorted by id, each documented; codes absent from it are appended."""
    report = make_report()
    rules = load(report)["runs"][0]["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids)
    assert ids == [r.code for r in report.registry]
    lat = rules[ids.index("LAT004")]
    assert lat["name"] == "realtime-needs-retry"
    assert lat["shortDescription"]["text"] == "A realtime flow has no retry policy."
    assert lat["fullDescription"]["text"].startswith("Realtime flows must declare")
    assert "spec.deadLetter" in lat["help"]["text"]
    assert "spec.deadLetter" in lat["help"]["markdown"]
    assert lat["defaultConfiguration"] == {"level": "error"}
    assert lat["properties"] == {"tags": ["latency"]}
    edge_ids = [r["id"] for r in load(edge_report())["runs"][0]["tool"]["driver"]["rules"]]
    assert "ZZZ999" in edge_ids
    assert edge_ids == sorted(edge_ids)


@pytest.mark.parametrize("report", [make_report(), edge_report()], ids=["sample", "edge"])
def test_rule_index_points_at_rule(report: Report) -> None:
    """ruleIndex of every result is the index of its ruleId in driver.rules."""
    run = load(report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["results"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]


def test_results_levels_messages_fingerprints() -> None:
    """Levels map to error/warning/note; hints join the message; fingerprints match."""
    report = make_report()
    results = load(report)["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    assert {k: v["level"] for k, v in by_rule.items()} == {
        "LAT004": "error", "REF002": "error", "SCH002": "note", "YML003": "warning"}
    assert by_rule["LAT004"]["message"]["text"] == (
        "Flow 'mes-orders': realtime flow has no retry policy\n"
        "hint: add spec.retry (maxAttempts, backoff) and spec.deadLetter")
    expected = {d.code: d.fingerprint() for d in report.diagnostics}
    for res in results:
        assert res["partialFingerprints"] == {FINGERPRINT_KEY: expected[res["ruleId"]]}
    assert by_rule["LAT004"]["properties"] == {"resource": {"kind": "Flow", "name": "mes-orders"}}
    assert "properties" not in by_rule["SCH002"]


def test_locations_and_related() -> None:
    """Relative URIs under %SRCROOT%, percent-encoded; related locations carry ids and messages."""
    by_rule = {r["ruleId"]: r for r in load(make_report())["runs"][0]["results"]}
    loc = by_rule["SCH002"]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc["uriBaseId"] == "%SRCROOT%"
    assert " " not in loc["uri"] and ":" not in loc["uri"] and "," not in loc["uri"]
    assert unquote(loc["uri"]) == ODD
    (rel,) = by_rule["REF002"]["relatedLocations"]
    assert rel["id"] == 0
    assert rel["message"] == {"text": "first declared here"}
    assert rel["physicalLocation"]["artifactLocation"]["uri"] == MES
    assert rel["physicalLocation"]["region"]["startLine"] == 4


def test_waived_result_is_suppressed() -> None:
    """A waived finding carries an accepted external suppression with the justification."""
    results = load(make_report())["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["YML003"]
    (sup,) = suppressed[0]["suppressions"]
    assert sup["kind"] == "external"
    assert sup["status"] == "accepted"
    assert sup["justification"] == (
        "Norway plant code, fixed in Q3 (approved by jane.doe, expires 2027-05-31, "
        "Waiver 'legacy-codes')")


@pytest.mark.parametrize("report", [make_report(), edge_report()], ids=["sample", "edge"])
def test_regions_are_valid(report: Report) -> None:
    """Every region is 1-based, complete, and non-empty on a single line."""
    for reg in walk_regions(load(report)):
        assert set(reg) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert all(v >= 1 for v in reg.values())
        assert reg["endLine"] >= reg["startLine"]
        if reg["endLine"] == reg["startLine"]:
            assert reg["endColumn"] > reg["startColumn"]


def test_region_clamping() -> None:
    """Zero and inverted positions are clamped to the smallest valid region."""
    assert region(Span("a", 0, 0)) == {
        "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 2}
    assert region(Span("a", 3, 7, 3, 2)) == {
        "startLine": 3, "startColumn": 7, "endLine": 3, "endColumn": 8}
    assert region(Span("a", 3, 7, 5, 0)) == {
        "startLine": 3, "startColumn": 7, "endLine": 5, "endColumn": 1}


def test_absolute_path_becomes_file_uri() -> None:
    """An absolute path is emitted as a file URI without a base id."""
    results = load(edge_report())["runs"][0]["results"]
    (absolute,) = [r for r in results if r["message"]["text"] == "absolute"]
    loc = absolute["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": "file:///abs/x%20y.yaml"}


def test_empty_report_and_stability() -> None:
    """No findings: an empty results array; output identical across runs and ASCII only."""
    out = SarifReporter().render(make_report([]))
    assert json.loads(out)["runs"][0]["results"] == []
    assert out == SarifReporter().render(make_report([]))
    assert SarifReporter().render(make_report()).isascii()


@pytest.mark.validators
def test_check_artifacts_accepts_sarif(tmp_path: Path) -> None:
    """The OASIS schema and the SARIF Multitool accept the sample, edge and empty logs."""
    if not CHECK_ARTIFACTS.exists():
        pytest.skip(f"third-party validators not found at {CHECK_ARTIFACTS}")
    for stem, report in (("sample", make_report()), ("edge", edge_report()),
                         ("empty", make_report([]))):
        (tmp_path / f"{stem}.sarif").write_text(SarifReporter().render(report), encoding="utf-8")
    proc = subprocess.run([str(CHECK_ARTIFACTS), "-j", "1", "--require-any", str(tmp_path)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if " sarif " in line]
    assert len(lines) == 3, proc.stdout
    assert all(line.startswith("OK sarif") for line in lines), proc.stdout
