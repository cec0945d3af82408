"""Human-readable report: one rustc-style block per finding with a code frame, then a summary."""

from __future__ import annotations

import io
import unicodedata
from typing import TYPE_CHECKING, ClassVar

from mfgint.compiler.source import SourceFile
from mfgint.diagnostics import Diagnostic, Severity, Span
from mfgint.reporters.base import Report, Reporter

if TYPE_CHECKING:
    from rich.text import Text

SEVERITY_STYLE: dict[Severity, str] = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "bold yellow",
    Severity.INFO: "bold blue",
}
GUTTER_STYLE = "bold blue"
WAIVED_STYLE = "dim"
TAB_SIZE = 8
CONSOLE_WIDTH = 200


class Line:
    """One output line: text with a base style plus appended, optionally styled, runs.

    The same shape as a rich ``Text``, without importing rich: plain output (files, pipes, CI)
    needs only the text, and rich is imported to colour it on a terminal.
    """

    __slots__ = ("parts", "style")

    def __init__(self, text: str = "", style: str = "") -> None:
        self.style = style
        self.parts: list[tuple[str, str]] = [(text, "")]

    def append(self, text: str, style: str = "") -> None:
        """Add a run of text; its style is laid over the line's."""
        self.parts.append((text, style))

    @property
    def plain(self) -> str:
        """The text without styles."""
        return "".join(text for text, _ in self.parts)

    def to_rich(self) -> Text:
        """The line as a rich Text."""
        from rich.text import Text

        first, *rest = self.parts
        out = Text(first[0], style=self.style)
        for text, style in rest:
            out.append(text, style=style)
        return out


def plural(n: int, word: str, suffix: str = "s") -> str:
    """``1 error`` / ``3 errors``."""
    return f"{n} {word}{'' if n == 1 else suffix}"


def summary_line(report: Report) -> str:
    """The one-line verdict shared by the text and GitHub reporters."""
    c = report.counts()
    files = plural(report.file_count, "file")
    waived = f" ({c['waived']} waived)" if c["waived"] else ""
    if c["error"] + c["warning"] + c["info"] == 0:
        return f"All checks passed: {files}, 0 findings{waived}."
    return (
        f"Found {plural(c['error'], 'error')}, {plural(c['warning'], 'warning')}, "
        f"{plural(c['info'], 'info')}{waived} in {files}."
    )


def baseline_line(report: Report) -> str | None:
    """The note on findings the baseline hid, if any."""
    if not report.baselined:
        return None
    return f"({plural(report.baselined, 'finding')} hidden by the baseline)"


def printable(text: str) -> str:
    """Control characters as visible Unicode pictures, so spec text cannot drive a terminal."""
    # One cell per control character keeps the caret under the right column.
    out: list[str] = []
    for ch in text:
        if ch == "\t" or unicodedata.category(ch) != "Cc":
            out.append(ch)
        elif ord(ch) < 0x20:
            out.append(chr(0x2400 + ord(ch)))
        elif ord(ch) == 0x7F:
            out.append("\u2421")
        else:
            out.append("\ufffd")
    return "".join(out)


def display_width(text: str) -> int:
    """Terminal cells taken by ``text`` once tabs are expanded (wide characters count double)."""
    from rich.cells import cell_len  # small, unlike the rest of rich

    return cell_len(text.expandtabs(TAB_SIZE))


def caret_columns(line: str, span: Span) -> tuple[int, int]:
    """Start cell and width of the caret run under ``line`` for ``span``."""
    start = max(span.col, 1) - 1
    start = min(start, len(line))
    pad = display_width(line[:start])
    if span.end_line == span.line and span.end_col > span.col:
        end = min(span.end_col - 1, len(line))
        width = display_width(line[:end]) - pad
        return pad, max(width, 1)
    return pad, 1


