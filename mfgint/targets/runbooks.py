"""Markdown runbooks: one per flow, one per system, and an index.

A flow's runbook gives its owners, on-call and escalation chain, SLA and RTO, the systems and
flows it depends on and that depend on it, the failure modes of its pattern, how to replay and
reconcile, the waivers on it, one section per generated alert (the alerts' ``runbook_url``
anchors), and links to the generated contracts, connector and alert rules.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mfgint.compiler.model import (
    Event,
    Flow,
    Model,
    Resource,
    System,
    Team,
    Waiver,
    Workflow,
)
from mfgint.graph.core import IntegrationGraph, node_id, split_id
from mfgint.targets.alerts import BURN_WINDOWS, freshness_of
from mfgint.targets.base import GeneratedFile, Target, TargetContext, resource_plants
from mfgint.targets.connectors import package_name
from mfgint.targets.exposure import Service, gateways, services
from mfgint.targets.kong import team_of
from mfgint.targets.naming import file_name, safe_segment

UNOWNED = "unowned"

# What goes wrong, per integration pattern: (failure mode, how it shows, what to do).
FAILURE_MODES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "api": (
        ("Target unavailable or slow (5xx, 429, timeouts)",
         "retries in the logs, burn-rate alert, dead letters",
         "check the target's health and the gateway; the connector retries with backoff; once "
         "it is back, replay the dead letters"),
        ("Timeout after the target applied the call (unknown outcome)",
         "a retry finds the record already there (`action: created` after a timeout)",
         "nothing: the connector reads back by external id / natural key before retrying; "
         "duplicates mean natural_key_domain() is missing in connector.py"),
        ("Credentials rejected (401/403)",
         "permanent errors, every message dead-lettered",
         "check the credential reference and its rotation date; Odoo API keys last at most "
         "3 months"),
        ("Payload rejected (400/422, validation error)",
         "permanent errors for some records",
         "read the dead letter's error, fix the mapping in connector.py or the source data, "
         "then replay"),
    ),
    "webhook": (
        ("Notification lost (sender does not retry)",
         "freshness alert, reconciliation finds records the webhook did not carry",
         "run the reconciliation; Odoo's Send Webhook Notification is at-most-once (1 s "
         "timeout, no retry)"),
        ("Duplicate notifications",
         "same key delivered twice in the logs",
         "nothing: deliveries are idempotent (external id / natural key)"),
        ("Receiver down or rejecting (signature, auth)",
         "gateway 4xx/5xx, burn-rate alert",
         "check the gateway route and the receiver; then reconcile from the outage start"),
        ("Read-back fails (record deleted or access rights)",
         "dead letters with NotFoundError / AccessError",
         "check the bot user's access rights; deleted records need no delivery"),
    ),
    "event": (
        ("Consumer lag grows",
         "freshness alert, broker lag metrics",
         "check the connector is running and the target's health; scale consumers up to the "
         "topic's partition count"),
        ("Poison message (cannot be parsed or mapped)",
         "dead letter with PermanentError, the consumer moves on",
         "fix the mapping or the publisher, then replay the dead letter"),
        ("Schema version mismatch",
         "validation errors after a publisher release",
         "check the object version in the event type; `mfgint diff` shows breaking changes"),
        ("Events lost before the retention window ran out",
         "reconciliation finds differences",
         "replay from the broker within the replay window, else reconcile from the source"),
    ),
    "batch": (
        ("Scheduled run did not start",
         "freshness alert",
         "check the scheduler (cron, Kubernetes CronJob) and the run's logs"),
        ("Run fails part-way",
         "dead letters, exit code 1",
         "the watermark is saved per page: rerun, it resumes where it stopped"),
        ("Watermark stuck",
         "log 'watermark did not advance', the same records again and again",
         "more records share one write_date than a page holds: raise BATCH_SIZE"),
    ),
    "file": (
        ("File not delivered or picked up",
         "freshness alert, empty inbox",
         "check the SFTP mailbox, credentials and the partner's side"),
        ("File cannot be parsed",
         "dead letter naming the file",
         "fix the parser (parse_file in connector.py) or ask the partner for a corrected file, "
         "then move it back to the inbox"),
        ("Same file delivered twice",
         "records delivered twice in the logs",
         "nothing: records are upserted by key"),
    ),
}
ODOO_NOTES = (
    "Odoo has no idempotency key: the connector looks records up through `ir.model.data` "
    "(external ids, one module per source system) before it creates or writes.",
    "Each integration uses its own bot user with an API key; manually created keys last at "
    "most 3 months, so rotate before they expire.",
    "XML-RPC and JSON-RPC are deprecated from Odoo 19 (JSON-2 replaces them) and announced "
    "for removal in a later release: plan the switch with the Odoo upgrade.",
)
ALERT_HELP: dict[str, str] = {
    "MfgintFlowErrorBudgetBurnFast":
        "More than 14.4x the allowed error ratio over 1 hour and 5 minutes: 2% of the monthly "
        "budget per hour. Page: look at the dead letters and the connector logs now.",
    "MfgintFlowErrorBudgetBurnMedium":
        "More than 6x the allowed error ratio over 6 hours and 30 minutes. Page: a steady "
        "failure rate, often one bad record type or a degraded target.",
    "MfgintFlowErrorBudgetBurnSlow":
        "The error ratio has been above the SLA for 3 days. Ticket: find the recurring cause "
        "(mapping gaps, data quality) before the budget runs out.",
    "MfgintFlowStale":
        "Nothing delivered, and no run completed cleanly, for longer than the freshness limit. "
        "Check that the connector runs, that its source produces data, and the target.",
    "MfgintFlowDeadLetterBacklog":
        "Dead letters have waited for more than 15 minutes. Read their errors, fix the cause, "
        "replay them (see Replay and reconciliation).",
    "MfgintFlowDeadLetters":
        "New messages were dead-lettered in the last 15 minutes: each one is a record the "
        "target did not get.",
}


@dataclass(frozen=True)
class Link:
    """A relative Markdown link."""

    text: str
    href: str


def cell(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    text = "" if value is None else str(value)
    return " ".join(text.split()).replace("|", "\\|") or "-"


def rel(from_path: str, to_path: str) -> str:
    """A relative link between two output files (posix paths under the output folder)."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


