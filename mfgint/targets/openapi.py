"""OpenAPI 3.1 contracts, one per system exposed through an API gateway."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from mfgint.compiler.model import AccessPolicy, Flow, Model, SchemaVersion
from mfgint.targets.base import GeneratedFile, Target, TargetContext, resource_plants
from mfgint.targets.exposure import Operation, Route, Service, path_params, services
from mfgint.targets.naming import camel, file_name
from mfgint.targets.schemas import component_name, embed, example_for, resolve_version

TEMPLATE = "openapi/api.yaml.j2"
_PARAM_RX = re.compile(r"\{([^{}/]+)\}")
PREFIX = "#/components/schemas/"
SCHEME_NAMES = {
    "oauth2-client-credentials": "OAuth2ClientCredentials",
    "api-key": "ApiKey",
    "jwt": "JwtBearer",
    "mtls": "MutualTLS",
    "basic": "BasicAuth",
    "hmac-webhook": "HmacSignature",
}
ERRORS = {
    400: ("BadRequest", "Bad Request", "The request body or parameters are not valid."),
    401: ("Unauthorized", "Unauthorized", "No valid credentials were presented."),
    403: ("Forbidden", "Forbidden", "The caller's AccessPolicy does not grant this operation."),
    404: ("NotFound", "Not Found", "No record has this identity."),
    409: ("Conflict", "Conflict", "The record changed concurrently or already exists."),
    429: ("TooManyRequests", "Too Many Requests", "The caller's rate limit is exhausted."),
    500: ("InternalServerError", "Internal Server Error", "The request could not be processed."),
}
VERBS = {
    "read": "Read",
    "create": "Create",
    "update": "Update",
    "upsert": "Create or replace",
    "delete": "Delete",
}
PROBLEM = {
    "type": "object",
    "description": "Problem details for HTTP APIs (RFC 9457), media type application/problem+json.",
    "properties": {
        "type": {"type": "string", "format": "uri-reference", "default": "about:blank",
                 "description": "URI reference identifying the problem type."},
        "title": {"type": "string", "description": "Short summary of the problem type."},
        "status": {"type": "integer", "minimum": 100, "maximum": 599,
                   "description": "HTTP status code."},
        "detail": {"type": "string", "description": "Explanation specific to this occurrence."},
        "instance": {"type": "string", "format": "uri-reference",
                     "description": "URI reference identifying this occurrence."},
    },
}


class OpenApiTarget(Target):
    """``openapi/<system>.yaml`` for every system that a gateway exposes."""

    name = "openapi"
    description = "OpenAPI 3.1 per system exposed through a gateway (paths, schemas, security)"
    output_dir = "openapi"

    def generate(self, ctx: TargetContext) -> list[GeneratedFile]:
        """One contract per exposed system, with every route of every gateway in front of it."""
        model = ctx.model
        grouped: dict[str, list[Service]] = defaultdict(list)
        for service in services(model):
            grouped[service.exposed].append(service)
        files: list[GeneratedFile] = []
        for exposed, group in sorted(grouped.items()):
            routes = sorted((r for s in group for r in s.routes), key=lambda r: r.name)
            plants = {p for r in routes for p in resource_plants(model, r.flow)}
            if not ctx.scope.touches(systems=(exposed,), flows=[r.flow.name for r in routes],
                                     plants=plants):
                continue
            doc = _document(model, exposed, group, routes)
            path = f"{self.output_dir}/{file_name(exposed, '.yaml')}"
            text = ctx.render(TEMPLATE, document=doc, system=exposed, path=path,
                              gateways=sorted({s.gateway for s in group}))
            files.append(GeneratedFile(path, text.encode("utf-8")))
        return files


def _document(model: Model, exposed: str, group: list[Service],
              routes: list[Route]) -> dict[str, Any]:
    versions = _versions(model, routes)
    names = _component_names(versions)
    servers = sorted({r.server_url for r in routes if r.server_url})
    doc: dict[str, Any] = {"openapi": "3.1.0", "info": _info(model, exposed, group, versions)}
    doc["servers"] = [{"url": url, "description": _server_description(group, url)}
                      for url in servers] or [{"url": "/"}]
    doc["tags"] = [
        {"name": obj, "description": (model.objects[obj].meta.description or obj).strip()}
        for obj in sorted({r.flow.object.name for r in routes if r.flow.object.name
                           in model.objects})
    ]
    schemes = _security_schemes(routes)
    doc["paths"] = _paths(model, routes, names, schemes, len(servers) > 1)
    components: dict[str, Any] = {"schemas": {}}
    for key in sorted(versions):
        version = versions[key][1]
        components["schemas"].update(embed(version.schema, names[key], PREFIX))
    components["schemas"]["Problem"] = PROBLEM
    components["responses"] = {
        name: {
            "description": summary,
            "content": {"application/problem+json": {
                "schema": {"$ref": f"{PREFIX}Problem"},
                "example": {"type": "about:blank", "title": title, "status": status,
                            "detail": summary},
            }},
        }
        for status, (name, title, summary) in sorted(ERRORS.items())
    }
    if schemes:
        components["securitySchemes"] = {k: schemes[k] for k in sorted(schemes)}
    doc["components"] = components
    return doc


def _server_description(group: list[Service], url: str) -> str:
    gateways = sorted({s.gateway for s in group for r in s.routes if r.server_url == url})
    return f"{', '.join(gateways)} gateway"


Versions = dict[tuple[str, str], tuple[str, SchemaVersion]]


def _versions(model: Model, routes: list[Route]) -> Versions:
    out: Versions = {}
    for route in routes:
        found = resolve_version(model, route.flow.object)
        if found is not None:
            obj, version = found
            out[(obj.name, version.version)] = (obj.name, version)
    return out


def _component_names(versions: dict[tuple[str, str], tuple[str, SchemaVersion]]) -> dict[
        tuple[str, str], str]:
    majors: dict[tuple[str, int], int] = defaultdict(int)
    for obj, version in versions.values():
        majors[(obj, version.major)] += 1
    return {
        key: component_name(obj, version, with_minor=majors[(obj, version.major)] > 1)
        for key, (obj, version) in versions.items()
    }


def _info(model: Model, exposed: str, group: list[Service],
          versions: dict[tuple[str, str], tuple[str, SchemaVersion]]) -> dict[str, Any]:
    system = model.systems[exposed]
    gateways = ", ".join(sorted({s.gateway for s in group}))
    lines = [system.meta.description.strip()] if system.meta.description else []
    lines.append(
        f"Operations of {exposed} reachable through the {gateways} gateway, one per flow in "
        "the integration specs. Generated by mfgint: change the specs, not this file."
    )
    info: dict[str, Any] = {
        "title": f"{exposed} API",
        "version": ", ".join(f"{obj} {v.version}" for obj, v in
                             (versions[k] for k in sorted(versions))) or "0.0",
        "description": "\n\n".join(lines),
    }
    team = model.teams.get(system.owner or "")
    if team is not None:
        contact: dict[str, Any] = {"name": team.display_name or team.name}
        if team.email and "@" in team.email:
            contact["email"] = team.email
        info["contact"] = contact
    return info


def _security_schemes(routes: list[Route]) -> dict[str, Any]:
    schemes: dict[str, Any] = {}
    scopes: dict[str, str] = {}
    token_url: str | None = None
    # Kong answers token requests at <any path of a route carrying the plugin>/oauth2/token.
    for route in sorted(routes, key=lambda r: (bool(path_params(r.path)), r.name)):
        for policy in route.policies:
            method = policy.auth.method
            name = SCHEME_NAMES.get(method)
            if name is None:
                continue
            if method == "oauth2-client-credentials":
                for scope in policy.scopes:
                    scopes.setdefault(scope, f"Granted by AccessPolicy {policy.name}.")
                if token_url is None and route.server_url:
                    concrete = _PARAM_RX.sub(lambda m: m.group(1), route.path.rstrip("/"))
                    token_url = f"{route.server_url}{concrete}/oauth2/token"
            schemes[name] = _scheme(method)
    if "OAuth2ClientCredentials" in schemes:
        schemes["OAuth2ClientCredentials"]["flows"] = {"clientCredentials": {
            "tokenUrl": token_url or "/oauth2/token",
            "scopes": {k: scopes[k] for k in sorted(scopes)},
        }}
    return schemes


def _scheme(method: str) -> dict[str, Any]:
    if method == "oauth2-client-credentials":
        return {"type": "oauth2",
                "description": "OAuth 2.0 client credentials, tokens issued by the gateway."}
    if method == "api-key":
        return {"type": "apiKey", "in": "header", "name": "apikey",
                "description": "API key checked by the gateway (Kong key-auth)."}
    if method == "jwt":
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "JWT whose iss claim names the caller's credential."}
    if method == "mtls":
        return {"type": "mutualTLS", "description": "Client certificate from the agreed CA."}
    if method == "basic":
        return {"type": "http", "scheme": "basic"}
    return {"type": "apiKey", "in": "header", "name": "Authorization",
            "description": "HMAC signature of the request (Kong hmac-auth)."}


def _paths(model: Model, routes: list[Route], names: dict[tuple[str, str], str],
           schemes: dict[str, Any], per_path_servers: bool) -> dict[str, Any]:
    ops: dict[tuple[str, str], list[tuple[Route, Operation]]] = defaultdict(list)
    for route in routes:
        for op in route.operations:
            ops[(op.path, op.method)].append((route, op))
    by_path: dict[str, dict[str, Any]] = defaultdict(dict)
    used_ids: set[str] = set()
    order = {m: i for i, m in enumerate(("get", "put", "post", "delete", "patch"))}
    for (path, method), items in sorted(ops.items()):
        route, op = items[0]
        item = by_path[path]
        if "parameters" not in item and path_params(path):
            item["parameters"] = [_path_param(model, route.flow, p) for p in path_params(path)]
        if per_path_servers and "servers" not in item and route.server_url:
            item["servers"] = [{"url": route.server_url}]
        item[method.lower()] = _operation(model, route, op, [r.flow for r, _ in items], names,
                                          schemes, used_ids)
    paths: dict[str, Any] = {}
    for path in sorted(by_path):
        item = by_path[path]
        head = {k: item[k] for k in ("servers", "parameters") if k in item}
        methods = sorted((k for k in item if k not in head), key=lambda m: order[m])
        paths[path] = {**head, **{m: item[m] for m in methods}}
    return paths


def _path_param(model: Model, flow: Flow, name: str) -> dict[str, Any]:
    obj = model.objects.get(flow.object.name)
    found = resolve_version(model, flow.object)
    schema: dict[str, Any] = {"type": "string"}
    if found is not None and isinstance(found[1].schema, dict):
        prop = (found[1].schema.get("properties") or {}).get(name)
        if isinstance(prop, dict) and prop.get("type") in ("string", "integer"):
            schema = {"type": prop["type"]}
            if "pattern" in prop:
                schema["pattern"] = prop["pattern"]
    described = "identity field" if obj is not None and name in obj.identity else "path segment"
    return {"name": name, "in": "path", "required": True,
            "description": f"{flow.object.name} {described} {name}.", "schema": schema}


def _operation(model: Model, route: Route, op: Operation, flows: list[Flow],
               names: dict[tuple[str, str], str], schemes: dict[str, Any],
               used_ids: set[str]) -> dict[str, Any]:
    flow = op.flow
    found = resolve_version(model, flow.object)
    ref = None
    example = None
    if found is not None:
        obj, version = found
        ref = {"$ref": f"{PREFIX}{names[(obj.name, version.version)]}"}
        example = example_for(version.schema) if version.schema else None
    suffix = ""
    if op.method == "GET":
        suffix = " item" if op.item else " list"
    op_id = camel(f"{flow.name} {op.method.lower()}{suffix}")
    base, n = op_id, 2
    while op_id in used_ids:
        op_id, n = f"{base}{n}", n + 1
    used_ids.add(op_id)
    verb = "List" if op.method == "GET" and not op.item else VERBS.get(op.action, "Send")
    if op.webhook:
        verb = "Notify"
    summary = f"{verb} {flow.object.name}" + (" records" if verb == "List" else "")
    lines = [flow.meta.description.strip()] if flow.meta.description else []
    targets = ", ".join(flow.targets)
    lines.append(f"Flow {flow.name}: {flow.source} -> {targets}, {flow.pattern}, "
                 f"{flow.latency}, object {flow.object}.")
    if not route.policies:
        lines.append("No AccessPolicy names a caller for this route through the gateway.")
    out: dict[str, Any] = {
        "operationId": op_id,
        "summary": summary,
        "description": "\n\n".join(lines),
        "tags": [flow.object.name],
    }
    if op.method in ("POST", "PUT", "PATCH") and ref is not None:
        content: dict[str, Any] = {"schema": ref}
        if example is not None:
            content["example"] = example
        out["requestBody"] = {"required": True, "content": {"application/json": content}}
    out["responses"] = _responses(route, op, ref, example)
    security = _operation_security(route.policies, flow, op, schemes)
    out["security"] = security
    extra = [f.name for f in flows]
    out["x-mfgint-flows"] = extra
    return out


def _responses(route: Route, op: Operation, ref: dict[str, Any] | None,
               example: Any) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    body: dict[str, Any] | None = None
    if ref is not None:
        body = {"schema": ref}
        if example is not None:
            body["example"] = example
    if op.webhook:
        responses["202"] = {"description": "Accepted: the notification is queued for processing."}
    elif op.method == "DELETE":
        responses["204"] = {"description": "Deleted."}
    elif op.method == "GET" and not op.item:
        listing: dict[str, Any] = {"schema": {"type": "array", "items": ref or {}}}
        if example is not None:
            listing["example"] = [example]
        responses["200"] = {"description": "The matching records.",
                            "content": {"application/json": listing}}
    else:
        status = "201" if op.method == "POST" else "200"
        text = "Created." if status == "201" else "The record as stored."
        responses[status] = {"description": text}
        if body is not None:
            responses[status]["content"] = {"application/json": body}
    codes = [400] if op.method in ("POST", "PUT", "PATCH") or op.item else []
    if route.policies and not route.public:
        codes += [401, 403]
    elif not route.policies and route.caller_external:
        codes += [403]
    if op.item:
        codes.append(404)
    if op.method in ("POST", "PUT", "PATCH") and not op.webhook:
        codes.append(409)
    codes += [429, 500]
    for code in sorted(set(codes)):
        responses[str(code)] = {"$ref": f"#/components/responses/{ERRORS[code][0]}"}
    return responses


def _operation_security(policies: tuple[AccessPolicy, ...], flow: Flow, op: Operation,
                        schemes: dict[str, Any]) -> list[dict[str, list[str]]]:
    if not policies or any(p.auth.method == "none" for p in policies):
        return []
    out: dict[str, list[str]] = {}
    needed = f"{flow.object.name}:{op.action}"
    for policy in policies:
        name = SCHEME_NAMES.get(policy.auth.method)
        if name is None or name not in schemes:
            continue
        scopes: list[str] = []
        if policy.auth.method == "oauth2-client-credentials":
            granted = schemes[name]["flows"]["clientCredentials"]["scopes"]
            scopes = [needed] if needed in granted and needed in policy.scopes else []
        out[name] = sorted(set(out.get(name, [])) | set(scopes))
    return [{k: out[k]} for k in sorted(out)]
