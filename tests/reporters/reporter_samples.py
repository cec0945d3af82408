"""Hand-built Reports shared by the reporter tests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from mfgint.compiler.source import SourceFile
from mfgint.diagnostics import Diagnostic, Related, ResourceRef, Severity, Span, Suppression
from mfgint.reporters.base import CheckedResource, Report
from mfgint.validators.registry import Family, Registry, Rule
from mfgint.validators.structure import FAMILIES

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
REPO_ROOT = HERE.parents[1]
CHECK_ARTIFACTS = REPO_ROOT.parent / "shared" / "validators" / "check-artifacts"

MES = "specs/flows/mes.yaml"
ODD = "specs/plants/Zürich <&> 100%: a,b.yaml"

MES_TEXT = (
    "apiVersion: mfgint/v1\n"
    "kind: Flow\n"
    "metadata:\n"
    "  name: mes-orders\n"
    "spec:\n"
    "  latency: realtime\n"
    "  pattern: api\n"
    "\tsource: odoo\n"
    "metadata:\n"
    "  name: mes-orders\n"
)
ODD_TEXT = "kind: Plant\nmetadata:\n  name: zürich\nspec:\n  code: NO\n"


def latency_family() -> Family:
    """A one-rule family standing in for a governance family."""
    family = Family("LAT", "latency", "Latency classes and what they demand.")
    family.add(Rule("LAT004", "realtime-needs-retry", "latency", Severity.ERROR,
                    "A realtime flow has no retry policy.",
                    "Realtime flows must declare `spec.retry` and `spec.deadLetter`."))
    return family


def registry() -> Registry:
    """The structural families plus the latency stand-in."""
    return Registry([*FAMILIES, latency_family()])


FLOW = ResourceRef("Flow", "mes-orders")
PLANT = ResourceRef("Plant", "zürich", plant="ZH")


def diagnostics() -> tuple[Diagnostic, ...]:
    """An error with hint, a duplicate with a related span, a waived warning, a file-level info."""
    return (
        Diagnostic("LAT004", Severity.ERROR, "Flow 'mes-orders': realtime flow has no retry policy",
                   Span(MES, 7, 3, 7, 10), hint="add spec.retry (maxAttempts, backoff) and "
                   "spec.deadLetter", resource=FLOW, anchor="spec/pattern"),
        Diagnostic("REF002", Severity.ERROR, "Flow 'mes-orders' is declared twice",
                   Span(MES, 8, 2, 8, 8), related=(Related(Span(MES, 4, 9, 4, 19),
                                                           "first declared here"),),
                   resource=FLOW),
        Diagnostic("YML003", Severity.WARNING, "'NO' is read as the boolean false",
                   Span(ODD, 5, 9, 5, 11), hint='quote it: code: "NO"', resource=PLANT,
                   suppression=Suppression("legacy-codes", "Norway plant code, fixed in Q3",
                                           "jane.doe", "2027-05-31", Span("specs/waivers.yaml",
                                                                          3, 3, 3, 20))),
        Diagnostic("SCH002", Severity.INFO, "Unknown key <x & y> \"q\" 'r' 100%: a,b – ünï",
                   Span(ODD, 1, 1, 1, 5), hint="line one\nline two"),
    )


def sources() -> dict[str, SourceFile]:
    """The spec files the diagnostics point into."""
    return {MES: SourceFile(MES, MES_TEXT), ODD: SourceFile(ODD, ODD_TEXT)}


def checked() -> tuple[CheckedResource, ...]:
    """What the run checked: the flow, the plant, and a file with no resources."""
    return (
        CheckedResource(FLOW, MES, Span(MES, 4, 9)),
        CheckedResource(PLANT, ODD, Span(ODD, 3, 9)),
        CheckedResource(None, "specs/empty.yaml", Span("specs/empty.yaml", 1, 1, 1, 1)),
    )


def make_report(
    diags: Iterable[Diagnostic] | None = None,
    *,
    fail_on: Severity | None = Severity.ERROR,
    baselined: int = 0,
    color: bool = False,
) -> Report:
    """A Report over the sample files, with the sample findings unless others are given."""
    return Report(
        diagnostics=tuple(diagnostics() if diags is None else diags),
        registry=registry(),
        sources=sources(),
        checked=checked(),
        file_count=3,
        fail_on=fail_on,
        baselined=baselined,
        color=color,
        tool_version="0.1.0",
    )
