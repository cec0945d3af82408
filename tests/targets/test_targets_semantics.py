"""What the kong, openapi and asyncapi files say: ownership, credentials, contracts, events."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from gen_helpers import HERE, example_model, run_target

from mfgint.compiler.model import Model
from mfgint.pipeline import compile_specs
from mfgint.targets.base import Scope

EDGE = HERE / "fixtures" / "edge"
SECRET_RX = re.compile(r"(client_secret|password|secret|key|cert): (?!\$\{\{ env \"DECK_)")


@cache
def edge_model() -> Model:
    """The edge-case landscape in fixtures/edge."""
    return compile_specs([EDGE]).model


def docs(target: str, model: Model | None = None) -> dict[str, Any]:
    """Parsed YAML documents of a target, by path."""
    return {f.path: yaml.safe_load(f.content) for f in run_target(target, model)}


def entities(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every decK entity in a file (nested ones included)."""
    out: list[dict[str, Any]] = []
    for service in doc.get("services", []):
        out.append(service)
        for route in service.get("routes", []):
            out.append(route)
            out.extend(route.get("plugins", []))
        out.extend(service.get("plugins", []))
    for consumer in doc.get("consumers", []):
        out.append(consumer)
        for key, value in consumer.items():
            if isinstance(value, list) and key not in ("tags",):
                out.extend(value)
    out.extend(doc.get("plugins", []))
    out.extend(doc.get("ca_certificates", []))
    return out


@pytest.mark.parametrize("model_name", ["examples", "edge"])
def test_every_kong_entity_is_tagged_with_its_team_and_plant(model_name: str) -> None:
    model = example_model() if model_name == "examples" else edge_model()
    for path, doc in docs("kong", model).items():
        team = Path(path).stem
        assert doc["_format_version"] == "3.0"
        assert doc["_info"]["select_tags"] == ["mfgint", f"owner:{team}"]
        for entity in entities(doc):
            tags = entity["tags"]
            assert "mfgint" in tags and f"owner:{team}" in tags, (path, entity)
            assert any(t.startswith("plant:") for t in tags), (path, entity)
            assert all(" " not in t and "," not in t for t in tags)


@pytest.mark.parametrize("model_name", ["examples", "edge"])
def test_kong_files_hold_credential_references_never_values(model_name: str) -> None:
    model = example_model() if model_name == "examples" else edge_model()
    for f in run_target("kong", model):
        body = f.content.decode()
        doc = yaml.safe_load(body)
        for consumer in doc.get("consumers", []):
            for kind in ("keyauth_credentials", "oauth2_credentials", "jwt_secrets",
                         "basicauth_credentials", "hmacauth_credentials"):
                for cred in consumer.get(kind, []):
                    secret = cred.get("key") if kind == "keyauth_credentials" else (
                        cred.get("client_secret") or cred.get("secret") or cred.get("password"))
                    assert re.fullmatch(r'\$\{\{ env "DECK_[A-Z0-9_]+" \}\}', secret), cred
        for cert in doc.get("ca_certificates", []):
            assert cert["cert"].startswith('${{ env "DECK_')
        assert "vault://" not in yaml.safe_dump(doc), "references stay in comments only"


def test_examples_kong_covers_policies_and_plugins() -> None:
    erp = docs("kong")["kong/team-erp.yaml"]
    consumers = {c["username"]: c for c in erp["consumers"]}
    assert sorted(consumers) == ["geodis-3pl", "qms-etq", "supplier-portal"]
    assert consumers["geodis-3pl"]["acls"][0]["group"] == "geodis-3pl-to-odoo"
    routes = {r["name"]: r for s in erp["services"] for r in s["routes"]}
    tracking = {p["name"]: p for p in routes["shipment-tracking-from-3pl"]["plugins"]}
    assert set(tracking) == {"acl", "key-auth"}
    assert tracking["acl"]["config"]["allow"] == ["geodis-3pl-to-odoo"]
    onboarding = {p["name"]: p for p in routes["supplier-onboarding-to-odoo"]["plugins"]}
    assert onboarding["oauth2"]["config"]["enable_client_credentials"] is True
    top = {(p["name"], p["consumer"]): p for p in erp["plugins"]}
    assert top[("rate-limiting", "geodis-3pl")]["config"]["minute"] == 300
    assert top[("ip-restriction", "geodis-3pl")]["config"]["allow"] == ["198.51.100.0/26"]
    assert top[("request-size-limiting", "geodis-3pl")]["config"] == {
        "allowed_payload_size": 256, "size_unit": "kilobytes"}
    for service in erp["services"]:
        assert [p["name"] for p in service["plugins"]] == ["correlation-id"]


