"""The JSON reporter: documented shape, fixed key order, summary counts and the failed flag."""

from __future__ import annotations

import json
from typing import Any

from reporter_samples import MES, ODD, make_report

from mfgint.diagnostics import Diagnostic, Severity, Span
from mfgint.reporters.base import Report
from mfgint.reporters.json_report import JsonReporter

DIAG_KEYS = [
    "code", "severity", "message", "file", "line", "column", "endLine", "endColumn", "hint",
    "resource", "related", "waived", "suppression", "fingerprint", "rule",
]


def load(report: Report) -> Any:
    """Render and parse."""
    out = JsonReporter().render(report)
    assert out.endswith("}\n")
    return json.loads(out)


def test_top_level_shape_and_order() -> None:
    """version, tool, summary, diagnostics, in that order; every finding in the fixed key order."""
    data = load(make_report())
    assert list(data) == ["version", "tool", "summary", "diagnostics"]
    assert data["version"] == 1
    assert data["tool"] == {"name": "mfgint", "version": "0.1.0"}
    assert list(data["summary"]) == [
        "files", "errors", "warnings", "infos", "waived", "baselined", "failed",
    ]
    for d in data["diagnostics"]:
        assert list(d) == DIAG_KEYS


def test_diagnostic_contents() -> None:
    """Location, hint, resource, related, suppression, fingerprint and rule of each finding."""
    report = make_report()
    data = load(report)
    by_code = {d["code"]: d for d in data["diagnostics"]}
    lat = by_code["LAT004"]
    assert (lat["file"], lat["line"], lat["column"], lat["endLine"], lat["endColumn"]) == (
        MES, 7, 3, 7, 10)
    assert lat["resource"] == {"kind": "Flow", "name": "mes-orders", "plant": None,
                               "blueprint": None}
    assert lat["rule"] == {"name": "realtime-needs-retry", "family": "latency"}
    assert by_code["REF002"]["related"] == [
        {"file": MES, "line": 4, "column": 9, "message": "first declared here"}]
    waived = by_code["YML003"]
    assert waived["waived"] is True
    assert waived["suppression"] == {
        "waiver": "legacy-codes", "reason": "Norway plant code, fixed in Q3",
        "approver": "jane.doe", "expires": "2027-05-31",
        "file": "specs/waivers.yaml", "line": 3, "column": 3,
    }
    sch = by_code["SCH002"]
    assert sch["file"] == ODD
    assert sch["resource"] is None
    assert sch["message"] == "Unknown key <x & y> \"q\" 'r' 100%: a,b – ünï"
    fingerprints = {d.code: d.fingerprint() for d in report.diagnostics}
    assert all(d["fingerprint"] == fingerprints[d["code"]] for d in data["diagnostics"])


def test_summary_counts() -> None:
    """Waived findings count apart from their severity; baselined is passed through."""
    summary = load(make_report(baselined=4))["summary"]
    assert summary == {"files": 3, "errors": 2, "warnings": 0, "infos": 1, "waived": 1,
                       "baselined": 4, "failed": True}


def test_failed_flag_follows_fail_on() -> None:
    """failed = a non-waived finding at or above fail_on; fail_on None never fails."""
    diags = make_report().diagnostics
    not_errors = [d for d in diags if d.severity < Severity.ERROR]
    assert load(make_report(fail_on=None))["summary"]["failed"] is False
    assert load(make_report(not_errors))["summary"]["failed"] is False
    assert load(make_report(not_errors, fail_on=Severity.INFO))["summary"]["failed"] is True
    # The warning is waived, so fail_on=warning still passes when only it and the info remain.
    assert load(make_report(not_errors, fail_on=Severity.WARNING))["summary"]["failed"] is False
    assert load(make_report([]))["summary"]["failed"] is False


def test_unknown_rule_and_unknown_end() -> None:
    """A code outside the registry has rule null; an unknown end position is null."""
    diag = Diagnostic("ZZZ999", Severity.WARNING, "m", Span("a.yaml", 3, 2))
    (d,) = load(make_report([diag]))["diagnostics"]
    assert d["rule"] is None
    assert (d["endLine"], d["endColumn"]) == (None, None)


def test_output_is_sorted_ascii_and_stable() -> None:
    """Findings in file/line order whatever the input order; bytes identical across runs."""
    diags = make_report().diagnostics
    forward = JsonReporter().render(make_report(diags))
    backward = JsonReporter().render(make_report(tuple(reversed(diags))))
    assert forward == backward
    assert forward.isascii()
    lines = [(d["file"], d["line"]) for d in json.loads(forward)["diagnostics"]]
    assert lines == sorted(lines)
