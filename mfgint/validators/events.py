"""Event rules: one publisher per event type, consumers, retention and replay, type naming."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from mfgint.compiler.model import Event, Flow, duration_seconds
from mfgint.config import ConfigError
from mfgint.diagnostics import Diagnostic, Severity
from mfgint.validators.registry import Family, RuleContext, Scope

FAMILY = Family(
    "EVT",
    "events",
    "Event types: a single publisher, consumers, retention and replay, naming, routing.",
)

DEFAULT_TYPE_PATTERN = r"^[a-z0-9]+(\.[a-z0-9_-]+)+\.v[0-9]+$"


def _event_flows(ctx: RuleContext) -> dict[str, list[Flow]]:
    """Flows naming each event, by event name."""
    out: dict[str, list[Flow]] = defaultdict(list)
    for flow in ctx.model.flows.values():
        if flow.event:
            out[flow.event].append(flow)
    return out


@FAMILY.rule(
    code="EVT001",
    name="multiple-publishers",
    severity=Severity.ERROR,
    summary="An event type has more than one publisher.",
    explanation="""
CloudEvents identifies an event by `source` + `id`, and consumers rely on one producer per type
for ordering, de-duplication and schema ownership. Two publishers of one type interleave on the
topic, reuse ids and evolve the schema apart. The rule reports two Events declaring the same
`type`, and a flow carrying an event (`event: X`) from a source other than the event's
`publisher` (a publisher listed in the flow's `via`, such as an integration hub publishing on
behalf of the source, is accepted).

Fix: give each publisher its own event type, or route every producer through the declared
publisher.
""",
    # A duplicate type is found among all events, so Event is read as well as checked.
    scope=Scope(("Event", "Flow"), reads=("Event",)),
)
def check_publishers(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Duplicate event types, and event flows from another source than the publisher."""
    first_of_type: dict[str, Event] = {}
    for ev in ctx.model.events.values():
        first_of_type.setdefault(ev.type, ev)
    for other in ctx.subjects(Event):
        first = first_of_type[other.type]
        if other is not first:
            yield ctx.diag(
                other, ("spec", "type"),
                f"Event '{other.name}' declares type '{other.type}', already declared by event "
                f"'{first.name}' (publishers {first.publisher} and {other.publisher})",
                hint="give this event its own type, or merge the two declarations",
                related=[(first.loc("spec", "type"), f"event '{first.name}' declares it here")],
            )
    for flow in ctx.subjects(Flow):
        published = ctx.model.events.get(flow.event) if flow.event else None
        if published is None or published.publisher in (flow.source, *flow.via):
            continue
        ev = published
        yield ctx.diag(
            flow, ("spec", "source"),
            f"Flow '{flow.name}' carries event '{ev.name}' from '{flow.source}', but its "
            f"publisher is '{ev.publisher}'",
            hint=f"make '{ev.publisher}' the source (or a via hop), or declare a separate "
                 f"event for '{flow.source}'",
            related=[(ev.loc("spec", "publisher"), f"publisher of '{ev.name}'")],
        )


