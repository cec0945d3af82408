"""JUnit XML: one testsuite per spec file, one testcase per checked resource."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import ClassVar

from mfgint.diagnostics import Diagnostic, ResourceRef, Severity
from mfgint.reporters.base import Report, Reporter

# Characters XML 1.0 cannot carry at all, even escaped; lone surrogates cannot be encoded.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with characters that XML 1.0 forbids replaced by U+FFFD."""
    return _INVALID_XML.sub("\ufffd", text)


def case_name(ref: ResourceRef | None, file: str) -> str:
    """``Kind/name`` (with the plant for blueprint expansions), or the file for file-level cases."""
    if ref is None:
        return file
    return f"{ref.kind}/{ref.name}" + (f" [plant {ref.plant}]" if ref.plant else "")


def describe(d: Diagnostic) -> str:
    """The details of one finding: location, message, hint, related places, waiver."""
    lines = [f"{d.span}: {d.severity.label}[{d.code}] {d.message}"]
    if d.hint:
        lines.append(f"hint: {d.hint}")
    lines.extend(f"note: {r.message} --> {r.span}" for r in d.related)
    if d.suppression is not None:
        s = d.suppression
        lines.append(f"waived by Waiver '{s.waiver}' ({s.approver}, until {s.expires}): {s.reason}")
    return "\n".join(lines)


@dataclass
class Case:
    """A testcase being assembled: its findings split into failures and other output."""

    ref: ResourceRef | None
    file: str
    failures: list[Diagnostic] = field(default_factory=list)
    output: list[Diagnostic] = field(default_factory=list)


def assemble(report: Report) -> dict[str, list[Case]]:
    """Testcases per file, every finding attached to its resource's case."""
    threshold = report.fail_on or Severity.ERROR
    suites: dict[str, list[Case]] = {}
    by_key: dict[tuple[str, ResourceRef | None], Case] = {}

    def case_for(file: str, ref: ResourceRef | None) -> Case:
        """The case for ``ref`` in ``file``, created at the end of its suite when new."""
        case = by_key.get((file, ref))
        if case is None:
            case = Case(ref, file)
            by_key[(file, ref)] = case
            suites.setdefault(file, []).append(case)
        return case

    for checked in report.checked:
        case_for(checked.file, checked.ref)
    for d in sorted(report.diagnostics, key=lambda d: d.sort_key):
        case = case_for(d.span.file, d.resource)
        if not d.waived and d.severity >= threshold:
            case.failures.append(d)
        else:
            case.output.append(d)
    return dict(sorted(suites.items()))


def testcase(case: Case) -> ET.Element:
    """One <testcase> with a <failure> per failing finding and the rest in <system-out>."""
    el = ET.Element("testcase")
    el.set("classname", xml_text(case.file))
    el.set("name", xml_text(case_name(case.ref, case.file)))
    el.set("time", "0")
    for d in case.failures:
        fail = ET.SubElement(el, "failure")
        fail.set("message", xml_text(f"{d.code}: {d.message}"))
        fail.set("type", xml_text(d.code))
        fail.text = xml_text(describe(d))
    if case.output:
        out = ET.SubElement(el, "system-out")
        out.text = xml_text("\n".join(describe(d) for d in case.output))
    return el


def testsuite(file: str, cases: list[Case]) -> ET.Element:
    """One <testsuite> for a spec file."""
    el = ET.Element("testsuite")
    el.set("name", xml_text(file))
    el.set("tests", str(len(cases)))
    el.set("failures", str(sum(1 for c in cases if c.failures)))
    el.set("errors", "0")
    el.set("skipped", "0")
    el.set("time", "0")
    el.set("file", xml_text(file))
    el.extend(testcase(c) for c in cases)
    return el


def junit_tree(report: Report) -> ET.Element:
    """The <testsuites> root (the Jenkins schema allows no ``skipped`` attribute on it)."""
    suites = [testsuite(file, cases) for file, cases in assemble(report).items()]
    root = ET.Element("testsuites")
    root.set("name", "mfgint")
    root.set("tests", str(sum(int(s.get("tests", "0")) for s in suites)))
    root.set("failures", str(sum(int(s.get("failures", "0")) for s in suites)))
    root.set("errors", "0")
    root.set("time", "0")
    root.extend(suites)
    return root


class JunitReporter(Reporter):
    """Findings as JUnit XML for CI test-report views (GitLab, Jenkins, Azure DevOps)."""

    needs_checked = True
    name: ClassVar[str] = "junit"
    description: ClassVar[str] = "JUnit XML: a testsuite per file, a testcase per resource"
    extension: ClassVar[str] = ".xml"

    def render(self, report: Report) -> str:
        """Indented XML with a declaration and a trailing newline."""
        root = junit_tree(report)
        ET.indent(root, space="  ")
        body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
