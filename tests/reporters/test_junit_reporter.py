"""The JUnit reporter: suites per file, cases per resource, failures by threshold, validators."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from reporter_samples import CHECK_ARTIFACTS, MES, ODD, make_report

from mfgint.diagnostics import Diagnostic, ResourceRef, Severity, Span
from mfgint.reporters.base import Report
from mfgint.reporters.junit import JunitReporter


def parse(report: Report) -> ET.Element:
    """Render and parse."""
    out = JunitReporter().render(report)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    assert out.endswith("</testsuites>\n")
    return ET.fromstring(out.encode("utf-8"))


def suite(root: ET.Element, name: str) -> ET.Element:
    """The testsuite for one file."""
    (found,) = [s for s in root.iter("testsuite") if s.get("name") == name]
    return found


def test_root_and_suite_counts() -> None:
    """testsuites totals; one suite per file, sorted, with tests/failures/errors/skipped/time."""
    root = parse(make_report())
    assert root.tag == "testsuites"
    assert dict(root.attrib) == {"name": "mfgint", "tests": "4", "failures": "1", "errors": "0",
                                 "time": "0"}
    assert [s.get("name") for s in root] == ["specs/empty.yaml", MES, ODD]
    mes = suite(root, MES)
    assert (mes.get("tests"), mes.get("failures"), mes.get("errors"), mes.get("skipped"),
            mes.get("time")) == ("1", "1", "0", "0", "0")


def test_failures_belong_to_their_resource() -> None:
    """Each failing finding is a <failure> on its resource's testcase."""
    (case,) = suite(parse(make_report()), MES)
    assert case.get("classname") == MES
    assert case.get("name") == "Flow/mes-orders"
    assert case.get("time") == "0"
    failures = case.findall("failure")
    assert [f.get("type") for f in failures] == ["LAT004", "REF002"]
    assert failures[0].get("message") == (
        "LAT004: Flow 'mes-orders': realtime flow has no retry policy")
    assert failures[0].text is not None
    assert f"{MES}:7:3" in failures[0].text
    assert "hint: add spec.retry" in failures[0].text
    assert failures[1].text is not None
    assert f"first declared here --> {MES}:4:9" in failures[1].text


def test_waived_and_below_threshold_go_to_system_out() -> None:
    """Waived findings and those below fail_on are output, not failures; escaping round-trips."""
    plants = suite(parse(make_report()), ODD)
    assert plants.get("failures") == "0"
    plant, file_case = plants.findall("testcase")
    assert plant.get("name") == "Plant/zürich [plant ZH]"
    assert plant.find("failure") is None
    out = plant.findtext("system-out") or ""
    assert "waived by Waiver 'legacy-codes'" in out
    # The resource-less finding gets a file-level testcase named after the file.
    assert file_case.get("name") == ODD
    assert "Unknown key <x & y> \"q\" 'r' 100%: a,b – ünï" in (
        file_case.findtext("system-out") or "")


def test_threshold_follows_fail_on() -> None:
    """fail_on=info makes the info a failure; fail_on None means errors only; waived never fail."""
    info_fails = suite(parse(make_report(fail_on=Severity.INFO)), ODD)
    assert info_fails.get("failures") == "1"
    assert [f.get("type") for f in info_fails.iter("failure")] == ["SCH002"]
    none = parse(make_report(fail_on=None))
    assert [f.get("type") for f in none.iter("failure")] == ["LAT004", "REF002"]


def test_resource_less_finding_uses_existing_file_case() -> None:
    """A finding without resource joins the file's resource-less testcase when there is one."""
    diag = Diagnostic("YML001", Severity.ERROR, "bad", Span("specs/empty.yaml", 2, 1, 2, 3))
    empty = suite(parse(make_report([diag])), "specs/empty.yaml")
    (case,) = empty.findall("testcase")
    assert case.get("name") == "specs/empty.yaml"
    assert [f.get("type") for f in case.iter("failure")] == ["YML001"]


def test_unchecked_resource_and_file_get_cases() -> None:
    """Findings on resources or files the run did not list still get a testcase."""
    diag = Diagnostic("REF001", Severity.ERROR, "x", Span("new.yaml", 1, 1, 1, 2),
                      resource=ResourceRef("System", "erp"))
    new = suite(parse(make_report([diag])), "new.yaml")
    (case,) = new.findall("testcase")
    assert case.get("name") == "System/erp"
    assert new.get("failures") == "1"


def test_forbidden_xml_characters_are_replaced() -> None:
    """Control characters that XML 1.0 cannot carry do not break the document."""
    diag = Diagnostic("SCH001", Severity.ERROR, "bad\x00\x1b char", Span("a.yaml", 1, 1, 1, 2))
    (failure,) = parse(make_report([diag])).iter("failure")
    assert failure.get("message") == "SCH001: bad\ufffd\ufffd char"


def test_output_is_stable() -> None:
    """Identical bytes across runs and input orders."""
    diags = make_report().diagnostics
    assert JunitReporter().render(make_report(diags)) == JunitReporter().render(
        make_report(tuple(reversed(diags))))


@pytest.mark.validators
def test_check_artifacts_accepts_junit(tmp_path: Path) -> None:
    """The Jenkins xUnit junit-10.xsd accepts the sample and empty reports."""
    if not CHECK_ARTIFACTS.exists():
        pytest.skip(f"third-party validators not found at {CHECK_ARTIFACTS}")
    for stem, report in (("sample", make_report()), ("empty", make_report([])),
                         ("info", make_report(fail_on=Severity.INFO))):
        (tmp_path / f"{stem}.xml").write_text(JunitReporter().render(report), encoding="utf-8")
    # -j 1: check-artifacts builds lxml XMLSchema objects in threads, which libxml2 does not
    # support; parallel JUnit checks fail at random with XMLSchemaParseError.
    proc = subprocess.run([str(CHECK_ARTIFACTS), "-j", "1", "--require-any", str(tmp_path)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if " junit " in line]
    assert len(lines) == 3, proc.stdout
    assert all(line.startswith("OK junit") for line in lines), proc.stdout
