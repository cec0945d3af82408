"""The text reporter: exact plain output, code frames, carets and colour."""

from __future__ import annotations

import re

from reporter_samples import GOLDEN, MES, ODD, make_report

from mfgint.compiler.source import SourceFile
from mfgint.diagnostics import Diagnostic, Severity, Span
from mfgint.reporters.base import Report
from mfgint.reporters.text import TextReporter

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def render(report: Report) -> str:
    """Render with the text reporter."""
    return TextReporter().render(report)


def one(diag: Diagnostic, text: str, file: str = "a.yaml") -> str:
    """Render a single finding over a one-file report whose source is ``text``."""
    report = make_report([diag])
    report = Report(
        diagnostics=(diag,),
        registry=report.registry,
        sources={file: SourceFile(file, text)},
        checked=(),
        file_count=1,
    )
    return render(report)


def test_golden_plain_output(update_golden: bool) -> None:
    """The sample report renders exactly as the golden file (``--update-golden`` rewrites it)."""
    out = render(make_report(baselined=2))
    golden = GOLDEN / "text_basic.txt"
    if update_golden:
        golden.write_text(out, encoding="utf-8", newline="\n")
    assert out == golden.read_text(encoding="utf-8")


def test_plain_output_has_no_ansi_and_is_stable() -> None:
    """Colour off: no escape sequences, identical bytes on every run."""
    first = render(make_report())
    assert "\x1b" not in first
    assert first == render(make_report())


def test_colour_output_has_ansi_and_same_text() -> None:
    """Colour on: escape sequences present, and stripping them gives the plain output."""
    coloured = render(make_report(color=True))
    assert "\x1b[" in coloured
    assert ANSI.sub("", coloured) == render(make_report())


def test_header_frame_and_notes() -> None:
    """Header, one line of context, carets over the span, hint, related note and waiver."""
    out = render(make_report())
    assert f"{MES}:7:3: error[LAT004] Flow 'mes-orders': realtime flow has no retry policy" in out
    assert "6 |   latency: realtime\n7 |   pattern: api\n  |   ^^^^^^^\n" in out
    assert "  = hint: add spec.retry (maxAttempts, backoff) and spec.deadLetter\n" in out
    assert f"  = note: first declared here  --> {MES}:4:9\n" in out
    assert ("  = waived by Waiver 'legacy-codes' (jane.doe, until 2027-05-31): "
            "Norway plant code, fixed in Q3\n") in out
    assert f"{ODD}:1:1: info[SCH002]" in out


def test_summary_lines() -> None:
    """Counts with plurals, waived count, and the baseline note."""
    out = render(make_report(baselined=2))
    assert out.endswith("Found 2 errors, 0 warnings, 1 info (1 waived) in 3 files.\n"
                        "(2 findings hidden by the baseline)\n")
    waived_only = [d for d in make_report().diagnostics if d.waived]
    assert render(make_report(waived_only)) == (
        render(make_report(waived_only)).split("\n\n")[0] + "\n\n"
        "All checks passed: 3 files, 0 findings (1 waived).\n"
    )
    assert render(make_report([], baselined=1)) == (
        "All checks passed: 3 files, 0 findings.\n(1 finding hidden by the baseline)\n"
    )


def test_tab_expanded_and_caret_aligned() -> None:
    """A tab before the span is expanded so the caret still sits under the span."""
    diag = Diagnostic("SCH002", Severity.ERROR, "m", Span("a.yaml", 2, 4, 2, 6))
    out = one(diag, "a: 1\n\tx\tyz: 2\n")
    frame = out.splitlines()
    assert frame[3] == "2 |         x       yz: 2"
    assert frame[4] == "  |                 ^^"
    assert frame[4].index("^") == frame[3].index("y")


def test_wide_characters_keep_caret_aligned() -> None:
    """East Asian wide characters take two cells, and the caret accounts for that."""
    diag = Diagnostic("SCH002", Severity.ERROR, "m", Span("a.yaml", 1, 5, 1, 6))
    out = one(diag, "名前: x\n")
    lines = out.splitlines()
    assert lines[2] == "1 | 名前: x"
    assert lines[3] == "  |       ^"


def test_multiline_span_gets_single_caret() -> None:
    """A span over several lines is marked with one caret at its start."""
    diag = Diagnostic("SCH002", Severity.ERROR, "m", Span("a.yaml", 2, 3, 4, 1))
    out = one(diag, "a:\n  b: 1\n  c: 2\n")
    assert "  |   ^\n" in out
    assert "^^" not in out


def test_no_frame_for_unknown_file_or_line() -> None:
    """No code frame when the file is unknown or the line is past its end."""
    unknown = Diagnostic("SCH002", Severity.ERROR, "m", Span("other.yaml", 1, 1, 1, 2))
    past = Diagnostic("SCH002", Severity.ERROR, "m", Span("a.yaml", 9, 1, 9, 2))
    for diag in (unknown, past):
        out = one(diag, "a: 1\n")
        assert " |" not in out
        assert out.splitlines()[1] == ""


def test_first_line_has_no_context_line_before() -> None:
    """A finding on line 1 shows that line only."""
    diag = Diagnostic("SCH002", Severity.ERROR, "m", Span("a.yaml", 1, 1, 1, 2))
    assert one(diag, "a: 1\n").splitlines()[1:4] == ["  |", "1 | a: 1", "  | ^"]


def test_control_characters_are_neutralised() -> None:
    """Escape sequences from a spec never reach the terminal."""
    diag = Diagnostic("SCH002", Severity.ERROR, "bad \x1b[31m key", Span("a.yaml", 1, 3, 1, 4))
    out = one(diag, "a\x1b: 1\n")
    assert "\x1b" not in out
    assert "bad \u241b[31m key" in out
    assert "1 | a\u241b: 1\n  |   ^\n" in out
