"""Odoo rules: external API protocols, webhooks and model names per Odoo major version."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from mfgint.compiler.model import BusinessObject, Flow, Model, System
from mfgint.diagnostics import Diagnostic, Severity
from mfgint.validators import odoo_models
from mfgint.validators.registry import Family, RuleContext, Scope

FAMILY = Family(
    "ODO",
    "odoo",
    "Odoo specifics: API protocols, webhooks and model names per version.",
)

_LEGACY_RPC = frozenset({"xml-rpc", "json-rpc"})
# Findings on Odoo systems' own endpoints, and on the flows that call an Odoo system.
_PROTOCOL_SCOPE = Scope(("System", "Flow"), reads=("System",))
_AT_LEAST_ONCE = frozenset({"at-least-once", "exactly-once-effective"})


def _called_odoo(model: Model, flow: Flow) -> list[System]:
    """The Odoo systems whose API a flow calls: targets of a push, the source of a pull."""
    names = [flow.source] if flow.direction == "pull" else list(flow.targets)
    called = [s for n in names if (s := model.systems.get(n)) is not None and s.is_odoo]
    if called:
        return called
    ends = [flow.source, *flow.targets]
    return [s for n in ends if (s := model.systems.get(n)) is not None and s.is_odoo]


def _protocol_findings(
    ctx: RuleContext,
    protocols: frozenset[str],
    wrong: Callable[[int], bool],
    message: Callable[[str, System], str],
    hint: str,
) -> Iterator[Diagnostic]:
    """Flows and Odoo endpoints using one of ``protocols`` on an Odoo major where ``wrong``."""
    for system in ctx.subjects(System):
        major = system.major_version
        if not system.is_odoo or major is None or not wrong(major):
            continue
        for i, endpoint in enumerate(system.endpoints):
            if endpoint.protocol in protocols:
                yield ctx.diag(
                    system,
                    ("spec", "endpoints", i, "protocol"),
                    f"System '{system.name}': endpoint '{endpoint.name}' "
                    + message(endpoint.protocol, system),
                    hint=hint,
                )
    for flow in ctx.subjects(Flow):
        if flow.protocol not in protocols:
            continue
        for system in _called_odoo(ctx.model, flow):
            major = system.major_version
            if major is None or not wrong(major):
                continue
            yield ctx.diag(
                flow,
                ("spec", "protocol"),
                f"Flow '{flow.name}': " + message(flow.protocol, system),
                hint=hint,
                related=[(system.loc("spec", "version"), f"'{system.name}' runs Odoo {major}")],
            )


@FAMILY.rule(
    code="ODO001",
    name="deprecated-rpc-on-odoo19",
    severity=Severity.WARNING,
    summary="XML-RPC or JSON-RPC used against Odoo 19 or later, where they are deprecated.",
    explanation="""
Odoo 19 deprecates `/xmlrpc`, `/xmlrpc/2` and `/jsonrpc`: every call logs a warning, and the
current documentation announces their removal for Odoo 22 (fall 2028); the `db` service may go
earlier. Their replacement is JSON-2: `POST /json/2/<model>/<method>` with named arguments, an
`Authorization: bearer <api key>` header and one SQL transaction per call.

The rule reports flows with `protocol` `xml-rpc` or `json-rpc` that call an Odoo system whose
version is 19 or later, and such endpoints declared on those systems.

Fix: move the connector to `protocol: json-2` (named arguments only; prefer single server
methods such as `search_read` or `action_confirm`, since there are no multi-call transactions).
""",
    scope=_PROTOCOL_SCOPE,
)
def check_deprecated_rpc(ctx: RuleContext) -> Iterator[Diagnostic]:
    """ODO001."""
    yield from _protocol_findings(
        ctx,
        _LEGACY_RPC,
        lambda major: major >= 19,
        lambda proto, s: f"uses {proto}, deprecated since Odoo 19 ('{s.name}' runs "
        f"{s.version})",
        "move to protocol json-2 (POST /json/2/<model>/<method>, bearer API key); XML-RPC and "
        "JSON-RPC are announced for removal in Odoo 22",
    )


@FAMILY.rule(
    code="ODO003",
    name="json2-before-odoo19",
    severity=Severity.ERROR,
    summary="JSON-2 used against an Odoo version older than 19, which does not have it.",
    explanation="""
The JSON-2 external API (`/json/2/<model>/<method>`) exists from Odoo 19 on. Older versions
answer 404: their external APIs are XML-RPC (`/xmlrpc/2/object`) and JSON-RPC (`/jsonrpc`).

The rule reports flows with `protocol: json-2` that call an Odoo system whose version is below
19, and `json-2` endpoints declared on such systems.

