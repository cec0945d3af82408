"""AsyncAPI 3.0 contracts, one per broker: channels, CloudEvents messages, send/receive."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

from mfgint.compiler.model import Event, Flow, Model, SchemaVersion, duration_seconds
from mfgint.targets.base import GeneratedFile, Target, TargetContext, resource_plants
from mfgint.targets.naming import file_name, pascal
from mfgint.targets.schemas import (
    component_name,
    embed,
    example_for,
    resolve_version,
    schema_uri,
)

TEMPLATE = "asyncapi/broker.yaml.j2"
PREFIX = "#/components/schemas/"
KAFKA_BINDING = "0.5.0"
BROKER_PROTOCOLS = ("kafka", "amqp", "mqtt")


class AsyncApiTarget(Target):
    """``asyncapi/<broker>.yaml`` for every broker that carries events."""

    name = "asyncapi"
    description = "AsyncAPI 3.0 per broker: channels, CloudEvents messages, send/receive operations"
    output_dir = "asyncapi"

    def generate(self, ctx: TargetContext) -> list[GeneratedFile]:
        """One contract per broker with at least one event."""
        model = ctx.model
        by_broker: dict[str, list[Event]] = defaultdict(list)
        for event in model.events.values():
            by_broker[event.broker].append(event)
        consumers = _consumers(model)
        files: list[GeneratedFile] = []
        for broker, events in sorted(by_broker.items()):
            flows = [f for e in events for f in consumers.get(e.name, [])]
            systems = {broker, *(e.publisher for e in events),
                       *(t for f in flows for t in f.targets)}
            plants = {p for f in flows for p in resource_plants(model, f)}
            if not ctx.scope.touches(systems=systems, flows=[f.name for f in flows],
                                     plants=plants):
                continue
            doc = _document(model, broker, events, consumers)
            path = f"{self.output_dir}/{file_name(broker, '.yaml')}"
            text = ctx.render(TEMPLATE, document=doc, broker=broker, path=path)
            files.append(GeneratedFile(path, text.encode("utf-8")))
        return files


def _consumers(model: Model) -> dict[str, list[Flow]]:
    out: dict[str, list[Flow]] = defaultdict(list)
    for flow in model.flows.values():
        if flow.event:
            out[flow.event].append(flow)
    return out


def _document(model: Model, broker: str, events: list[Event],
              consumers: dict[str, list[Flow]]) -> dict[str, Any]:
    system = model.systems.get(broker)
    versions: dict[tuple[str, str], tuple[str, SchemaVersion]] = {}
    for event in events:
        found = resolve_version(model, event.object)
        if found is not None:
            versions[(found[0].name, found[1].version)] = (found[0].name, found[1])
    majors: dict[tuple[str, int], int] = defaultdict(int)
    for obj, version in versions.values():
        majors[(obj, version.major)] += 1
    names = {k: component_name(o, v, with_minor=majors[(o, v.major)] > 1)
             for k, (o, v) in versions.items()}
    doc: dict[str, Any] = {"asyncapi": "3.0.0", "info": _info(model, broker, events)}
    servers = _servers(system)
    if servers:
        doc["servers"] = servers
    doc["defaultContentType"] = "application/json"
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event in sorted(events, key=lambda e: e.name):
        message_name = pascal(event.name)
        found = resolve_version(model, event.object)
        payload_name = names[(found[0].name, found[1].version)] if found else None
        messages[message_name] = _message(model, event, found, payload_name)
        channels[event.name] = _channel(event, message_name)
        channel_ref = {"$ref": f"#/channels/{event.name}"}
        message_ref = [{"$ref": f"#/channels/{event.name}/messages/{message_name}"}]
        operations[f"{event.name}.send"] = {
            "action": "send",
            "channel": channel_ref,
            "title": f"{event.publisher} publishes {event.name}",
            "summary": f"{event.publisher} publishes {event.type}.",
            "messages": message_ref,
            "x-mfgint-system": event.publisher,
        }
        for flow in sorted(consumers.get(event.name, []), key=lambda f: f.name):
            op: dict[str, Any] = {
                "action": "receive",
                "channel": channel_ref,
                "title": f"{', '.join(flow.targets)} consumes {event.name}",
                "summary": f"Flow {flow.name}: {event.name} to {', '.join(flow.targets)}.",
                "messages": message_ref,
                "bindings": {"kafka": {
                    "groupId": {"type": "string", "enum": [flow.name]},
                    "bindingVersion": KAFKA_BINDING,
                }},
                "x-mfgint-flow": flow.name,
                "x-mfgint-system": ", ".join(flow.targets),
            }
            if flow.meta.description:
                op["description"] = flow.meta.description.strip()
            if flow.dead_letter is not None:
                letter: dict[str, Any] = {"target": flow.dead_letter.target}
                if flow.dead_letter.system:
                    letter["system"] = flow.dead_letter.system
                op["x-mfgint-dead-letter"] = letter
            operations[f"{flow.name}.receive"] = op
    doc["channels"] = channels
    doc["operations"] = operations
    schemas: dict[str, Any] = {}
    for key in sorted(versions):
        _obj, version = versions[key]
        schemas.update(embed(version.schema, names[key], PREFIX))
    doc["components"] = {"schemas": schemas, "messages": messages}
    return doc


def _info(model: Model, broker: str, events: list[Event]) -> dict[str, Any]:
    system = model.systems.get(broker)
    lines = [system.meta.description.strip()] if system and system.meta.description else []
    lines.append(
        "Events carried by this broker as CloudEvents 1.0 in Kafka binary mode (ce_ headers, "
        "data as the message value). Generated by mfgint: change the specs, not this file."
    )
    info: dict[str, Any] = {
        "title": f"{broker} events",
        "version": ", ".join(sorted({f"{e.object.name} {e.object.major}" for e in events})),
        "description": "\n\n".join(lines),
    }
    team = model.teams.get(system.owner or "") if system else None
    if team is not None:
        contact: dict[str, Any] = {"name": team.display_name or team.name}
        if team.email and "@" in team.email:
            contact["email"] = team.email
        info["contact"] = contact
    return info


def _servers(system: Any) -> dict[str, Any]:
    servers: dict[str, Any] = {}
    if system is None:
        return servers
    for endpoint in system.endpoints:
        if endpoint.protocol not in BROKER_PROTOCOLS or not endpoint.url:
            continue
        split = urlsplit(endpoint.url if "://" in endpoint.url else f"//{endpoint.url}")
        host = split.netloc or endpoint.url
        server: dict[str, Any] = {"host": host, "protocol": endpoint.protocol,
                                  "description": f"{system.name} endpoint {endpoint.name}"}
        if split.path and split.path != "/":
            server["pathname"] = split.path
        servers[endpoint.name] = server
    return servers


def _channel(event: Event, message_name: str) -> dict[str, Any]:
    channel: dict[str, Any] = {
        "address": event.channel,
        "title": event.name,
        "messages": {message_name: {"$ref": f"#/components/messages/{message_name}"}},
    }
    if event.meta.description:
        channel["description"] = event.meta.description.strip()
    topic: dict[str, Any] = {"topic": event.channel}
    if event.partitions:
        topic["partitions"] = event.partitions
    config: dict[str, Any] = {"cleanup.policy": ["delete"]}
    retention = duration_seconds(event.retention)
    if retention is not None:
        config["retention.ms"] = int(retention * 1000)
    topic["topicConfiguration"] = config
    topic["bindingVersion"] = KAFKA_BINDING
    channel["bindings"] = {"kafka": topic}
    if event.replay:
        replay = duration_seconds(event.replay)
        channel["x-mfgint-replay"] = {"window": event.replay,
                                      "windowMs": int((replay or 0) * 1000)}
    if event.retention:
        channel["x-mfgint-retention"] = event.retention
    return channel


def _message(model: Model, event: Event, found: Any, payload_name: str | None) -> dict[str, Any]:
    headers = _headers(event, found)
    message: dict[str, Any] = {
        "name": pascal(event.name),
        "title": event.name,
        "summary": f"CloudEvent {event.type}",
        "contentType": "application/json",
        "headers": headers,
    }
    if event.meta.description:
        message["description"] = event.meta.description.strip()
    if payload_name is not None:
        message["payload"] = {"$ref": f"{PREFIX}{payload_name}"}
    key: dict[str, Any] = {"type": "string"}
    if event.ordering_key:
        key["description"] = f"Record key: the payload field {event.ordering_key}."
    message["bindings"] = {"kafka": {"key": key, "bindingVersion": KAFKA_BINDING}}
    header_example = example_for(headers)
    payload_example = example_for(found[1].schema) if found and found[1].schema else None
    example: dict[str, Any] = {"name": f"{event.name}-example"}
    if header_example is not None:
        example["headers"] = header_example
    if payload_example is not None:
        example["payload"] = payload_example
    if len(example) > 1:
        message["examples"] = [example]
    message["x-mfgint-object"] = str(event.object)
    return message


def _headers(event: Event, found: Any) -> dict[str, Any]:
    data_schema = schema_uri(found[0].name, found[1]) if found else None
    props: dict[str, Any] = {
        "ce_id": {"type": "string", "description": "CloudEvents id; with ce_source, the "
                  "deduplication key.", "examples": ["3f0c2b1e-8d4a-4c6b-9f1e-2a7d5c9b0e41"]},
        "ce_source": {"type": "string", "format": "uri-reference",
                      "description": f"CloudEvents source: the publishing system "
                      f"({event.publisher}).",
                      "examples": [f"urn:mfgint:system:{event.publisher}"]},
        "ce_specversion": {"type": "string", "const": "1.0",
                           "description": "CloudEvents specification version."},
        "ce_type": {"type": "string", "const": event.type, "description": "CloudEvents type."},
        "ce_time": {"type": "string", "format": "date-time",
                    "description": "When the change happened (RFC 3339)."},
        "content-type": {"type": "string", "const": "application/json",
                         "description": "datacontenttype of the CloudEvent."},
    }
    if data_schema:
        props["ce_dataschema"] = {"type": "string", "format": "uri", "const": data_schema,
                                  "description": "Schema of the data (the message value)."}
    subject = "the record's identity"
    if event.ordering_key:
        subject = f"the record's {event.ordering_key}"
    props["ce_subject"] = {"type": "string", "description": f"CloudEvents subject: {subject}."}
    return {
        "type": "object",
        "required": ["ce_id", "ce_source", "ce_specversion", "ce_type", "content-type"],
        "properties": props,
    }
