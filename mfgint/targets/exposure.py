"""What the API gateways expose: services, routes, operations and the policies that guard them.

Shared by the kong and openapi targets so that the gateway configuration and the API contracts
describe exactly the same surface. A flow is exposed when its pattern is ``api`` or ``webhook``
and one of its ``via`` hops is a system of type ``gateway``. The *exposed* system is the one that
is called: the flow's targets for ``push`` flows, its source for ``pull`` flows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from mfgint.compiler.model import AccessPolicy, Endpoint, Flow, Model, System
from mfgint.targets.base import per_model
from mfgint.targets.naming import plural, snake

HTTP_PROTOCOLS = frozenset({"rest", "webhook", "json-rpc", "xml-rpc", "json-2", "soap", "graphql"})
EXPOSED_PATTERNS = frozenset({"api", "webhook"})
ACTION_OF_OPERATION = {
    "read": "read",
    "create": "create",
    "update": "update",
    "upsert": "upsert",
    "delete": "delete",
    "sync": "upsert",
}
DEFAULT_METHOD = {
    "read": "GET",
    "create": "POST",
    "update": "PATCH",
    "upsert": "PUT",
    "delete": "DELETE",
}
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")
_PARAM_RX = re.compile(r"\{([^{}/]+)\}")


@dataclass(frozen=True, slots=True)
class Operation:
    """One HTTP method on one path, produced by a flow."""

    method: str
    path: str
    item: bool
    flow: Flow
    action: str
    webhook: bool


@dataclass(frozen=True)
class Route:
    """A gateway route: one flow's path and methods towards one exposed system."""

    name: str
    flow: Flow
    exposed: str
    path: str
    methods: tuple[str, ...]
    hosts: tuple[str, ...]
    protocols: tuple[str, ...]
    server_url: str | None
    policies: tuple[AccessPolicy, ...]
    operations: tuple[Operation, ...]
    caller_zone: str | None = None

    @property
    def caller_external(self) -> bool:
        """True when the calling system is outside the company (partner or cloud zone)."""
        return self.caller_zone in ("partner", "cloud", None)

    @property
    def public(self) -> bool:
        """True when a policy with auth method ``none`` grants the route."""
        return any(p.auth.method == "none" for p in self.policies)


@dataclass(frozen=True)
class Service:
    """A gateway service: where the gateway forwards calls for one exposed system."""

    name: str
    gateway: str
    exposed: str
    upstream: str
    endpoint: Endpoint | None
    routes: tuple[Route, ...]

    @cached_property
    def policies(self) -> tuple[AccessPolicy, ...]:
        """Policies that grant at least one of the service's routes, sorted by name."""
        seen = {p.name: p for r in self.routes for p in r.policies}
        return tuple(seen[k] for k in sorted(seen))


def gateways(model: Model) -> list[System]:
    """Systems of type gateway, sorted by name."""
    return [s for s in model.systems.values() if s.type == "gateway"]


def flow_action(flow: Flow) -> str:
    """The grant action a flow needs at the exposed system."""
    if flow.direction == "pull":
        return "read"
    return ACTION_OF_OPERATION.get(flow.operation, "upsert")


def grant_covers(policy: AccessPolicy, obj: str, action: str) -> bool:
    """True when one of the policy's grants allows ``action`` on ``obj``."""
    for grant in policy.grants:
        if grant.object not in (obj, "*"):
            continue
        actions = set(grant.actions)
        if "*" in actions or action in actions:
            return True
        if action in ("create", "update") and "upsert" in actions:
            return True
    return False


def exposed_systems(flow: Flow) -> tuple[str, ...]:
    """The systems a flow calls: its targets (push) or its source (pull)."""
    return (flow.source,) if flow.direction == "pull" else flow.targets


def upstream_of(flow: Flow, gateway: str, exposed: str) -> str:
    """The hop the gateway forwards to: the next ``via`` hop towards the called system."""
    hops = list(flow.via)
    i = hops.index(gateway)
    if flow.direction == "pull":
        return hops[i - 1] if i > 0 else exposed
    return hops[i + 1] if i + 1 < len(hops) else exposed


def http_endpoint(system: System | None, prefer: Iterable[str | None] = ()) -> Endpoint | None:
    """The system's HTTP endpoint with a URL, preferring the given protocols in order."""
    if system is None:
        return None
    usable = [e for e in system.endpoints if e.protocol in HTTP_PROTOCOLS and e.url]
    for protocol in prefer:
        for e in usable:
            if e.protocol == protocol:
                return e
    return usable[0] if usable else None


def endpoint_url(endpoint: Endpoint | None) -> str | None:
    """Base URL plus base path, without a trailing slash."""
    if endpoint is None or not endpoint.url:
        return None
    url = endpoint.url.rstrip("/")
    if endpoint.base_path:
        url += "/" + endpoint.base_path.strip("/")
    return url


def path_params(path: str) -> list[str]:
    """``{name}`` parameters in a path template, in order."""
    return _PARAM_RX.findall(path)


def kong_path(path: str) -> str:
    """A Kong route path: the prefix itself, or a ``~`` regex when the path has parameters."""
    if not path_params(path):
        return path
    out, last = [], 0
    for m in _PARAM_RX.finditer(path):
        out.append(re.escape(path[last:m.start()]).replace("\\/", "/"))
        out.append(f"(?<{snake(m.group(1))}>[^/]+)")
        last = m.end()
    out.append(re.escape(path[last:]).replace("\\/", "/"))
    return "~" + "".join(out)


