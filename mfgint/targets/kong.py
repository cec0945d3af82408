"""Kong declarative configuration (decK ``_format_version: "3.0"``), one file per owner team.

Each team's file carries ``_info.select_tags: [mfgint, owner:<team>]`` so that the team's
``deck gateway sync`` only ever creates, updates or deletes entities carrying both tags. See
docs/generate.md for the mapping from AccessPolicies to plugins, consumers and credentials.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from mfgint.compiler.model import AccessPolicy, Model
from mfgint.targets.base import (
    ALL_PLANTS,
    GeneratedFile,
    Target,
    TargetContext,
    resource_plants,
)
from mfgint.targets.exposure import Route, Service, endpoint_url, gateways, kong_path, services
from mfgint.targets.naming import file_name, safe_segment, upper_snake

TEMPLATE = "kong/team.yaml.j2"
UNOWNED = "unowned"
_NAMESPACE = uuid.UUID("6f1d8a52-35b4-4f0e-9a57-3c1f0e6a2d10")

AUTH_PLUGINS = {
    "api-key": "key-auth",
    "jwt": "jwt",
    "oauth2-client-credentials": "oauth2",
    "basic": "basic-auth",
    "hmac-webhook": "hmac-auth",
    "mtls": "mtls-auth",
}
CREDENTIAL_SUFFIX = {
    "api-key": "API_KEY",
    "jwt": "JWT_SECRET",
    "oauth2-client-credentials": "CLIENT_SECRET",
    "basic": "PASSWORD",
    "hmac-webhook": "HMAC_SECRET",
    "mtls": "CA_CERT",
}
RATE_PERIODS = ("second", "minute", "hour", "day")


@dataclass(frozen=True, slots=True)
class CredentialVar:
    """A decK environment variable the deploy job fills from the secret store."""

    env: str
    ref: str
    policy: str


def env_ref(var: str) -> str:
    """decK's environment substitution for a variable (resolved by decK, never stored)."""
    return "${{ env \"" + var + "\" }}"


@functools.lru_cache(maxsize=65536)
def ca_certificate_id(policy: str) -> str:
    """The stable id of the CA certificate entity of an mTLS policy."""
    return str(uuid.uuid5(_NAMESPACE, f"ca-certificate:{policy}"))


def credential_var(policy: AccessPolicy) -> str:
    """``DECK_<POLICY>_<KIND>``: the variable holding a policy's credential at sync time."""
    return f"DECK_{upper_snake(policy.name)}_{CREDENTIAL_SUFFIX.get(policy.auth.method, 'SECRET')}"


def team_of(model: Model, service: Service) -> str:
    """The team owning a service's entities: the exposed system's owner (else the gateway's)."""
    system = model.systems.get(service.exposed)
    gateway = model.systems.get(service.gateway)
    return (system.owner if system else None) or (gateway.owner if gateway else None) or UNOWNED


def policy_plants(model: Model, policy: AccessPolicy) -> tuple[str, ...]:
    """Plants an AccessPolicy concerns: its blueprint plant, its principal's plant or systems."""
    if policy.origin is not None:
        return (policy.origin[1],)
    if policy.principal.plant:
        return (policy.principal.plant,)
    system = model.systems.get(policy.principal.name) if policy.principal.kind == "system" else None
    if system is not None and system.plants:
        return tuple(sorted(system.plants))
    return (ALL_PLANTS,)


def _tags(team: str, plants: tuple[str, ...], *extra: str) -> list[str]:
    return ["mfgint", f"owner:{team}", *(f"plant:{p}" for p in plants), *extra]