def flow_doc(name: str) -> str:
    """``runbooks/flows/<flow>.md``."""
    return f"runbooks/flows/{file_name(name, '.md')}"


def system_doc(name: str) -> str:
    """``runbooks/systems/<system>.md``."""
    return f"runbooks/systems/{file_name(name, '.md')}"


def alerts_file(team: str | None) -> str:
    """The alert rules file of a team (the alerts target's naming)."""
    return f"alerts/{file_name(team or UNOWNED, '.rules.yml')}"


def kong_file(model: Model, service: Service) -> str:
    """The decK file holding a service (the kong target's naming)."""
    several = len(gateways(model)) > 1
    folder = f"kong/{safe_segment(service.gateway)}" if several else "kong"
    return f"{folder}/{file_name(team_of(model, service), '.yaml')}"


def waivers_on(model: Model, targets: Iterable[tuple[str, str]]) -> list[Waiver]:
    """Waivers whose target is one of the (kind, name) resources, by expiry date then name."""
    wanted = set(targets)
    found = [w for w in model.waivers.values() if (w.target.kind, w.target.name) in wanted]
    return sorted(found, key=lambda w: (w.expires_text, w.name))


def workflows_with(model: Model, flow: str) -> list[tuple[Workflow, str, str]]:
    """(workflow, step, compensation text) for each step running ``flow``."""
    out = []
    for wf in model.workflows.values():
        for step in wf.steps:
            if step.flow == flow:
                comp = ""
                if step.compensation is not None:
                    parts = [p for p in (step.compensation.action,
                                         f"flow {step.compensation.flow}"
                                         if step.compensation.flow else None) if p]
                    comp = "; ".join(parts)
                out.append((wf, step.name, comp))
    return out


def graph_systems(graph: IntegrationGraph, system: str, *, upstream: bool) -> list[tuple[str, int]]:
    """Systems feeding (or fed by) ``system``, with their distance, nearest first."""
    found = (graph.upstream if upstream else graph.downstream)(node_id("system", system))
    rows = [(split_id(n)[1], d) for n, d in found.items() if split_id(n)[0] == "system"]
    return sorted(rows, key=lambda r: (r[1], r[0]))


