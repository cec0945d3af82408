"""Lifecycle rules: flows and access that depend on legacy, retiring or retired systems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from mfgint.compiler.model import Flow, System
from mfgint.diagnostics import Diagnostic, Severity, Span
from mfgint.validators.registry import Family, RuleContext, Scope

FAMILY = Family(
    "LIF",
    "lifecycle",
    "Dependencies on systems that are legacy, retiring or already gone.",
)


def _gone(system: System, today: dt.date) -> str | None:
    """Why a system can no longer carry flows, or None while it still can."""
    lc = system.lifecycle
    if lc.status == "retired":
        when = lc.retirement_date or lc.since
        return "is retired" + (f" since {when}" if when else "")
    if lc.status == "retiring" and lc.retirement_date is not None and lc.retirement_date < today:
        return f"was due to retire on {lc.retirement_date}"
    return None


def _flow_systems(flow: Flow) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """(spec path, system name, role) for the source, each target and each via hop."""
    yield ("spec", "source"), flow.source, "source"
    spec = flow.raw.get("spec") if isinstance(flow.raw, Mapping) else None
    many = isinstance(spec, Mapping) and "targets" in spec
    for i, target in enumerate(flow.targets):
        yield (("spec", "targets", i) if many else ("spec", "target")), target, "target"
    for i, hop in enumerate(flow.via):
        yield ("spec", "via", i), hop, "via hop"


def _replacement(system: System) -> str:
    """`` ; move it to 'x'`` when the system names its successor."""
    return f"; move it to '{system.lifecycle.replaced_by}'" if system.lifecycle.replaced_by else ""


def _lifecycle_span(system: System) -> Span:
    """Where a system declares its lifecycle."""
    return system.loc("spec", "lifecycle")


@FAMILY.rule(
    code="LIF001",
    name="flow-to-retired-system",
    severity=Severity.ERROR,
    summary="A flow runs from, to or through a system that is retired or past its retirement.",
    explanation="""
A retired system no longer answers: every flow that still names it as source, target or `via`
hop is broken, or the system cannot be switched off. A `retiring` system whose
`retirementDate` has passed is treated the same way.

Fix: move the flow to the replacement system (`lifecycle.replacedBy`) or delete it; if the
retirement slipped, update `lifecycle.retirementDate`.
""",
    scope=Scope(("Flow",), reads=("System",)),
)
def check_retired(ctx: RuleContext) -> Iterator[Diagnostic]:
    """LIF001."""
    systems = ctx.model.systems
    gone = {n: why for n, s in systems.items() if (why := _gone(s, ctx.today)) is not None}
    if not gone:
        return
    for flow in ctx.subjects(Flow):
        for path, name, role in _flow_systems(flow):
            why = gone.get(name)
            if why is None:
                continue
            system = systems[name]
            yield ctx.diag(
                flow,
                path,
                f"Flow '{flow.name}': {role} '{name}' {why}",
                hint="move the flow off it or remove the flow" + _replacement(system)
                + "; if the retirement slipped, update lifecycle.retirementDate",
                related=[(_lifecycle_span(system), f"lifecycle of '{name}'")],
            )


@FAMILY.rule(
    code="LIF002",
    name="new-flow-on-legacy-system",
    severity=Severity.WARNING,
    summary="A flow went live on a legacy or retiring system after it was frozen.",
    explanation="""
A system marked `legacy` or `retiring` takes no new integrations: each one added after the
status started (`lifecycle.since`) is one more thing to migrate and pushes the retirement back.

The rule compares the flow's `introduced` date with `lifecycle.since` of its source, targets and
`via` hops (flows or systems without these dates are not checked; systems already past
retirement are LIF001's).

Fix: build the flow on the replacement system (`lifecycle.replacedBy`), or record a Waiver with
the migration plan.
""",
    scope=Scope(("Flow",), reads=("System",)),
)
def check_new_on_legacy(ctx: RuleContext) -> Iterator[Diagnostic]:
    """LIF002."""
    systems = ctx.model.systems
    for flow in ctx.subjects(Flow):
        if flow.introduced is None:
            continue
        for _path, name, role in _flow_systems(flow):
            system = systems.get(name)
            if system is None:
                continue
            lc = system.lifecycle
            if (
                lc.status not in ("legacy", "retiring")
                or lc.since is None
                or flow.introduced <= lc.since
                or _gone(system, ctx.today) is not None
            ):
                continue
            hint = (
                f"build the flow on '{lc.replaced_by}', the replacement of '{name}'"
                if lc.replaced_by
                else f"build the flow on the system that replaces '{name}'"
            )
            yield ctx.diag(
                flow,
                ("spec", "introduced"),
                f"Flow '{flow.name}': introduced {flow.introduced}, after {role} '{name}' became "
                f"{lc.status} on {lc.since}",
                hint=hint + ", or record a Waiver with the migration plan",
                related=[(system.loc("spec", "lifecycle", "since"), f"'{name}' is {lc.status}")],
            )


@FAMILY.rule(
    code="LIF003",
    name="access-to-retired-system",
    severity=Severity.WARNING,
    summary="An AccessPolicy still grants access to or for a retired system.",
    explanation="""
Access that outlives its system is a credential nobody watches: when the system is retired (or
past its retirement date), its AccessPolicies should be revoked together with their credentials.

The rule reports AccessPolicies whose `target`, `via` or system principal is retired, or
retiring with a past `retirementDate`.

Fix: delete the AccessPolicy and revoke its credential in the secret store, or move it to the
replacement system.
""",
)
def check_access_retired(ctx: RuleContext) -> Iterator[Diagnostic]:
    """LIF003."""
    systems = ctx.model.systems
    gone = {n: why for n, s in systems.items() if (why := _gone(s, ctx.today)) is not None}
    if not gone:
        return
    for policy in ctx.model.policies.values():
        places: list[tuple[tuple[str | int, ...], str | None, str]] = [
            (("spec", "target"), policy.target, "target"),
            (("spec", "via"), policy.via, "gateway"),
        ]
        if policy.principal.kind == "system":
            places.append((("spec", "principal", "name"), policy.principal.name, "principal"))
        for path, name, role in places:
            if name is None or name not in gone:
                continue
            system = systems[name]
            yield ctx.diag(
                policy,
                path,
                f"AccessPolicy '{policy.name}': {role} '{name}' {gone[name]}",
                hint="delete the policy and revoke its credential" + _replacement(system),
                related=[(_lifecycle_span(system), f"lifecycle of '{name}'")],
            )
