"""Resilience rules: reconciliation, idempotency, webhooks, recovery objectives, compensation."""

from __future__ import annotations

from collections.abc import Iterator

from mfgint.compiler.model import Flow, Model, Workflow
from mfgint.diagnostics import Diagnostic, Severity
from mfgint.validators.registry import Family, RuleContext, Scope

FAMILY = Family(
    "RES",
    "resilience",
    "What happens when a message is lost, duplicated or a step fails halfway.",
)

_AT_LEAST_ONCE = frozenset({"at-least-once", "exactly-once-effective"})


def _odoo_target(model: Model, flow: Flow) -> bool:
    """True when a target of the flow is an Odoo system."""
    return any((s := model.systems.get(t)) is not None and s.is_odoo for t in flow.targets)


@FAMILY.rule(
    code="RES001",
    name="tier1-without-reconciliation",
    severity=Severity.WARNING,
    summary="A tier-1 flow has no reconciliation job.",
    explanation="""
Retries and dead letters handle the failures a flow notices. They do not catch what it never
saw: an Odoo webhook dropped on a rollback or after its 1 s timeout, a consumer that skipped an
offset, a record edited by hand on one side. For flows that stop production when they drift
(tier-1) a scheduled job must compare both sides and repair the difference.

The rule reports flows with `criticality: tier-1` and no `reconciliation`.

Fix: add `reconciliation: {schedule: "*/30 * * * *", method: watermark}`; with Odoo as the
source, `watermark` polls `write_date > last run` (ordered by `write_date, id`).
""",
    scope=Scope(("Flow",)),
)
def check_tier1_reconciliation(ctx: RuleContext) -> Iterator[Diagnostic]:
    """RES001."""
    for flow in ctx.subjects(Flow):
        if flow.criticality != "tier-1" or flow.reconciliation is not None:
            continue
        yield ctx.diag(
            flow,
            ("spec",),
            f"Flow '{flow.name}': tier-1 flow has no reconciliation job",
            hint='add `reconciliation: {schedule: "*/30 * * * *", method: watermark}`',
            related=[(flow.loc("spec", "criticality"), "tier-1 declared here")],
            key=True,
        )


@FAMILY.rule(
    code="RES002",
    name="at-least-once-without-idempotency-key",
    severity=Severity.WARNING,
    summary="A flow that may deliver twice has no idempotency key.",
    explanation="""
At-least-once delivery means duplicates: a retry after a timeout whose request did succeed, a
consumer restarted before it committed its offset. Without a key to recognise a message already
applied, the target creates a second record or applies a quantity twice.
`exactly-once-effective` is at-least-once plus idempotent apply, so it needs the key too.

The rule reports flows whose `delivery.guarantee` is `at-least-once` or `exactly-once-effective`
without `delivery.idempotencyKey`, and writing flows with retries (`retry.maxAttempts` > 1) that
declare no `delivery` at all (retries make them at-least-once).

Fix: set `delivery.idempotencyKey` to the payload field(s) that identify the change. Odoo has no
idempotency key in any API: store the key as an external ID (`ir.model.data`, one module prefix
per source) and read back by it before creating or retrying.
""",
    scope=Scope(("Flow",), reads=("System",)),
)
def check_idempotency_key(ctx: RuleContext) -> Iterator[Diagnostic]:
    """RES002."""
    for flow in ctx.subjects(Flow):
        odoo_note = (
            "; Odoo has no idempotency key: keep it as an external ID (ir.model.data) and read "
            "back by it before creating or retrying"
            if _odoo_target(ctx.model, flow)
            else ""
        )
        if flow.delivery is not None:
            if flow.delivery.guarantee in _AT_LEAST_ONCE and not flow.delivery.idempotency_key:
                yield ctx.diag(
                    flow,
                    ("spec", "delivery", "guarantee"),
                    f"Flow '{flow.name}': {flow.delivery.guarantee} delivery without an "
                    "idempotency key",
                    hint="set `delivery.idempotencyKey` to the field(s) that identify the change"
                    + odoo_note,
                )
        elif flow.writes and flow.retry is not None and flow.retry.max_attempts > 1:
            yield ctx.diag(
                flow,
                ("spec", "retry"),
                f"Flow '{flow.name}': {flow.retry.max_attempts} attempts make this "
                f"{flow.operation} at-least-once, but no delivery guarantee or idempotency key "
                "is declared",
                hint="add `delivery: {guarantee: at-least-once, idempotencyKey: <field>}`"
                + odoo_note,
                key=True,
            )


