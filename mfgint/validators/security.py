"""Security rules: zones and conduits, gateways, authentication, secrets, least privilege."""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from mfgint.compiler.model import (
    AccessPolicy,
    Flow,
    Model,
    Resource,
    System,
    duration_seconds,
)
from mfgint.diagnostics import Diagnostic, Severity, Span
from mfgint.validators.registry import ALL_KINDS, Family, RuleContext, Scope

FAMILY = Family(
    "SEC",
    "security",
    "Zones and conduits, gateways, authentication, credentials and least privilege.",
)

_DAY = 86400.0
_WEAK_PARTNER_AUTH = frozenset({"api-key", "basic", "none"})
_CONDUIT_FAR_ZONES = frozenset({"it", "cloud", "partner"})
_EXTERNAL_ZONES = frozenset({"partner", "cloud"})
# What a flow operation needs at the system it writes to. Writes include a read: Odoo has no
# idempotency key, so a client reads back by external ID before it retries (primer 1.4).
_NEEDED_ACTIONS: dict[str, frozenset[str]] = {
    "read": frozenset({"read"}),
    "create": frozenset({"create", "read"}),
    "update": frozenset({"update", "read"}),
    "upsert": frozenset({"upsert", "create", "update", "read"}),
    "delete": frozenset({"delete", "read"}),
    "sync": frozenset({"create", "update", "upsert", "delete", "read"}),
}
_ACTION_ORDER = ("read", "create", "update", "upsert", "delete")


def _loc_for(flow: Flow) -> tuple[tuple[str | int, ...], bool]:
    """Where to point for a missing conduit: the via list, else the ``spec:`` key."""
    return (("spec", "via"), False) if flow.via else (("spec",), True)


def _target_path(flow: Flow, index: int) -> tuple[str | int, ...]:
    """Spec path of the ``index``-th target of a flow (``target`` or ``targets[i]``)."""
    spec = flow.raw.get("spec") if isinstance(flow.raw, Mapping) else None
    if isinstance(spec, Mapping) and "targets" in spec:
        return ("spec", "targets", index)
    return ("spec", "target")


def _zone_span(system: System) -> Span:
    """Where a system declares its zone."""
    return system.loc("spec", "zone")


# --- SEC001 ----------------------------------------------------------------------------------


def _dmz_conduits(model: Model) -> list[str]:
    """DMZ systems that can serve as conduits, brokers and replicas first."""
    rank = {"broker": 0, "historian": 1, "middleware": 2, "gateway": 3}
    dmz = [s for s in model.systems.values() if s.zone == "dmz"]
    return [s.name for s in sorted(dmz, key=lambda s: (rank.get(s.type, 9), s.name))]


