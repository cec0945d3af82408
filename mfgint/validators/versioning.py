"""Versioning rules: schema versions that exist, sunsets, breaking changes, live majors."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from mfgint.compiler.model import BusinessObject, Event, Flow, Model, ObjectRef, SchemaVersion
from mfgint.config import ConfigError
from mfgint.diagnostics import Diagnostic, Severity
from mfgint.validators import schemadiff
from mfgint.validators.registry import Family, RuleContext, Scope

FAMILY = Family(
    "VER",
    "versioning",
    "Schema versions: references, sunsets, breaking changes per compatibility mode, live majors.",
)

_LIVE = frozenset({"active", "deprecated"})
_TYPE_MAJOR_RX = re.compile(r"\.v([0-9]+)$")
MAX_LISTED_CHANGES = 3


def _users(model: Model) -> Iterator[Flow | Event]:
    """Flows, then events: everything that references an object version."""
    yield from model.flows.values()
    yield from model.events.values()


# Rules about the users of an object version: flows and events, reading their objects.
_USER_SCOPE = Scope(("Flow", "Event"), reads=("BusinessObject",))


def _user_subjects(ctx: RuleContext) -> Iterator[Flow | Event]:
    """The flows, then the events, that a rule with ``_USER_SCOPE`` checks in this run."""
    yield from ctx.subjects(Flow)
    yield from ctx.subjects(Event)


def _version_key(v: SchemaVersion) -> tuple[int, int]:
    return (v.major, v.minor)


def newest_live(obj: BusinessObject) -> SchemaVersion | None:
    """The newest active version, else the newest deprecated one."""
    for status in ("active", "deprecated"):
        found = [v for v in obj.versions if v.status == status]
        if found:
            return max(found, key=_version_key)
    return None


def _ref_text(obj: BusinessObject, version: SchemaVersion) -> str:
    return f"{obj.name}@{version.major}"


def _int_option(ctx: RuleContext, name: str) -> int:
    value = ctx.option(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"rules.options.{ctx.rule.code}.{name} must be a whole number >= 0, "
                          f"not {value!r}")
    return value


# --- VER001 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="VER001",
    name="unknown-schema-version",
    severity=Severity.ERROR,
    summary="A flow or event references a version its business object does not have.",
    explanation="""
Flows and events carry a specific version of a business object (`work-order@2` means the newest
2.x, `item@1.1` exactly 1.1). A reference to a version the object does not declare means the
payload has no contract: generated API and event specs cannot include a schema, and consumers
cannot validate what they receive.

Fix: reference one of the declared versions (the message lists them), or add the version to
the BusinessObject's `versions`.
""",
    scope=_USER_SCOPE,
)
def check_unknown_version(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Object references whose version does not resolve."""
    for res in _user_subjects(ctx):
        obj = ctx.model.objects.get(res.object.name)
        if obj is None or obj.resolve(res.object) is not None:
            continue
        known = ", ".join(v.version for v in sorted(obj.versions, key=_version_key))
        live = newest_live(obj)
        hint = (f"use {_ref_text(obj, live)} (newest live version {live.version})"
                if live else f"add version {res.object.major}.x to '{obj.name}'")
        yield ctx.diag(
            res, ("spec", "object"),
            f"{res.kind} '{res.name}' uses {res.object}, but {obj.name} has version(s) {known}",
            hint=hint, related=[(obj.loc("spec", "versions"), f"versions of {obj.name}")],
        )


# --- VER002 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="VER002",
    name="sunset-version",
    severity=Severity.ERROR,
    summary="A flow or event uses a schema version past (error) or near (warning) its sunset.",
    explanation="""
`versions[].sunset` is the last day a schema version may be used; `status: retired` means it is
no longer served. A flow or event still on such a version will break when producers or the
gateway drop it. References past the sunset date or to a retired version are errors; within
`warnDays` days before the sunset (default 90) they are warnings, so that the migration is
planned in time.

Option `warnDays`: how many days ahead of a sunset to warn.

Fix: move the flow or event to a newer version (the hint names the newest live one) and test
the consumers, or, if the date was wrong, move the sunset.
""",
    options={"warnDays": 90},
    scope=_USER_SCOPE,
)
def check_sunset(ctx: RuleContext) -> Iterator[Diagnostic]:
    """References to retired versions, or to versions past or near their sunset."""
    warn_days = _int_option(ctx, "warnDays")
    for res in _user_subjects(ctx):
        obj = ctx.model.objects.get(res.object.name)
        version = obj.resolve(res.object) if obj is not None else None
        if obj is None or version is None:
            continue
        live = newest_live(obj)
        better = (f"move to {_ref_text(obj, live)} (version {live.version})"
                  if live is not None and _version_key(live) > _version_key(version)
                  else "publish a newer version and move to it")
        where = f"{res.kind} '{res.name}' uses {res.object} (version {version.version})"
        if version.status == "retired":
            yield ctx.diag(
                res, ("spec", "object"), f"{where}, which is retired", hint=better,
                related=[(obj.loc("spec", "versions", version.index, "status"), "retired here")],
            )
            continue
        if version.sunset is None:
            continue
        days = (version.sunset - ctx.today).days
        related = [(obj.loc("spec", "versions", version.index, "sunset"), "sunset declared here")]
        if days < 0:
            yield ctx.diag(
                res, ("spec", "object"),
                f"{where}, whose sunset was {version.sunset.isoformat()} ({-days} days ago)",
                hint=better, related=related,
            )
        elif days <= warn_days:
            when = "today" if days == 0 else f"in {days} days"
            yield ctx.diag(
                res, ("spec", "object"),
                f"{where}, whose sunset is {version.sunset.isoformat()} ({when})",
                hint=better, related=related, severity=Severity.WARNING,
            )