@FAMILY.rule(
    code="RES003",
    name="webhook-without-retry-and-reconciliation",
    severity=Severity.WARNING,
    summary="A webhook flow has no retry or no reconciliation job.",
    explanation="""
A webhook is one HTTP call: when the receiver is down or slow, the event is gone unless the
sender retries, and even then a receiver that fails after answering loses it. A webhook flow
needs a retry policy and a reconciliation job that finds what was lost.

Odoo's outbound webhook ("Send Webhook Notification") is sent once after the transaction
commits, with a 1 s timeout, no retry, errors only logged, and nothing at all when the
transaction rolls back: treat it as an at-most-once hint. Retry cannot be configured on the Odoo
side, so for a flow whose source is Odoo only the reconciliation job is required: poll
`write_date` to catch what the webhook missed.

The rule reports flows of pattern `webhook` without `reconciliation`, or without `retry` when the
source is not Odoo.

Fix: add `retry` (for non-Odoo senders) and `reconciliation: {schedule: ..., method:
watermark}`.
""",
    scope=Scope(("Flow",), reads=("System",)),
)
def check_webhook_resilience(ctx: RuleContext) -> Iterator[Diagnostic]:
    """RES003."""
    for flow in ctx.subjects(Flow):
        if flow.pattern != "webhook":
            continue
        source = ctx.model.systems.get(flow.source)
        odoo = source is not None and source.is_odoo
        missing = []
        if flow.retry is None and not odoo:
            missing.append("retry")
        if flow.reconciliation is None:
            missing.append("reconciliation")
        if not missing:
            continue
        if odoo:
            hint = (
                "Odoo sends its webhook once (1 s timeout, no retry, nothing on rollback): add "
                '`reconciliation: {schedule: "*/15 * * * *", method: watermark}` polling '
                "write_date"
            )
        else:
            hint = "add " + " and ".join(f"`{m}`" for m in missing) + " to the flow"
        yield ctx.diag(
            flow,
            ("spec",),
            f"Flow '{flow.name}': webhook flow has no {' and no '.join(missing)}"
            + (f" (source '{flow.source}' is Odoo: at-most-once)" if odoo else ""),
            hint=hint,
            related=[(flow.loc("spec", "pattern"), "pattern webhook")],
            key=True,
        )


@FAMILY.rule(
    code="RES004",
    name="critical-without-rto",
    severity=Severity.WARNING,
    summary="A critical flow has no recovery time objective.",
    explanation="""
The recovery time objective says how long the business can live without the flow; it drives
alert urgency, on-call paging and the order of recovery after an outage, and it goes into the
generated runbook. Without it nobody knows whether a stopped flow is a page at 3 am or a ticket.

The rule reports flows whose `criticality` is in option `tiers` (default tier-1 and tier-2) and
that have no `rto`.

Fix: add `rto: 1h` (or whatever the business owner agrees).
""",
    options={"tiers": ["tier-1", "tier-2"]},
    scope=Scope(("Flow",)),
)
def check_rto(ctx: RuleContext) -> Iterator[Diagnostic]:
    """RES004."""
    tiers = set(ctx.option("tiers") or ())
    for flow in ctx.subjects(Flow):
        if flow.criticality not in tiers or flow.rto is not None:
            continue
        yield ctx.diag(
            flow,
            ("spec",),
            f"Flow '{flow.name}': {flow.criticality} flow has no rto",
            hint="add `rto:` with the recovery time the business owner agrees, e.g. `rto: 1h`",
            related=[(flow.loc("spec", "criticality"), f"{flow.criticality} declared here")],
            key=True,
        )


@FAMILY.rule(
    code="RES005",
    name="workflow-step-without-compensation",
    severity=Severity.WARNING,
    summary="A workflow step says nothing about how to undo it.",
    explanation="""
A long-running process (order-to-ship, procure-to-pay) has no transaction around it: when a
later step fails for good, the earlier ones must be undone by a compensating action (cancel the
MO, cancel the shipment booking), or the systems stay inconsistent until someone notices.

The rule reports every workflow step without `compensation` (or with neither `flow` nor
`action` in it).

Fix: add `compensation: {flow: <compensating flow>}` or `compensation: {action: <what to do>}`;
for a step with nothing to undo, say so in `action`.
""",
    scope=Scope(("Workflow",)),
)
def check_compensation(ctx: RuleContext) -> Iterator[Diagnostic]:
    """RES005."""
    for workflow in ctx.subjects(Workflow):
        for step in workflow.steps:
            comp = step.compensation
            if comp is not None and (comp.flow or comp.action):
                continue
            yield ctx.diag(
                workflow,
                ("spec", "steps", step.index),
                f"Workflow '{workflow.name}': step '{step.name}' has no compensation",
                hint=(
                    "add `compensation: {flow: <flow>}` or `compensation: {action: <what undoes "
                    "it>}`; for a step with nothing to undo, say so in `action`"
                ),
            )
