"""Markdown runbooks: one per flow, one per system, and an index.

A flow's runbook gives its owners, on-call and escalation chain, SLA and RTO, the systems and
flows it depends on and that depend on it, the failure modes of its pattern, how to replay and
reconcile, the waivers on it, one section per generated alert (the alerts' ``runbook_url``
anchors), and links to the generated contracts, connector and alert rules.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from mfgint.compiler.model import (
    AccessPolicy,
    Event,
    Flow,
    Model,
    Resource,
    System,
    Team,
    Waiver,
    Workflow,
)
from mfgint.graph.core import CRITICALITY_RANK, IntegrationGraph, node_id, split_id
from mfgint.targets.alerts import BURN_WINDOWS, freshness_of
from mfgint.targets.base import (
    GeneratedFile,
    GenerationError,
    Target,
    TargetContext,
    resource_plants,
)
from mfgint.targets.connectors import package_name
from mfgint.targets.exposure import Service, gateways, services
from mfgint.targets.kong import team_of
from mfgint.targets.naming import file_name, safe_segment

UNOWNED = "unowned"
# Dependency lists longer than this are cut to the nearest (or most critical) entries, with a
# line saying how many more there are and where to find them all: in a landscape of thousands
# of flows every system is a few hops from every other, and a runbook listing all of them
# helps nobody. A system's direct neighbours are always listed in full in its own runbook.
DEPENDENCY_LIMIT = 25
_LAST_INDEX: list[tuple[weakref.ref[IntegrationGraph], _Index]] = []

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


# Parts of a flow runbook that depend on little (the pattern, the alerts it has), made once:
# a large landscape has tens of thousands of runbooks.
_ODOO_NOTES_LIST = "\nOdoo:\n\n" + "\n".join(f"- {note}" for note in ODOO_NOTES)


@functools.lru_cache(maxsize=64)
def _failure_mode_rows(pattern: str) -> str:
    return "\n".join(f"| {cell(mode)} | {cell(signal)} | {cell(action)} |"
                     for mode, signal, action in FAILURE_MODES.get(pattern, ()))


@functools.lru_cache(maxsize=64)
def _alert_sections(alerts: tuple[str, ...]) -> str:
    return "\n".join(f"\n### {alert}\n\n{ALERT_HELP[alert]}" for alert in alerts)


@dataclass(frozen=True)
class Link:
    """A relative Markdown link."""

    text: str
    href: str


def cell(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    if type(value) is str:
        return _cell_text(value)
    text = "" if value is None else str(value)
    return " ".join(text.split()).replace("|", "\\|") or "-"


@functools.lru_cache(maxsize=8192)
def _cell_text(text: str) -> str:
    # Runbooks repeat the same cells (teams, contacts, failure modes) thousands of times.
    return " ".join(text.split()).replace("|", "\\|") or "-"


def rel(from_path: str, to_path: str) -> str:
    """A relative link between two output files (posix paths under the output folder)."""
    base = from_path.split("/")[:-1]
    target = to_path.split("/")
    common = 0
    while common < len(base) and common < len(target) - 1 and base[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + target[common:])


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


def _compensation(step: Any) -> str:
    if step.compensation is None:
        return ""
    parts = [p for p in (step.compensation.action,
                         f"flow {step.compensation.flow}" if step.compensation.flow else None) if p]
    return "; ".join(parts)


def workflows_with(model: Model, flow: str) -> list[tuple[Workflow, str, str]]:
    """(workflow, step, compensation text) for each step running ``flow``."""
    return [(wf, step.name, _compensation(step)) for wf in model.workflows.values()
            for step in wf.steps if step.flow == flow]


def graph_systems(graph: IntegrationGraph, system: str, *, upstream: bool) -> list[tuple[str, int]]:
    """Systems feeding (or fed by) ``system``, with their distance, nearest first."""
    found = (graph.upstream if upstream else graph.downstream)(node_id("system", system))
    rows = [(split_id(n)[1], d) for n, d in found.items() if split_id(n)[0] == "system"]
    return sorted(rows, key=lambda r: (r[1], r[0]))


def nearest(rows: Sequence[tuple[str, int]],
            limit: int = DEPENDENCY_LIMIT) -> tuple[list[tuple[str, int]], int]:
    """The first ``limit`` rows (nearest first) and how many more."""
    if len(rows) <= limit:
        return list(rows), 0
    return list(rows[:limit]), len(rows) - limit


def _bit_indexes(bits: int) -> Iterator[int]:
    """Positions of the set bits of ``bits``, lowest first."""
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low


class _Reach:
    """Nearest systems and reachable counts in one direction, for every system of a graph.

    ``graph_systems`` walks the whole graph from each system; with a thousand systems that are
    all connected, doing so for every runbook costs minutes. The runbooks only show the nearest
    few, so walks here stop at the first distance that completes the list, and the number of
    systems reached comes from the strongly connected components. Node sets are bit sets over
    the nodes sorted by id, so the lowest bits of a set of systems are the first names.
    """

    def __init__(self, graph: IntegrationGraph, *, upstream: bool) -> None:
        walk = graph.upstream if upstream else graph.downstream
        nodes = sorted(graph.g.nodes)
        self.position = {n: i for i, n in enumerate(nodes)}
        self.names = [split_id(n)[1] for n in nodes]
        self.system_mask = sum(1 << i for i, n in enumerate(nodes) if split_id(n)[0] == "system")
        adj = {n: walk(n, 1) for n in nodes}
        self.adj = [sum(1 << self.position[m] for m in adj[n]) for n in nodes]
        dag = nx.DiGraph()
        dag.add_nodes_from(nodes)
        dag.add_edges_from((a, b) for a, succ in adj.items() for b in succ)
        condensed = nx.condensation(dag)
        members = condensed.graph["mapping"]
        reach: dict[int, int] = {}
        for c in reversed(list(nx.topological_sort(condensed))):
            bits = sum(1 << self.position[n] for n in condensed.nodes[c]["members"])
            for succ in condensed.successors(c):
                bits |= reach[succ]
            reach[c] = bits
        self.reach = [reach[members[n]] for n in nodes]

    def count(self, system: str) -> int:
        """How many systems ``graph_systems`` lists for ``system``."""
        i = self.position.get(node_id("system", system))
        if i is None:
            return 0
        return (self.reach[i] & self.system_mask & ~(1 << i)).bit_count()

    def nearest(self, system: str, limit: int) -> list[tuple[str, int]]:
        """The first rows of ``graph_systems``: all of distance 1, then up to ``limit`` rows."""
        start = self.position.get(node_id("system", system))
        if start is None:
            return []
        seen = frontier = 1 << start
        rows: list[tuple[str, int]] = []
        level = 0
        while frontier:
            level += 1
            reached = 0
            for i in _bit_indexes(frontier):
                reached |= self.adj[i]
            reached &= ~seen
            seen |= reached
            wanted = limit - len(rows) if level > 1 else -1
            for i in _bit_indexes(reached & self.system_mask):
                if wanted == 0:
                    break
                rows.append((self.names[i], level))
                wanted -= 1
            if len(rows) >= limit:
                break
            frontier = reached
        return rows


class _Index:
    """Look-ups built once per run, so that no runbook scans every flow, event or policy."""

    def __init__(self, model: Model, graph: IntegrationGraph, exposure: list[Service],
                 limit: int = DEPENDENCY_LIMIT) -> None:
        self.model = model
        self.graph = graph
        self.limit = limit
        self.order = {name: i for i, name in enumerate(model.flows)}
        self.inbound: dict[str, list[Flow]] = {}
        self.outbound: dict[str, list[Flow]] = {}
        self.hops: dict[str, list[Flow]] = {}
        for flow in model.flows.values():
            self.outbound.setdefault(flow.source, []).append(flow)
            for target in dict.fromkeys(flow.targets):
                self.inbound.setdefault(target, []).append(flow)
            for hop in dict.fromkeys(flow.via):
                self.hops.setdefault(hop, []).append(flow)
        self.events: dict[str, list[Event]] = {}
        for event in model.events.values():
            for name in dict.fromkeys((event.publisher, event.broker)):
                self.events.setdefault(name, []).append(event)
        self.brokers = {e.broker for e in model.events.values()}
        self.policies: dict[str, list[AccessPolicy]] = {}
        for policy in model.policies.values():
            names = [policy.target, policy.via]
            if policy.principal.kind == "system":
                names.append(policy.principal.name)
            for name in dict.fromkeys(n for n in names if n):
                self.policies.setdefault(name, []).append(policy)
        self.waivers: dict[tuple[str, str], list[Waiver]] = {}
        for waiver in model.waivers.values():
            self.waivers.setdefault((waiver.target.kind, waiver.target.name), []).append(waiver)
        self.workflows: dict[str, list[tuple[Workflow, str, str]]] = {}
        for wf in model.workflows.values():
            for step in wf.steps:
                self.workflows.setdefault(step.flow, []).append(
                    (wf, step.name, _compensation(step)))
        self.flow_services: dict[str, list[Service]] = {}
        self.route_policies: dict[str, set[str]] = {}
        self.system_services: dict[str, list[Service]] = {}
        self.kong_files: dict[int, str] = {}
        for service in exposure:
            self.kong_files[id(service)] = kong_file(model, service)
            for name in dict.fromkeys((service.exposed, service.gateway)):
                self.system_services.setdefault(name, []).append(service)
            for route in service.routes:
                listed = self.flow_services.setdefault(route.flow.name, [])
                if not listed or listed[-1] is not service:
                    listed.append(service)
                self.route_policies.setdefault(route.flow.name, set()).update(
                    p.name for p in route.policies)
        self._reach: dict[bool, _Reach] = {}
        self._near: dict[tuple[str, bool, bool, int], tuple[list[tuple[str, int]], int]] = {}
        self._ranked_inbound: dict[str, list[Flow]] = {}
        self._union: dict[tuple[str, ...], list[Flow]] = {}
        self._ranked_union: dict[tuple[str, ...], list[Flow]] = {}
        self._downstream: dict[tuple[str, ...], tuple[list[tuple[str, int]], int]] = {}

    def reach(self, *, upstream: bool) -> _Reach:
        """Nearest systems and counts in one direction (built on first use)."""
        found = self._reach.get(upstream)
        if found is None:
            found = self._reach[upstream] = _Reach(self.graph, upstream=upstream)
        return found

    def systems_near(self, system: str, *, upstream: bool,
                     keep_direct: bool = False) -> tuple[list[tuple[str, int]], int]:
        """``nearest(graph_systems(system))`` without walking the whole graph."""
        limit = self.limit
        key = (system, upstream, keep_direct, limit)
        found = self._near.get(key)
        if found is None:
            reach = self.reach(upstream=upstream)
            rows = reach.nearest(system, limit)
            if keep_direct:
                limit = max(limit, sum(1 for _, d in rows if d == 1))
            shown = rows[:limit]
            found = self._near[key] = (shown, reach.count(system) - len(shown))
        return found

    def waivers_on(self, targets: Iterable[tuple[str, str]]) -> list[Waiver]:
        """``waivers_on`` through the index."""
        found = {w.name: w for t in dict.fromkeys(targets) for w in self.waivers.get(t, ())}
        return sorted(found.values(), key=lambda w: (w.expires_text, w.name))

    def _ranked(self, flows: list[Flow]) -> list[Flow]:
        return sorted(flows, key=lambda f: (CRITICALITY_RANK.get(f.criticality, 9), f.name))

    def _pick(self, flow: Flow, flows: list[Flow], contains: bool,
              ranked: Callable[[], list[Flow]], limit: int) -> tuple[list[Flow], int]:
        """``most_critical`` of ``flows`` less ``flow`` (in it when ``contains``)."""
        count = len(flows) - (1 if contains else 0)
        if count <= limit:
            return [f for f in flows if f is not flow], 0
        kept = []
        for f in ranked():
            if f is not flow:
                kept.append(f)
                if len(kept) == limit:
                    break
        kept.sort(key=lambda f: self.order[f.name])
        return kept, count - limit

    def upstream_flows(self, flow: Flow) -> tuple[list[Flow], int]:
        """``most_critical`` of the flows into ``flow``'s source (without ``flow``)."""
        source = flow.source
        flows = self.inbound.get(source, [])

        def ranked() -> list[Flow]:
            found = self._ranked_inbound.get(source)
            if found is None:
                found = self._ranked_inbound[source] = self._ranked(flows)
            return found

        return self._pick(flow, flows, source in flow.targets, ranked, self.limit)

    def downstream_flows(self, flow: Flow) -> tuple[list[Flow], int]:
        """``most_critical`` of the flows out of ``flow``'s targets (without ``flow``)."""
        targets = tuple(dict.fromkeys(flow.targets))
        flows = self._union.get(targets)
        if flows is None:
            if len(targets) == 1:
                flows = self.outbound.get(targets[0], [])
            else:
                found = {f.name: f for t in targets for f in self.outbound.get(t, ())}
                flows = sorted(found.values(), key=lambda f: self.order[f.name])
            self._union[targets] = flows
        union = flows

        def ranked() -> list[Flow]:
            found = self._ranked_union.get(targets)
            if found is None:
                found = self._ranked_union[targets] = self._ranked(union)
            return found

        return self._pick(flow, flows, flow.source in targets, ranked, self.limit)

    def downstream_systems(self, targets: Sequence[str]) -> tuple[list[tuple[str, int]], int]:
        """The nearest systems fed by any of ``targets`` (not themselves), and how many more."""
        key = tuple(dict.fromkeys(targets))
        if len(key) == 1:
            return self.systems_near(key[0], upstream=False)
        found = self._downstream.get(key)
        if found is None:
            # Only what the runbooks show is kept: the walks list every system reachable.
            rows = sorted(
                {s for t in key for s in graph_systems(self.graph, t, upstream=False)
                 if s[0] not in key},
                key=lambda r: (r[1], r[0]),
            )
            found = self._downstream[key] = nearest(rows, self.limit)
        return found