# --- VER003 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="VER003",
    name="breaking-change-without-major",
    severity=Severity.ERROR,
    summary="A new minor version breaks compatibility with earlier ones under the object's mode.",
    explanation="""
Within one major version, schema changes must keep the compatibility the object declares
(`compatibility`, as in Confluent Schema Registry):
- `backward`: consumers using the new schema can read data produced with the previous one;
- `forward`: consumers using the previous schema can read data produced with the new one;
- `full`: both;
- `*-transitive`: the same, checked against every earlier version of the major, not only the
  previous one;
- `none`: not checked.

Versions are compared in order of major.minor; a new major version may break anything. The
comparison walks nested properties and array items and looks for: removed properties (break
forward when they were required, backward when the new schema refuses extra properties),
changed types, newly required properties (backward), enum values removed (backward) or added
(forward), tightened (backward) or relaxed (forward) `maxLength`, `maximum`, `minLength`,
`minimum`, `maxItems`, `minItems`, `multipleOf`, `uniqueItems`, a `pattern` added (backward)
or changed (both), and `additionalProperties` turned false (backward). Adding an optional
property is compatible. Versions without a loaded schema are skipped.

Fix: publish the change as a new major version (`"3.0"`) and move consumers over, or revert
the breaking part (make the new property optional, keep the enum value, ...).
""",
    # Schemas may come from schemaFile documents, which only reading BusinessObject tracks.
    scope=Scope(("BusinessObject",), reads=("BusinessObject",)),
)
def check_breaking_change(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Breaking changes between versions of one major, per compatibility mode."""
    for obj in ctx.subjects(BusinessObject):
        directions = schemadiff.directions_for(obj.compatibility)
        if not directions:
            continue
        transitive = schemadiff.is_transitive(obj.compatibility)
        by_major: dict[int, list[SchemaVersion]] = defaultdict(list)
        for v in sorted(obj.versions, key=_version_key):
            if v.schema is not None:
                by_major[v.major].append(v)
        for versions in by_major.values():
            for i, new in enumerate(versions[1:], start=1):
                earlier = versions[:i] if transitive else versions[i - 1:i]
                diag = _breaking_diag(ctx, obj, new, earlier, directions)
                if diag is not None:
                    yield diag


def _breaking_diag(
    ctx: RuleContext,
    obj: BusinessObject,
    new: SchemaVersion,
    earlier: list[SchemaVersion],
    directions: frozenset[str],
) -> Diagnostic | None:
    failing: list[tuple[SchemaVersion, list[schemadiff.Change]]] = []
    assert new.schema is not None
    for old in reversed(earlier):
        assert old.schema is not None
        changes = [c for c in schemadiff.diff(old.schema, new.schema) if c.breaks & directions]
        if changes:
            failing.append((old, changes))
    if not failing:
        return None
    old, changes = failing[0]
    listed = "; ".join(
        c.describe() + _direction_note(c, directions) for c in changes[:MAX_LISTED_CHANGES]
    )
    more = f" (+{len(changes) - MAX_LISTED_CHANGES} more)" if len(changes) > MAX_LISTED_CHANGES \
        else ""
    others = [o.version for o, _ in failing[1:]]
    also = f"; also incompatible with {', '.join(sorted(others))}" if others else ""
    return ctx.diag(
        obj, ("spec", "versions", new.index, "version"),
        f"BusinessObject '{obj.name}': version {new.version} breaks {obj.compatibility} "
        f"compatibility with {old.version}: {listed}{more}{also}",
        hint=f"publish it as version \"{new.major + 1}.0\", or revert the breaking changes",
        related=[(obj.loc("spec", "versions", old.index, "version"),
                  f"version {old.version} declared here")],
    )


def _direction_note(change: schemadiff.Change, directions: frozenset[str]) -> str:
    if len(directions) < 2:
        return ""
    broken = sorted(change.breaks & directions)
    return f" ({'/'.join(broken)})"


# --- VER004 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="VER004",
    name="too-many-live-majors",
    severity=Severity.WARNING,
    summary="A business object keeps more live major versions than allowed.",
    explanation="""
Every live major version (a version with status `active` or `deprecated`) is a contract that
producers, the gateway and generated connectors must keep serving and testing. Past two, the
cost grows and the oldest consumers never migrate. `draft` and `retired` versions do not count.

Option `maxLive`: the most live major versions an object may have.

Fix: migrate the consumers of the oldest major (the message lists them), then set its versions
to `status: retired` with a `sunset` date.
""",
    options={"maxLive": 2},
    # The users of the oldest major are every flow and event.
    scope=Scope(("BusinessObject",), reads=("Flow", "Event")),
)
def check_live_majors(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Objects with more live majors than maxLive."""
    max_live = _int_option(ctx, "maxLive")
    users: dict[tuple[str, int], list[str]] | None = None
    for obj in ctx.subjects(BusinessObject):
        live: dict[int, SchemaVersion] = {}
        for v in sorted(obj.versions, key=_version_key):
            if v.status in _LIVE:
                live.setdefault(v.major, v)
        if len(live) <= max_live:
            continue
        if users is None:
            users = defaultdict(list)
            for res in _users(ctx.model):
                users[(res.object.name, res.object.major)].append(res.name)
        oldest = min(live)
        consumers = sorted(set(users.get((obj.name, oldest), [])))
        who = (f"; {obj.name}@{oldest} is still used by {', '.join(consumers[:5])}"
               + (f" and {len(consumers) - 5} more" if len(consumers) > 5 else "")
               if consumers else "")
        majors = ", ".join(str(m) for m in sorted(live))
        yield ctx.diag(
            obj, ("spec", "versions", live[oldest].index, "version"),
            f"BusinessObject '{obj.name}' has {len(live)} live major versions ({majors}), more "
            f"than {max_live}{who}",
            hint=f"migrate the users of major {oldest}, then set its versions to "
                 "`status: retired`",
            related=[(obj.loc("spec", "versions", live[m].index, "version"), f"major {m}")
                     for m in sorted(live) if m != oldest],
        )


# --- VER005, VER006 --------------------------------------------------------------------------


@FAMILY.rule(
    code="VER005",
    name="event-type-major-mismatch",
    severity=Severity.ERROR,
    summary="An event type's .v<major> suffix differs from the major of the object it carries.",
    explanation="""
By convention an event type ends with the major version of its payload
(`com.acme.mfg.work_order.released.v2` carries `work-order@2`), so that consumers subscribe to
a contract, and a breaking change gets a new type next to the old one. A type whose suffix says
v1 while the data is version 2 sends consumers a payload they were not built for. Types
without a `.v<N>` suffix are reported by EVT004.

Fix: make the suffix match the object's major, or reference the object version the type says.
""",
    scope=Scope(("Event",)),
)
def check_event_type_major(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Event types whose version suffix differs from the object major."""
    for ev in ctx.subjects(Event):
        m = _TYPE_MAJOR_RX.search(ev.type)
        if m is None or int(m.group(1)) == ev.object.major:
            continue
        fixed = ev.type[: m.start()] + f".v{ev.object.major}"
        yield ctx.diag(
            ev, ("spec", "type"),
            f"Event '{ev.name}': type '{ev.type}' says v{m.group(1)} but it carries "
            f"{ev.object}",
            hint=f"use type '{fixed}', or carry {ev.object.name}@{m.group(1)}",
            related=[(ev.loc("spec", "object"), f"object {ev.object}")],
        )


@FAMILY.rule(
    code="VER006",
    name="flow-event-object-mismatch",
    severity=Severity.ERROR,
    summary="A flow carries another object or major version than the event it names.",
    explanation="""
A flow with `event: X` consumes the event X, whose data is the Event's `object`. When the flow
declares another object, or another major version of it, the consumer was built for a payload
the event does not carry: generated connectors and contracts disagree, and deserialisation
fails at run time.

Fix: make the flow's `object` the event's object and major version, or point the flow at the
event that carries its object.
""",
    scope=Scope(("Flow",), reads=("Event",)),
)
def check_flow_event_object(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flows whose object differs from their event's object or major."""
    for flow in ctx.subjects(Flow):
        ev = ctx.model.events.get(flow.event) if flow.event else None
        if ev is None:
            continue
        if _same_contract(flow.object, ev.object):
            continue
        yield ctx.diag(
            flow, ("spec", "object"),
            f"Flow '{flow.name}' carries {flow.object} but its event '{ev.name}' carries "
            f"{ev.object}",
            hint=f"set `object: {ev.object}`, or use an event that carries {flow.object}",
            related=[(ev.loc("spec", "object"), f"event '{ev.name}' object")],
        )


def _same_contract(a: ObjectRef, b: ObjectRef) -> bool:
    return a.name == b.name and a.major == b.major
