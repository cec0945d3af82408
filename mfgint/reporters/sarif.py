"""SARIF 2.1.0 log for code-scanning tools (GitHub code scanning, GitLab, IDE viewers)."""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar
from urllib.parse import quote

from mfgint.diagnostics import Diagnostic, ResourceRef, Severity, Span, Suppression
from mfgint.reporters.base import Report, Reporter
from mfgint.validators.registry import Registry

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/mfgint/mfgint"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "mfgintFingerprint/v1"
SEMVER_RX = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")

LEVELS: dict[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}


def artifact_location(path: str) -> dict[str, Any]:
    """A percent-encoded URI for ``path``: relative to %SRCROOT%, or a file URI when absolute."""
    if path.startswith("/"):
        return {"uri": "file://" + quote(path, safe="/", errors="surrogateescape")}
    # Encoding ':' too keeps a name such as 'c:x.yaml' from reading as a URI scheme; file names
    # that are not valid UTF-8 come back as their original bytes.
    return {"uri": quote(path, safe="/", errors="surrogateescape"), "uriBaseId": SRCROOT}


def region(span: Span) -> dict[str, int]:
    """A region with every field at least 1 and a non-empty range on a single line."""
    start_line = max(span.line, 1)
    start_col = max(span.col, 1)
    end_line = max(span.end_line, start_line) if span.end_line > 0 else start_line
    if end_line == start_line:
        end_col = span.end_col if span.end_col > start_col else start_col + 1
    else:
        end_col = max(span.end_col, 1)
    return {
        "startLine": start_line,
        "startColumn": start_col,
        "endLine": end_line,
        "endColumn": end_col,
    }


def physical_location(span: Span) -> dict[str, Any]:
    """Where in which file."""
    return {"artifactLocation": artifact_location(span.file), "region": region(span)}


def rule_descriptor(code: str, registry: Registry) -> dict[str, Any]:
    """The reportingDescriptor of one rule (a minimal one for codes the registry lacks)."""
    rule = registry.get(code)
    if rule is None:
        return {
            "id": code,
            "shortDescription": {"text": f"Finding {code} (not in the rule registry)."},
            "defaultConfiguration": {"level": "warning"},
        }
    summary = rule.summary or rule.name
    explanation = rule.explanation or summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": explanation},
        "help": {
            "text": explanation,
            "markdown": f"**{rule.code} {rule.name}**: {summary}\n\n{explanation}",
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.family]},
    }


def resource_properties(ref: ResourceRef) -> dict[str, str]:
    """The resource a result is about, without unset fields."""
    out = {"kind": ref.kind, "name": ref.name}
    if ref.plant is not None:
        out["plant"] = ref.plant
    if ref.blueprint is not None:
        out["blueprint"] = ref.blueprint
    return out


def suppression(s: Suppression) -> dict[str, Any]:
    """An accepted external suppression pointing at the Waiver."""
    return {
        "kind": "external",
        "status": "accepted",
        "justification": f"{s.reason} (approved by {s.approver}, expires {s.expires}, "
        f"Waiver '{s.waiver}')",
        "location": {"physicalLocation": physical_location(s.span)},
    }


def result(d: Diagnostic, index: dict[str, int]) -> dict[str, Any]:
    """One SARIF result."""
    text = d.message if not d.hint else f"{d.message}\nhint: {d.hint}"
    out: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": index[d.code],
        "level": LEVELS[d.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": physical_location(d.span)}],
    }
    if d.related:
        out["relatedLocations"] = [
            {"id": i, "physicalLocation": physical_location(r.span), "message": {"text": r.message}}
            for i, r in enumerate(d.related)
        ]
    out["partialFingerprints"] = {FINGERPRINT_KEY: d.fingerprint()}
    if d.suppression is not None:
        out["suppressions"] = [suppression(d.suppression)]
    if d.resource is not None:
        out["properties"] = {"resource": resource_properties(d.resource)}
    return out


def driver(report: Report, rules: list[dict[str, Any]]) -> dict[str, Any]:
    """The tool component: mfgint with its rules."""
    out: dict[str, Any] = {"name": "mfgint", "version": report.tool_version}
    if SEMVER_RX.match(report.tool_version):
        out["semanticVersion"] = report.tool_version
    out["informationUri"] = INFORMATION_URI
    out["rules"] = rules
    return out


def sarif_log(report: Report) -> dict[str, Any]:
    """The whole SARIF log: every registry rule, then one result per finding."""
    codes = sorted({r.code for r in report.registry} | {d.code for d in report.diagnostics})
    rules = [rule_descriptor(code, report.registry) for code in codes]
    index = {code: i for i, code in enumerate(codes)}
    diags = sorted(report.diagnostics, key=lambda d: d.sort_key)
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver(report, rules)},
                "invocations": [{"executionSuccessful": True}],
                "originalUriBaseIds": {
                    SRCROOT: {"description": {"text": "The directory mfgint was run from."}}
                },
                "results": [result(d, index) for d in diags],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


class SarifReporter(Reporter):
    """Findings as a SARIF 2.1.0 log with every rule's documentation."""

    name: ClassVar[str] = "sarif"
    description: ClassVar[str] = "SARIF 2.1.0 for code scanning (GitHub, GitLab, IDEs)"
    extension: ClassVar[str] = ".sarif"

    def render(self, report: Report) -> str:
        """Indented JSON with a trailing newline."""
        return json.dumps(sarif_log(report), indent=2, ensure_ascii=True) + "\n"
