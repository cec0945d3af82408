"""Generate the per-kind JSON Schemas in mfgint/schemas/ from one Python definition."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

Schema = dict[str, Any]

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "mfgint" / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "https://mfgint.dev/schemas/v1/"
API_VERSION = "mfgint/v1"

NAME_PATTERN = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
OBJECT_REF_PATTERN = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?@[0-9]+(\.[0-9]+)?$"
VERSION_PATTERN = r"^[0-9]+\.[0-9]+$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DURATION_PATTERN = r"^[0-9]+(ms|s|m|h|d|w)$"
RULE_CODE_PATTERN = r"^[A-Z]{2,5}[0-9]{3}$"
RULE_SELECTOR_PATTERN = r"^[A-Z]{2,5}[0-9]{0,3}$"
PARAM_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"

ZONES = ["ot", "dmz", "it", "cloud", "partner"]
CRITICALITIES = ["tier-1", "tier-2", "tier-3"]
PROTOCOLS = [
    "json-rpc",
    "xml-rpc",
    "json-2",
    "rest",
    "soap",
    "graphql",
    "webhook",
    "sftp",
    "as2",
    "edi-van",
    "mqtt",
    "opc-ua",
    "amqp",
    "kafka",
    "file",
]
SYSTEM_TYPES = [
    "erp",
    "mes",
    "wms",
    "plm",
    "qms",
    "cmms",
    "crm",
    "portal",
    "carrier",
    "edi",
    "analytics",
    "gateway",
    "broker",
    "middleware",
    "historian",
    "scada",
]
ODOO_TRIGGERS = [
    "on_create_or_write",
    "on_create",
    "on_write",
    "on_unlink",
    "on_change",
    "on_time",
    "on_time_created",
    "on_time_updated",
    "on_stage_set",
    "on_user_set",
    "on_tag_set",
    "on_state_set",
    "on_priority_set",
    "on_archive",
    "on_unarchive",
    "on_message_received",
    "on_message_sent",
    "on_webhook",
]
KINDS = [
    "Team",
    "Plant",
    "System",
    "BusinessObject",
    "Flow",
    "Event",
    "AccessPolicy",
    "Workflow",
    "Blueprint",
    "Waiver",
]
BLUEPRINT_RESOURCE_KINDS = [k for k in KINDS if k not in ("Blueprint", "Plant", "Waiver")]


# ---------------------------------------------------------------- builders


def ref(def_name: str, description: str) -> Schema:
    """Return a $ref into the file's own $defs with a hover description."""
    return {"description": description, "$ref": f"#/$defs/{def_name}"}


def string(description: str, **extra: Any) -> Schema:
    """Return a string schema."""
    return {"description": description, "type": "string", **extra}


def text(description: str, **extra: Any) -> Schema:
    """Return a non-empty free-text string schema."""
    return {"description": description, "type": "string", "minLength": 1, **extra}


def enum(description: str, values: list[str], **extra: Any) -> Schema:
    """Return a string enum schema."""
    return {"description": description, "type": "string", "enum": values, **extra}


def integer(description: str, **extra: Any) -> Schema:
    """Return an integer schema."""
    return {"description": description, "type": "integer", **extra}


def boolean(description: str, **extra: Any) -> Schema:
    """Return a boolean schema."""
    return {"description": description, "type": "boolean", **extra}


def array(description: str, items: Schema, min_items: int = 0, unique: bool = False) -> Schema:
    """Return an array schema."""
    out: Schema = {"description": description, "type": "array", "items": items}
    if min_items:
        out["minItems"] = min_items
    if unique:
        out["uniqueItems"] = True
    return out


def obj(
    description: str, properties: dict[str, Schema], required: tuple[str, ...] = (), **extra: Any
) -> Schema:
    """Return a closed object schema (additionalProperties false)."""
    out: Schema = {"description": description, "type": "object"}
    if required:
        out["required"] = list(required)
    out["properties"] = properties
    out["additionalProperties"] = False
    out.update(extra)
    return out


def names(description: str, item: str, unique: bool = True, min_items: int = 0) -> Schema:
    """Return a list of resource names."""
    return array(description, ref("name", item), min_items=min_items, unique=unique)


# ---------------------------------------------------------------- shared $defs

