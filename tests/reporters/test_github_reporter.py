"""The GitHub reporter: workflow commands and their escaping."""

from __future__ import annotations

from reporter_samples import MES, make_report

from mfgint.diagnostics import Diagnostic, Severity, Span
from mfgint.reporters.github import GithubReporter, escape_data, escape_property


def test_escape_data() -> None:
    """Message data: %, CR and LF are escaped, ':' and ',' are not."""
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_data("%0A") == "%250A"


def test_escape_property() -> None:
    """Property values additionally escape ':' and ','."""
    assert escape_property("a: b,c%\n") == "a%3A b%2Cc%25%0A"


def test_one_command_per_finding_then_summary() -> None:
    """error/warning/notice per severity, waived as notice, then a summary notice."""
    lines = GithubReporter().render(make_report(baselined=1)).splitlines()
    assert len(lines) == 5
    assert lines[0] == (
        f"::error file={MES},line=7,col=3,endLine=7,endColumn=10,"
        "title=LAT004 realtime-needs-retry::Flow 'mes-orders': realtime flow has no retry policy"
        "%0Ahint: add spec.retry (maxAttempts, backoff) and spec.deadLetter")
    assert lines[1].startswith("::error ")
    assert lines[2].startswith("::notice file=specs/plants/Zürich <&> 100%25%3A a%2Cb.yaml,")
    assert "::Unknown key <x & y> \"q\" 'r' 100%25: a,b – ünï%0Ahint: line one%0Aline two" in (
        lines[2])
    assert lines[3].startswith("::notice ")
    assert "title=YML003 yaml11-trap::" in lines[3]
    assert lines[3].endswith(
        "%0A(waived: Norway plant code, fixed in Q3; Waiver 'legacy-codes' approved by jane.doe, "
        "expires 2027-05-31)")
    assert lines[4] == ("::notice title=mfgint::Found 2 errors, 0 warnings, 1 info (1 waived) "
                        "in 3 files. (1 finding hidden by the baseline)")


def test_warning_and_positions() -> None:
    """Warnings use ::warning; unknown ends are omitted; multi-line spans drop endColumn."""
    diags = [
        Diagnostic("ZZZ999", Severity.WARNING, "w", Span("a.yaml", 2, 4)),
        Diagnostic("SCH001", Severity.ERROR, "e", Span("a.yaml", 3, 2, 5, 6)),
    ]
    lines = GithubReporter().render(make_report(diags)).splitlines()
    assert lines[0] == "::warning file=a.yaml,line=2,col=4,title=ZZZ999::w"
    assert lines[1] == "::error file=a.yaml,line=3,col=2,endLine=5,title=SCH001 schema-violation::e"


def test_every_line_is_a_single_command() -> None:
    """No raw newline leaks from a message: every output line is a workflow command."""
    diag = Diagnostic("SCH001", Severity.ERROR, "a\nb\rc", Span("x,y:z.yaml", 1, 1, 1, 2),
                      hint="h\n2")
    out = GithubReporter().render(make_report([diag]))
    assert out.endswith("\n")
    lines = out.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("::") for line in lines)
    assert lines[0].startswith("::error file=x%2Cy%3Az.yaml,")
    assert lines[0].endswith("::a%0Ab%0Dc%0Ahint: h%0A2")
