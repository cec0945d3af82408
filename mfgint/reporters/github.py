"""GitHub Actions workflow commands: findings become annotations on the pull request."""

from __future__ import annotations

from typing import ClassVar

from mfgint.diagnostics import Diagnostic, Severity
from mfgint.reporters.base import Report, Reporter
from mfgint.reporters.text import baseline_line, summary_line

COMMANDS: dict[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    """Escape a command's message as the Actions runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value: message rules plus ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, props: dict[str, str | int], message: str) -> str:
    """``::name k=v,k=v::message`` with every part escaped."""
    args = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
    return f"::{name}{' ' + args if args else ''}::{escape_data(message)}"


def annotation(d: Diagnostic, report: Report) -> str:
    """One workflow command for one finding; waived ones become notices."""
    rule = report.registry.get(d.code)
    props: dict[str, str | int] = {
        "file": d.span.file,
        "line": max(d.span.line, 1),
        "col": max(d.span.col, 1),
    }
    if d.span.end_line >= d.span.line and d.span.end_line > 0:
        props["endLine"] = d.span.end_line
        # GitHub reads endColumn only for annotations on a single line.
        if d.span.end_line == d.span.line and d.span.end_col > d.span.col:
            props["endColumn"] = d.span.end_col
    props["title"] = f"{d.code} {rule.name}" if rule else d.code
    message = d.message
    if d.hint:
        message += f"\nhint: {d.hint}"
    s = d.suppression
    if s is not None:
        message += (f"\n(waived: {s.reason}; Waiver '{s.waiver}' approved by {s.approver}, "
                    f"expires {s.expires})")
        return command("notice", props, message)
    return command(COMMANDS[d.severity], props, message)


class GithubReporter(Reporter):
    """Findings as GitHub Actions annotations, then a summary notice."""

    name: ClassVar[str] = "github"
    description: ClassVar[str] = "GitHub Actions workflow commands (annotations)"
    extension: ClassVar[str] = ".txt"

    def render(self, report: Report) -> str:
        """One workflow command per line."""
        lines = [
            annotation(d, report) for d in sorted(report.diagnostics, key=lambda d: d.sort_key)
        ]
        summary = summary_line(report)
        extra = baseline_line(report)
        if extra:
            summary += " " + extra
        lines.append(command("notice", {"title": "mfgint"}, summary))
        return "\n".join(lines) + "\n"