class RunbooksTarget(Target):
    """Markdown runbooks per flow and per system, with an index."""

    name = "runbooks"
    description = "Markdown runbooks per flow and per system: owners, SLA, failure modes, replay"
    output_dir = "runbooks"

    def generate(self, ctx: TargetContext) -> list[GeneratedFile]:
        """``runbooks/index.md``, ``runbooks/flows/<flow>.md``, ``runbooks/systems/<system>.md``."""
        model = ctx.model
        flows = [f for f in model.flows.values() if ctx.scope.has_flow(f.name)]
        systems = [s for s in model.systems.values() if self._system_in_scope(ctx, s, flows)]
        if not flows and not systems:
            return []
        exposure = services(model)
        files: list[GeneratedFile] = []

        def add(path: str, template: str, **context: Any) -> None:
            text = ctx.render(f"runbooks/{template}", path=path, cell=cell, **context)
            files.append(GeneratedFile(path, text.encode("utf-8")))

        for flow in flows:
            path = flow_doc(flow.name)
            add(path, "flow.md.j2", **self._flow_context(ctx, flow, path, exposure))
        for system in systems:
            path = system_doc(system.name)
            add(path, "system.md.j2", **self._system_context(ctx, system, path, exposure))
        index = f"{self.output_dir}/index.md"
        add(index, "index.md.j2", flows=flows, systems=systems,
            teams=self._teams(model, [*flows, *systems]),
            flow_link=lambda n: rel(index, flow_doc(n)),
            system_link=lambda n: rel(index, system_doc(n)),
            plants=lambda r: ", ".join(resource_plants(model, r)))
        return sorted(files, key=lambda f: f.path)

    @staticmethod
    def _system_in_scope(ctx: TargetContext, system: System, flows: Sequence[Flow]) -> bool:
        if ctx.scope.everything:
            return True
        if ctx.scope.systems is not None and system.name in ctx.scope.systems:
            return True
        return any(system.name in (f.source, *f.targets, *f.via) for f in flows)

    @staticmethod
    def _teams(model: Model, resources: Iterable[Resource]) -> list[Team]:
        names = sorted({r.owner for r in resources if r.owner and r.owner in model.teams})
        return [model.teams[n] for n in names]

    @staticmethod
    def _team(model: Model, name: str | None) -> Team | None:
        return model.teams.get(name) if name else None

    def _flow_context(
        self, ctx: TargetContext, flow: Flow, path: str, exposure: list[Service]
    ) -> dict[str, Any]:
        model = ctx.model
        systems = [flow.source, *flow.targets, *flow.via]
        involved = [(name, model.systems.get(name)) for name in dict.fromkeys(systems)]
        event: Event | None = model.events.get(flow.event) if flow.event else None
        route_policies = sorted({
            p.name for s in exposure for r in s.routes if r.flow.name == flow.name
            for p in r.policies
        })
        links: list[Link] = [
            Link("Connector package", rel(path, f"connectors/{package_name(flow.name)}/README.md")),
            Link(f"Alert rules ({flow.owner or UNOWNED})", rel(path, alerts_file(flow.owner))),
        ]
        for service in exposure:
            if any(r.flow.name == flow.name for r in service.routes):
                links.append(Link(f"Gateway config ({service.gateway}, service {service.name})",
                                  rel(path, kong_file(model, service))))
                links.append(Link(f"OpenAPI contract ({service.exposed})",
                                  rel(path, f"openapi/{file_name(service.exposed, '.yaml')}")))
        if event is not None:
            links.append(Link(f"AsyncAPI contract ({event.broker})",
                              rel(path, f"asyncapi/{file_name(event.broker, '.yaml')}")))
        links = list({(ln.text, ln.href): ln for ln in links}.values())
        freshness, from_sla = freshness_of(flow)
        alerts = [f"MfgintFlowErrorBudgetBurn{w.name}" for w in BURN_WINDOWS
                  if flow.sla.success_rate is not None]
        alerts += ["MfgintFlowStale", "MfgintFlowDeadLetterBacklog", "MfgintFlowDeadLetters"]
        upstream_flows = [f for f in model.flows.values()
                          if flow.source in f.targets and f.name != flow.name]
        downstream_flows = [f for f in model.flows.values()
                            if f.source in flow.targets and f.name != flow.name]
        odoo = any(s is not None and s.is_odoo for _, s in involved)
        return {
            "flow": flow,
            "team": self._team(model, flow.owner),
            "involved": involved,
            "system_team": lambda s: self._team(model, s.owner if s else None),
            "system_link": lambda n: rel(path, system_doc(n)),
            "flow_link": lambda n: rel(path, flow_doc(n)),
            "index_link": rel(path, f"{self.output_dir}/index.md"),
            "event": event,
            "links": links,
            "plants": ", ".join(resource_plants(model, flow)),
            "freshness": freshness,
            "freshness_from_sla": from_sla,
            "alerts": alerts,
            "alert_help": ALERT_HELP,
            "failure_modes": FAILURE_MODES.get(flow.pattern, ()),
            "odoo_notes": ODOO_NOTES if odoo else (),
            "waivers": waivers_on(model, [
                ("Flow", flow.name),
                *(("AccessPolicy", p) for p in route_policies),
                *((("Event", event.name),) if event is not None else ()),
            ]),
            "workflows": workflows_with(model, flow.name),
            "upstream_flows": upstream_flows,
            "downstream_flows": downstream_flows,
            "upstream_systems": graph_systems(ctx.graph, flow.source, upstream=True),
            "downstream_systems": sorted(
                {s for t in flow.targets for s in graph_systems(ctx.graph, t, upstream=False)
                 if s[0] not in flow.targets},
                key=lambda r: (r[1], r[0]),
            ),
            "package": package_name(flow.name),
        }

    def _system_context(
        self, ctx: TargetContext, system: System, path: str, exposure: list[Service]
    ) -> dict[str, Any]:
        model = ctx.model
        outbound = [f for f in model.flows.values() if f.source == system.name]
        inbound = [f for f in model.flows.values() if system.name in f.targets]
        hops = [f for f in model.flows.values() if system.name in f.via]
        events = [e for e in model.events.values()
                  if system.name in (e.publisher, e.broker)]
        policies = [p for p in model.policies.values()
                    if system.name in (p.target, p.via)
                    or (p.principal.kind == "system" and p.principal.name == system.name)]
        links: list[Link] = []
        for service in exposure:
            if system.name in (service.exposed, service.gateway):
                links.append(Link(f"Gateway config ({service.gateway}, service {service.name})",
                                  rel(path, kong_file(model, service))))
            if system.name == service.exposed:
                links.append(Link("OpenAPI contract",
                                  rel(path, f"openapi/{file_name(system.name, '.yaml')}")))
        if any(e.broker == system.name for e in model.events.values()):
            links.append(Link("AsyncAPI contract",
                              rel(path, f"asyncapi/{file_name(system.name, '.yaml')}")))
        teams = sorted({f.owner or UNOWNED for f in [*outbound, *inbound, *hops]})
        links += [Link(f"Alert rules ({t})", rel(path, alerts_file(t))) for t in teams]
        links = list({(ln.text, ln.href): ln for ln in links}.values())
        return {
            "system": system,
            "team": self._team(model, system.owner),
            "outbound": outbound,
            "inbound": inbound,
            "hops": hops,
            "events": events,
            "policies": policies,
            "flow_link": lambda n: rel(path, flow_doc(n)),
            "system_link": lambda n: rel(path, system_doc(n)),
            "index_link": rel(path, f"{self.output_dir}/index.md"),
            "upstream_systems": graph_systems(ctx.graph, system.name, upstream=True),
            "downstream_systems": graph_systems(ctx.graph, system.name, upstream=False),
            "waivers": waivers_on(model, [
                ("System", system.name), *(("AccessPolicy", p.name) for p in policies),
            ]),
            "links": links,
            "plants": ", ".join(resource_plants(model, system)),
            "odoo_notes": ODOO_NOTES if system.is_odoo else (),
        }