@FAMILY.rule(
    code="SEC001",
    name="ot-access-not-through-dmz",
    severity=Severity.ERROR,
    summary="A flow crosses between the OT zone and IT, cloud or partner without a DMZ conduit.",
    explanation="""
IEC 62443 splits a plant into zones (assets with shared security requirements) joined only by
conduits (controlled paths). In the Purdue model the conduit between the plant floor (levels
0-3, zone `ot`) and the enterprise (level 4, zone `it`), SaaS (`cloud`) or partners (`partner`)
is the industrial DMZ at level 3.5: brokers, replicas, jump hosts. ERP to MES traffic ends in the
DMZ; an enterprise system never talks to an OT system directly.

The rule follows each flow hop by hop (source, the `via` systems in order, target) and reports a
hop that joins an `ot` system to an `it`, `cloud` or `partner` system with no `dmz` system in
between.

Fix: route the flow through a system in zone `dmz` (a broker, a historian replica, a gateway) by
listing it in `via` between the OT system and the other side.
""",
    scope=Scope(("Flow",), reads=("System",)),
)
def check_ot_dmz(ctx: RuleContext) -> Iterator[Diagnostic]:
    """SEC001."""
    systems = ctx.model.systems
    conduits: list[str] | None = None
    for flow in ctx.subjects(Flow):
        seen: set[tuple[str, str]] = set()
        for target in flow.targets:
            hops = [flow.source, *flow.via, target]
            resolved = [systems.get(h) for h in hops]
            if any(s is None for s in resolved):
                continue
            path = [s for s in resolved if s is not None]
            for a, b in itertools.pairwise(path):
                zones = {a.zone, b.zone}
                if "ot" not in zones or not zones & _CONDUIT_FAR_ZONES or (a.name, b.name) in seen:
                    continue
                seen.add((a.name, b.name))
                ot, other = (a, b) if a.zone == "ot" else (b, a)
                if conduits is None:
                    conduits = _dmz_conduits(ctx.model)
                example = f"e.g. {', '.join(conduits[:3])}" if conduits else "none is declared yet"
                path_key, key = _loc_for(flow)
                yield ctx.diag(
                    flow,
                    path_key,
                    f"Flow '{flow.name}': data moves from zone {a.zone} ('{a.name}') to zone "
                    f"{b.zone} ('{b.name}') with no DMZ conduit between them",
                    hint=(
                        f"add a system in zone dmz to `via` between '{a.name}' and '{b.name}' "
                        f"({example}): the Purdue level 3.5 industrial DMZ is the IEC 62443 "
                        "conduit between the OT zone and the rest"
                    ),
                    related=[(_zone_span(ot), f"'{ot.name}' is in zone ot"),
                             (_zone_span(other), f"'{other.name}' is in zone {other.zone}")],
                    key=key,
                )


# --- SEC002 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="SEC002",
    name="external-access-not-through-gateway",
    severity=Severity.ERROR,
    summary="An api or webhook flow to or from a partner or cloud system bypasses the gateway.",
    explanation="""
Calls that cross the company boundary (zones `partner` and `cloud`) must pass the API gateway:
that is where partners authenticate, where rate limits, IP allow-lists and request-size limits
apply, and where every call is logged. A direct call skips all of it, and the generated gateway
configuration (Kong routes and plugins) will not contain the flow.

The rule reports flows of pattern `api` or `webhook` whose source or a target is in zone
`partner` or `cloud` and whose `via` has no system of type `gateway`.

Fix: add the gateway to `via` (e.g. `via: [kong-gw]`).
""",
    scope=Scope(("Flow",), reads=("System",)),
)
def check_external_gateway(ctx: RuleContext) -> Iterator[Diagnostic]:
    """SEC002."""
    systems = ctx.model.systems
    gateways = sorted(n for n, s in systems.items() if s.type == "gateway")
    for flow in ctx.subjects(Flow):
        if flow.pattern not in ("api", "webhook"):
            continue
        ends = [systems.get(n) for n in (flow.source, *flow.targets)]
        external = [s for s in ends if s is not None and s.zone in _EXTERNAL_ZONES]
        if not external:
            continue
        if any((s := systems.get(v)) is not None and s.type == "gateway" for v in flow.via):
            continue
        if any(v not in systems for v in flow.via):
            continue  # REF001 reported the dangling hop; it may be the gateway
        names = ", ".join(f"'{s.name}' (zone {s.zone})" for s in external)
        path, key = _loc_for(flow)
        yield ctx.diag(
            flow,
            path,
            f"Flow '{flow.name}': {flow.pattern} flow with {names} has no gateway in via",
            hint=(
                "add the API gateway to `via`"
                + (f" (e.g. {', '.join(gateways[:2])})" if gateways else "")
                + " so that authentication, rate limits and logging apply"
            ),
            related=[(_zone_span(s), f"'{s.name}' is in zone {s.zone}") for s in external],
            key=key,
        )