COMMON_DEFS: dict[str, Schema] = {
    "name": string(
        "Resource name: lowercase letters, digits and dashes, 1-63 characters, starting and "
        "ending with a letter or digit (no dots, slashes or spaces).",
        pattern=NAME_PATTERN,
        examples=["odoo-erp", "mes-lyon", "work-order"],
    ),
    "objectRef": string(
        "Reference to a BusinessObject schema version: NAME@MAJOR or NAME@MAJOR.MINOR "
        "(e.g. work-order@2, item@1.1).",
        pattern=OBJECT_REF_PATTERN,
        examples=["work-order@2", "item@1.1"],
    ),
    "duration": string(
        "Duration: an integer followed by a unit, ms, s, m (minutes), h, d or w, "
        "e.g. 500ms, 15m, 24h, 90d.",
        pattern=DURATION_PATTERN,
        examples=["500ms", "30s", "15m", "24h", "90d", "2w"],
    ),
    "date": string(
        "Calendar date YYYY-MM-DD (unquoted dates are kept as strings by the loader).",
        pattern=DATE_PATTERN,
        examples=["2025-06-30"],
    ),
    "version": string(
        'Schema version "MAJOR.MINOR"; quote it in YAML ("1.10" unquoted is the float 1.1).',
        pattern=VERSION_PATTERN,
        examples=["1.0", "2.3"],
    ),
    "zone": enum(
        "Network zone (Purdue / IEC 62443): ot = plant floor (ISA-95 levels 0-3), "
        "dmz = industrial DMZ (level 3.5), it = enterprise network, cloud = SaaS / public "
        "cloud, partner = systems run by suppliers, customers, 3PLs or carriers.",
        ZONES,
    ),
    "protocol": enum(
        "Wire protocol. Odoo: json-rpc and xml-rpc (deprecated in 19), json-2 (19+); "
        "EDI: as2, edi-van, sftp; plant floor: opc-ua, mqtt; messaging: amqp, kafka.",
        PROTOCOLS,
    ),
    "scalar": {
        "description": "A scalar value: string, number or boolean.",
        "type": ["string", "number", "boolean"],
    },
    "cron": text(
        "Five-field cron expression (minute hour day-of-month month day-of-week), "
        "evaluated in the plant's time zone, else UTC. Checked by rule LAT003.",
        examples=["*/15 * * * *", "0 2 * * *"],
    ),
    "labels": {
        "description": "Free-form labels (string keys and string values) used by selectors, "
        "e.g. domain: manufacturing. Quote values that YAML would read as non-strings "
        "(yes, no, on, 1.10).",
        "type": "object",
        "additionalProperties": {"description": "Label value (a string).", "type": "string"},
        "examples": [{"domain": "manufacturing", "cost-center": "cc-410"}],
    },
    "metadata": obj(
        "Identity and ownership of the resource.",
        {
            "name": ref("name", "Resource name, unique per kind; used by every reference."),
            "owner": ref(
                "name",
                "Name of the owning Team (must exist; reported by OWN001 when missing). "
                "Defaults to defaults.owner in mfgint.yaml.",
            ),
            "labels": ref("labels", "Free-form string labels, e.g. domain: manufacturing."),
            "description": string("Human description shown in graphs, docs and runbooks."),
        },
        required=("name",),
    ),
}


def collect_refs(node: Any, found: set[str]) -> None:
    """Collect the $defs names referenced anywhere under node."""
    if isinstance(node, dict):
        target = node.get("$ref")
        if isinstance(target, str) and target.startswith("#/$defs/"):
            found.add(target.removeprefix("#/$defs/"))
        for value in node.values():
            collect_refs(value, found)
    elif isinstance(node, list):
        for value in node:
            collect_refs(value, found)


def defs_for(node: Schema) -> dict[str, Schema]:
    """Return the common $defs that node needs, transitively, in a stable order."""
    needed: set[str] = set()
    collect_refs(node, needed)
    while True:
        more = set(needed)
        for def_name in needed:
            collect_refs(COMMON_DEFS[def_name], more)
        if more == needed:
            break
        needed = more
    return {k: COMMON_DEFS[k] for k in sorted(needed)}


def kind_schema(kind: str, description: str, spec: Schema) -> Schema:
    """Return the full schema for one resource kind."""
    body: Schema = {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {
                "description": f'API version of the spec language; always "{API_VERSION}".',
                "const": API_VERSION,
            },
            "kind": {"description": f'Resource kind; "{kind}" for this schema.', "const": kind},
            "metadata": ref("metadata", "Name, owner, labels and description."),
            "spec": spec,
        },
        "additionalProperties": False,
    }
    return {
        "$schema": DIALECT,
        "$id": f"{ID_BASE}{kind.lower()}.schema.json",
        "title": f"mfgint {kind}",
        "description": description,
        **body,
        "$defs": defs_for(body),
    }


# ---------------------------------------------------------------- kinds