class KongTarget(Target):
    """decK files: services, routes, plugins and consumers for every API behind a gateway."""

    name = "kong"
    description = "Kong declarative config (decK 3.0), one file per owner team, select_tags set"
    output_dir = "kong"

    def generate(self, ctx: TargetContext) -> list[GeneratedFile]:
        """One ``kong/<team>.yaml`` per team owning exposed APIs (per gateway when several)."""
        model = ctx.model
        all_services = services(model)
        several = len(gateways(model)) > 1
        by_file: dict[tuple[str, str], list[Service]] = defaultdict(list)
        for service in all_services:
            by_file[(service.gateway, team_of(model, service))].append(service)
        homes = self._consumer_homes(model, all_services)
        consumer_policies = self._consumer_policies(all_services, homes)
        files: list[GeneratedFile] = []
        for (gateway, team), group in sorted(by_file.items()):
            if not any(self._in_scope(ctx, model, s) for s in group):
                continue
            doc, credentials = self._document(
                model, gateway, team, group, homes,
                consumer_policies.get((gateway, team), {}))
            folder = f"{self.output_dir}/{safe_segment(gateway)}" if several else self.output_dir
            path = f"{folder}/{file_name(team, '.yaml')}"
            text = ctx.render(TEMPLATE, document=doc, team=team, gateway=gateway, path=path,
                              credentials=credentials)
            files.append(GeneratedFile(path, text.encode("utf-8")))
        return files

    @staticmethod
    def _in_scope(ctx: TargetContext, model: Model, service: Service) -> bool:
        plants: set[str] = set()
        for route in service.routes:
            plants.update(resource_plants(model, route.flow))
        return ctx.scope.touches(
            systems=(service.exposed, service.upstream, service.gateway),
            flows=[r.flow.name for r in service.routes],
            plants=plants,
        )

    @staticmethod
    def _consumer_homes(model: Model, all_services: list[Service]) -> dict[tuple[str, str], str]:
        """(gateway, principal) -> the team whose file holds the consumer."""
        teams: dict[tuple[str, str], set[str]] = defaultdict(set)
        for service in all_services:
            for policy in service.policies:
                if policy.auth.method != "none":
                    teams[(service.gateway, policy.principal.name)].add(team_of(model, service))
        homes: dict[tuple[str, str], str] = {}
        for key, candidates in teams.items():
            system = model.systems.get(key[1])
            own = system.owner if system is not None else None
            homes[key] = own if own in candidates else min(candidates)
        return homes

    @staticmethod
    def _consumer_policies(
        all_services: list[Service], homes: dict[tuple[str, str], str]
    ) -> dict[tuple[str, str], dict[str, dict[str, AccessPolicy]]]:
        """(gateway, team) -> principal -> policy name -> policy, for the consumers a file holds."""
        out: dict[tuple[str, str], dict[str, dict[str, AccessPolicy]]] = defaultdict(
            lambda: defaultdict(dict))
        for service in all_services:
            gateway = service.gateway
            for policy in service.policies:
                if policy.auth.method == "none":
                    continue
                team = homes.get((gateway, policy.principal.name))
                if team is not None:
                    out[(gateway, team)][policy.principal.name][policy.name] = policy
        return out

    def _document(
        self,
        model: Model,
        gateway: str,
        team: str,
        group: list[Service],
        homes: dict[tuple[str, str], str],
        consumer_policies: dict[str, dict[str, AccessPolicy]],
    ) -> tuple[dict[str, Any], list[CredentialVar]]:
        doc: dict[str, Any] = {
            "_format_version": "3.0",
            "_info": {"select_tags": ["mfgint", f"owner:{team}"]},
        }
        ca_certs: dict[str, dict[str, Any]] = {}
        top_plugins: list[dict[str, Any]] = []
        foreign_consumers = False
        doc["services"] = [self._service(model, team, s, ca_certs) for s in group]
        for service in group:
            by_principal: dict[str, list[AccessPolicy]] = defaultdict(list)
            for policy in service.policies:
                if policy.auth.method != "none":
                    by_principal[policy.principal.name].append(policy)
            for principal, own in sorted(by_principal.items()):
                if homes[(gateway, principal)] != team:
                    foreign_consumers = True
                top_plugins.extend(self._consumer_plugins(model, team, service, principal, own))
        consumers, credentials = self._consumers(model, team, group, consumer_policies)
        if ca_certs:
            credentials.extend(
                CredentialVar(c["_var"], c["_ref"], c["_policy"]) for c in ca_certs.values()
            )
        if consumers:
            doc["consumers"] = consumers
        if ca_certs:
            doc["ca_certificates"] = [
                {k: v for k, v in c.items() if not k.startswith("_")} for c in ca_certs.values()
            ]
        if top_plugins:
            doc["plugins"] = top_plugins
        if foreign_consumers:
            doc["_info"]["default_lookup_tags"] = {"consumers": ["mfgint"]}
        credentials.sort(key=lambda c: c.env)
        return doc, credentials

    def _service(self, model: Model, team: str, service: Service,
                 ca_certs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        system = model.systems.get(service.exposed)
        plants = resource_plants(model, system) if system is not None else (ALL_PLANTS,)
        entity: dict[str, Any] = {"name": service.name}
        url = endpoint_url(service.endpoint)
        if url:
            entity["url"] = url
        else:
            # No HTTP endpoint with a URL: Kong resolves the host name (DNS or an upstream).
            entity.update({"protocol": "https", "host": service.upstream, "port": 443})
        entity["tags"] = _tags(team, plants, f"system:{service.exposed}",
                               f"gateway:{service.gateway}")
        entity["routes"] = [self._route(model, team, service, r, ca_certs)
                            for r in service.routes]
        entity["plugins"] = [{
            "name": "correlation-id",
            "config": {
                "header_name": "X-Correlation-ID",
                "generator": "uuid#counter",
                "echo_downstream": True,
            },
            "tags": _tags(team, plants, f"system:{service.exposed}"),
        }]
        return entity

    def _route(self, model: Model, team: str, service: Service, route: Route,
               ca_certs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        plants = resource_plants(model, route.flow)
        tags = _tags(team, plants, f"flow:{route.flow.name}")
        entity: dict[str, Any] = {"name": route.name, "paths": [kong_path(route.path)],
                                  "methods": list(route.methods)}
        if route.hosts:
            entity["hosts"] = list(route.hosts)
        if not route.policies and not route.caller_external:
            tags = [*tags, "access:internal-caller"]
        entity.update({
            "protocols": list(route.protocols),
            "strip_path": False,
            "preserve_host": False,
            "tags": tags,
        })
        plugins = self._route_plugins(model, team, route, tags, ca_certs)
        if plugins:
            entity["plugins"] = plugins
        return entity

    def _route_plugins(self, model: Model, team: str, route: Route, tags: list[str],
                       ca_certs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        policies = route.policies
        if not policies and not route.caller_external:
            # Internal caller and no AccessPolicy through the gateway: the network zone is the
            # control (egress to partners, internal webhooks); see docs/generate.md.
            return []
        if not policies:
            return [{
                "name": "request-termination",
                "config": {
                    "status_code": 403,
                    "message": "No AccessPolicy grants this route (generated by mfgint).",
                },
                "tags": tags,
            }]
        if route.public:
            return self._public_plugins(route, tags)
        plugins: list[dict[str, Any]] = []
        methods = sorted({p.auth.method for p in policies})
        anonymous = f"anonymous-{team}" if len(methods) > 1 else None
        for method in methods:
            with_method = [p for p in policies if p.auth.method == method]
            config = self._auth_config(model, method, with_method, ca_certs, team)
            if anonymous:
                config["anonymous"] = anonymous
            plugins.append({"name": AUTH_PLUGINS.get(method, method), "config": config,
                            "tags": tags})
        plugins.append({
            "name": "acl",
            "config": {"allow": sorted(p.name for p in policies), "hide_groups_header": True},
            "tags": tags,
        })
        return sorted(plugins, key=lambda p: str(p["name"]))

    def _auth_config(self, model: Model, method: str, policies: list[AccessPolicy],
                     ca_certs: dict[str, dict[str, Any]], team: str) -> dict[str, Any]:
        if method == "api-key":
            return {"key_names": ["apikey"], "hide_credentials": True}
        if method == "jwt":
            return {"key_claim_name": "iss", "claims_to_verify": ["exp"]}
        if method == "oauth2-client-credentials":
            scopes = sorted({s for p in policies for s in p.scopes})
            config: dict[str, Any] = {
                "enable_client_credentials": True,
                "enable_authorization_code": False,
                "enable_implicit_grant": False,
                "enable_password_grant": False,
            }
            if scopes:
                config.update({"scopes": scopes, "mandatory_scope": True})
            return config
        if method == "basic":
            return {"hide_credentials": True}
        if method == "hmac-webhook":
            return {"algorithms": ["hmac-sha256"], "validate_request_body": True,
                    "hide_credentials": True}
        if method == "mtls":
            ids = []
            for policy in policies:
                cert_id = ca_certificate_id(policy.name)
                ids.append(cert_id)
                if cert_id not in ca_certs:
                    ca_certs[cert_id] = {
                        "id": cert_id,
                        "cert": env_ref(credential_var(policy)),
                        "tags": _tags(team, policy_plants(model, policy),
                                      f"policy:{policy.name}"),
                        "_var": credential_var(policy),
                        "_ref": policy.auth.credential_ref or "(no credentialRef)",
                        "_policy": policy.name,
                    }
            return {"ca_certificates": sorted(ids), "consumer_by": ["username"]}
        return {}

    @staticmethod
    def _public_plugins(route: Route, tags: list[str]) -> list[dict[str, Any]]:
        """Auth method ``none``: no consumer is known, so the limits apply to the route."""
        open_policy = next(p for p in route.policies if p.auth.method == "none")
        plugins: list[dict[str, Any]] = []
        if open_policy.sources:
            plugins.append({"name": "ip-restriction",
                            "config": {"allow": list(open_policy.sources)}, "tags": tags})
        if open_policy.rate_limit is not None:
            plugins.append({
                "name": "rate-limiting",
                "config": {open_policy.rate_limit.per: open_policy.rate_limit.requests,
                           "limit_by": "ip", "policy": "local"},
                "tags": tags,
            })
        if open_policy.max_request_size is not None:
            size = open_policy.max_request_size
            plugins.append({"name": "request-size-limiting",
                            "config": {"allowed_payload_size": size.size, "size_unit": size.unit},
                            "tags": tags})
        return sorted(plugins, key=lambda p: str(p["name"]))

    def _consumer_plugins(self, model: Model, team: str, service: Service, principal: str,
                          policies: list[AccessPolicy]) -> list[dict[str, Any]]:
        """Per-consumer limits on one service: two foreign keys, so top-level plugins.

        When several policies give the same principal access to one service, the strictest
        limits win and the allowed networks add up.
        """
        plants = tuple(sorted({p for pol in policies for p in policy_plants(model, pol)}))
        tags = _tags(team, plants, *(f"policy:{p.name}" for p in policies))
        base = {"service": service.name, "consumer": principal}
        plugins: list[dict[str, Any]] = []
        sources = sorted({s for p in policies for s in p.sources})
        if sources and all(p.sources for p in policies):
            plugins.append({"name": "ip-restriction", **base,
                            "config": {"allow": sources}, "tags": tags})
        sizes = [p.max_request_size for p in policies if p.max_request_size is not None]
        if sizes:
            unit_bytes = {"bytes": 1, "kilobytes": 1024, "megabytes": 1024 * 1024}
            size = min(sizes, key=lambda z: z.size * unit_bytes.get(z.unit, 1))
            plugins.append({"name": "request-size-limiting", **base,
                            "config": {"allowed_payload_size": size.size,
                                       "size_unit": size.unit}, "tags": tags})
        limits: dict[str, int] = {}
        for policy in policies:
            if policy.rate_limit is not None:
                per, requests = policy.rate_limit.per, policy.rate_limit.requests
                limits[per] = min(requests, limits.get(per, requests))
        if limits:
            config: dict[str, Any] = {k: limits[k] for k in RATE_PERIODS if k in limits}
            config.update({"limit_by": "consumer", "policy": "local", "fault_tolerant": True})
            plugins.append({"name": "rate-limiting", **base, "config": config, "tags": tags})
        return plugins

    def _consumers(
        self,
        model: Model,
        team: str,
        group: list[Service],
        policies: dict[str, dict[str, AccessPolicy]],
    ) -> tuple[list[dict[str, Any]], list[CredentialVar]]:
        consumers: list[dict[str, Any]] = []
        credentials: list[CredentialVar] = []
        for principal in sorted(policies):
            own = [policies[principal][k] for k in sorted(policies[principal])]
            plants = tuple(sorted({p for pol in own for p in policy_plants(model, pol)}))
            if len(plants) > 1 and ALL_PLANTS in plants:
                plants = (ALL_PLANTS,)
            tags = _tags(team, plants, f"principal:{principal}")
            entity: dict[str, Any] = {"username": principal, "tags": tags}
            entity["acls"] = [{"group": p.name, "tags": tags} for p in own]
            creds: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for policy in own:
                var = credential_var(policy)
                secret = env_ref(var)
                method = policy.auth.method
                if method == "mtls":
                    continue
                credentials.append(CredentialVar(
                    var, policy.auth.credential_ref or "(no credentialRef)", policy.name))
                if method == "api-key":
                    creds["keyauth_credentials"].append({"key": secret, "tags": tags})
                elif method == "jwt":
                    creds["jwt_secrets"].append({"key": policy.name, "algorithm": "HS256",
                                                 "secret": secret, "tags": tags})
                elif method == "oauth2-client-credentials":
                    creds["oauth2_credentials"].append({
                        "name": policy.name, "client_id": policy.name, "client_secret": secret,
                        "redirect_uris": [], "tags": tags})
                elif method == "basic":
                    creds["basicauth_credentials"].append(
                        {"username": policy.name, "password": secret, "tags": tags})
                elif method == "hmac-webhook":
                    creds["hmacauth_credentials"].append(
                        {"username": policy.name, "secret": secret, "tags": tags})
            for kind in sorted(creds):
                entity[kind] = creds[kind]
            consumers.append(entity)
        anonymous_needed = any(
            len({p.auth.method for p in r.policies}) > 1 and not r.public
            for s in group for r in s.routes
        )
        if anonymous_needed:
            consumers.append({"username": f"anonymous-{team}",
                              "tags": _tags(team, (ALL_PLANTS,), "anonymous")})
        return consumers, credentials