# --- SEC003 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="SEC003",
    name="weak-partner-auth",
    severity=Severity.ERROR,
    summary="A partner authenticates with an API key, basic auth or nothing.",
    explanation="""
Partners (suppliers, customers, 3PLs, carriers) connect from networks you do not control. A
static API key or a basic-auth password is a bearer secret: whoever copies it from a log, a
ticket or a partner's laptop is the partner. `none` is no authentication at all.

The rule reports AccessPolicies whose principal has kind `partner`, or is a System in zone
`partner`, and whose `auth.method` is `api-key`, `basic` or `none`.

Fix: use `mtls` (client certificates), `oauth2-client-credentials` or `jwt`, with a
`credentialRef` and a `rotation`. When a partner cannot do better yet, record a Waiver with an
expiry date and the plan.
""",
    scope=Scope(("AccessPolicy",), reads=("System",)),
)
def check_weak_partner_auth(ctx: RuleContext) -> Iterator[Diagnostic]:
    """SEC003."""
    for policy in ctx.subjects(AccessPolicy):
        p = policy.principal
        system = ctx.model.systems.get(p.name) if p.kind == "system" else None
        is_partner = p.kind == "partner" or (system is not None and system.zone == "partner")
        if not is_partner or policy.auth.method not in _WEAK_PARTNER_AUTH:
            continue
        yield ctx.diag(
            policy,
            ("spec", "auth", "method"),
            f"AccessPolicy '{policy.name}': partner '{p.name}' authenticates with "
            f"'{policy.auth.method}'",
            hint="use mtls, oauth2-client-credentials or jwt, with a credentialRef and a rotation",
        )


# --- SEC004 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="SEC004",
    name="rotation-over-policy",
    severity=Severity.WARNING,
    summary="A credential is not rotated, or less often than the policy allows.",
    explanation="""
Every credential leaks eventually; rotation bounds how long a leaked one works. Odoo itself
limits manually created API keys to 3 months. Client certificates (mTLS) rotate too, on a
longer cycle.

The rule reports AccessPolicies with a credentialed method (every method but `none`) that have
no `auth.rotation`, or whose rotation is longer than `maxDays` (`maxCertDays` for `mtls`).

Fix: set `auth.rotation` to the policy period or less, e.g. `rotation: 90d`, and automate it in
the secret store.
""",
    options={"maxDays": 90, "maxCertDays": 365},
    scope=Scope(("AccessPolicy",)),
)
def check_rotation(ctx: RuleContext) -> Iterator[Diagnostic]:
    """SEC004."""
    for policy in ctx.subjects(AccessPolicy):
        auth = policy.auth
        if auth.method == "none":
            continue
        limit_name = "maxCertDays" if auth.method == "mtls" else "maxDays"
        limit = float(ctx.option(limit_name))
        if auth.rotation is None:
            yield ctx.diag(
                policy,
                ("spec", "auth"),
                f"AccessPolicy '{policy.name}': {auth.method} credential has no rotation period",
                hint=f"add `rotation: {int(limit)}d` (or shorter) under auth",
                key=True,
            )
            continue
        seconds = duration_seconds(auth.rotation)
        if seconds is None or seconds <= limit * _DAY:
            continue
        yield ctx.diag(
            policy,
            ("spec", "auth", "rotation"),
            f"AccessPolicy '{policy.name}': {auth.method} credential rotates every "
            f"{auth.rotation}, over the {int(limit)}-day limit",
            hint=f"rotate at least every {int(limit)}d (option {limit_name})",
        )


# --- SEC005 ----------------------------------------------------------------------------------