def team() -> Schema:
    """Return the Team schema."""
    spec = obj(
        "Contacts and escalation chain of a team that owns resources.",
        {
            "displayName": text("Human-readable team name, e.g. ERP Platform."),
            "email": string(
                "Team mailbox (reported by OWN002 when the team has neither email nor chat).",
                pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                examples=["erp-platform@acme-components.com"],
            ),
            "chat": text("Chat channel or room, e.g. #erp-platform."),
            "onCall": text("On-call rotation or schedule id in the paging tool, e.g. pd:PXXXXX."),
            "escalation": array(
                "Ordered escalation chain, first contact first (reported by OWN003 when missing).",
                obj(
                    "One escalation level.",
                    {
                        "name": text("Level or person name, e.g. Duty engineer."),
                        "contact": text("How to reach this level: email, phone or pager id."),
                        "after": ref(
                            "duration",
                            "Escalate to this level after this much time without "
                            "acknowledgement, e.g. 30m. Absent on the first level = at once.",
                        ),
                    },
                    required=("name", "contact"),
                ),
                min_items=1,
            ),
        },
    )
    return kind_schema(
        "Team", "A team that owns resources: contacts, on-call rotation and escalation chain.", spec
    )


def plant() -> Schema:
    """Return the Plant schema."""
    spec = obj(
        "Where a plant is, which network zones it has and which blueprints it instantiates.",
        {
            "code": string(
                "Plant code, 2-8 uppercase letters or digits, e.g. LYO. Quote codes made of "
                'digits only ("0042").',
                pattern=r"^[A-Z0-9]{2,8}$",
                examples=["LYO", "GRE", "POZ"],
            ),
            "country": string(
                'ISO 3166-1 alpha-2 country code, e.g. FR, PL. Quote "NO" (Norway): unquoted '
                "it is the boolean false.",
                pattern=r"^[A-Z]{2}$",
                examples=["FR", "PL"],
            ),
            "region": text("Region used for roll-ups and selectors, e.g. emea-west."),
            "timezone": string(
                "IANA time zone of the plant, e.g. Europe/Paris; schedules and shift-based "
                "SLAs are read in it.",
                pattern=r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$",
                examples=["Europe/Paris", "Europe/Warsaw"],
            ),
            "zones": array(
                "Network zones present at the plant, e.g. [ot, dmz, it].",
                ref("zone", "A network zone present at the plant."),
                unique=True,
            ),
            "blueprints": array(
                "Blueprints instantiated for this plant, each with its parameter values.",
                obj(
                    "One blueprint instantiation.",
                    {
                        "blueprint": ref("name", "Name of the Blueprint to instantiate."),
                        "parameters": {
                            "description": "Parameter values by parameter name (scalars "
                            "only); missing or unknown parameters are reported by REF003.",
                            "type": "object",
                            "additionalProperties": ref(
                                "scalar", "Value of one blueprint parameter."
                            ),
                            "examples": [{"mesVendor": "Siemens", "lines": 4}],
                        },
                    },
                    required=("blueprint",),
                ),
            ),
        },
        required=("code", "country", "region", "timezone"),
    )
    return kind_schema(
        "Plant", "A manufacturing site: code, location, time zone, zones and blueprints.", spec
    )


def system() -> Schema:
    """Return the System schema."""
    spec = obj(
        "An application or platform that takes part in integrations.",
        {
            "type": enum(
                "What the system is. gateway, broker and middleware are usually hops in a "
                "flow's via list.",
                SYSTEM_TYPES,
            ),
            "vendor": text("Vendor or maintainer, e.g. Odoo S.A., Siemens, in-house."),
            "product": text("Product name, e.g. Odoo, Opcenter Execution, Kong Gateway."),
            "version": string(
                'Product version as a quoted string, e.g. "17.0" (unquoted 17.0 is a float and '
                "is reported by YML003).",
                minLength=1,
                examples=["17.0", "3.9"],
            ),
            "zone": ref("zone", "Network zone the system runs in."),
            "isa95Level": integer(
                "ISA-95 level: 4 business (ERP, PLM), 3 operations (MES, WMS, QMS), "
                "2 supervisory (SCADA), 1 control, 0 process.",
                minimum=0,
                maximum=4,
            ),
            "plants": names(
                "Plants served; empty or absent = enterprise-wide.", "Name of a Plant served."
            ),
            "endpoints": array(
                "Network endpoints the system exposes.",
                obj(
                    "One endpoint.",
                    {
                        "name": ref("name", "Endpoint name, unique within the system."),
                        "protocol": ref("protocol", "Protocol spoken at this endpoint."),
                        "url": text(
                            "Base URL or address, e.g. https://erp.acme.example or "
                            "opc.tcp://mes-lyon:4840. Never put credentials in it."
                        ),
                        "basePath": string("Path prefix under the URL, e.g. /json/2."),
                    },
                    required=("name", "protocol"),
                ),
            ),
            "processing": enum(
                "stream = forwards each message as it comes; batch = store-and-forward hop "
                "(realtime flows through it are reported by LAT001). Default stream.",
                ["stream", "batch"],
                default="stream",
            ),
            "criticality": enum(
                "Business criticality tier: tier-1 = production stops, tier-2 = degraded, "
                "tier-3 = can wait. Default tier-3.",
                CRITICALITIES,
                default="tier-3",
            ),
            "lifecycle": obj(
                "Where the system is in its life. Absent = status active.",
                {
                    "status": enum(
                        "active, legacy (no new flows), retiring (being replaced) or retired.",
                        ["active", "legacy", "retiring", "retired"],
                    ),
                    "since": ref("date", "Date the current status started."),
                    "retirementDate": ref("date", "Planned or actual retirement date."),
                    "replacedBy": ref("name", "Name of the System that replaces this one."),
                },
                required=("status",),
            ),
            "odoo": obj(
                "Odoo specifics (for type erp systems running Odoo).",
                {
                    "edition": enum(
                        "Odoo edition; quality, PLM (mrp.eco) and some features are "
                        "Enterprise-only.",
                        ["community", "enterprise"],
                    ),
                    "database": text("Database name (sent as X-Odoo-Database by JSON-2)."),
                },
            ),
        },
        required=("type", "vendor", "zone"),
    )
    return kind_schema(
        "System",
        "An application (ERP, MES, WMS, gateway, broker...) with its zone, endpoints and "
        "lifecycle.",
        spec,
    )