@FAMILY.rule(
    code="EVT002",
    name="event-without-consumers",
    severity=Severity.WARNING,
    summary="No flow consumes the event.",
    explanation="""
An event's consumers are the flows that name it (`event: <name>`). An event without any is
either dead (a topic that costs storage and a schema that must be maintained) or consumed by
systems the landscape does not show, whose dependencies are then invisible to impact analysis
and migration waves.

Fix: declare the consuming flows with `event: <name>`, or remove the event.
""",
    scope=Scope(("Event",), reads=("Flow",)),
)
def check_consumers(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Events that no flow names."""
    consumed = {f.event for f in ctx.model.flows.values() if f.event}
    for ev in ctx.subjects(Event):
        if ev.name not in consumed:
            yield ctx.diag(
                ev, (), f"Event '{ev.name}' has no consumer: no flow names it",
                hint=f"add `event: {ev.name}` to the flows that consume it, or remove the event",
            )


@FAMILY.rule(
    code="EVT003",
    name="event-without-retention-or-replay",
    severity=Severity.WARNING,
    summary="An event has no retention or replay window, or can replay further than it keeps.",
    explanation="""
Consumers fail, get deployed, and are added later; they recover by replaying the topic.
`retention` says how long the broker keeps events (Kafka `retention.ms`), `replay` how far
back a consumer may be rewound. Without them nobody knows whether a consumer down for a
weekend can catch up. A replay window longer than the retention cannot be honoured: the
events are gone; that case is reported as an error.

Fix: add `retention: 7d` and `replay: 72h` (or your values), keeping replay within retention.
""",
    scope=Scope(("Event",)),
)
def check_retention(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Events without retention or replay, or with replay beyond retention."""
    for ev in ctx.subjects(Event):
        missing = [k for k, v in (("retention", ev.retention), ("replay", ev.replay)) if not v]
        if missing:
            yield ctx.diag(
                ev, ("spec",), f"Event '{ev.name}' has no {' and no '.join(missing)}",
                hint="add `retention: 7d` and `replay: 72h` (or your values), replay within "
                     "retention",
                key=True,
            )
            continue
        retention, replay = duration_seconds(ev.retention), duration_seconds(ev.replay)
        if retention is not None and replay is not None and replay > retention:
            yield ctx.diag(
                ev, ("spec", "replay"),
                f"Event '{ev.name}': replay window {ev.replay} is longer than its retention "
                f"{ev.retention}",
                hint=f"shorten replay to at most {ev.retention}, or keep events longer",
                related=[(ev.loc("spec", "retention"), "retention declared here")],
                severity=Severity.ERROR,
            )


@FAMILY.rule(
    code="EVT004",
    name="event-type-naming",
    severity=Severity.WARNING,
    summary="An event type does not follow the reverse-DNS naming convention.",
    explanation="""
CloudEvents recommends reverse-DNS event types; mfgint's convention is
`<reverse-dns>.<domain>.<object>.<event>.v<major>`, e.g.
`com.acme.mfg.work_order.released.v2`: lowercase dot-separated segments, ending in the major
version of the payload (VER005 checks the number). A consistent scheme lets consumers
subscribe by prefix, routes events to owners and keeps two majors side by side.

Option `pattern`: the regular expression event types must match (searched, so anchor it).

Fix: rename the type to match, e.g. `com.<company>.<domain>.<object>.<event>.v1`.
""",
    options={"pattern": DEFAULT_TYPE_PATTERN},
    scope=Scope(("Event",)),
)
def check_type_naming(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Event types that do not match the naming pattern."""
    pattern = ctx.option("pattern")
    try:
        rx = re.compile(str(pattern))
    except re.error as exc:
        raise ConfigError(f"rules.options.EVT004.pattern {pattern!r} is not a valid regular "
                          f"expression: {exc}") from None
    for ev in ctx.subjects(Event):
        if rx.search(ev.type):
            continue
        yield ctx.diag(
            ev, ("spec", "type"), f"Event '{ev.name}': type '{ev.type}' does not match the "
            f"naming pattern {pattern}",
            hint=f"rename it like com.acme.<domain>.<object>.<event>.v{ev.object.major}",
        )


@FAMILY.rule(
    code="EVT005",
    name="event-flow-route-mismatch",
    severity=Severity.WARNING,
    summary="A flow naming an event is not an event flow or does not pass the event's broker.",
    explanation="""
A flow with `event: X` is a consumer of X: it has pattern `event` and its route (`via`) passes
the broker X is published on, since that is where the consumer reads. A flow naming an event
with another pattern, or routed around the event's broker, describes a path the data does not
take: impact analysis of the broker misses the consumer, and generated consumer configuration
points at the wrong place.

Fix: set `pattern: event` and add the event's broker to `via`, or remove `event` from a flow
that does not consume it.
""",
    scope=Scope(("Flow",), reads=("Event", "System")),
)
def check_event_route(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Event flows with another pattern, or not routed through the event's broker."""
    for flow in ctx.subjects(Flow):
        ev = ctx.model.events.get(flow.event) if flow.event else None
        if ev is None:
            continue
        if flow.pattern != "event":
            yield ctx.diag(
                flow, ("spec", "pattern"),
                f"Flow '{flow.name}' names event '{ev.name}' but its pattern is {flow.pattern}",
                hint="set `pattern: event`, or remove `event` if the flow does not consume it",
                related=[(ev.span, f"event '{ev.name}'")],
            )
        elif ev.broker not in flow.via and ev.broker not in (flow.source, *flow.targets) \
                and ev.broker in ctx.model.systems:
            path: tuple[str, ...] = ("spec", "via") if flow.via else ("spec", "event")
            yield ctx.diag(
                flow, path,
                f"Flow '{flow.name}' consumes event '{ev.name}' but does not pass its broker "
                f"'{ev.broker}'",
                hint=f"add '{ev.broker}' to via",
                related=[(ev.loc("spec", "broker"), f"event '{ev.name}' is on '{ev.broker}'")],
            )