Fix: use `json-rpc` (or `xml-rpc`) until the Odoo system is upgraded to 19, then switch.
""",
    scope=_PROTOCOL_SCOPE,
)
def check_json2_before_19(ctx: RuleContext) -> Iterator[Diagnostic]:
    """ODO003."""
    yield from _protocol_findings(
        ctx,
        frozenset({"json-2"}),
        lambda major: major < 19,
        lambda proto, s: f"uses {proto}, which Odoo {s.version} does not have (JSON-2 exists "
        "from Odoo 19)",
        "use json-rpc or xml-rpc until the upgrade to Odoo 19",
    )


def _odoo_scope(obj: BusinessObject, odoo: list[System], model: Model) -> list[System]:
    """Odoo systems an object's model must exist in: its Odoo SoRs, else every Odoo system."""
    sors = [
        s for sor in obj.system_of_record
        if (s := model.systems.get(sor.system)) is not None and s.is_odoo
    ]
    unique = {s.name: s for s in (sors or odoo)}
    return [unique[n] for n in sorted(unique)]


@FAMILY.rule(
    code="ODO002",
    name="unknown-odoo-model",
    severity=Severity.ERROR,
    summary="A BusinessObject maps to an Odoo model that does not exist in that Odoo version.",
    explanation="""
Odoo renames and removes models between major versions, and a connector that names the old
model fails with "Object ... doesn't exist". Version deltas checked against OpenUpgrade:
16 renamed `stock.production.lot` to `stock.lot` and `stock.location.route` to `stock.route`;
18 merged `mrp.document` into `product.document`; 19 renamed `product.packaging` to
`product.uom`, `stock.quant.package` to `stock.package`, split `procurement.group` into
`stock.reference` and `mrp.production.group`, and removed `uom.category`.

The rule checks `odooModel` against the version of each Odoo system of record of the object
(every Odoo system of the landscape when no system of record is Odoo). Models the built-in table
does not list are not reported: it cannot know every module.

Fix: use the model name of that version (the hint gives it), and check the field names too.
""",
    scope=Scope(("BusinessObject",), reads=("System",)),
)
def check_odoo_model(ctx: RuleContext) -> Iterator[Diagnostic]:
    """ODO002."""
    odoo = [s for s in ctx.model.systems.values() if s.is_odoo and s.major_version is not None]
    if not odoo:
        return
    for obj in ctx.subjects(BusinessObject):
        name = obj.odoo_model
        life = odoo_models.MODELS.get(name) if name else None
        if name is None or life is None:
            continue
        by_major: dict[int, list[System]] = {}
        for system in _odoo_scope(obj, odoo, ctx.model):
            major = system.major_version
            if major is not None and not life.exists_in(major):
                by_major.setdefault(major, []).append(system)
        for major, systems in sorted(by_major.items()):
            names = ", ".join(f"'{s.name}'" for s in systems)
            if life.last is not None and major > life.last:
                fact = f"was removed in Odoo {life.last + 1}"
                better = life.replaced_by
            else:
                fact = f"exists from Odoo {life.first} on"
                better = life.replaces
            yield ctx.diag(
                obj,
                ("spec", "odooModel"),
                f"BusinessObject '{obj.name}': Odoo model '{name}' does not exist in Odoo "
                f"{major} ({names}); it {fact}",
                hint=f"use {better} on Odoo {major}" if better else None,
                related=[(s.loc("spec", "version"), f"'{s.name}' runs Odoo {s.version}")
                         for s in systems],
            )


@FAMILY.rule(
    code="ODO004",
    name="odoo-webhook-not-at-least-once",
    severity=Severity.ERROR,
    summary="An Odoo outbound webhook flow claims at-least-once delivery.",
    explanation="""
Odoo's "Send Webhook Notification" action posts once, after the transaction commits, with a
1 s timeout; errors are only logged, there is no retry, and nothing is sent when the transaction
rolls back. Whatever the receiver does, the webhook itself is at-most-once: declaring
`at-least-once` or `exactly-once-effective` promises a guarantee nobody provides, and the lost
events go unnoticed.

The rule reports flows of pattern `webhook` whose source is an Odoo system and whose
`delivery.guarantee` is `at-least-once` or `exactly-once-effective`.

Fix: declare `delivery: {guarantee: at-most-once}` and add a reconciliation job polling
`write_date`, or publish from Odoo through a transactional outbox read by a connector.
""",
    scope=Scope(("Flow",), reads=("System",)),
)
def check_odoo_webhook_delivery(ctx: RuleContext) -> Iterator[Diagnostic]:
    """ODO004."""
    for flow in ctx.subjects(Flow):
        if flow.pattern != "webhook" or flow.delivery is None:
            continue
        source = ctx.model.systems.get(flow.source)
        if source is None or not source.is_odoo or flow.delivery.guarantee not in _AT_LEAST_ONCE:
            continue
        yield ctx.diag(
            flow,
            ("spec", "delivery", "guarantee"),
            f"Flow '{flow.name}': declares {flow.delivery.guarantee}, but Odoo '{source.name}' "
            "sends its webhook once (1 s timeout, no retry, nothing on rollback)",
            hint=(
                "declare `guarantee: at-most-once` and reconcile by polling write_date, or read "
                "changes from Odoo with a connector instead of the webhook"
            ),
        )