def business_object() -> Schema:
    """Return the BusinessObject schema."""
    version = obj(
        "One schema version. Give exactly one of schema and schemaFile.",
        {
            "version": ref("version", 'Version "MAJOR.MINOR", quoted.'),
            "status": enum(
                "draft (not yet usable), active, deprecated (still served, migrate away), "
                "retired (must not be referenced). Default active.",
                ["draft", "active", "deprecated", "retired"],
                default="active",
            ),
            "sunset": ref(
                "date", "Date after which the version may no longer be used (rule VER002)."
            ),
            "schema": {
                "description": "Inline JSON Schema of the payload for this version.",
                "type": "object",
            },
            "schemaFile": text(
                "Path of a JSON Schema file for this version, relative to the file that "
                "declares it, e.g. schemas/work-order.v2.json.",
                pattern=r"^[^/\\]",
            ),
        },
        required=("version",),
        oneOf=[
            {"description": "Inline schema.", "required": ["schema"]},
            {"description": "Schema in a file.", "required": ["schemaFile"]},
        ],
    )
    spec = obj(
        "A canonical business object, its system of record and its schema versions.",
        {
            "domain": text("Business domain, e.g. manufacturing, inventory, purchasing, quality."),
            "identity": array(
                "Fields that identify one instance (natural key), e.g. [name] or [plant, name].",
                text("One identity key field."),
                min_items=1,
                unique=True,
            ),
            "classification": enum(
                "Data classification. Default internal. restricted data must not reach "
                "partner systems (SEC009).",
                ["public", "internal", "confidential", "restricted"],
                default="internal",
            ),
            "odooModel": string(
                "Odoo model this object maps to, e.g. mrp.production, stock.lot "
                "(stock.production.lot before 16; checked by ODO002).",
                pattern=r"^[a-z_]+(\.[a-z_0-9]+)+$",
                examples=["mrp.production", "stock.lot", "product.product"],
            ),
            "compatibility": enum(
                "Schema evolution mode checked between versions of one major (VER003). "
                "Default backward.",
                [
                    "backward",
                    "backward-transitive",
                    "forward",
                    "forward-transitive",
                    "full",
                    "full-transitive",
                    "none",
                ],
                default="backward",
            ),
            "fieldGroups": {
                "description": "Named groups of payload fields, so that different systems can "
                "own different parts of the object, e.g. planning: [date_start, bom_id].",
                "type": "object",
                "patternProperties": {
                    NAME_PATTERN: array(
                        "Fields in this group.", text("A field name."), min_items=1, unique=True
                    )
                },
                "additionalProperties": False,
            },
            "systemOfRecord": array(
                "Which system owns the object, per plant scope and optionally per field group "
                "(OWN004 when missing, OWN005 on overlaps).",
                obj(
                    "One ownership entry.",
                    {
                        "system": ref("name", "Name of the System of record."),
                        "plants": names(
                            "Plants where it is the system of record; absent = all plants.",
                            "Name of a Plant.",
                        ),
                        "fieldGroups": names(
                            "Field groups it owns; absent = the whole object.",
                            "Name of a field group from fieldGroups.",
                        ),
                    },
                    required=("system",),
                ),
            ),
            "versions": array(
                "Schema versions of the object, oldest first.",
                version,
                min_items=1,
            ),
        },
        required=("domain", "identity", "versions"),
    )
    return kind_schema(
        "BusinessObject",
        "A canonical business object (item, BOM, work order, lot...): identity, ownership, "
        "classification and versioned schemas.",
        spec,
    )