def code_frame(src: SourceFile | None, span: Span) -> list[Line]:
    """The offending line with one line of context before and a caret run under the span."""
    if src is None or span.line < 1 or span.line > len(src.lines):
        return []
    first = max(span.line - 1, 1)
    width = len(str(span.line))
    gutter = " " * width + " |"
    rows = [Line(gutter, style=GUTTER_STYLE)]
    for n in range(first, span.line + 1):
        raw = printable(src.lines[n - 1])
        row = Line(f"{n:>{width}} |", style=GUTTER_STYLE)
        shown = raw.expandtabs(TAB_SIZE).rstrip()
        if shown:
            row.append(" " + shown)
        rows.append(row)
    pad, carets = caret_columns(printable(src.lines[span.line - 1]), span)
    under = Line(gutter, style=GUTTER_STYLE)
    under.append(" " + " " * pad)
    under.append("^" * carets, style="bold red")
    rows.append(under)
    return rows


def note(width: int, label: str, body: str, style: str = "") -> Line:
    """A ``= label body`` line indented under the gutter; continuation lines stay aligned."""
    head = " " * width + f" = {label}"
    text = Line(head, style="bold")
    lines = printable_lines(body)
    indent = " " * (len(head) + 1)
    text.append(" " + ("\n" + indent).join(lines), style=style)
    return text


def printable_lines(text: str) -> list[str]:
    """Split on newlines, keeping each line free of control characters."""
    return [printable(line) for line in text.splitlines()] or [""]


def waiver_text(d: Diagnostic) -> str:
    """``Waiver 'x' (approver, until date): reason`` for a waived finding."""
    s = d.suppression
    if s is None:
        return ""
    return f"Waiver '{s.waiver}' ({s.approver}, until {s.expires}): {s.reason}"


def render_diagnostic(d: Diagnostic, report: Report) -> list[Line]:
    """Header, code frame and notes of one finding."""
    sev = d.severity.label
    head = Line(printable(str(d.span)) + ": ", style="bold")
    head.append(sev, style=WAIVED_STYLE if d.waived else SEVERITY_STYLE[d.severity])
    head.append("[")
    head.append(d.code, style="bold")
    head.append("] ")
    first, *more = printable_lines(d.message)
    head.append(first)
    rows = [head, *(Line("    " + line) for line in more)]
    rows.extend(code_frame(report.sources.get(d.span.file), d.span))
    width = len(str(d.span.line))
    if d.hint:
        rows.append(note(width, "hint:", d.hint, "cyan"))
    for rel in d.related:
        rows.append(note(width, "note:", f"{rel.message}  --> {rel.span}"))
    if d.suppression is not None:
        rows.append(note(width, "waived by", waiver_text(d), WAIVED_STYLE))
    return rows


class TextReporter(Reporter):
    """Findings for people: location, severity, code frame, hints, then a summary line."""

    name: ClassVar[str] = "text"
    description: ClassVar[str] = "human-readable findings with code frames (default)"
    extension: ClassVar[str] = ".txt"

    def lines(self, report: Report) -> list[Line]:
        """Every output line as styled text."""
        rows: list[Line] = []
        for d in sorted(report.diagnostics, key=lambda d: d.sort_key):
            rows.extend(render_diagnostic(d, report))
            rows.append(Line(""))
        c = report.counts()
        failed = c["error"] + c["warning"] + c["info"] > 0
        rows.append(Line(summary_line(report), style="bold red" if failed else "bold green"))
        extra = baseline_line(report)
        if extra:
            rows.append(Line(extra, style=WAIVED_STYLE))
        return rows

    def render(self, report: Report) -> str:
        """Plain text when ``report.color`` is False, ANSI-styled otherwise."""
        rows = self.lines(report)
        if not report.color:
            return "".join(row.plain + "\n" for row in rows)
        from rich.console import Console

        buf = io.StringIO()
        console = Console(
            file=buf,
            force_terminal=True,
            color_system="standard",
            width=CONSOLE_WIDTH,
            soft_wrap=True,
            highlight=False,
            emoji=False,
            markup=False,
        )
        for row in rows:
            console.print(row.to_rich())
        return buf.getvalue()
