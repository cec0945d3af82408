"""Machine-readable report in a documented, stable JSON shape (see docs/json-output.md)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from mfgint.diagnostics import Diagnostic, ResourceRef, Span, Suppression
from mfgint.reporters.base import Report, Reporter
from mfgint.validators.registry import Registry

JSON_FORMAT_VERSION = 1


def is_failing(d: Diagnostic, report: Report) -> bool:
    """True when ``d`` makes the run fail under ``report.fail_on``."""
    return report.fail_on is not None and not d.waived and d.severity >= report.fail_on


def report_failed(report: Report) -> bool:
    """True when any finding makes the run fail."""
    return any(is_failing(d, report) for d in report.diagnostics)


def _end(value: int) -> int | None:
    """An end line/column, or None when the span does not know it (0)."""
    return value if value > 0 else None


def resource_json(ref: ResourceRef | None) -> dict[str, Any] | None:
    """The resource a finding is about."""
    if ref is None:
        return None
    return {"kind": ref.kind, "name": ref.name, "plant": ref.plant, "blueprint": ref.blueprint}


def location_json(span: Span) -> dict[str, Any]:
    """File, line and column of a span."""
    return {"file": span.file, "line": span.line, "column": span.col}


def suppression_json(s: Suppression | None) -> dict[str, Any] | None:
    """The Waiver that covers a finding."""
    if s is None:
        return None
    return {
        "waiver": s.waiver,
        "reason": s.reason,
        "approver": s.approver,
        "expires": s.expires,
        **location_json(s.span),
    }


def diagnostic_json(d: Diagnostic, registry: Registry) -> dict[str, Any]:
    """One finding in the documented key order."""
    rule = registry.get(d.code)
    return {
        "code": d.code,
        "severity": d.severity.label,
        "message": d.message,
        **location_json(d.span),
        "endLine": _end(d.span.end_line),
        "endColumn": _end(d.span.end_col),
        "hint": d.hint,
        "resource": resource_json(d.resource),
        "related": [{**location_json(r.span), "message": r.message} for r in d.related],
        "waived": d.waived,
        "suppression": suppression_json(d.suppression),
        "fingerprint": d.fingerprint(),
        "rule": {"name": rule.name, "family": rule.family} if rule else None,
    }


def report_json(report: Report) -> dict[str, Any]:
    """The whole report as plain data."""
    counts = report.counts()
    return {
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": "mfgint", "version": report.tool_version},
        "summary": {
            "files": report.file_count,
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
            "waived": counts["waived"],
            "baselined": report.baselined,
            "failed": report_failed(report),
        },
        "diagnostics": [
            diagnostic_json(d, report.registry)
            for d in sorted(report.diagnostics, key=lambda d: d.sort_key)
        ],
    }


class JsonReporter(Reporter):
    """Findings as one JSON document with a versioned, fixed key order."""

    name: ClassVar[str] = "json"
    description: ClassVar[str] = "JSON document with summary and findings (docs/json-output.md)"
    extension: ClassVar[str] = ".json"

    def render(self, report: Report) -> str:
        """Indented JSON with a trailing newline."""
        # ASCII escapes keep the bytes identical whatever the output encoding (cp1252 consoles,
        # file names that are not valid UTF-8).
        return json.dumps(report_json(report), indent=2, ensure_ascii=True) + "\n"