def flow() -> Schema:
    """Return the Flow schema."""
    spec = obj(
        "Movement of one object version from a source system to one or more targets. Give "
        "exactly one of target and targets.",
        {
            "object": ref("objectRef", "Object and version carried, e.g. work-order@2."),
            "source": ref("name", "Name of the System the data comes from."),
            "target": ref("name", "Name of the System the data goes to (single target)."),
            "targets": names(
                "Names of the target Systems (fan-out), at least one.",
                "Name of a target System.",
                min_items=1,
            ),
            "pattern": enum(
                "Integration pattern: api (synchronous call), webhook (HTTP callback), event "
                "(through a broker), batch (scheduled bulk), file (file drop / EDI).",
                ["api", "webhook", "event", "batch", "file"],
            ),
            "operation": enum(
                "What happens at the target. Default upsert.",
                ["read", "create", "update", "upsert", "delete", "sync"],
                default="upsert",
            ),
            "direction": enum(
                "push = the source initiates, pull = the target fetches. Default push.",
                ["push", "pull"],
                default="push",
            ),
            "protocol": ref("protocol", "Protocol used on the wire."),
            "latency": enum(
                "Latency class: realtime (seconds), near-realtime (minutes), batch (scheduled).",
                ["realtime", "near-realtime", "batch"],
            ),
            "sla": obj(
                "Service level of the flow.",
                {
                    "freshness": ref("duration", "Maximum age of data at the target, e.g. 5m."),
                    "successRate": {
                        "description": "Target share of successful deliveries, in percent "
                        "(0-100), e.g. 99.5.",
                        "type": "number",
                        "minimum": 0,
                        "maximum": 100,
                    },
                    "budget": ref(
                        "duration",
                        "This hop's share of the end-to-end latency for synchronous chains "
                        "(LAT006), e.g. 800ms.",
                    ),
                },
            ),
            "trigger": enum(
                "What starts a run.",
                ["schedule", "webhook", "event", "on-change", "polling", "on-demand"],
            ),
            "schedule": ref("cron", "Run schedule, 5-field cron, e.g. 0 2 * * * (LAT003)."),
            "event": ref("name", "Name of the Event carried (pattern event)."),
            "via": names(
                "Ordered intermediate hops (gateway, broker, middleware, EDI), source side first.",
                "Name of a hop System.",
                unique=False,
            ),
            "principal": ref(
                "name",
                "AccessPolicy principal name the flow authenticates as. Default: the "
                "initiating system.",
            ),
            "authorizedInbound": boolean(
                "true declares an approved write into the object's system of record from a "
                "non-owner (silences OWN006). Default false."
            ),
            "delivery": obj(
                "Delivery guarantee.",
                {
                    "guarantee": enum(
                        "at-most-once, at-least-once, or exactly-once-effective "
                        "(at-least-once plus idempotent apply).",
                        ["at-most-once", "at-least-once", "exactly-once-effective"],
                    ),
                    "idempotencyKey": text(
                        "Payload field(s) used to de-duplicate, e.g. name or external_id (RES002)."
                    ),
                    "orderingKey": text("Payload field that orders messages, e.g. name."),
                },
                required=("guarantee",),
            ),
            "retry": obj(
                "Retry policy on failure.",
                {
                    "maxAttempts": integer("Total attempts, first one included (>= 1).", minimum=1),
                    "backoff": enum(
                        "How the delay grows between attempts.",
                        ["exponential", "fixed", "linear"],
                    ),
                    "initialDelay": ref("duration", "Delay before the first retry, e.g. 2s."),
                    "maxDelay": ref("duration", "Upper bound of the delay, e.g. 5m."),
                },
                required=("maxAttempts",),
            ),
            "deadLetter": obj(
                "Where messages go after the last failed attempt.",
                {
                    "target": text("Topic, queue or path, e.g. mfg.work-order.released.dlq."),
                    "system": ref("name", "Name of the System holding the dead letters."),
                },
                required=("target",),
            ),
            "reconciliation": obj(
                "Periodic job that repairs drift between source and target (RES001).",
                {
                    "schedule": ref("cron", "When it runs, 5-field cron, e.g. 30 3 * * *."),
                    "method": enum(
                        "full compare, incremental (changed records) or watermark "
                        "(write_date > last run).",
                        ["full", "incremental", "watermark"],
                    ),
                },
                required=("schedule",),
            ),
            "criticality": enum(
                "Business criticality tier: tier-1 = production stops, tier-2 = degraded, "
                "tier-3 = can wait. Default tier-3.",
                CRITICALITIES,
                default="tier-3",
            ),
            "rto": ref("duration", "Recovery time objective, e.g. 4h (RES004)."),
            "introduced": ref("date", "Date the flow went live (LIF002)."),
            "api": obj(
                "API surface exposed for this flow (gateway and OpenAPI generation).",
                {
                    "path": string(
                        "Route path, starting with /, e.g. /v2/work-orders.", pattern="^/"
                    ),
                    "methods": array(
                        "Allowed HTTP methods.",
                        enum("HTTP method.", ["GET", "POST", "PUT", "PATCH", "DELETE"]),
                        min_items=1,
                        unique=True,
                    ),
                },
            ),
            "odoo": obj(
                "Odoo side of the flow.",
                {
                    "trigger": enum(
                        "Odoo automation rule trigger (base.automation trigger key).",
                        ODOO_TRIGGERS,
                    ),
                    "method": text(
                        "Odoo model method called, e.g. action_confirm, button_mark_done, "
                        "search_read."
                    ),
                },
            ),
        },
        required=("object", "source", "pattern", "latency"),
        oneOf=[
            {"description": "One target.", "required": ["target"]},
            {"description": "Several targets.", "required": ["targets"]},
        ],
    )
    return kind_schema(
        "Flow",
        "Movement of a business object between systems: pattern, latency, SLA, delivery, "
        "retry and routing.",
        spec,
    )