_TOKEN_SHAPES: tuple[tuple[str, str], ...] = (
    ("a private key", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
    ("an AWS access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("a GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    ("a Slack token", r"\bxox[baprs]-[A-Za-z0-9-]{10,}"),
    ("a Stripe live key", r"\b[rs]k_live_[A-Za-z0-9]{16,}"),
    ("a Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
    ("a JSON Web Token", r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
    ("a URL with a user name and password",
     r"(?i:\b[a-z][a-z0-9+.-]*://[^\s/:@]+:(?!\$\{)[^\s/@]+@[^\s/@]+)"),
)
_SHAPES = tuple((what, re.compile(rx)) for what, rx in _TOKEN_SHAPES)
# One scan per string finds the few that need the per-shape passes.
_ANY_SHAPE = re.compile("|".join(f"(?:{rx})" for _, rx in _TOKEN_SHAPES))
_MIN_SHAPE_LENGTH = 12
# Text pre-filter, a superset of what the value checks find. Each pattern starts with a literal,
# which the regex engine scans for quickly; the full shapes only run on the values it flags.
# Cheap pre-filter: lines with a token shape as written, or a secret-ish word in any case (but
# not `credentialRef`, which must hold a reference). Separate patterns keep re's fast literal
# search; one alternation of them is several times slower.
_SUSPECT_TEXT = tuple(
    re.compile(rx)
    for rx in (
        r"-----BEGIN", r"AKIA", r"ASIA", r"gh[pousr]_", r"github_pat_", r"xox[baprs]-",
        r"[rs]k_live_", r"AIza", r"eyJ", r"://[^\s/:@]+:[^\s/@]+@",
    )
)
_SUSPECT_WORDS = tuple(
    re.compile(rx)
    for rx in ("password", "passwd", "secret", "token", "api[^a-z\n]{0,3}key",
               "private[^a-z\n]{0,3}key", "credential(?!ref)")
)
_SECRET_KEY_ENDINGS = (
    "password", "passwd", "secret", "token", "apikey", "privatekey", "credential", "credentials",
)
_REFERENCE_RX = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _secretish(key: str) -> bool:
    """True for keys that name a secret value (``clientSecret``; not ``credentialRef``)."""
    return re.sub(r"[^a-z]", "", key.lower()).endswith(_SECRET_KEY_ENDINGS)


def shannon_entropy(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character."""
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


def _strings(root: object) -> Iterator[tuple[tuple[str | int, ...], str | None, str]]:
    """Every string value under ``root`` with its path and the nearest mapping key."""
    stack: list[tuple[object, tuple[str | int, ...], str | None]] = [(root, (), None)]
    while stack:
        node, path, key = stack.pop()
        if isinstance(node, str):
            yield path, key, node
        elif isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, str | dict | list):
                    stack.append((v, (*path, str(k)), str(k)))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, str | dict | list):
                    stack.append((v, (*path, i), key))


def _dotted(path: tuple[str | int, ...]) -> str:
    """``spec.endpoints[0].url`` for a path."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


@FAMILY.rule(
    code="SEC005",
    name="inline-secret",
    severity=Severity.ERROR,
    summary="A spec contains what looks like a secret value.",
    explanation="""
Specs live in git: a secret written into one is in every clone and in the history for good.
Credentials belong in a secret store; specs hold references (`credentialRef:
vault://kv/...`).

The rule scans every string value of every resource for known token shapes (private key
blocks, AWS access key ids, GitHub, Slack, Stripe and Google API keys, JSON Web Tokens, URLs
with `user:password@`) and, under keys that name a secret (`password`, `secret`, `token`,
`apiKey`, `clientSecret`, `privateKey`, `credential`, or ending so; not `credentialRef`), for
long high-entropy strings of letters and digits without spaces (`minLength`, `entropyThreshold`
in bits per character of Shannon entropy). Messages show only the first 4 characters and the
length of the value.

Fix: remove the value, revoke and re-issue the credential (it is in the git history), and
reference it from the secret store instead.
""",
    options={"entropyThreshold": 3.5, "minLength": 20},
    scope=Scope(ALL_KINDS),
)
def check_inline_secret(ctx: RuleContext) -> Iterator[Diagnostic]:
    """SEC005."""
    threshold = float(ctx.option("entropyThreshold"))
    min_length = int(ctx.option("minLength"))
    hint = (
        "remove the value, revoke and re-issue the credential (it stays in the git history), "
        "and reference it from a secret store, e.g. credentialRef: vault://kv/..."
    )
    hit_lines: dict[str, list[int]] = {}
    for res in ctx.each_subject():
        if res.origin is not None:
            continue  # expanded from a blueprint: the Blueprint and the Plant are scanned
        lines = hit_lines.get(res.src.path)
        if lines is None:
            lines = hit_lines[res.src.path] = _suspect_lines(res.src.text)
        if not _may_hold_secret(res, lines):
            continue
        for path, key, value in _strings(res.raw):
            for what, secret in _secrets(value, key, threshold, min_length):
                diag = ctx.diag(
                    res,
                    path,
                    f"{res.kind} '{res.name}': {_dotted(path)} holds {what} "
                    f"('{secret[:4]}…', {len(secret)} characters)",
                    hint=hint,
                )
                yield replace(diag, span=_find_in_source(res, diag.span, secret))


def _suspect_lines(text: str) -> list[int]:
    """Sorted 0-based lines of a file where a token shape or a secret-ish word shows."""
    offsets = [m.start() for rx in _SUSPECT_TEXT for m in rx.finditer(text)]
    lower = text.lower()
    offsets += [m.start() for rx in _SUSPECT_WORDS for m in rx.finditer(lower)]
    if not offsets:
        return []
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return sorted({bisect.bisect_right(starts, o) - 1 for o in offsets})


def _may_hold_secret(res: Resource, lines: list[int]) -> bool:
    """True when a suspect line falls inside the resource's document (a cheap pre-filter)."""
    if not lines:
        return False
    pos = res.doc_pos  # the whole document's lines; no need to read its position tree
    if res.doc_prefix or pos[2] < pos[0]:
        return True
    i = bisect.bisect_left(lines, pos[0])
    return i < len(lines) and lines[i] <= pos[2]


def _secrets(
    value: str, key: str | None, threshold: float, min_length: int
) -> list[tuple[str, str]]:
    """(what it looks like, the matched text) for each secret in ``value``."""
    found: list[tuple[str, str]] = []
    if len(value) >= _MIN_SHAPE_LENGTH and _ANY_SHAPE.search(value):
        taken: list[tuple[int, int]] = []
        for what, rx in _SHAPES:
            for m in rx.finditer(value):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                found.append((what, m.group(0)))
    if (
        not found
        and key is not None
        and len(value) >= min_length
        and _secretish(key)
        and not any(c.isspace() for c in value)
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
        and not value.startswith("${")
        and not _REFERENCE_RX.match(value)
        and shannon_entropy(value) >= threshold
    ):
        found.append((f"a high-entropy value under '{key}'", value))
    return found


def _find_in_source(res: Resource, span: Span, secret: str) -> Span:
    """The exact line and column of ``secret`` inside a (possibly multi-line) value's span."""
    lines = res.src.lines
    last = max(span.end_line, span.line)
    for number in range(span.line, min(last, len(lines)) + 1):
        col = lines[number - 1].find(secret)
        if col >= 0:
            return Span(span.file, number, col + 1, number, col + 1 + len(secret))
    return span


# --- SEC006 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="SEC006",
    name="external-api-without-rate-limit",
    severity=Severity.WARNING,
    summary="A partner's access, or access through a gateway, has no rate limit.",
    explanation="""
A client in a loop, a partner's retry storm or a stolen credential can exhaust the target: Odoo
documents no server-side rate limit, so the gateway is the only place that can throttle. Kong's
`rate-limiting` plugin is generated from `rateLimit`.

The rule reports AccessPolicies without `rateLimit` whose principal is a partner (kind
`partner`, or a System in zone `partner` or `cloud`) or that go through a gateway (`via`).

Fix: add `rateLimit: {requests: 600, per: minute}` sized from the flows' volumes.
""",
    scope=Scope(("AccessPolicy",), reads=("System",)),
)
def check_rate_limit(ctx: RuleContext) -> Iterator[Diagnostic]:
    """SEC006."""
    systems = ctx.model.systems
    for policy in ctx.subjects(AccessPolicy):
        if policy.rate_limit is not None:
            continue
        p = policy.principal
        principal_sys = systems.get(p.name) if p.kind == "system" else None
        external = p.kind == "partner" or (
            principal_sys is not None and principal_sys.zone in _EXTERNAL_ZONES
        )
        if not external and policy.via is None:
            continue
        why = f"partner '{p.name}'" if external else f"access through '{policy.via}'"
        yield ctx.diag(
            policy,
            ("spec",),
            f"AccessPolicy '{policy.name}': {why} to '{policy.target}' has no rate limit",
            hint="add `rateLimit: {requests: N, per: minute}` sized from the flows' volumes",
            key=True,
        )


# --- SEC007 / SEC008 -------------------------------------------------------------------------


@dataclass
class _Need:
    """What a principal's flows need on one system: actions per object, and the flows."""

    actions: dict[str, set[str]]
    flows: set[str]


def flow_needs(model: Model) -> dict[tuple[str, str], _Need]:
    """(principal, system) -> the object actions that flows of that principal need there."""
    needs: dict[tuple[str, str], _Need] = {}
    read = _NEEDED_ACTIONS["read"]

    def add(principal: str, systems: Iterable[str], obj: str, actions: frozenset[str],
            flow: str) -> None:
        for system in systems:
            need = needs.get((principal, system))
            if need is None:
                need = needs[(principal, system)] = _Need({}, set())
            have = need.actions.get(obj)
            if have is None:
                need.actions[obj] = set(actions)
            else:
                have |= actions
            need.flows.add(flow)

    for flow in model.flows.values():
        targets = flow.targets
        if not targets:
            continue
        obj = flow.object.name
        if flow.direction == "pull":
            add(flow.principal or targets[0], (flow.source, *flow.via), obj, read, flow.name)
            continue
        write = _NEEDED_ACTIONS.get(flow.operation, read)
        add(flow.principal or flow.source, targets + flow.via, obj, write, flow.name)
        if flow.pattern == "event" and flow.via:
            # Consumers read the event from the broker hops with their own identity.
            for target in targets:
                add(target, flow.via, obj, read, flow.name)
    return needs


def _needed_summary(need: _Need | None) -> str:
    """``work-order: read, update; lot: create (flows a, b)`` for hints."""
    if need is None or not need.actions:
        return "nothing"
    parts = []
    for obj in sorted(need.actions):
        acts = [a for a in _ACTION_ORDER if a in need.actions[obj]]
        parts.append(f"{obj}: {', '.join(acts)}")
    flows = sorted(need.flows)
    more = f", +{len(flows) - 3} more" if len(flows) > 3 else ""
    return "; ".join(parts) + f" (flows {', '.join(flows[:3])}{more})"


@FAMILY.rule(
    code="SEC007",
    name="grant-broader-than-needed",
    severity=Severity.WARNING,
    summary="An AccessPolicy grants an object or action that no flow of its principal uses.",
    explanation="""
Least privilege: a principal should be able to do exactly what its flows do. Every unused grant
is attack surface when the credential leaks, and it hides which integrations really depend on
which data.

For each AccessPolicy (principal P, target T) the rule collects what the flows acting as P
need from T: flows whose `principal` (by default the initiating system: the source of a push,
the target of a pull) is P and that reach T as a target or a `via` hop; a pull needs `read`
from its source; consumers of an `event` flow need `read` on its broker hops. An operation
needs its own action, and `upsert` / `sync` also accept `create`, `update` (`sync`: `delete`).
Any write also needs `read`: Odoo has no idempotency key, so a client reads back by external ID
before it retries. A granted object/action pair outside that set is reported; wildcards are
SEC008's.

Fix: remove the unused action or grant, or add the flow that needs it.
""",
    # What a policy may grant depends on every flow of its principal.
    scope=Scope(("AccessPolicy",), reads=("Flow",)),
)
def check_least_privilege(ctx: RuleContext) -> Iterator[Diagnostic]:
    """SEC007."""
    needs: dict[tuple[str, str], _Need] | None = None
    for policy in ctx.subjects(AccessPolicy):
        if needs is None:
            needs = flow_needs(ctx.model)
        principal = policy.principal.name
        need = needs.get((principal, policy.target))
        for grant in policy.grants:
            if grant.object == "*":
                continue
            base = ("spec", "grants", grant.index)
            wanted = need.actions.get(grant.object) if need else None
            if not wanted:
                yield ctx.diag(
                    policy,
                    (*base, "object"),
                    f"AccessPolicy '{policy.name}': grant on '{grant.object}' is used by no flow "
                    f"of '{principal}' to '{policy.target}'",
                    hint=f"remove this grant; the flows of '{principal}' need: "
                    + _needed_summary(need),
                )
                continue
            for j, action in enumerate(grant.actions):
                if action == "*" or action in wanted:
                    continue
                yield ctx.diag(
                    policy,
                    (*base, "actions", j),
                    f"AccessPolicy '{policy.name}': '{action}' on '{grant.object}' is used by no "
                    f"flow of '{principal}' to '{policy.target}'",
                    hint=f"remove '{action}'; the flows of '{principal}' need: "
                    + _needed_summary(need),
                )


@FAMILY.rule(
    code="SEC008",
    name="wildcard-scope",
    severity=Severity.WARNING,
    summary="A grant or scope uses the wildcard `*`.",
    explanation="""
A wildcard grants everything that exists today and everything added tomorrow: a new object or
action becomes reachable without anyone reviewing it.

The rule reports grants with `object: "*"` or `"*"` among their actions, and scopes containing
`*`. The hint lists what the principal's flows to the target actually use (see SEC007).

Fix: replace the wildcard with the objects and actions the flows need.
""",
    scope=Scope(("AccessPolicy",), reads=("Flow",)),  # the hint lists the flows' needs
)
def check_wildcards(ctx: RuleContext) -> Iterator[Diagnostic]:
    """SEC008."""
    needs: dict[tuple[str, str], _Need] | None = None
    for policy in ctx.subjects(AccessPolicy):
        found: list[tuple[tuple[str | int, ...], str]] = []
        for grant in policy.grants:
            base = ("spec", "grants", grant.index)
            if grant.object == "*":
                found.append(((*base, "object"), "grant on object '*'"))
            for j, action in enumerate(grant.actions):
                if action == "*":
                    found.append(((*base, "actions", j), f"action '*' on '{grant.object}'"))
        for k, scope in enumerate(policy.scopes):
            if "*" in scope:
                found.append((("spec", "scopes", k), f"scope '{scope}'"))
        if not found:
            continue
        if needs is None:
            needs = flow_needs(ctx.model)
        summary = _needed_summary(needs.get((policy.principal.name, policy.target)))
        for path, what in found:
            yield ctx.diag(
                policy,
                path,
                f"AccessPolicy '{policy.name}': {what} gives '{policy.principal.name}' "
                f"everything on '{policy.target}'",
                hint=f"name objects and actions explicitly; its flows use: {summary}",
            )


# --- SEC009 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="SEC009",
    name="restricted-data-to-partner",
    severity=Severity.ERROR,
    summary="A flow carries restricted data to a partner system.",
    explanation="""
Objects classified `restricted` (pricing, personal data, export-controlled drawings, ...) must
not leave the company's control. A partner-zone target or hop (a carrier, a 3PL, an EDI VAN)
stores and forwards what it receives under its own rules.

The rule reports flows of a `restricted` object whose target or `via` hop is in zone `partner`
(and `cloud` too with option `includeCloud`).

Fix: send a reduced object with a lower classification (only the fields the partner needs),
or review the classification; a contractual exception is a Waiver.
""",
    options={"includeCloud": False},
    scope=Scope(("Flow",), reads=("System", "BusinessObject")),
)
def check_restricted_to_partner(ctx: RuleContext) -> Iterator[Diagnostic]:
    """SEC009."""
    zones = {"partner", "cloud"} if ctx.option("includeCloud") else {"partner"}
    systems = ctx.model.systems
    for flow in ctx.subjects(Flow):
        obj = ctx.model.objects.get(flow.object.name)
        if obj is None or obj.classification != "restricted":
            continue
        hops: list[tuple[tuple[str | int, ...], str, str]] = [
            (_target_path(flow, i), t, "target") for i, t in enumerate(flow.targets)
        ]
        hops += [(("spec", "via", i), v, "via hop") for i, v in enumerate(flow.via)]
        for path, name, role in hops:
            system = systems.get(name)
            if system is None or system.zone not in zones:
                continue
            yield ctx.diag(
                flow,
                path,
                f"Flow '{flow.name}': restricted object '{obj.name}' goes to {role} '{name}' "
                f"in zone {system.zone}",
                hint=(
                    "send a reduced object with a lower classification, holding only the fields "
                    "the partner needs, or review the classification"
                ),
                related=[(obj.loc("spec", "classification"), f"'{obj.name}' is restricted")],
            )


# --- SEC010 ----------------------------------------------------------------------------------


@FAMILY.rule(
    code="SEC010",
    name="unsigned-inbound-webhook",
    severity=Severity.ERROR,
    summary="A webhook is received with no gateway and no signed-webhook policy.",
    explanation="""
A webhook receiver is an open HTTP endpoint: anyone who learns its URL can post forged events.
It must verify who sent the call, either at the gateway (authentication, IP allow-list) or by
checking an HMAC signature.

Odoo's inbound webhooks ("On webhook" automation, `/web/hook/<uuid>`) are `auth="public"` and
`csrf=False`: the UUID in the URL is the only secret, and anyone holding the URL can trigger the
automation. Odoo's outbound "Send Webhook Notification" sends no signature and no auth header.

The rule reports flows of pattern `webhook` into a target when `via` has no `gateway` system
and no AccessPolicy for the flow's principal on that target uses `auth.method: hmac-webhook`.

Fix: receive the webhook through the gateway (`via: [kong-gw]`), which authenticates the sender
and forwards to the target, or declare an AccessPolicy with `hmac-webhook` and verify the
signature. For Odoo targets, expose `/web/hook/<uuid>` only behind the gateway and rotate the
secret ("Rotate Secret") when it may have leaked.
""",
    scope=Scope(("Flow",), reads=("System", "AccessPolicy")),
)
def check_unsigned_webhook(ctx: RuleContext) -> Iterator[Diagnostic]:
    """SEC010."""
    systems = ctx.model.systems
    hmac: set[tuple[str, str]] = {
        (p.principal.name, p.target)
        for p in ctx.model.policies.values()
        if p.auth.method == "hmac-webhook"
    }
    for flow in ctx.subjects(Flow):
        if flow.pattern != "webhook" or not flow.targets:
            continue
        if any((s := systems.get(v)) is not None and s.type == "gateway" for v in flow.via):
            continue
        principal = flow.principal or (
            flow.source if flow.direction == "push" else flow.targets[0]
        )
        source = systems.get(flow.source)
        for i, target in enumerate(flow.targets):
            system = systems.get(target)
            if system is None or (principal, target) in hmac:
                continue
            yield _webhook_diag(ctx, flow, i, system, principal, source)


def _webhook_diag(
    ctx: RuleContext, flow: Flow, index: int, target: System, principal: str,
    source: System | None,
) -> Diagnostic:
    """The SEC010 finding for one target, with the Odoo specifics when they apply."""
    message = (
        f"Flow '{flow.name}': webhook into '{target.name}' is not authenticated: no gateway in "
        f"via and no hmac-webhook AccessPolicy for '{principal}' on '{target.name}'"
    )
    hint = (
        "add the gateway to `via`, or an AccessPolicy for this principal and target with "
        "auth.method hmac-webhook, and verify the signature"
    )
    if target.is_odoo:
        message += " (an Odoo /web/hook/<uuid> URL is its only secret)"
        hint = (
            "expose Odoo's /web/hook/<uuid> only behind the gateway (`via`), which authenticates "
            "the sender; rotate the webhook secret if the URL may have leaked"
        )
    elif source is not None and source.is_odoo:
        hint = (
            "Odoo's Send Webhook Notification cannot sign or authenticate: receive it through "
            "the gateway (`via`) with an IP allow-list of the Odoo servers"
        )
    path: tuple[str | int, ...]
    path, key = _loc_for(flow)
    related: list[tuple[Span, str]] = [(flow.loc(*_target_path(flow, index)), "the receiver")]
    return ctx.diag(flow, path, message, hint=hint, related=related, key=key)