@FAMILY.rule(
    code="ODO005",
    name="enterprise-model-on-community",
    severity=Severity.ERROR,
    summary="An object maps to an Enterprise-only Odoo model on a Community system.",
    explanation="""
Quality (`quality.point`, `quality.check`, `quality.alert`) and PLM (`mrp.eco`) are Odoo
Enterprise apps: a Community database has no such models.

The rule reports BusinessObjects whose `odooModel` is Enterprise-only while an Odoo system it
must exist in (its Odoo systems of record, else every Odoo system) declares
`odoo.edition: community`.

Fix: keep the object in a system that has it (a QMS or PLM, as system of record), or run Odoo
Enterprise.
""",
    scope=Scope(("BusinessObject",), reads=("System",)),
)
def check_enterprise_model(ctx: RuleContext) -> Iterator[Diagnostic]:
    """ODO005."""
    odoo = [s for s in ctx.model.systems.values() if s.is_odoo]
    if not odoo:
        return
    for obj in ctx.subjects(BusinessObject):
        life = odoo_models.MODELS.get(obj.odoo_model) if obj.odoo_model else None
        if life is None or not life.enterprise:
            continue
        community = [s for s in _odoo_scope(obj, odoo, ctx.model) if s.odoo_edition == "community"]
        if not community:
            continue
        names = ", ".join(f"'{s.name}'" for s in community)
        yield ctx.diag(
            obj,
            ("spec", "odooModel"),
            f"BusinessObject '{obj.name}': Odoo model '{obj.odoo_model}' is Enterprise-only, "
            f"and {names} runs Odoo Community",
            hint="master the object outside Odoo (QMS, PLM) or use Odoo Enterprise",
            related=[(s.loc("spec", "odoo", "edition"), "community edition") for s in community],
        )


@FAMILY.rule(
    code="ODO006",
    name="webhook-before-odoo17",
    severity=Severity.ERROR,
    summary="A webhook flow to or from an Odoo version older than 17.",
    explanation="""
Odoo's webhooks arrived in version 17: the "Send Webhook Notification" server action
(outbound) and the "On webhook" automation trigger (inbound, `/web/hook/<uuid>`). Older
versions have neither without custom modules.

The rule reports flows of pattern `webhook` whose source or target is an Odoo system below 17,
and `webhook` endpoints declared on such systems.

Fix: poll with JSON-RPC (`write_date` watermark) until the upgrade, or document the custom
module and waive.
""",
    scope=_PROTOCOL_SCOPE,
)
def check_webhook_before_17(ctx: RuleContext) -> Iterator[Diagnostic]:
    """ODO006."""
    systems = ctx.model.systems
    for system in ctx.subjects(System):
        major = system.major_version
        if not system.is_odoo or major is None or major >= 17:
            continue
        for i, endpoint in enumerate(system.endpoints):
            if endpoint.protocol == "webhook":
                yield ctx.diag(
                    system,
                    ("spec", "endpoints", i, "protocol"),
                    f"System '{system.name}': webhook endpoint '{endpoint.name}' on Odoo "
                    f"{system.version}, which has webhooks only from 17",
                    hint="remove the endpoint, or name the custom module that provides it",
                )
    for flow in ctx.subjects(Flow):
        if flow.pattern != "webhook":
            continue
        for role, name in (("source", flow.source), *(("target", t) for t in flow.targets)):
            end = systems.get(name)
            major = end.major_version if end is not None else None
            if end is None or not end.is_odoo or major is None or major >= 17:
                continue
            yield ctx.diag(
                flow,
                ("spec", "pattern"),
                f"Flow '{flow.name}': webhook with {role} '{name}' on Odoo {end.version}, "
                "which has webhooks only from 17",
                hint="poll with json-rpc (write_date watermark) until the upgrade to Odoo 17+",
                related=[(end.loc("spec", "version"), f"'{name}' runs Odoo {end.version}")],
            )