def event() -> Schema:
    """Return the Event schema."""
    spec = obj(
        "A published event type; its consumers are the flows that name it.",
        {
            "type": text(
                "CloudEvents type, reverse-DNS, ending in .v<major of object> "
                "(EVT004, VER005), e.g. com.acme.mfg.work_order.released.v2.",
                examples=["com.acme.mfg.work_order.released.v2"],
            ),
            "publisher": ref("name", "Name of the System that publishes the event."),
            "object": ref("objectRef", "Object version in the event data, e.g. work-order@2."),
            "broker": ref("name", "Name of the broker System carrying the event."),
            "channel": text("Topic or address, e.g. mfg.work-order.released."),
            "retention": ref("duration", "How long the broker keeps events, e.g. 7d (EVT003)."),
            "replay": ref("duration", "How far back consumers may replay, e.g. 72h (EVT003)."),
            "orderingKey": text("Data field used as message key for ordering, e.g. name."),
            "partitions": integer("Number of topic partitions (>= 1).", minimum=1),
        },
        required=("type", "publisher", "object", "broker", "channel"),
    )
    return kind_schema(
        "Event", "An event type: publisher, object version, broker channel and retention.", spec
    )


def access_policy() -> Schema:
    """Return the AccessPolicy schema."""
    spec = obj(
        "What one principal may reach on one target system, and how it authenticates.",
        {
            "principal": obj(
                "Who gets access.",
                {
                    "kind": enum(
                        "system (an internal System), partner (supplier, customer, 3PL) or "
                        "service-account (e.g. a plant service account).",
                        ["system", "partner", "service-account"],
                    ),
                    "name": ref("name", "Principal name; a System name when kind is system."),
                    "plant": ref("name", "Name of the Plant the principal is scoped to."),
                },
                required=("kind", "name"),
            ),
            "target": ref("name", "Name of the System being accessed."),
            "via": ref("name", "Name of the gateway System in front of the target."),
            "grants": array(
                "Objects and actions allowed (least privilege, SEC007).",
                obj(
                    "One grant.",
                    {
                        "object": string(
                            'BusinessObject name, or "*" for all (SEC008).',
                            pattern=r"^(\*|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$",
                        ),
                        "actions": array(
                            "Allowed actions.",
                            enum(
                                'Action, or "*" for all (SEC008).',
                                ["read", "create", "update", "delete", "upsert", "*"],
                            ),
                            min_items=1,
                            unique=True,
                        ),
                    },
                    required=("object", "actions"),
                ),
                min_items=1,
            ),
            "scopes": array(
                "OAuth scopes as object:action, e.g. work-order:read; * wildcards are "
                "reported by SEC008.",
                text("One scope."),
                unique=True,
            ),
            "auth": obj(
                "Authentication method and credential reference (never the secret itself).",
                {
                    "method": enum(
                        "Authentication method. hmac-webhook = signed webhook payloads.",
                        [
                            "oauth2-client-credentials",
                            "mtls",
                            "jwt",
                            "api-key",
                            "basic",
                            "hmac-webhook",
                            "none",
                        ],
                    ),
                    "credentialRef": string(
                        "Where the credential lives: vault://, env://, aws-sm://, gcp-sm://, "
                        "azure-kv:// or k8s-secret:// followed by the path.",
                        pattern=r"^(vault|env|aws-sm|gcp-sm|azure-kv|k8s-secret)://.+",
                        examples=["vault://kv/integration/mes-lyon/odoo-api-key"],
                    ),
                    "rotation": ref(
                        "duration",
                        "Credential rotation period, e.g. 90d (SEC004; Odoo API keys last at "
                        "most 3 months).",
                    ),
                },
                required=("method",),
            ),
            "rateLimit": obj(
                "Request rate limit enforced at the gateway (SEC006).",
                {
                    "requests": integer("Allowed requests per period (>= 1).", minimum=1),
                    "per": enum("Period.", ["second", "minute", "hour", "day"]),
                },
                required=("requests", "per"),
            ),
            "sources": array(
                "Allowed client networks as CIDR, e.g. 10.20.0.0/16 or 2001:db8::/32.",
                string(
                    "One IPv4 or IPv6 CIDR block (use /32 for one IPv4 address).",
                    pattern=r"^(([0-9]{1,3}\.){3}[0-9]{1,3}/[0-9]{1,2}"
                    r"|[0-9a-fA-F:]*:[0-9a-fA-F:]*/[0-9]{1,3})$",
                ),
                unique=True,
            ),
            "maxRequestSize": obj(
                "Maximum request body size accepted at the gateway.",
                {
                    "size": integer("Size in unit (>= 1).", minimum=1),
                    "unit": enum(
                        "Unit of size. Default megabytes.",
                        ["bytes", "kilobytes", "megabytes"],
                        default="megabytes",
                    ),
                },
            ),
        },
        required=("principal", "target", "grants", "auth"),
    )
    return kind_schema(
        "AccessPolicy",
        "Access of one principal to one system: grants, auth method, credential reference, "
        "rotation, rate limit and network sources.",
        spec,
    )


