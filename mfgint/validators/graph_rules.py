"""Graph rules: findings about the shape of the integration graph as a whole.

Synchronous cycles are LAT007 (latency family); this family holds what only the whole graph
shows, such as single points of failure.
"""

from __future__ import annotations

from collections.abc import Iterator

from mfgint.diagnostics import Diagnostic, Severity
from mfgint.graph.analysis import tier1_dependencies
from mfgint.validators.registry import Family, RuleContext

FAMILY = Family(
    "GRF",
    "graph",
    "The integration graph as a whole: single points of failure for critical flows.",
)

_ROLE_TEXT = {"source": "as source", "target": "as target", "via": "as via hop"}
MAX_NAMED = 5


@FAMILY.rule(
    code="GRF001",
    name="single-point-of-failure",
    severity=Severity.WARNING,
    summary="Tier-1 flows depend on a system that is not itself tier-1.",
    explanation="""
A tier-1 flow stops production when it stops. Every system it needs - its source, its
targets and every `via` hop (gateway, broker, middleware) - is a single point of failure for
it: when that system is down, the flow is cut. A system that tier-1 flows depend on but that
is itself declared tier-2 or tier-3 is run, monitored and recovered to a lower standard than
the flows that need it (on-call, redundancy, RTO).

One finding per such system, at its `criticality` (or its name when the field is absent),
with the tier-1 flows that depend on it as related locations.

Fix: declare the system `criticality: tier-1` and run it accordingly (redundancy, on-call,
an RTO that matches the flows), or route the tier-1 flows around it.
""",
)
def check_single_point_of_failure(ctx: RuleContext) -> Iterator[Diagnostic]:
    """GRF001."""
    model = ctx.model
    for dep in tier1_dependencies(model):
        system = model.systems[dep.system]
        # An absent field resolves to its parent's span: then point at the system's name.
        declared = system.loc("spec", "criticality") != system.loc("spec")
        named = ", ".join(f"'{f}' {_ROLE_TEXT[r]}" for f, r in dep.flows[:MAX_NAMED])
        more = f" and {len(dep.flows) - MAX_NAMED} more" if len(dep.flows) > MAX_NAMED else ""
        count = len(dep.flows)
        related = [
            (model.flows[f].loc("spec", "criticality"),
             f"tier-1 flow '{f}' depends on '{dep.system}' {_ROLE_TEXT[r]}")
            for f, r in dep.flows
        ]
        yield ctx.diag(
            system,
            ("spec", "criticality") if declared else (),
            f"System '{dep.system}' is {dep.criticality}"
            f"{'' if declared else ' (the default)'} but {count} tier-1 "
            f"flow{'s' if count != 1 else ''} depend{'s' if count == 1 else ''} on it: "
            f"{named}{more}; its loss cuts them",
            hint="declare it criticality: tier-1 and run it to that standard (redundancy, "
            "on-call, RTO), or route the tier-1 flows around it",
            related=related,
        )