class _Links:
    """Relative links from one runbook folder, with the names' file segments computed once."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._flows: dict[str, str] = {}
        self._systems: dict[str, str] = {}
        self._system_md: dict[str, str] = {}
        self._rows: dict[tuple[str, bool], list[str]] = {}
        # Flow -> its line in other flows' dependency lists: each flow is listed by dozens.
        self._upstream: dict[str, str] = {}
        self._downstream: dict[str, str] = {}
        self._flow_rows: dict[str, str] = {}

    def to(self, path: str) -> str:
        """A link from a file of this folder to ``path``."""
        return rel(f"{self.folder}/x", path)

    def flow(self, name: str) -> str:
        """The link to a flow's runbook."""
        link = self._flows.get(name)
        if link is None:
            link = self._flows[name] = self.to(flow_doc(name))
        return link

    def system(self, name: str) -> str:
        """The link to a system's runbook."""
        link = self._systems.get(name)
        if link is None:
            link = self._systems[name] = self.to(system_doc(name))
        return link

    def flow_md(self, name: str) -> str:
        """``[`name`](link)`` to a flow's runbook."""
        return f"[`{name}`]({self.flow(name)})"

    def system_md(self, name: str) -> str:
        """``[`name`](link)`` to a system's runbook."""
        text = self._system_md.get(name)
        if text is None:
            text = self._system_md[name] = f"[`{name}`]({self.system(name)})"
        return text

    def upstream_flow(self, flow: Flow) -> str:
        """One line of a flow runbook's upstream flows."""
        line = self._upstream.get(flow.name)
        if line is None:
            link = self.flow_md(flow.name)
            line = self._upstream[flow.name] = (
                f"{link} from `{flow.source}` ({flow.pattern}, {flow.criticality})")
        return line

    def downstream_flow(self, flow: Flow) -> str:
        """One line of a flow runbook's downstream flows."""
        line = self._downstream.get(flow.name)
        if line is None:
            line = self._downstream[flow.name] = (
                f"{self.flow_md(flow.name)} from `{flow.source}` to {', '.join(flow.targets)} "
                f"({flow.pattern}, {flow.criticality})")
        return line

    def flow_row(self, flow: Flow) -> str:
        """A flow's row in a system runbook's flow tables."""
        row = self._flow_rows.get(flow.name)
        if row is None:
            row = self._flow_rows[flow.name] = (
                f"| {self.flow_md(flow.name)} | {flow.source} → {', '.join(flow.targets)} | "
                f"{flow.pattern} | {flow.criticality} | {flow.owner or '-'} |")
        return row

    def flow_table_rows(self, flows: Iterable[Flow]) -> str:
        """The rows of a system runbook's flow table, one per flow."""
        return "\n".join(self.flow_row(f) for f in flows)

    def flow_link_list(self, flows: Iterable[Flow]) -> str:
        """``[`a`](link), [`b`](link)``."""
        return ", ".join(self.flow_md(f.name) for f in flows)

    def systems_md(self, rows: Iterable[tuple[str, int]],
                   key: tuple[str, bool] | None = None) -> list[str]:
        """``[`name`](link) (distance)`` per row; remembered under ``key`` when given."""
        found = self._rows.get(key) if key is not None else None
        if found is None:
            found = [f"{self.system_md(name)} ({d})" for name, d in rows]
            if key is not None:
                self._rows[key] = found
        return found