def workflow() -> Schema:
    """Return the Workflow schema."""
    spec = obj(
        "A long-running business process built from flows (order-to-ship, procure-to-pay).",
        {
            "timeout": ref("duration", "Maximum duration of the whole process, e.g. 14d."),
            "steps": array(
                "Ordered steps.",
                obj(
                    "One step.",
                    {
                        "name": ref("name", "Step name, unique within the workflow."),
                        "flow": ref("name", "Name of the Flow this step runs."),
                        "compensation": obj(
                            "How to undo this step if a later step fails (RES005); give a "
                            "flow, an action or both.",
                            {
                                "flow": ref("name", "Name of the compensating Flow."),
                                "action": text(
                                    "Compensating action, e.g. cancel the MO "
                                    "(mrp.production action_cancel)."
                                ),
                            },
                            anyOf=[
                                {"description": "Compensating flow.", "required": ["flow"]},
                                {"description": "Compensating action.", "required": ["action"]},
                            ],
                        ),
                        "timeout": ref("duration", "Maximum duration of this step, e.g. 2h."),
                    },
                    required=("name", "flow"),
                ),
                min_items=1,
            ),
        },
        required=("steps",),
    )
    return kind_schema(
        "Workflow",
        "A long-running process across flows: ordered steps, compensations and timeouts.",
        spec,
    )


def blueprint() -> Schema:
    """Return the Blueprint schema."""
    resource = {
        "description": "A full resource document whose strings may use ${plant}, "
        "${plant.code}, ${plant.country}, ${plant.region}, ${plant.timezone} and "
        "${params.NAME}; metadata and spec are checked against their kind's schema after "
        "expansion.",
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {
                "description": f'API version; always "{API_VERSION}".',
                "const": API_VERSION,
            },
            "kind": enum(
                "Kind of the resource (Blueprint, Plant and Waiver are not allowed).",
                BLUEPRINT_RESOURCE_KINDS,
            ),
            "metadata": {
                "description": "Metadata of the resource; name usually includes ${plant}.",
                "type": "object",
            },
            "spec": {"description": "Spec of the resource, as for its kind.", "type": "object"},
        },
        "additionalProperties": False,
    }
    spec = obj(
        "A parameterised set of resources that Plants instantiate.",
        {
            "parameters": array(
                "Parameters the resources use as ${params.NAME}.",
                obj(
                    "One parameter.",
                    {
                        "name": string(
                            "Parameter name: letters, digits and underscores, not starting "
                            "with a digit, e.g. mesVendor.",
                            pattern=PARAM_NAME_PATTERN,
                        ),
                        "description": string("What the parameter means."),
                        "default": ref("scalar", "Value used when the Plant gives none."),
                        "required": boolean(
                            "Only used when there is no default: true = every Plant must give "
                            "a value (REF003), false = an absent value expands to an empty "
                            "string. Default true.",
                            default=True,
                        ),
                    },
                    required=("name",),
                ),
            ),
            "resources": array("Resources created per plant.", resource, min_items=1),
        },
        required=("resources",),
    )
    return kind_schema(
        "Blueprint",
        "A parameterised set of resources (the standard plant integration) that Plants "
        "instantiate.",
        spec,
    )