def _collection_path(model: Model, flow: Flow, exposed: str) -> str:
    if flow.api is not None and flow.api.path:
        path = flow.api.path.rstrip("/")
        return path or "/"
    return f"/{exposed}/{plural(flow.object.name)}"


def _item_suffix(model: Model, flow: Flow, collection: str) -> str:
    obj = model.objects.get(flow.object.name)
    keys = [snake(k) for k in obj.identity] if obj is not None and obj.identity else ["id"]
    taken = set(path_params(collection))
    return "".join(f"/{{{k}}}" for k in keys if k not in taken)


def _methods(flow: Flow) -> tuple[str, ...]:
    if flow.api is not None and flow.api.methods:
        methods = set(flow.api.methods)
    elif flow.pattern == "webhook":
        methods = {"POST"}
    else:
        methods = {DEFAULT_METHOD[flow_action(flow)]}
    return tuple(m for m in METHOD_ORDER if m in methods)


def _operations(model: Model, flow: Flow, collection: str,
                methods: tuple[str, ...]) -> tuple[Operation, ...]:
    action = flow_action(flow)
    webhook = flow.pattern == "webhook"
    base = "" if collection == "/" else collection
    item = base + _item_suffix(model, flow, collection)
    ops: list[Operation] = []
    for method in methods:
        if webhook or method == "POST":
            ops.append(Operation(method, collection, False, flow, action, webhook))
        elif method == "GET":
            ops.append(Operation(method, collection, False, flow, action, webhook))
            ops.append(Operation(method, item, True, flow, action, webhook))
        else:
            ops.append(Operation(method, item, True, flow, action, webhook))
    return tuple(ops)


def _gateway_endpoint(gateway: System, webhook: bool) -> Endpoint | None:
    prefer: list[str | None] = ["webhook", "rest"] if webhook else ["rest", "json-rpc", "json-2"]
    return http_endpoint(gateway, prefer)


def matching_policies(model: Model, gateway: str, exposed: str, flow: Flow,
                      by_route: Mapping[tuple[str, str], list[AccessPolicy]] | None = None,
                      ) -> tuple[AccessPolicy, ...]:
    """Policies on the exposed system through this gateway that grant the flow's action."""
    action = flow_action(flow)
    if by_route is None:
        by_route = _policies_by_route(model)
    return tuple(p for p in by_route.get((exposed, gateway), ())
                 if grant_covers(p, flow.object.name, action))


def _policies_by_route(model: Model) -> dict[tuple[str, str], list[AccessPolicy]]:
    """(target, via) -> the policies naming them, in the model's (name) order."""
    out: dict[tuple[str, str], list[AccessPolicy]] = defaultdict(list)
    for policy in model.policies.values():
        if policy.via is not None:
            out[(policy.target, policy.via)].append(policy)
    return out


def services(model: Model) -> list[Service]:
    """Every gateway service with its routes, sorted by gateway and service name."""
    return list(per_model(model, "exposure.services", lambda: tuple(_services(model))))


def _services(model: Model) -> list[Service]:
    gateway_names = {g.name for g in gateways(model)}
    by_route = _policies_by_route(model)
    grouped: dict[tuple[str, str, str], list[Route]] = defaultdict(list)
    protocols: dict[tuple[str, str, str], list[str | None]] = defaultdict(list)
    for flow in model.flows.values():
        if flow.pattern not in EXPOSED_PATTERNS:
            continue
        for gw_name in [h for h in flow.via if h in gateway_names]:
            gateway = model.systems[gw_name]
            callees = exposed_systems(flow)
            for exposed in callees:
                if exposed not in model.systems:
                    continue
                upstream = upstream_of(flow, gw_name, exposed)
                caller = model.systems.get(flow.initiator)
                key = (gw_name, exposed, upstream)
                endpoint = _gateway_endpoint(gateway, flow.pattern == "webhook")
                url = endpoint_url(endpoint)
                split = urlsplit(url) if url else None
                host = split.hostname if split is not None else None
                scheme = split.scheme if split is not None else ""
                collection = _collection_path(model, flow, exposed)
                methods = _methods(flow)
                name = flow.name if len(callees) == 1 else f"{flow.name}-{exposed}"
                if sum(1 for h in flow.via if h in gateway_names) > 1:
                    name = f"{name}-{gw_name}"
                grouped[key].append(Route(
                    name=name,
                    flow=flow,
                    exposed=exposed,
                    path=collection,
                    methods=methods,
                    hosts=(host,) if host else (),
                    protocols=("https",) if scheme == "https" else ("http", "https"),
                    server_url=url,
                    policies=matching_policies(model, gw_name, exposed, flow, by_route),
                    operations=_operations(model, flow, collection, methods),
                    caller_zone=caller.zone if caller is not None else None,
                ))
                protocols[key].append(flow.protocol)
    out: list[Service] = []
    for key in sorted(grouped):
        gw_name, exposed, upstream = key
        name = exposed if upstream == exposed else f"{exposed}-via-{upstream}"
        endpoint = http_endpoint(model.systems.get(upstream), sorted(
            {p for p in protocols[key] if p}))
        routes = tuple(sorted(grouped[key], key=lambda r: r.name))
        out.append(Service(name, gw_name, exposed, upstream, endpoint, routes))
    return out
