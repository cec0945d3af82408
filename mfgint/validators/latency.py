"""Latency rules: batch hops, schedules, retries, batch-fed realtime flows, synchronous chains."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

from mfgint.compiler.model import Flow, Model, duration_seconds
from mfgint.diagnostics import Diagnostic, Severity, Span
from mfgint.validators.cron import cron_error
from mfgint.validators.registry import Family, RuleContext, Scope

FAMILY = Family(
    "LAT",
    "latency",
    "Latency classes against the route: batch hops, schedules, retries, synchronous chains.",
)

_FAST = frozenset({"realtime", "near-realtime"})
_BATCH_PATTERNS = frozenset({"batch", "file"})
# Triggers driven by the data itself: a batch or file flow started this way needs no schedule.
_DATA_TRIGGERS = frozenset({"event", "webhook", "on-change", "on-demand"})
MAX_UPSTREAM_DEPTH = 16
MAX_CYCLE_LENGTH = 12
MAX_CYCLES_PER_OBJECT = 100
# The flows (with their target index) of each (source, target) edge, in the order first seen.
_Edges = dict[tuple[str, str], list[tuple[Flow, int]]]


def _target_path(flow: Flow, index: int) -> tuple[str | int, ...]:
    """Spec path of the ``index``-th target (``target`` or ``targets[i]``)."""
    spec = flow.raw.get("spec") if isinstance(flow.raw, Mapping) else None
    if isinstance(spec, Mapping) and "targets" in spec:
        return ("spec", "targets", index)
    return ("spec", "target")


def _is_batch_flow(flow: Flow) -> bool:
    return flow.latency == "batch" or flow.pattern in _BATCH_PATTERNS


def _fmt_seconds(seconds: float) -> str:
    """``0.8`` -> ``800ms``, ``90`` -> ``90s``, ``1.5`` -> ``1.5s``."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    if seconds == int(seconds):
        return f"{int(seconds)}s"
    return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"