def waiver() -> Schema:
    """Return the Waiver schema."""
    spec = obj(
        "An approved, time-limited exception to one rule for one resource.",
        {
            "rule": string(
                "Rule code waived, e.g. SEC006.", pattern=RULE_CODE_PATTERN, examples=["SEC006"]
            ),
            "target": obj(
                "Resource the waiver applies to.",
                {
                    "kind": enum("Kind of the resource.", KINDS),
                    "name": ref("name", "Name of the resource."),
                },
                required=("kind", "name"),
            ),
            "reason": text("Why the exception is acceptable, and the plan to remove it."),
            "approver": text("Who approved it, e.g. an email or a change ticket."),
            "expires": ref(
                "date", "Last day the waiver applies; after it, the waiver is itself reported."
            ),
        },
        required=("rule", "target", "reason", "approver", "expires"),
    )
    return kind_schema(
        "Waiver", "An approved, expiring exception to one governance rule for one resource.", spec
    )


def config() -> Schema:
    """Return the mfgint.yaml config schema."""
    severity_map = {
        "description": "Severity by rule code or family prefix (the longest prefix wins), "
        "e.g. {SEC: warning, LAT003: error}.",
        "type": "object",
        "patternProperties": {
            RULE_SELECTOR_PATTERN: {
                "description": "Severity for matching rules: error, warning, info, or off to "
                "disable them (unquoted off is read as false, which also disables).",
                "type": ["string", "boolean"],
                "enum": ["error", "warning", "info", "off", False],
            }
        },
        "additionalProperties": False,
    }
    selector = string(
        "Rule code (LAT001) or code prefix (LAT, LAT00).",
        pattern=RULE_SELECTOR_PATTERN,
        examples=["OWN", "LAT001"],
    )
    globs_item = text("Glob relative to the spec root, e.g. plants/**/*.yaml.")
    body: Schema = {
        "type": "object",
        "properties": {
            "include": array(
                'Spec files to load, as globs relative to the root. Default ["**/*.yaml", '
                '"**/*.yml"].',
                globs_item,
                min_items=1,
                unique=True,
            ),
            "exclude": array("Globs of files to skip, e.g. drafts/**.", globs_item, unique=True),
            "defaults": obj(
                "Values applied to resources that omit them.",
                {"owner": ref("name", "Team used when metadata.owner is absent.")},
            ),
            "rules": obj(
                "Rule selection, severities and options.",
                {
                    "select": array(
                        "Only run these codes or families (default: all).", selector, unique=True
                    ),
                    "ignore": array("Never run these codes or families.", selector, unique=True),
                    "severity": severity_map,
                    "options": {
                        "description": "Rule options by rule code, e.g. {VER002: {warnDays: 30}}.",
                        "type": "object",
                        "patternProperties": {
                            RULE_CODE_PATTERN: {
                                "description": "Options of one rule (see the rule's docs).",
                                "type": "object",
                            }
                        },
                        "additionalProperties": False,
                    },
                },
            ),
            "overrides": array(
                "Per-file settings, applied in order after rules.",
                obj(
                    "Settings for files matching the globs.",
                    {
                        "files": array(
                            "Globs relative to the root, e.g. legacy/**.",
                            globs_item,
                            min_items=1,
                            unique=True,
                        ),
                        "severity": severity_map,
                    },
                    required=("files",),
                ),
            ),
            "targets": obj(
                "Code generation options.",
                {
                    "templates": text(
                        "Folder of jinja2 templates overriding the built-in ones, relative to "
                        "the root, e.g. my-templates/."
                    ),
                },
            ),
        },
        "additionalProperties": False,
    }
    return {
        "$schema": DIALECT,
        "$id": f"{ID_BASE}config.schema.json",
        "title": "mfgint configuration (mfgint.yaml)",
        "description": "Configuration file at the root of a spec repository: which files to "
        "load, rule selection and severities, per-file overrides and target options.",
        **body,
        "$defs": defs_for(body),
    }


BUILDERS = {
    "team": team,
    "plant": plant,
    "system": system,
    "businessobject": business_object,
    "flow": flow,
    "event": event,
    "accesspolicy": access_policy,
    "workflow": workflow,
    "blueprint": blueprint,
    "waiver": waiver,
    "config": config,
}


def build_schemas() -> dict[str, Schema]:
    """Return every schema by file stem (kind in lowercase, or config)."""
    return {stem: build() for stem, build in BUILDERS.items()}


def render(schema: Schema) -> str:
    """Serialise a schema exactly as it is committed."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schemas, or with --check report which committed files are stale."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if any file is stale")
    parser.add_argument("--out", type=Path, default=SCHEMAS_DIR, help="output folder")
    args = parser.parse_args(argv)
    stale = []
    for stem, schema in build_schemas().items():
        path = args.out / f"{stem}.schema.json"
        content = render(schema)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == content:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    for path in stale:
        sys.stderr.write(f"{'stale' if args.check else 'wrote'}: {path}\n")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