class RunbooksTarget(Target):
    """Markdown runbooks per flow and per system, with an index."""

    name = "runbooks"
    description = "Markdown runbooks per flow and per system: owners, SLA, failure modes, replay"
    output_dir = "runbooks"

    def generate(self, ctx: TargetContext) -> list[GeneratedFile]:
        """``runbooks/index.md``, ``runbooks/flows/<flow>.md``, ``runbooks/systems/<system>.md``."""
        return sorted(self.iter_files(ctx), key=lambda f: f.path)

    shardable = True

    def prepare(self, ctx: TargetContext) -> None:
        """Build the run's look-ups (and their graph walks) once, before a parallel split."""
        index = self._index(ctx)
        index.reach(upstream=True)
        index.reach(upstream=False)

    @staticmethod
    def _index(ctx: TargetContext) -> _Index:
        # One slot: the index refers to its model, so a per-model cache would keep every model
        # alive; the last run's is what prepare() built for the shards of the same run.
        limit = ctx.options.get("dependency_limit", DEPENDENCY_LIMIT)
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise GenerationError("runbooks option dependency_limit must be a positive integer")
        if _LAST_INDEX:
            ref, index = _LAST_INDEX[0]
            if ref() is ctx.graph and index.model is ctx.model and index.limit == limit:
                return index
        index = _Index(ctx.model, ctx.graph, services(ctx.model), limit)
        _LAST_INDEX[:] = [(weakref.ref(ctx.graph), index)]
        return index

    def iter_files(self, ctx: TargetContext) -> Iterator[GeneratedFile]:
        """The runbooks one at a time: flows, then systems, then the index (shard 0)."""
        model = ctx.model
        flows = [f for f in model.flows.values() if ctx.scope.has_flow(f.name)]
        systems = [s for s in model.systems.values() if self._system_in_scope(ctx, s, flows)]
        if not flows and not systems:
            return
        index = self._index(ctx)
        from_flows = _Links(f"{self.output_dir}/flows")
        from_systems = _Links(f"{self.output_dir}/systems")

        def render(path: str, template: str, **context: Any) -> GeneratedFile:
            text = ctx.render(f"runbooks/{template}", path=path, cell=cell, **context)
            return GeneratedFile(path, text.encode("utf-8"))

        contacts: dict[str | None, str] = {}

        def team_contacts(team: Team | None) -> str:
            # The owner team's block, made once per team: hundreds of teams, thousands of flows.
            key = team.name if team is not None else None
            text = contacts.get(key)
            if text is None:
                text = contacts[key] = ctx.render("runbooks/contacts.md.j2", team=team,
                                                  cell=cell).strip()
            return text

        for position, flow in enumerate(flows):
            if ctx.mine(position):
                path = flow_doc(flow.name)
                context = self._flow_context(index, flow, path, from_flows)
                yield render(path, "flow.md.j2", team_contacts=team_contacts(context["team"]),
                             **context)
        for position, system in enumerate(systems, start=len(flows)):
            if ctx.mine(position):
                path = system_doc(system.name)
                yield render(path, "system.md.j2",
                             **self._system_context(index, system, path, from_systems))
        if ctx.shard != 0:
            return
        path = f"{self.output_dir}/index.md"
        from_index = _Links(self.output_dir)
        yield render(path, "index.md.j2", flows=flows, systems=systems,
                     teams=self._teams(model, [*flows, *systems]),
                     flow_link=from_index.flow, system_link=from_index.system,
                     plants=lambda r: ", ".join(resource_plants(model, r)))

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

    def _flow_context(self, index: _Index, flow: Flow, path: str,
                      links_from: _Links) -> dict[str, Any]:
        model = index.model
        systems = [flow.source, *flow.targets, *flow.via]
        involved = [(name, model.systems.get(name)) for name in dict.fromkeys(systems)]
        event: Event | None = model.events.get(flow.event) if flow.event else None
        route_policies = sorted(index.route_policies.get(flow.name, ()))
        links: list[Link] = [
            Link("Connector package",
                 links_from.to(f"connectors/{package_name(flow.name)}/README.md")),
            Link(f"Alert rules ({flow.owner or UNOWNED})", links_from.to(alerts_file(flow.owner))),
        ]
        for service in index.flow_services.get(flow.name, ()):
            links.append(Link(f"Gateway config ({service.gateway}, service {service.name})",
                              links_from.to(index.kong_files[id(service)])))
            links.append(Link(f"OpenAPI contract ({service.exposed})",
                              links_from.to(f"openapi/{file_name(service.exposed, '.yaml')}")))
        if event is not None:
            links.append(Link(f"AsyncAPI contract ({event.broker})",
                              links_from.to(f"asyncapi/{file_name(event.broker, '.yaml')}")))
        links = list({(ln.text, ln.href): ln for ln in links}.values())
        freshness, from_sla = freshness_of(flow)
        alerts = [f"MfgintFlowErrorBudgetBurn{w.name}" for w in BURN_WINDOWS
                  if flow.sla.success_rate is not None]
        alerts += ["MfgintFlowStale", "MfgintFlowDeadLetterBacklog", "MfgintFlowDeadLetters"]
        upstream_flows, upstream_flows_more = index.upstream_flows(flow)
        downstream_flows, downstream_flows_more = index.downstream_flows(flow)
        upstream_systems, upstream_systems_more = index.systems_near(flow.source, upstream=True)
        downstream_systems, downstream_systems_more = index.downstream_systems(flow.targets)
        odoo = any(s is not None and s.is_odoo for _, s in involved)
        return {
            "flow": flow,
            "team": self._team(model, flow.owner),
            "involved": involved,
            "system_team": lambda s: self._team(model, s.owner if s else None),
            "system_link": links_from.system,
            "flow_link": links_from.flow,
            "index_link": links_from.to(f"{self.output_dir}/index.md"),
            "event": event,
            "links": links,
            "plants": ", ".join(resource_plants(model, flow)),
            "freshness": freshness,
            "freshness_from_sla": from_sla,
            "alerts": alerts,
            "alert_help": ALERT_HELP,
            "alert_sections": _alert_sections(tuple(alerts)),
            "failure_modes": FAILURE_MODES.get(flow.pattern, ()),
            "failure_mode_rows": _failure_mode_rows(flow.pattern),
            "odoo_notes": ODOO_NOTES if odoo else (),
            "odoo_notes_list": _ODOO_NOTES_LIST if odoo else "",
            "waivers": index.waivers_on([
                ("Flow", flow.name),
                *(("AccessPolicy", p) for p in route_policies),
                *((("Event", event.name),) if event is not None else ()),
            ]),
            "workflows": index.workflows.get(flow.name, []),
            "upstream_flows": upstream_flows,
            "upstream_flow_items": (upstream_items := [links_from.upstream_flow(f)
                                                        for f in upstream_flows]),
            "upstream_flow_list": "\n".join(f"- {item}" for item in upstream_items),
            "upstream_flows_more": upstream_flows_more,
            "downstream_flows": downstream_flows,
            "downstream_flow_items": (downstream_items := [links_from.downstream_flow(f)
                                                            for f in downstream_flows]),
            "downstream_flow_list": "\n".join(f"- {item}" for item in downstream_items),
            "downstream_flows_more": downstream_flows_more,
            "upstream_systems": upstream_systems,
            "upstream_system_items": links_from.systems_md(upstream_systems,
                                                           (flow.source, True)),
            "upstream_systems_more": upstream_systems_more,
            "downstream_systems": downstream_systems,
            "downstream_system_items": links_from.systems_md(downstream_systems),
            "downstream_systems_more": downstream_systems_more,
            "package": package_name(flow.name),
        }

    def _system_context(self, index: _Index, system: System, path: str,
                        links_from: _Links) -> dict[str, Any]:
        model = index.model
        name = system.name
        outbound = index.outbound.get(name, [])
        inbound = index.inbound.get(name, [])
        hops = index.hops.get(name, [])
        events = index.events.get(name, [])
        policies = index.policies.get(name, [])
        links: list[Link] = []
        for service in index.system_services.get(name, ()):
            links.append(Link(f"Gateway config ({service.gateway}, service {service.name})",
                              links_from.to(index.kong_files[id(service)])))
            if name == service.exposed:
                links.append(Link("OpenAPI contract",
                                  links_from.to(f"openapi/{file_name(name, '.yaml')}")))
        if name in index.brokers:
            links.append(Link("AsyncAPI contract",
                              links_from.to(f"asyncapi/{file_name(name, '.yaml')}")))
        teams = sorted({f.owner or UNOWNED for f in [*outbound, *inbound, *hops]})
        links += [Link(f"Alert rules ({t})", links_from.to(alerts_file(t))) for t in teams]
        links = list({(ln.text, ln.href): ln for ln in links}.values())
        upstream_systems, upstream_systems_more = index.systems_near(
            name, upstream=True, keep_direct=True)
        downstream_systems, downstream_systems_more = index.systems_near(
            name, upstream=False, keep_direct=True)
        return {
            "system": system,
            "team": self._team(model, system.owner),
            "outbound": outbound,
            "inbound": inbound,
            "hops": hops,
            "events": events,
            "policies": policies,
            "flow_link": links_from.flow,
            "flow_table_rows": links_from.flow_table_rows,
            "flow_link_list": links_from.flow_link_list,
            "system_link": links_from.system,
            "index_link": links_from.to(f"{self.output_dir}/index.md"),
            "upstream_systems": upstream_systems,
            "upstream_systems_more": upstream_systems_more,
            "downstream_systems": downstream_systems,
            "downstream_systems_more": downstream_systems_more,
            "waivers": index.waivers_on([
                ("System", name), *(("AccessPolicy", p.name) for p in policies),
            ]),
            "links": links,
            "plants": ", ".join(resource_plants(model, system)),
            "odoo_notes": ODOO_NOTES if system.is_odoo else (),
        }