# --- LAT001 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="LAT001",
    name="realtime-through-batch-hop",
    severity=Severity.ERROR,
    summary="A realtime or near-realtime flow uses a batch pattern or passes a batch hop.",
    explanation="""
A flow's latency is bounded by its slowest hop. A realtime or near-realtime flow that passes
through a store-and-forward system (a `via` hop with `processing: batch`, or of type `edi`,
which collects and sends interchanges in runs), or whose own pattern is `batch` or `file`,
cannot deliver in seconds or minutes: its SLA is fiction, and alerts built on it fire every
day.

Fix: route the flow around the batch hop (an event broker or the API gateway), or declare its
real latency class with `latency: batch` and a `schedule`.
""",
    scope=Scope(("Flow",), reads=("System",)),
)
def check_batch_hop(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Fast flows with a batch pattern or a batch hop in via."""
    systems = ctx.model.systems
    for flow in ctx.subjects(Flow):
        if flow.latency not in _FAST:
            continue
        if flow.pattern in _BATCH_PATTERNS:
            yield ctx.diag(
                flow, ("spec", "pattern"),
                f"Flow '{flow.name}' is {flow.latency} but its pattern is {flow.pattern}",
                hint="use pattern event or api for a fast flow, or set `latency: batch`",
                related=[(flow.loc("spec", "latency"), f"latency {flow.latency}")],
            )
        for i, hop in enumerate(flow.via):
            system = systems.get(hop)
            if system is None:
                continue
            if system.processing == "batch" or system.type == "edi":
                why = "processing: batch" if system.processing == "batch" else "type edi"
                yield ctx.diag(
                    flow, ("spec", "via", i),
                    f"Flow '{flow.name}' is {flow.latency} but passes '{hop}', a batch hop "
                    f"({why})",
                    hint="route it through a streaming hop (broker or gateway), or set "
                         "`latency: batch` with a schedule",
                    related=[(system.loc("spec", "processing" if why.startswith("p") else "type"),
                              f"'{hop}' is declared {why} here")],
                )


# --- LAT002 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="LAT002",
    name="batch-without-schedule",
    severity=Severity.ERROR,
    summary="A batch, file or scheduled flow has no schedule.",
    explanation="""
A batch or file flow, a flow with `latency: batch` and a flow with `trigger: schedule` run at
set times. Without `schedule` nobody knows when the data arrives: the freshness SLA cannot be
checked, generated alert rules have no expected run to watch, and the job is easily
forgotten in a migration.

Batch flows started by the data itself (`trigger: event`, `webhook`, `on-change`) or by hand
(`trigger: on-demand`) need no schedule.

Fix: add `schedule: "<5-field cron>"`, e.g. `schedule: "0 2 * * *"` for 02:00 every day
(quote it: `*` starts a YAML alias), or set the trigger that really starts it.
""",
    scope=Scope(("Flow",)),
)
def check_batch_schedule(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Batch and scheduled flows without a schedule."""
    for flow in ctx.subjects(Flow):
        if flow.schedule:
            continue
        path: tuple[str, ...]
        if flow.trigger == "schedule":
            path, why = ("spec", "trigger"), "has trigger schedule"
        elif flow.trigger in _DATA_TRIGGERS:
            continue
        elif flow.pattern in _BATCH_PATTERNS:
            path, why = ("spec", "pattern"), f"has pattern {flow.pattern}"
        elif flow.latency == "batch":
            path, why = ("spec", "latency"), "has latency batch"
        else:
            continue
        yield ctx.diag(
            flow, path, f"Flow '{flow.name}' {why} but no schedule",
            hint='add `schedule: "<cron>"`, e.g. `schedule: "0 2 * * *"` (02:00 daily), or '
                 "set the trigger that starts it (event, webhook, on-change, on-demand)",
        )


# --- LAT003 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="LAT003",
    name="invalid-cron",
    severity=Severity.ERROR,
    summary="A flow or reconciliation schedule is not a valid 5-field cron expression.",
    explanation="""
Schedules (`schedule` and `reconciliation.schedule`) are 5-field cron expressions:
minute (0-59), hour (0-23), day of month (1-31), month (1-12 or JAN-DEC), day of week (0-7,
0 and 7 are Sunday, or SUN-SAT). Each field takes `*`, a value, a range `a-b`, a step `*/n`,
`a-b/n` or `a/n`, and comma lists of those; the aliases @hourly, @daily (@midnight), @weekly,
@monthly and @yearly (@annually) are accepted. Quartz extensions (`?`, `L`, `W`, `#`), a seconds
or year field, and steps larger than the field's range (`*/90` minutes: cron cannot run every
90 minutes) are refused, and so are day/month combinations that never happen (`0 0 30 2 *`).
A schedule the scheduler rejects, or reads differently from what was meant, means the job
never runs.

Fix: correct the field the message names; `crontab.guru` shows what an expression means.
""",
    scope=Scope(("Flow",)),
)
def check_cron(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Invalid flow and reconciliation schedules."""
    for flow in ctx.subjects(Flow):
        items: list[tuple[tuple[str, ...], str, str]] = []
        if flow.schedule is not None:
            items.append((("spec", "schedule"), flow.schedule, "schedule"))
        if flow.reconciliation is not None:
            items.append((("spec", "reconciliation", "schedule"), flow.reconciliation.schedule,
                          "reconciliation schedule"))
        for path, text, label in items:
            err = cron_error(text)
            if err is None:
                continue
            yield ctx.diag(
                flow, path, f"Flow '{flow.name}': {label} '{text}' is not a valid cron "
                f"expression: {err.message}",
                hint="5 fields: minute hour day-of-month month day-of-week, e.g. "
                     '"*/15 6-20 * * MON-FRI"',
            )


# --- LAT004 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="LAT004",
    name="realtime-without-retry-or-dead-letter",
    severity=Severity.WARNING,
    summary="A realtime or near-realtime flow has no retry policy or no dead letter.",
    explanation="""
Fast flows meet transient failures all the time: a gateway timeout, a broker leader election,
Odoo busy with a long transaction. Without `retry` (with more than one attempt) a blip becomes
lost data; without `deadLetter` the message that still fails after the last attempt is dropped
instead of being parked for replay and investigation.

Read flows (`operation: read`) need a retry but no dead letter: a failed read has nothing to
park, the reader simply asks again.

Fix: add `retry: {maxAttempts: 5, backoff: exponential, initialDelay: 1s, maxDelay: 5m}` and
`deadLetter: {target: <topic, queue or path>, system: <system holding it>}`.
""",
    scope=Scope(("Flow",)),
)
def check_retry_dead_letter(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Fast flows without retry or dead letter."""
    for flow in ctx.subjects(Flow):
        if flow.latency not in _FAST:
            continue
        if flow.retry is None:
            yield ctx.diag(
                flow, ("spec",), f"Flow '{flow.name}' is {flow.latency} but has no retry",
                hint="add `retry: {maxAttempts: 5, backoff: exponential, initialDelay: 1s, "
                     "maxDelay: 5m}`",
                key=True,
            )
        elif flow.retry.max_attempts < 2:
            yield ctx.diag(
                flow, ("spec", "retry", "maxAttempts"),
                f"Flow '{flow.name}' is {flow.latency} but retry.maxAttempts is "
                f"{flow.retry.max_attempts}, so it never retries",
                hint="allow several attempts, e.g. `maxAttempts: 5` with exponential backoff",
            )
        if flow.dead_letter is None and flow.operation != "read":
            yield ctx.diag(
                flow, ("spec",), f"Flow '{flow.name}' is {flow.latency} but has no dead letter",
                hint="add `deadLetter: {target: <topic, queue or path>, system: <system>}`",
                key=True,
            )


# --- LAT005 ----------------------------------------------------------------------------------


class _BatchFeeds:
    """Whether a system receives an object only through batch flows, walking upstream."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.inbound: dict[tuple[str, str], list[Flow]] = defaultdict(list)
        for flow in model.flows.values():
            for target in flow.targets:
                if target != flow.source:
                    self.inbound[(flow.object.name, target)].append(flow)
        self.memo: dict[tuple[str, str], list[Flow] | None] = {}

    def masters(self, obj: str) -> frozenset[str]:
        """Systems of record of the object, in any scope."""
        found = self.model.objects.get(obj)
        return frozenset(found.sor_by_system) if found else frozenset()

    def batch_only(self, obj: str, system: str, depth: int = 0) -> list[Flow] | None:
        """The batch flows that are the only way ``obj`` reaches ``system``; None if not so."""
        key = (obj, system)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = None  # in progress: a cycle does not prove anything
        result = self._compute(obj, system, depth)
        self.memo[key] = result
        return result

    def _compute(self, obj: str, system: str, depth: int) -> list[Flow] | None:
        if depth >= MAX_UPSTREAM_DEPTH or system in self.masters(obj):
            return None
        flows = self.inbound.get((obj, system))
        if not flows:
            return None
        batch: list[Flow] = []
        for flow in flows:
            if _is_batch_flow(flow):
                batch.append(flow)
                continue
            upstream = self.batch_only(obj, flow.source, depth + 1)
            if upstream is None:
                return None
            batch.extend(upstream)
        return sorted(set(batch), key=lambda f: f.name)


@FAMILY.rule(
    code="LAT005",
    name="realtime-fed-by-batch",
    severity=Severity.WARNING,
    summary="A realtime flow's source receives the object only through batch flows upstream.",
    explanation="""
A realtime or near-realtime flow is only as fresh as its input. When its source is not a
system of record of the object and receives the object only through batch flows (latency
`batch`, or pattern `batch` or `file`), directly or through other fast flows further upstream,
the data it forwards in seconds is hours old. Consumers trust the latency class and build
on it.

The walk goes upstream flow by flow for the same object (up to 16 hops) and stops at a system
of record, which produces the object itself. A source with at least one fast path to a system
of record is not reported.

Fix: feed the source with an event or API flow from the system of record, read from the
system of record directly, or declare the flow `latency: batch`.
""",
    # The walk upstream follows other flows of the object and stops at its systems of record.
    scope=Scope(("Flow",), reads=("Flow", "BusinessObject")),
)
def check_fed_by_batch(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Fast flows whose source gets the object only in batches."""
    feeds: _BatchFeeds | None = None
    for flow in ctx.subjects(Flow):
        if flow.latency not in _FAST:
            continue
        if feeds is None:
            feeds = _BatchFeeds(ctx.model)
        batch = feeds.batch_only(flow.object.name, flow.source)
        if not batch:
            continue
        names = ", ".join(f"'{f.name}'" for f in batch[:3])
        more = f" and {len(batch) - 3} more" if len(batch) > 3 else ""
        yield ctx.diag(
            flow, ("spec", "latency"),
            f"Flow '{flow.name}' is {flow.latency} but '{flow.source}' receives "
            f"{flow.object.name} only through batch flow(s) {names}{more}",
            hint=f"feed '{flow.source}' with an event or API flow from the system of record, "
                 "or declare this flow `latency: batch`",
            related=[(f.loc("spec", "latency"), f"batch flow '{f.name}'") for f in batch[:3]],
        )


# --- LAT006 ----------------------------------------------------------------------------------


def _api_inbound(model: Model) -> dict[tuple[str, str], list[Flow]]:
    """Synchronous flows by (object, target)."""
    out: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    for flow in model.flows.values():
        if flow.synchronous:
            for target in flow.targets:
                out[(flow.object.name, target)].append(flow)
    return out


def _budget(flow: Flow) -> float:
    return duration_seconds(flow.sla.budget) or 0.0


def _longest_chains(model: Model) -> dict[tuple[str, str], tuple[float, tuple[Flow, ...]]]:
    """For each (object, system): the api chain into it with the largest budget sum.

    Longest paths over systems rather than flows keep the walk linear in the number of flows;
    it is iterative (chains can be long) and skips edges that close a cycle (LAT007).
    """
    inbound = _api_inbound(model)
    best: dict[tuple[str, str], tuple[float, tuple[Flow, ...]]] = {}
    on_stack: set[tuple[str, str]] = set()
    for root in sorted(inbound):
        if root in best:
            continue
        stack: list[tuple[tuple[str, str], Iterator[Flow]]] = [(root, iter(inbound[root]))]
        on_stack.add(root)
        while stack:
            node, preds = stack[-1]
            for pred in preds:
                up = (node[0], pred.source)
                if up not in best and up not in on_stack:
                    on_stack.add(up)
                    stack.append((up, iter(inbound.get(up, ()))))
                    break
            else:
                stack.pop()
                on_stack.discard(node)
                total: float = 0.0
                chain: tuple[Flow, ...] = ()
                for pred in inbound.get(node, ()):
                    up = (node[0], pred.source)
                    if up not in best:
                        continue  # still on the stack: a cycle
                    up_total, up_chain = best[up]
                    if pred in up_chain:
                        continue
                    if up_total + _budget(pred) > total or not chain:
                        total, chain = up_total + _budget(pred), (*up_chain, pred)
                best[node] = (total, chain)
    return best


def _chain_to(
    best: dict[tuple[str, str], tuple[float, tuple[Flow, ...]]], flow: Flow
) -> tuple[float, tuple[Flow, ...]]:
    """The largest-budget api chain ending with ``flow``."""
    total, chain = best.get((flow.object.name, flow.source), (0.0, ()))
    if flow in chain:  # a cycle leads back to the flow itself: keep the part after it
        chain = chain[chain.index(flow) + 1:]
        total = sum(_budget(f) for f in chain)
    return total + _budget(flow), (*chain, flow)


def _chain_text(chain: tuple[Flow, ...]) -> str:
    """``a --> b --> c`` for a chain of flows, each joining at the next one's source."""
    systems = [chain[0].source] + [f.source for f in chain[1:]]
    last = chain[-1].targets
    systems.append(last[0] if len(last) == 1 else "{" + ", ".join(last) + "}")
    return " --> ".join(systems)


@FAMILY.rule(
    code="LAT006",
    name="sync-chain-over-budget",
    severity=Severity.ERROR,
    summary="Chained api hops' sla.budget values add up to more than the last flow's freshness.",
    explanation="""
In a chain of synchronous (`pattern: api`) flows of one object, `a --> b --> c`, data reaches
`c` no sooner than the sum of each hop's time. `sla.budget` is the share of the end-to-end time
a hop may use; `sla.freshness` is the maximum age the data may have at the flow's target. When
the budgets along the chain ending at a flow add up to more than that flow's freshness, the SLA
cannot be met even when every hop keeps its budget.

The rule takes, for each api flow with a freshness, the chain of api flows of the same object
that ends with it and has the largest budget sum (flows without a budget count zero; a chain is
cut where it would run around a cycle, which LAT007 reports). A single flow whose own budget
exceeds its freshness is reported too.

Fix: lower the hop budgets, relax the consuming flow's `sla.freshness`, or shorten the chain
(call the system of record directly, or decouple a hop with an event).
""",
    # The chain ending at a flow is made of other flows.
    scope=Scope(("Flow",), reads=("Flow",)),
)
def check_chain_budget(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Api chains whose budgets exceed the freshness of the flow they end with."""
    candidates = [f for f in ctx.subjects(Flow)
                  if f.synchronous and duration_seconds(f.sla.freshness) is not None]
    if not candidates:
        return
    best = _longest_chains(ctx.model)
    for flow in candidates:
        freshness = duration_seconds(flow.sla.freshness)
        total, chain = _chain_to(best, flow)
        if freshness is None or total <= freshness:
            continue
        parts = [f.sla.budget for f in chain if f.sla.budget]
        sum_text = " + ".join(str(p) for p in parts)
        if len(parts) > 1:
            sum_text += f" = {_fmt_seconds(total)}"
        what = "chain" if len(chain) > 1 else "hop"
        budgets = "budgets" if len(parts) > 1 else "budget"
        yield ctx.diag(
            flow, ("spec", "sla", "freshness"),
            f"Flow '{flow.name}': synchronous {what} {_chain_text(chain)} has {budgets} "
            f"{sum_text}, over its freshness {flow.sla.freshness}",
            hint="lower the hop budgets, relax sla.freshness, or shorten the chain",
            related=[(f.loc("spec", "sla", "budget"), f"budget {f.sla.budget} of '{f.name}'")
                     for f in chain if f.sla.budget],
        )


# --- LAT007 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="LAT007",
    name="sync-cycle",
    severity=Severity.ERROR,
    summary="Synchronous (api) flows of one object form a cycle.",
    explanation="""
A cycle of synchronous flows for the same object (`a --> b --> a`: a pushes the object to b by
API, b pushes it back to a) is an echo loop: an update in `a` is sent to `b`, whose change
handler sends it back to `a`, which triggers the first flow again. Each hop also holds its
caller's request open, so a slow hop times out the whole loop, and retries multiply the
traffic.

The cycle follows the data (source to target) through api flows that all push, or all pull,
so that the calls go around the same loop as the data. A pull in one direction and a push in
the other (the MES reads an order, then confirms it) is a request and its answer, not a loop;
flows of different objects between the same systems (orders down, confirmations up) are not a
cycle either. One finding is reported per cycle, on its flow with the lowest name, with the
other flows as related places; the cycle is printed from that flow's source.

Fix: make one direction asynchronous (an event through the broker), add a loop guard so that
changes made by the integration are not sent back, or split the object into field groups
each owned by one side.
""",
)
def check_sync_cycle(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Cycles of api flows carrying the same object, all pushed or all pulled."""
    graphs: dict[tuple[str, str], _Edges] = {}
    for flow in ctx.model.flows.values():
        if not flow.synchronous:
            continue
        g = graphs.setdefault((flow.object.name, flow.direction), {})
        for index, target in enumerate(flow.targets):
            g.setdefault((flow.source, target), []).append((flow, index))
    for obj, direction in sorted(graphs):
        g = graphs[(obj, direction)]
        if not _has_cycle(g):
            continue
        cycles = []
        for n, cycle in enumerate(_simple_cycles(g)):
            if n >= MAX_CYCLES_PER_OBJECT:
                break
            cycles.append(cycle)
        for cycle in sorted(cycles, key=lambda c: (len(c), sorted(c))):
            yield _cycle_diag(ctx, obj, g, cycle)


def _has_cycle(edges: Iterable[tuple[str, str]]) -> bool:
    """Whether the directed graph has a cycle: the nodes a topological sort cannot remove."""
    succ: dict[str, list[str]] = defaultdict(list)
    indegree: dict[str, int] = {}
    for a, b in edges:
        succ[a].append(b)
        indegree.setdefault(a, 0)
        indegree[b] = indegree.get(b, 0) + 1
    ready = [n for n, d in indegree.items() if d == 0]
    left = len(indegree)
    while ready:
        left -= 1
        for m in succ[ready.pop()]:
            indegree[m] -= 1
            if indegree[m] == 0:
                ready.append(m)
    return left > 0


def _simple_cycles(edges: _Edges) -> Iterator[list[str]]:
    """The graph's simple cycles up to MAX_CYCLE_LENGTH, in networkx's order.

    networkx is imported only here, for graphs that have a cycle: it costs a tenth of a second.
    """
    import networkx as nx

    g = nx.DiGraph()
    g.add_edges_from(edges)  # in the order first seen, which fixes the order of the cycles
    cycles: Iterator[list[str]] = nx.simple_cycles(g, length_bound=MAX_CYCLE_LENGTH)
    return cycles


def _cycle_diag(ctx: RuleContext, obj: str, g: _Edges, cycle: list[str]) -> Diagnostic:
    edges = []
    for i, source in enumerate(cycle):
        target = cycle[(i + 1) % len(cycle)]
        flows = sorted(g[(source, target)], key=lambda p: p[0].name)
        edges.append((i, flows[0]))
    start, (flow, index) = min(edges, key=lambda e: e[1][0].name)
    systems = cycle[start:] + cycle[:start]
    text = " --> ".join([*systems, systems[0]])
    related: list[tuple[Span, str]] = [
        (other.loc(*_target_path(other, idx)), f"'{other.name}' is part of the cycle")
        for _, (other, idx) in edges if other is not flow
    ]
    return ctx.diag(
        flow, _target_path(flow, index),
        f"Flow '{flow.name}': synchronous flows of {obj} form a cycle {text}",
        hint="make one direction an event through the broker, or add a loop guard so changes "
             "made by the integration are not sent back",
        related=related,
    )