def test_edge_kong_auth_mapping() -> None:
    files = docs("kong", edge_model())
    a = files["kong/team-a.yaml"]
    routes = {r["name"]: r for s in a["services"] for r in s["routes"]}
    confirm = routes["portal-confirms-order"]
    assert confirm["paths"] == ["~/v1/orders/(?<order_id>[^/]+)/confirmations"]
    names = sorted(p["name"] for p in confirm["plugins"])
    assert names == ["acl", "mtls-auth", "oauth2"]
    for plugin in confirm["plugins"]:
        if plugin["name"] != "acl":
            assert plugin["config"]["anonymous"] == "anonymous-team-a"
    assert any(c["username"] == "anonymous-team-a" for c in a["consumers"])
    deletes = {p["name"] for p in routes["kiosk-deletes-order"]["plugins"]}
    assert deletes == {"acl", "basic-auth", "key-auth", "mtls-auth"}, "portal-backup has *"
    assert a["ca_certificates"][0]["id"] in next(
        p for p in confirm["plugins"] if p["name"] == "mtls-auth")["config"]["ca_certificates"]
    b = files["kong/team-b.yaml"]
    assert b["_info"]["default_lookup_tags"] == {"consumers": ["mfgint"]}, (
        "portal's consumer lives in team-a's file; team-b's plugins look it up")
    assert "consumers" not in b
    b_routes = {r["name"]: r for s in b["services"] for r in s["routes"]}
    hook = {p["name"] for p in b_routes["portal-notifies-mes"]["plugins"]}
    assert hook == {"acl", "hmac-auth"}
    public = {p["name"]: p for p in b_routes["kiosk-reads-mes"]["plugins"]}
    assert set(public) == {"ip-restriction", "rate-limiting"}, "auth none: limits on the route"
    assert public["rate-limiting"]["config"]["limit_by"] == "ip"
    reads = {r["name"]: r for s in a["services"] for r in s["routes"]}["mes-reads-orders"]
    assert reads["methods"] == ["GET"] and reads["paths"] == ["/erp/orders"]


def test_edge_openapi_contract() -> None:
    erp = docs("openapi", edge_model())["openapi/erp.yaml"]
    assert erp["openapi"] == "3.1.0"
    paths = erp["paths"]
    assert set(paths) == {"/erp/orders", "/erp/orders/{order_id}/{line}",
                          "/v1/orders/{order_id}/confirmations",
                          "/v1/orders/{order_id}/confirmations/{line}"}
    assert "get" in paths["/erp/orders"] and "get" in paths["/erp/orders/{order_id}/{line}"]
    ids = [op["operationId"] for item in paths.values() for k, op in item.items()
           if k in ("get", "put", "post", "patch", "delete")]
    assert len(ids) == len(set(ids))
    schemas = erp["components"]["schemas"]
    assert {"OrderV1_0", "OrderV1_1", "OrderV1_0_party", "Problem"} <= set(schemas)
    assert "$schema" not in schemas["OrderV1_0"] and "$id" not in schemas["OrderV1_0"]
    assert schemas["OrderV1_0"]["properties"]["customer"]["$ref"] == (
        "#/components/schemas/OrderV1_0_party")
    schemes = erp["components"]["securitySchemes"]
    assert schemes["OAuth2ClientCredentials"]["flows"]["clientCredentials"]["scopes"] == {
        "order:update": "Granted by AccessPolicy portal-to-erp."}
    assert schemes["MutualTLS"] == {"type": "mutualTLS",
                                    "description": "Client certificate from the agreed CA."}
    assert {"JwtBearer", "BasicAuth", "ApiKey"} <= set(schemes)


def test_openapi_operations_have_errors_and_examples() -> None:
    odoo = docs("openapi")["openapi/odoo-erp.yaml"]
    op = odoo["paths"]["/hooks/geodis/tracking"]["post"]
    assert op["security"] == [{"ApiKey": []}]
    assert {"202", "400", "401", "403", "429", "500"} <= set(op["responses"])
    example = op["requestBody"]["content"]["application/json"]["example"]
    assert example["shipment_number"]
    problem = odoo["components"]["responses"]["Forbidden"]["content"]
    assert "application/problem+json" in problem


def test_asyncapi_channels_and_operations() -> None:
    doc = docs("asyncapi")["asyncapi/event-hub.yaml"]
    model = example_model()
    assert doc["asyncapi"] == "3.0.0"
    assert set(doc["channels"]) == {e for e, ev in model.events.items() if ev.broker == "event-hub"}
    ops = doc["operations"]
    for name, event in model.events.items():
        assert ops[f"{name}.send"]["action"] == "send"
        assert doc["channels"][name]["address"] == event.channel
    for flow in model.flows.values():
        if flow.event and model.events[flow.event].broker == "event-hub":
            assert ops[f"{flow.name}.receive"]["action"] == "receive"
    message = doc["components"]["messages"]["WorkOrderStateChanged"]
    headers = message["headers"]["properties"]
    assert headers["ce_specversion"]["const"] == "1.0"
    assert headers["ce_type"]["const"] == "com.acme.mfg.work_order.state_changed.v2"
    assert message["payload"] == {"$ref": "#/components/schemas/WorkOrderV2"}
    channel = doc["channels"]["work-order-state-changed"]
    assert channel["bindings"]["kafka"]["topicConfiguration"]["retention.ms"] == 14 * 86400000
    assert channel["x-mfgint-replay"]["window"] == "7d"


def test_edge_asyncapi_server_and_dead_letter() -> None:
    doc = docs("asyncapi", edge_model())["asyncapi/bus.yaml"]
    assert doc["servers"]["brokers"] == {"host": "bus-1.example.test:9092", "protocol": "kafka",
                                         "description": "bus endpoint brokers"}
    receive = doc["operations"]["order-to-mes.receive"]
    assert receive["x-mfgint-dead-letter"] == {"target": "sales.order.placed.v1.dlq",
                                               "system": "bus"}
    headers = doc["components"]["messages"]["OrderPlaced"]["headers"]["properties"]
    assert headers["ce_dataschema"]["const"] == "https://schemas.example.test/order/1.0.json"


def test_selection_keeps_whole_files() -> None:
    everything = {f.path: f.content for f in run_target("kong")}
    scoped = run_target("kong", scope=Scope(frozenset({"geodis-3pl"}), frozenset(),
                                            frozenset()))
    assert [f.path for f in scoped] == ["kong/team-supply-chain.yaml"]
    assert scoped[0].content == everything["kong/team-supply-chain.yaml"]
    assert run_target("openapi", scope=Scope(frozenset(), frozenset(), frozenset())) == []
