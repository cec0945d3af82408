"""Write a synthetic, valid mfgint landscape of any size, deterministically from a seed.

The landscape has the proportions of a real multi-plant manufacturer whose ERP is Odoo 17:
per plant an MES (OT zone), a WMS, a QMS and a CMMS; per region a Kong gateway, a Kafka broker
and a managed-file-transfer relay in the industrial DMZ; enterprise systems (Odoo, integration
hub, event hub, PLM, supplier portal, EDI VAN, analytics); suppliers and carriers as partners;
canonical business objects with several schema versions; and the flow mix of specs/examples
(events, batch and file transfers, APIs, webhooks). Every resource is written to satisfy the
governance rules of docs/spec-language.md, so `mfgint validate` on the output is clean.

Usage: python bench/synth.py --plants 200 --flows 20000 --seed 7 --out DIR [--split-per-doc DIR2]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

MARKER = ".mfgint-synth"
DOMAIN = "synth-mfg.example"
API = "mfgint/v1"
SUNSET = "2029-06-30"

# Region name -> sites (city, ISO country, IANA time zone); more plants reuse cities as "-2"...
_SITES = """
emea-west: lyon FR Europe/Paris, grenoble FR Europe/Paris, lille FR Europe/Paris,
  bilbao ES Europe/Madrid, porto PT Europe/Lisbon, ghent BE Europe/Brussels
emea-central: poznan PL Europe/Warsaw, wroclaw PL Europe/Warsaw, brno CZ Europe/Prague,
  gyor HU Europe/Budapest, kosice SK Europe/Bratislava, graz AT Europe/Vienna
emea-north: tampere FI Europe/Helsinki, gothenburg SE Europe/Stockholm,
  aarhus DK Europe/Copenhagen, trondheim NO Europe/Oslo, eindhoven NL Europe/Amsterdam,
  tallinn EE Europe/Tallinn
emea-south: turin IT Europe/Rome, brescia IT Europe/Rome, valencia ES Europe/Madrid,
  izmir TR Europe/Istanbul, timisoara RO Europe/Bucharest, maribor SI Europe/Ljubljana
amer-east: charlotte US America/New_York, columbus US America/New_York,
  greenville US America/New_York, montreal CA America/Toronto,
  pittsburgh US America/New_York, atlanta US America/New_York
amer-central: monterrey MX America/Monterrey, queretaro MX America/Mexico_City,
  houston US America/Chicago, wichita US America/Chicago, milwaukee US America/Chicago,
  saltillo MX America/Monterrey
amer-south: curitiba BR America/Sao_Paulo, campinas BR America/Sao_Paulo,
  cordoba AR America/Argentina/Cordoba, santiago CL America/Santiago,
  medellin CO America/Bogota, joinville BR America/Sao_Paulo
apac-east: nagoya JP Asia/Tokyo, suzhou CN Asia/Shanghai, changwon KR Asia/Seoul,
  taichung TW Asia/Taipei, kobe JP Asia/Tokyo, ningbo CN Asia/Shanghai
apac-south: pune IN Asia/Kolkata, chennai IN Asia/Kolkata, penang MY Asia/Kuala_Lumpur,
  rayong TH Asia/Bangkok, haiphong VN Asia/Ho_Chi_Minh, batam ID Asia/Jakarta
apac-oceania: adelaide AU Australia/Adelaide, geelong AU Australia/Melbourne,
  hamilton NZ Pacific/Auckland, brisbane AU Australia/Brisbane, perth AU Australia/Perth,
  auckland NZ Pacific/Auckland
"""


def _regions(text: str) -> tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...]:
    """Parse the site table above."""
    out = []
    for entry in re.split(r"\n(?=\S)", text.strip()):
        region, _, sites = entry.partition(":")
        parsed = tuple(tuple(site.split()) for site in sites.replace("\n", " ").split(","))
        out.append((region, tuple((c, k, t) for c, k, t in parsed)))
    return tuple(out)


REGIONS = _regions(_SITES)
PLANTS_PER_REGION = 20

MES = (("Siemens", "Opcenter Execution Discrete", "2401"), ("AVEVA", "AVEVA MES", "2023"),
       ("Rockwell Automation", "FactoryTalk ProductionCentre", "11.0"),
       ("Dassault Systemes", "DELMIA Apriso", "2024"),
       ("Critical Manufacturing", "Critical Manufacturing MES", "10.2"))
WMS = (("Manhattan Associates", "Manhattan Active WM", "2024"), ("Blue Yonder", "Blue Yonder WMS",
       "2023.1"), ("Hardis Group", "Reflex WMS", "11.3"), ("Koerber", "K.Motion WMS", "2.4"))
QMS = (("Hexagon", "ETQ Reliance", "2024"), ("MasterControl", "MasterControl Quality", "2024.2"),
       ("Honeywell", "Sparta TrackWise", "9.2"), ("Siemens", "Opcenter Quality", "2310"))
CMMS = (("IBM", "Maximo Application Suite", "9.0"), ("Infor", "Infor EAM", "11.7"),
        ("Fiix", "Fiix CMMS", "2024"), ("Hexagon", "HxGN EAM", "12.1"))
SUPPLIER_STEMS = ("castings", "fasteners", "seals", "bearings", "motors", "electronics",
                  "plastics", "springs", "valves", "cables", "pcb", "forgings", "coatings",
                  "packaging", "gaskets", "hydraulics", "sensors", "machining")
CARRIERS = ("dhl-express", "dhl-freight", "geodis", "db-schenker", "kuehne-nagel", "ups",
            "fedex", "dsv", "ceva", "raben", "dachser", "xpo", "nippon-express", "yamato")

# Enterprise teams: name, display name, domain.
TEAMS = (
    ("team-erp", "ERP & Business Applications", "business-applications"),
    ("team-integration-platform", "Integration Platform", "platform"),
    ("team-supply-chain", "Supply Chain Systems", "supply-chain"),
    ("team-procurement", "Procurement Systems", "procurement"),
    ("team-quality", "Quality Systems", "quality"),
    ("team-maintenance", "Maintenance Systems", "maintenance"),
    ("team-manufacturing", "Manufacturing Systems", "manufacturing"),
    ("team-engineering", "Engineering Systems (PLM)", "engineering"),
    ("team-data-analytics", "Data & Analytics", "analytics"),
    ("team-security", "Security Architecture", "security"),
)


@dataclass(frozen=True)
class ObjectDef:
    """A canonical business object: where it lives and how its schema evolved."""

    name: str
    domain: str
    owner: str
    odoo_model: str | None
    identity: tuple[str, ...]
    classification: str
    sor: str  # a system name, or "mes"/"wms"/"qms"/"cmms" for the plant's own system
    fields: tuple[tuple[str, str], ...]  # name, JSON type ("string", "number", "integer")
    versions: tuple[tuple[str, str, str | None, tuple[tuple[str, str], ...]], ...]
    # each version: (version, status, sunset, fields added since the previous version)


def _s(*names: str) -> tuple[tuple[str, str], ...]:
    """String fields."""
    return tuple((n, "string") for n in names)


OBJECTS: tuple[ObjectDef, ...] = (
    ObjectDef("item", "master-data", "team-erp", "product.product", ("item_number",), "internal",
              "odoo-erp", (*_s("item_number", "name", "uom", "tracking", "item_type"),),
              (("1.0", "deprecated", SUNSET, ()), ("1.1", "deprecated", SUNSET, _s("category")),
               ("2.0", "active", None, _s("company_code")),
               ("2.1", "active", None, (("weight_kg", "number"),)))),
    ObjectDef("bom", "engineering", "team-engineering", "mrp.bom", ("item_number", "revision"),
              "restricted", "plm-windchill",
              (*_s("item_number", "revision", "bom_type"), ("quantity", "number")),
              (("1.0", "active", None, ()), ("1.1", "active", None, _s("routing_code")))),
    ObjectDef("work-order", "manufacturing", "team-erp", "mrp.production", ("work_order_number",),
              "internal", "odoo-erp",
              (*_s("work_order_number", "plant_code", "item_number", "uom", "state",
                   "date_start"), ("quantity", "number")),
              (("1.0", "retired", "2025-06-30", ()), ("2.0", "active", None, _s("bom_revision")),
               ("2.1", "active", None, _s("date_deadline")))),
    ObjectDef("production-performance", "manufacturing", "team-manufacturing", "mrp.workorder",
              ("plant_code", "performance_id"), "internal", "mes",
              (*_s("plant_code", "performance_id", "work_order_number", "operation"),
               ("good_qty", "number"), ("scrap_qty", "number")),
              (("1.0", "active", None, ()),)),
    ObjectDef("lot", "traceability", "team-quality", "stock.lot", ("item_number", "lot_number"),
              "internal", "mes", _s("item_number", "lot_number", "plant_code", "expiry_date"),
              (("1.0", "active", None, ()), ("1.1", "active", None, _s("parent_lot_number")))),
    ObjectDef("stock-move", "inventory", "team-supply-chain", "stock.move",
              ("source_system", "source_move_ref"), "internal", "wms",
              (*_s("source_system", "source_move_ref", "item_number", "location_from",
                   "location_to"), ("quantity", "number")),
              (("1.0", "active", None, ()),)),
    ObjectDef("purchase-order", "procurement", "team-procurement", "purchase.order",
              ("po_number",), "confidential", "odoo-erp",
              (*_s("po_number", "supplier_code", "state", "date_planned"),),
              (("1.0", "active", None, ()), ("1.1", "active", None, _s("incoterm")))),
    ObjectDef("despatch-advice", "procurement", "team-procurement", None,
              ("asn_number", "supplier_code"), "internal", "supplier-portal",
              (*_s("asn_number", "supplier_code", "po_number", "ship_date"),),
              (("1.0", "active", None, ()),)),
    ObjectDef("shipment", "logistics", "team-supply-chain", "stock.picking", ("shipment_number",),
              "internal", "odoo-erp",
              (*_s("shipment_number", "picking_type", "partner_ref", "state", "scheduled_date"),),
              (("1.0", "active", None, ()), ("1.1", "active", None, _s("carrier_tracking_ref")),
               ("1.2", "active", None, (("weight_kg", "number"),)))),
    ObjectDef("quality-event", "quality", "team-quality", "quality.alert", ("event_id",),
              "internal", "qms",
              (*_s("event_id", "plant_code", "item_number", "lot_number", "severity"),),
              (("1.0", "active", None, ()), ("1.1", "active", None, _s("root_cause")))),
    ObjectDef("maintenance-request", "maintenance", "team-maintenance", "maintenance.request",
              ("request_id",), "internal", "cmms",
              (*_s("request_id", "equipment_id", "maintenance_type", "schedule_date"),),
              (("1.0", "active", None, ()),)),
    ObjectDef("sales-order", "sales", "team-erp", "sale.order", ("order_number",), "confidential",
              "odoo-erp", (*_s("order_number", "customer_ref", "state", "commitment_date"),),
              (("1.0", "active", None, ()),)),
    ObjectDef("supplier", "procurement", "team-procurement", "res.partner", ("supplier_code",),
              "confidential", "odoo-erp", (*_s("supplier_code", "name", "vat", "country"),),
              (("1.0", "active", None, ()), ("1.1", "active", None, _s("email")))),
    ObjectDef("equipment-reading", "maintenance", "team-maintenance", None,
              ("equipment_id", "timestamp"), "internal", "mes",
              (*_s("equipment_id", "timestamp", "signal"), ("value", "number")),
              (("1.0", "active", None, ()),)),
)
OBJECT_BY_NAME = {o.name: o for o in OBJECTS}

# Enterprise events published by Odoo or PLM on the event hub: name, object ref, verb, publisher.
ENTERPRISE_EVENTS = (
    ("work-order-released", "work-order@2", "released", "odoo-erp"),
    ("work-order-cancelled", "work-order@2", "cancelled", "odoo-erp"),
    ("item-changed", "item@2", "changed", "odoo-erp"),
    ("item-changed-v1", "item@1", "changed", "odoo-erp"),
    ("shipment-released", "shipment@1", "released", "odoo-erp"),
    ("purchase-order-confirmed", "purchase-order@1", "confirmed", "odoo-erp"),
    ("sales-order-confirmed", "sales-order@1", "confirmed", "odoo-erp"),
    ("bom-released", "bom@1", "released", "plm-windchill"),
)
# Plant events: name prefix, object ref, verb, publishing plant system, broker ("region"/"hub").
PLANT_EVENTS = (
    ("production-reported", "production-performance@1", "reported", "mes", "region"),
    ("lot-registered", "lot@1", "registered", "mes", "region"),
    ("equipment-readings", "equipment-reading@1", "sampled", "mes", "region"),
    ("stock-moved", "stock-move@1", "executed", "wms", "hub"),
    ("quality-event-raised", "quality-event@1", "raised", "qms", "hub"),
    ("maintenance-requested", "maintenance-request@1", "requested", "cmms", "hub"),
)


# --- YAML text --------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.@+/ ()-]*[A-Za-z0-9_.)]|[A-Za-z]")
_PLAIN_BLOCK = re.compile(r"[A-Za-z][A-Za-z0-9_.@+/ (),;'-]*[A-Za-z0-9_.)]")
_DURATION = re.compile(r"[0-9]+(ms|s|m|h|d|w)")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}


@lru_cache(maxsize=65536, typed=True)
def scalar(value: Any, flow: bool) -> str:
    """One scalar as YAML text: plain when YAML 1.1 reads it back as the same string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    pattern = _PLAIN if flow else _PLAIN_BLOCK
    plain = (
        (pattern.fullmatch(text) is not None and text.lower() not in _YAML11_WORDS
         and "  " not in text)
        or _DURATION.fullmatch(text) is not None
    )
    return text if plain else json.dumps(text)


def inline(value: Any) -> str:
    """A value in flow style: ``{a: b, c: [d]}``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(inline(v) for v in value) + "]"
    return scalar(value, True)


def _depth(value: Any) -> int:
    """How deeply a value nests collections."""
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def block(value: dict[str, Any], indent: int, out: list[str], first: str = "") -> None:
    """Append a mapping in block style; small collections stay on one line, as people write."""
    pad = " " * indent
    for i, (key, item) in enumerate(value.items()):
        lead = first if i == 0 and first else pad
        if isinstance(item, dict | list):
            text = inline(item)
            if _depth(item) <= 2 and len(lead) + len(key) + 2 + len(text) <= 100:
                out.append(f"{lead}{key}: {text}")
            elif isinstance(item, dict):
                out.append(f"{lead}{key}:")
                block(item, indent + 2, out)
            else:
                out.append(f"{lead}{key}:")
                for element in item:
                    if isinstance(element, dict):
                        text = inline(element)
                        if _depth(element) <= 2 and indent + 4 + len(text) <= 100:
                            out.append(f"{pad}  - {text}")
                        else:
                            block(element, indent + 4, out, first=f"{pad}  - ")
                    else:
                        out.append(f"{pad}  - {inline(element)}")
        elif key == "description" and isinstance(item, str) and len(item) > 80:
            out.append(f"{lead}{key}: >-")
            for line in _wrap(item, 96 - indent):
                out.append(f"{pad}  {line}")
        else:
            out.append(f"{lead}{key}: {scalar(item, False)}")


def _wrap(text: str, width: int) -> list[str]:
    """Words of ``text`` in lines of at most ``width`` characters."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def document(kind: str, name: str, owner: str | None, spec: dict[str, Any],
             labels: dict[str, str] | None = None, description: str | None = None) -> str:
    """One resource document as YAML text (without the ``---`` separator)."""
    if len(name) > 63:
        raise ValueError(f"generated name {name!r} is longer than 63 characters")
    metadata: dict[str, Any] = {"name": name}
    if owner:
        metadata["owner"] = owner
    if labels:
        metadata["labels"] = labels
    if description:
        metadata["description"] = description
    out = [f"apiVersion: {API}", f"kind: {kind}", "metadata:"]
    block(metadata, 2, out)
    out.append("spec:")
    block(spec, 2, out)
    return "\n".join(out) + "\n"


# --- the landscape ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Plant:
    """A plant and where it sits."""

    name: str
    code: str
    country: str
    timezone: str
    region: str
    index: int  # over all plants
    region_index: int


@dataclass
class Landscape:
    """Every document, grouped by the file it goes into."""

    files: dict[str, list[tuple[str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    # path -> [(kind, name, yaml text)]
    comments: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)  # non-spec files: path -> text

    def add(self, path: str, kind: str, name: str, text: str) -> None:
        """Add one document to a file."""
        self.files[path].append((kind, name, text))


def make_plants(count: int) -> list[Plant]:
    """Spread ``count`` plants over regions, about 20 per region, up to the ten regions."""
    regions = min(len(REGIONS), max(1, math.ceil(count / PLANTS_PER_REGION)))
    plants: list[Plant] = []
    for r in range(regions):
        region, sites = REGIONS[r]
        share = count // regions + (1 if r < count % regions else 0)
        for j in range(share):
            city, country, tz = sites[j % len(sites)]
            nth = j // len(sites) + 1
            name = city if nth == 1 else f"{city}-{nth}"
            plants.append(Plant(name, f"{city[:3].upper()}{r}{nth:02d}", country, tz, region,
                                len(plants), r))
    return plants


class Builder:
    """Builds the landscape; every random choice comes from one seeded generator."""

    def __init__(self, plants: int, flows: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.plants = make_plants(plants)
        self.regions = sorted({p.region for p in self.plants},
                              key=lambda r: [n for n, _ in REGIONS].index(r))
        self.hq = self.regions[0]
        self.out = Landscape()
        self.systems: dict[str, dict[str, Any]] = {}  # name -> spec (zone, criticality...)
        self.flow_specs: list[tuple[str, str, str, dict[str, Any]]] = []  # path, name, owner, spec
        state = self.rng.getstate()
        self.enterprise_flow_count = len(self._enterprise_flows())
        self.rng.setstate(state)
        plant_flows = flows - self.enterprise_flow_count
        minimum = len(self._catalog_names()) + 4
        if plant_flows < minimum * len(self.plants):
            raise ValueError(
                f"{flows} flows are too few for {len(self.plants)} plants: each plant needs at "
                f"least {minimum} flows, plus {self.enterprise_flow_count} enterprise flows "
                f"(give --flows {minimum * len(self.plants) + self.enterprise_flow_count} or more)"
            )
        self.quota = [plant_flows // len(self.plants)
                      + (1 if i < plant_flows % len(self.plants) else 0)
                      for i in range(len(self.plants))]
        self.carriers_per_plant = 3
        most_suppliers = math.ceil(max(self.quota) / 10)
        self.suppliers = [
            f"supplier-{SUPPLIER_STEMS[k % len(SUPPLIER_STEMS)]}-{k // len(SUPPLIER_STEMS) + 1:03d}"
            for k in range(max(6, 3 * len(self.plants), most_suppliers + 1))
        ]
        self.carriers = [
            CARRIERS[k % len(CARRIERS)] + ("" if k < len(CARRIERS) else f"-{k // len(CARRIERS)}")
            for k in range(max(4, 2 * len(self.regions) + 2))
        ]
        self.supplier_offset = self.rng.randrange(len(self.suppliers))

    # --- helpers -------------------------------------------------------------------------------

    def _date(self, start_year: int = 2023, end_year: int = 2026) -> str:
        """A date between the years (before July in the last one)."""
        year = self.rng.randint(start_year, end_year)
        month = self.rng.randint(1, 6 if year == end_year else 12)
        return f"{year}-{month:02d}-{self.rng.randint(1, 28):02d}"

    def _team(self, name: str, display: str, domain: str, owner: str | None) -> str:
        """A Team document with contacts and an escalation chain."""
        short = name.removeprefix("team-")
        spec = {
            "displayName": display,
            "email": f"{short}@{DOMAIN}",
            "chat": f"#{name}",
            "onCall": f"opsgenie:{short}",
            "escalation": [
                {"name": "On-call engineer", "contact": f"opsgenie:{short}", "after": "15m"},
                {"name": "Team lead", "contact": f"{short}-lead@{DOMAIN}", "after": "45m"},
                {"name": "Head of IT", "contact": f"head-of-it@{DOMAIN}", "after": "2h"},
            ],
        }
        return document("Team", name, owner, spec, {"domain": domain})

    def _system(self, path: str, name: str, owner: str, spec: dict[str, Any],
                labels: dict[str, str], description: str) -> None:
        self.systems[name] = spec
        self.out.add(path, "System", name, document("System", name, owner, spec, labels,
                                                     description))

    # --- teams, plants, systems ---------------------------------------------------------------

    def teams(self) -> None:
        """Enterprise teams and one operations team per plant, all with escalation."""
        for name, display, domain in TEAMS:
            self.out.add("teams.yaml", "Team", name, self._team(name, display, domain, None))
        for p in self.plants:
            name = f"team-ops-{p.name}"
            self.out.add("teams.yaml", "Team", name, self._team(
                name, f"Plant IT/OT {p.name.title()}", "manufacturing", "team-manufacturing"))
        self.out.comments["teams.yaml"] = "Teams that own integration resources."

    def plants_and_plant_systems(self) -> None:
        """Plants by region, and each plant's MES, WMS, QMS and CMMS."""
        for p in self.plants:
            spec = {"code": p.code, "country": p.country, "region": p.region,
                    "timezone": p.timezone, "zones": ["ot", "dmz", "it"]}
            self.out.add(f"plants/{p.region}.yaml", "Plant", p.name, document(
                "Plant", p.name, f"team-ops-{p.name}", spec,
                {"domain": "manufacturing", "country": p.country},
                f"{p.name.title()} ({p.country}) - machining and assembly, "
                f"{self.rng.randint(2, 12)} production lines."))
            path = f"systems/{p.name}.yaml"
            owner = f"team-ops-{p.name}"
            labels = {"plant": p.name, "region": p.region}
            host = f"{p.name}.{DOMAIN}"
            vendor, product, version = self.rng.choice(MES)
            self._system(path, f"mes-{p.name}", owner, {
                "type": "mes", "vendor": vendor, "product": product, "version": version,
                "zone": "ot", "isa95Level": 3, "plants": [p.name],
                "endpoints": [{"name": "api", "protocol": "rest",
                               "url": f"https://mes.ot.{host}/api"},
                              {"name": "opcua", "protocol": "opc-ua",
                               "url": f"opc.tcp://mes.ot.{host}:4840"}],
                "criticality": "tier-1",
                "lifecycle": {"status": "active", "since": self._date(2019, 2024)},
            }, labels, f"{product} at {p.name.title()}: dispatching, genealogy, OEE.")
            vendor, product, version = self.rng.choice(WMS)
            self._system(path, f"wms-{p.name}", "team-supply-chain", {
                "type": "wms", "vendor": vendor, "product": product, "version": version,
                "zone": "it", "isa95Level": 3, "plants": [p.name],
                "endpoints": [{"name": "rest", "protocol": "rest",
                               "url": f"https://wms.{host}/api"}],
                "criticality": "tier-1",
                "lifecycle": {"status": "active", "since": self._date(2019, 2024)},
            }, labels, f"{product} for the {p.name.title()} warehouse and line feeding.")
            vendor, product, version = self.rng.choice(QMS)
            self._system(path, f"qms-{p.name}", "team-quality", {
                "type": "qms", "vendor": vendor, "product": product, "version": version,
                "zone": "it", "isa95Level": 3, "plants": [p.name],
                "endpoints": [{"name": "rest", "protocol": "rest",
                               "url": f"https://qms.{host}/api"}],
                "criticality": "tier-2",
            }, labels, f"{product}: nonconformances and CAPA for {p.name.title()}.")
            vendor, product, version = self.rng.choice(CMMS)
            self._system(path, f"cmms-{p.name}", "team-maintenance", {
                "type": "cmms", "vendor": vendor, "product": product, "version": version,
                "zone": "it", "isa95Level": 3, "plants": [p.name],
                "endpoints": [{"name": "rest", "protocol": "rest",
                               "url": f"https://cmms.{host}/api"}],
                "criticality": "tier-2",
            }, labels, f"{product}: assets and maintenance work at {p.name.title()}.")
            self.out.comments[path] = f"Plant systems of {p.name} ({p.region})."
        for region in self.regions:
            self.out.comments[f"plants/{region}.yaml"] = f"Plants of region {region}."

    def shared_systems(self) -> None:
        """Enterprise systems, regional DMZ gateways, brokers and file relays, and partners."""
        path = "systems/enterprise.yaml"
        self.out.comments[path] = "Enterprise systems shared by every plant."
        ent = {"domain": "enterprise"}
        self._system(path, "odoo-erp", "team-erp", {
            "type": "erp", "vendor": "Odoo S.A.", "product": "Odoo Enterprise",
            "version": "17.0", "zone": "it", "isa95Level": 4,
            "endpoints": [{"name": "jsonrpc", "protocol": "json-rpc",
                           "url": f"https://erp.{DOMAIN}", "basePath": "/jsonrpc"},
                          {"name": "webhooks", "protocol": "webhook",
                           "url": f"https://erp.{DOMAIN}", "basePath": "/web/hook"}],
            "criticality": "tier-1",
            "lifecycle": {"status": "active", "since": "2024-01-15"},
            "odoo": {"edition": "enterprise", "database": "synth-prod"},
        }, ent, "Odoo 17.0 Enterprise, one database for every plant (one company per country).")
        self._system(path, "integration-hub", "team-integration-platform", {
            "type": "middleware", "vendor": "Red Hat", "product": "Red Hat build of Apache Camel",
            "version": "4.4", "zone": "it",
            "endpoints": [{"name": "rest", "protocol": "rest", "url": f"https://hub.{DOMAIN}"},
                          {"name": "sftp", "protocol": "sftp", "url": f"sftp://mft.{DOMAIN}:22"}],
            "criticality": "tier-1",
        }, ent, "Camel routes: Odoo connectors, webhook receivers, reconciliation jobs.")
        self._system(path, "event-hub", "team-integration-platform", {
            "type": "broker", "vendor": "Confluent", "product": "Confluent Platform",
            "version": "7.6", "zone": "it",
            "endpoints": [{"name": "kafka", "protocol": "kafka",
                           "url": f"kafka://event-hub.{DOMAIN}:9093"}],
            "criticality": "tier-1",
        }, ent, "Kafka cluster carrying the CloudEvents topics and their dead-letter topics.")
        self._system(path, "plm-windchill", "team-engineering", {
            "type": "plm", "vendor": "PTC", "product": "Windchill", "version": "12.1",
            "zone": "it", "isa95Level": 4,
            "endpoints": [{"name": "odata", "protocol": "rest", "url": f"https://plm.{DOMAIN}",
                           "basePath": "/Windchill/servlet/odata"}],
            "criticality": "tier-2",
        }, ent, "PTC Windchill: released manufacturing BOMs and routings.")
        self._system(path, "supplier-portal", "team-procurement", {
            "type": "portal", "vendor": "Ivalua", "product": "Ivalua Source-to-Pay",
            "zone": "cloud", "isa95Level": 4,
            "endpoints": [{"name": "rest", "protocol": "rest", "url": "https://synth.ivalua.example",
                           "basePath": "/api/v1"},
                          {"name": "webhooks", "protocol": "webhook"}],
            "criticality": "tier-2",
        }, ent, "Supplier portal (SaaS): supplier master data, order publication, ASNs.")
        self._system(path, "edi-van", "team-procurement", {
            "type": "edi", "vendor": "OpenText", "product": "Trading Grid", "zone": "partner",
            "processing": "batch",
            "endpoints": [{"name": "as2", "protocol": "as2",
                           "url": "https://as2.tradinggrid.example/as2"},
                          {"name": "sftp", "protocol": "sftp",
                           "url": "sftp://mailbox.tradinggrid.example:22"}],
            "criticality": "tier-2",
        }, ent, "EDI VAN: EDIFACT ORDERS and ORDRSP with suppliers, mailboxes over AS2.")
        self._system(path, "analytics-lakehouse", "team-data-analytics", {
            "type": "analytics", "vendor": "Databricks",
            "product": "Databricks Data Intelligence Platform", "zone": "cloud",
            "endpoints": [{"name": "ingest", "protocol": "rest",
                           "url": "https://adb-synth.azuredatabricks.example"},
                          {"name": "landing", "protocol": "file",
                           "url": "abfss://landing@synthlake.dfs.core.windows.example"}],
            "criticality": "tier-3",
        }, ent, "Lakehouse for OEE, OTIF, inventory and quality KPIs.")
        for region in self.regions:
            path = f"systems/region-{region}.yaml"
            self.out.comments[path] = f"Industrial DMZ of region {region}: the OT conduits."
            labels = {"region": region}
            host = f"{region}.dmz.{DOMAIN}"
            self._system(path, f"kong-{region}", "team-integration-platform", {
                "type": "gateway", "vendor": "Kong", "product": "Kong Gateway", "version": "3.6",
                "zone": "dmz",
                "endpoints": [{"name": "proxy", "protocol": "rest", "url": f"https://api.{host}"},
                              {"name": "webhooks", "protocol": "webhook",
                               "url": f"https://hooks.{host}"}],
                "criticality": "tier-1",
            }, labels, f"Kong gateway of {region}: partner, SaaS and plant API traffic.")
            self._system(path, f"kafka-{region}", "team-integration-platform", {
                "type": "broker", "vendor": "Apache", "product": "Kafka", "version": "3.7",
                "zone": "dmz",
                "endpoints": [{"name": "brokers", "protocol": "kafka",
                               "url": f"kafka://kafka.{host}:9093"}],
                "criticality": "tier-1",
            }, labels, f"DMZ Kafka of {region}, mirrored with the event hub (MirrorMaker 2).")
            self._system(path, f"mft-{region}", "team-integration-platform", {
                "type": "middleware", "vendor": "Progress", "product": "MOVEit Transfer",
                "version": "2024", "zone": "dmz", "processing": "batch",
                "endpoints": [{"name": "sftp", "protocol": "sftp",
                               "url": f"sftp://mft.{host}:22"}],
                "criticality": "tier-2",
            }, labels, f"Managed file transfer relay of {region} for batch files to the plants.")
        path = "systems/partners.yaml"
        self.out.comments[path] = "Suppliers and carriers (partner zone)."
        for k, name in enumerate(self.suppliers):
            self._system(path, name, "team-procurement", {
                "type": "portal", "vendor": f"{name.removeprefix('supplier-').title()} Ltd",
                "zone": "partner",
                "endpoints": [{"name": "b2b", "protocol": "rest",
                               "url": f"https://b2b.{name}.example"}],
                "criticality": "tier-3",
            }, {"domain": "procurement"}, f"Supplier number {k + 1} (EDI and webhooks).")
        for name in self.carriers:
            self._system(path, f"carrier-{name}", "team-supply-chain", {
                "type": "carrier", "vendor": name.replace("-", " ").title(), "zone": "partner",
                "endpoints": [{"name": "api", "protocol": "rest",
                               "url": f"https://api.{name}.example"}],
                "criticality": "tier-2",
            }, {"domain": "logistics"}, f"Carrier {name}: bookings, labels and tracking.")

    # --- objects --------------------------------------------------------------------------------

    def objects(self) -> None:
        """Business objects with their systems of record and schema versions (files and inline)."""
        for obj in OBJECTS:
            path = f"objects/{obj.name}.yaml"
            if obj.sor in ("mes", "wms", "qms", "cmms"):
                sor = [{"system": f"{obj.sor}-{p.name}", "plants": [p.name]} for p in self.plants]
            else:
                sor = [{"system": obj.sor}]
            fields = list(obj.fields)
            required = list(obj.identity)
            versions = []
            for version, status, sunset, added in obj.versions:
                major = version.split(".")[0]
                if version.endswith(".0") and version != "1.0":
                    # a new major: the added fields become required (the breaking change)
                    required = [*required, *(n for n, _ in added)]
                fields = [*fields, *added]
                schema = {
                    "type": "object",
                    "required": list(required),
                    "properties": {n: {"type": t} for n, t in fields},
                }
                entry: dict[str, Any] = {"version": version, "status": status}
                if sunset:
                    entry["sunset"] = sunset
                if version.endswith(".0"):
                    rel = f"schemas/{obj.name}/{version}.schema.json"
                    entry["schemaFile"] = rel
                    full = {
                        "$schema": "https://json-schema.org/draft/2020-12/schema",
                        "$id": f"https://schemas.{DOMAIN}/{obj.name}/{version}.schema.json",
                        "title": f"{obj.name} {version}",
                        "description": f"Canonical {obj.name}, major {major}.",
                        **schema,
                    }
                    self.out.extra[f"objects/{rel}"] = json.dumps(full, indent=2) + "\n"
                else:
                    entry["schema"] = schema
                versions.append(entry)
            spec: dict[str, Any] = {"domain": obj.domain, "identity": list(obj.identity),
                                    "classification": obj.classification}
            if obj.odoo_model:
                spec["odooModel"] = obj.odoo_model
            spec["compatibility"] = "backward"
            spec["systemOfRecord"] = sor
            spec["versions"] = versions
            self.out.add(path, "BusinessObject", obj.name, document(
                "BusinessObject", obj.name, obj.owner, spec, {"domain": obj.domain},
                f"Canonical {obj.name.replace('-', ' ')} exchanged between the plants and Odoo."))

    # --- events ---------------------------------------------------------------------------------

    def events(self) -> None:
        """Enterprise events and each plant's events, one publisher each."""
        path = "events/enterprise.yaml"
        self.out.comments[path] = "Enterprise events on the event hub (CloudEvents 1.0)."
        for name, ref, verb, publisher in ENTERPRISE_EVENTS:
            obj, major = ref.split("@")
            self.out.add(path, "Event", name, document("Event", name, "team-erp", {
                "type": f"com.synthmfg.{obj.replace('-', '_')}.{verb}.v{major}",
                "publisher": publisher, "object": ref, "broker": "event-hub",
                "channel": f"mfg.{obj}.{verb}.v{major}", "retention": "14d", "replay": "7d",
                "orderingKey": OBJECT_BY_NAME[obj].identity[0], "partitions": 12,
            }, {"domain": OBJECT_BY_NAME[obj].domain}))
        for p in self.plants:
            path = f"events/{p.region}.yaml"
            self.out.comments[path] = f"Plant events of region {p.region}."
            for prefix, ref, verb, kind, broker in PLANT_EVENTS:
                obj, major = ref.split("@")
                name = f"{prefix}-{p.name}"
                self.out.add(path, "Event", name, document("Event", name, f"team-ops-{p.name}", {
                    "type": f"com.synthmfg.{p.code.lower()}.{obj.replace('-', '_')}.{verb}"
                            f".v{major}",
                    "publisher": f"{kind}-{p.name}", "object": ref,
                    "broker": f"kafka-{p.region}" if broker == "region" else "event-hub",
                    "channel": f"mfg.{p.code.lower()}.{obj}.{verb}.v{major}",
                    "retention": "7d", "replay": "72h",
                    "orderingKey": OBJECT_BY_NAME[obj].identity[0], "partitions": 6,
                }, {"domain": OBJECT_BY_NAME[obj].domain, "plant": p.name}))

    # --- flows ----------------------------------------------------------------------------------

    def _flow(self, name: str, ref: str, source: str, targets: list[str], pattern: str, *,
              latency: str, via: list[str], tier: str, operation: str = "upsert",
              event: str | None = None, protocol: str | None = None,
              schedule: str | None = None, api: dict[str, Any] | None = None,
              inbound: bool = False, dlq: str | None = None,
              odoo: dict[str, str] | None = None, budget: str | None = None) -> dict[str, Any]:
        """A Flow spec with the resilience fields the governance rules ask for."""
        obj = OBJECT_BY_NAME[ref.split("@")[0]]
        spec: dict[str, Any] = {"object": ref, "source": source}
        if len(targets) == 1:
            spec["target"] = targets[0]
        else:
            spec["targets"] = targets
        spec["pattern"] = pattern
        if event:
            spec["event"] = event
        spec["operation"] = operation
        if inbound:
            spec["authorizedInbound"] = True
        if protocol:
            spec["protocol"] = protocol
        spec["latency"] = latency
        if via:
            spec["via"] = via
        if pattern in ("batch", "file"):
            spec["trigger"] = "schedule"
            minute, hour = self.rng.randrange(60), self.rng.randrange(1, 5)
            spec["schedule"] = schedule or f"{minute} {hour} * * *"
            spec["sla"] = {"freshness": "24h", "successRate": 99.0}
        elif pattern == "api":
            spec["trigger"] = "on-change"
            spec["sla"] = {"freshness": "1m" if latency == "realtime" else "5m",
                           "successRate": 99.9, "budget": budget or "2s"}
            if api:
                spec["api"] = api
        elif pattern == "webhook":
            spec["trigger"] = "webhook"
            spec["sla"] = {"freshness": "15m", "successRate": 99.5}
            if api:
                spec["api"] = api
        else:
            spec["trigger"] = "event"
            spec["sla"] = {"freshness": "5m", "successRate": 99.5}
        key = "+".join(obj.identity)
        spec["delivery"] = ({"guarantee": "at-least-once", "idempotencyKey": key,
                             "orderingKey": obj.identity[0]} if pattern == "event"
                            else {"guarantee": "at-least-once", "idempotencyKey": key})
        if pattern in ("batch", "file"):
            spec["retry"] = {"maxAttempts": 3, "backoff": "fixed", "initialDelay": "10m"}
        else:
            spec["retry"] = {"maxAttempts": 8, "backoff": "exponential", "initialDelay": "2s",
                             "maxDelay": "5m"}
            spec["deadLetter"] = {"target": f"mfg.dlq.{name}", "system": dlq or "event-hub"}
        if tier == "tier-1" or pattern == "webhook" or pattern in ("batch", "file"):
            spec["reconciliation"] = (
                {"schedule": f"*/{self.rng.choice((10, 15, 30))} * * * *", "method": "watermark"}
                if pattern not in ("batch", "file")
                else {"schedule": f"{self.rng.randrange(60)} 6 * * *", "method": "full"})
        spec["criticality"] = tier
        spec["rto"] = {"tier-1": "1h", "tier-2": "4h", "tier-3": "24h"}[tier]
        spec["introduced"] = self._date()
        if odoo:
            spec["odoo"] = odoo
        return spec

    def _catalog_names(self) -> list[str]:
        """Names of the standard plant flows (without using up random numbers)."""
        state = self.rng.getstate()
        names = [name for name, _ in self._catalog(Plant("x", "X", "FR", "UTC", "r", 0, 0))]
        self.rng.setstate(state)
        return names

    def _catalog(self, p: Plant) -> list[tuple[str, dict[str, Any]]]:
        """The flows every plant has: production, quality, maintenance, warehouse, analytics."""
        n, r = p.name, p.region
        mes, wms, qms, cmms = f"mes-{n}", f"wms-{n}", f"qms-{n}", f"cmms-{n}"
        kafka, kong, mft = f"kafka-{r}", f"kong-{r}", f"mft-{r}"
        f = self._flow
        return [
            (f"wo-release-{n}", f(f"wo-release-{n}", "work-order@2", "odoo-erp", [mes], "event",
                                  event="work-order-released", latency="near-realtime",
                                  via=["event-hub", kafka], tier="tier-1", dlq=kafka,
                                  odoo={"trigger": "on_state_set"})),
            (f"wo-cancel-{n}", f(f"wo-cancel-{n}", "work-order@2", "odoo-erp", [mes], "event",
                                 event="work-order-cancelled", latency="near-realtime",
                                 via=["event-hub", kafka], tier="tier-1", operation="update",
                                 dlq=kafka, odoo={"trigger": "on_state_set"})),
            (f"wo-confirm-{n}", f(f"wo-confirm-{n}", "work-order@2", mes, ["odoo-erp"], "api",
                                  protocol="json-rpc", latency="realtime", via=[kong],
                                  tier="tier-1", operation="update", inbound=True,
                                  budget="800ms", dlq=kafka,
                                  api={"path": f"/v1/{n}/work-orders/confirmations",
                                       "methods": ["POST"]},
                                  odoo={"method": "button_mark_done"})),
            (f"production-report-{n}", f(f"production-report-{n}", "production-performance@1",
                                         mes, ["odoo-erp"], "event",
                                         event=f"production-reported-{n}",
                                         latency="near-realtime",
                                         via=[kafka, "integration-hub"], tier="tier-1",
                                         dlq=kafka)),
            (f"lot-registration-{n}", f(f"lot-registration-{n}", "lot@1", mes, ["odoo-erp"],
                                        "event", event=f"lot-registered-{n}",
                                        latency="near-realtime", via=[kafka, "integration-hub"],
                                        tier="tier-2", operation="create", dlq=kafka)),
            (f"bom-to-mes-{n}", f(f"bom-to-mes-{n}", "bom@1", "plm-windchill", [mes], "event",
                                  event="bom-released", latency="near-realtime",
                                  via=["event-hub", kafka], tier="tier-2", dlq=kafka)),
            (f"item-master-to-plant-{n}", f(f"item-master-to-plant-{n}", "item@2", "odoo-erp",
                                            [mes, wms], "batch", operation="sync",
                                            protocol="sftp", latency="batch",
                                            via=["integration-hub", mft], tier="tier-2")),
            (f"item-changes-to-wms-{n}", f(f"item-changes-to-wms-{n}", "item@2", "odoo-erp",
                                           [wms], "event", event="item-changed",
                                           latency="near-realtime", via=["event-hub"],
                                           tier="tier-2")),
            (f"pick-orders-to-wms-{n}", f(f"pick-orders-to-wms-{n}", "shipment@1", "odoo-erp",
                                          [wms], "event", event="shipment-released",
                                          latency="near-realtime",
                                          via=["event-hub", "integration-hub"], tier="tier-1",
                                          odoo={"trigger": "on_state_set"})),
            (f"stock-moves-to-odoo-{n}", f(f"stock-moves-to-odoo-{n}", "stock-move@1", wms,
                                           ["odoo-erp"], "event", event=f"stock-moved-{n}",
                                           latency="near-realtime",
                                           via=["event-hub", "integration-hub"], tier="tier-1",
                                           operation="create",
                                           odoo={"method": "button_validate"})),
            (f"inventory-snapshot-{n}", f(f"inventory-snapshot-{n}", "stock-move@1", wms,
                                          ["odoo-erp"], "batch", protocol="rest",
                                          latency="batch", via=["integration-hub"],
                                          tier="tier-2", operation="sync")),
            (f"expected-receipts-{n}", f(f"expected-receipts-{n}", "purchase-order@1",
                                         "odoo-erp", [wms], "event",
                                         event="purchase-order-confirmed",
                                         latency="near-realtime", via=["event-hub"],
                                         tier="tier-2")),
            (f"staging-plan-to-wms-{n}", f(f"staging-plan-to-wms-{n}", "work-order@2",
                                           "odoo-erp", [wms], "event",
                                           event="work-order-released", latency="near-realtime",
                                           via=["event-hub"], tier="tier-2")),
            (f"line-feeding-to-mes-{n}", f(f"line-feeding-to-mes-{n}", "stock-move@1", wms,
                                           [mes], "event", event=f"stock-moved-{n}",
                                           latency="near-realtime", via=["event-hub", kafka],
                                           tier="tier-2", operation="create", dlq=kafka)),
            (f"quality-alerts-to-odoo-{n}", f(f"quality-alerts-to-odoo-{n}", "quality-event@1",
                                              qms, ["odoo-erp"], "event",
                                              event=f"quality-event-raised-{n}",
                                              latency="near-realtime",
                                              via=["event-hub", "integration-hub"],
                                              tier="tier-2", operation="create")),
            (f"quality-holds-to-mes-{n}", f(f"quality-holds-to-mes-{n}", "quality-event@1", qms,
                                            [mes], "event", event=f"quality-event-raised-{n}",
                                            latency="near-realtime", via=["event-hub", kafka],
                                            tier="tier-2", dlq=kafka)),
            (f"quality-holds-to-wms-{n}", f(f"quality-holds-to-wms-{n}", "quality-event@1", qms,
                                            [wms], "event", event=f"quality-event-raised-{n}",
                                            latency="near-realtime", via=["event-hub"],
                                            tier="tier-2")),
            (f"lots-to-qms-{n}", f(f"lots-to-qms-{n}", "lot@1", mes, [qms], "event",
                                   event=f"lot-registered-{n}", latency="near-realtime",
                                   via=[kafka, "event-hub"], tier="tier-2", dlq=kafka)),
            (f"maintenance-to-odoo-{n}", f(f"maintenance-to-odoo-{n}", "maintenance-request@1",
                                           cmms, ["odoo-erp"], "event",
                                           event=f"maintenance-requested-{n}",
                                           latency="near-realtime",
                                           via=["event-hub", "integration-hub"], tier="tier-3",
                                           operation="create")),
            (f"maintenance-to-mes-{n}", f(f"maintenance-to-mes-{n}", "maintenance-request@1",
                                          cmms, [mes], "event",
                                          event=f"maintenance-requested-{n}",
                                          latency="near-realtime", via=["event-hub", kafka],
                                          tier="tier-2", dlq=kafka)),
            (f"equipment-readings-to-cmms-{n}", f(f"equipment-readings-to-cmms-{n}",
                                                  "equipment-reading@1", mes, [cmms], "event",
                                                  event=f"equipment-readings-{n}",
                                                  latency="near-realtime", via=[kafka],
                                                  tier="tier-3", operation="create", dlq=kafka)),
            (f"spare-parts-to-cmms-{n}", f(f"spare-parts-to-cmms-{n}", "item@1", "odoo-erp",
                                           [cmms], "event", event="item-changed-v1",
                                           latency="near-realtime", via=["event-hub"],
                                           tier="tier-3")),
            (f"sales-orders-to-mes-{n}", f(f"sales-orders-to-mes-{n}", "sales-order@1",
                                           "odoo-erp", [mes], "event",
                                           event="sales-order-confirmed",
                                           latency="near-realtime", via=["event-hub", kafka],
                                           tier="tier-3", dlq=kafka)),
            (f"asn-to-wms-{n}", f(f"asn-to-wms-{n}", "despatch-advice@1", "supplier-portal",
                                  [wms], "webhook", protocol="webhook",
                                  latency="near-realtime", via=[kong, "integration-hub"],
                                  tier="tier-2", operation="create",
                                  api={"path": f"/hooks/{n}/asn", "methods": ["POST"]})),
            (f"oee-to-analytics-{n}", f(f"oee-to-analytics-{n}", "production-performance@1",
                                        mes, ["analytics-lakehouse"], "event",
                                        event=f"production-reported-{n}",
                                        latency="near-realtime", via=[kafka, "event-hub"],
                                        tier="tier-3", dlq=kafka)),
            (f"quality-to-analytics-{n}", f(f"quality-to-analytics-{n}", "quality-event@1", qms,
                                            ["analytics-lakehouse"], "batch", protocol="rest",
                                            latency="batch", via=["integration-hub"],
                                            tier="tier-3")),
            (f"stock-to-analytics-{n}", f(f"stock-to-analytics-{n}", "stock-move@1", wms,
                                          ["analytics-lakehouse"], "file", protocol="sftp",
                                          latency="batch", via=["integration-hub"],
                                          tier="tier-3", schedule="0 * * * *")),
        ]

    def _carrier_flows(self, p: Plant, carrier: str) -> list[tuple[str, dict[str, Any]]]:
        """A plant's flows with one carrier, through the regional gateway."""
        n, kong = p.name, f"kong-{p.region}"
        c = f"carrier-{carrier}"
        f = self._flow
        return [
            (f"shipment-booking-{carrier}-{n}", f(
                f"shipment-booking-{carrier}-{n}", "shipment@1", "odoo-erp", [c], "api",
                protocol="rest", latency="near-realtime", via=["integration-hub", kong],
                tier="tier-2", operation="create", budget="3s",
                api={"path": f"/egress/{carrier}/{n}/shipments", "methods": ["POST"]},
                odoo={"trigger": "on_state_set"})),
            (f"shipment-tracking-{carrier}-{n}", f(
                f"shipment-tracking-{carrier}-{n}", "shipment@1", c, ["odoo-erp"], "webhook",
                protocol="webhook", latency="near-realtime", via=[kong, "integration-hub"],
                tier="tier-3", operation="update", inbound=True,
                api={"path": f"/hooks/{carrier}/{n}/tracking", "methods": ["POST"]},
                odoo={"method": "write"})),
            (f"shipment-cancel-{carrier}-{n}", f(
                f"shipment-cancel-{carrier}-{n}", "shipment@1", "odoo-erp", [c], "api",
                protocol="rest", latency="near-realtime", via=["integration-hub", kong],
                tier="tier-2", operation="delete", budget="3s",
                api={"path": f"/egress/{carrier}/{n}/cancellations", "methods": ["POST"]},
                odoo={"trigger": "on_state_set", "method": "action_cancel"})),
            (f"label-request-{carrier}-{n}", f(
                f"label-request-{carrier}-{n}", "shipment@1", "odoo-erp", [c], "api",
                protocol="rest", latency="realtime", via=["integration-hub", kong],
                tier="tier-2", operation="update", budget="2s",
                api={"path": f"/egress/{carrier}/{n}/labels", "methods": ["POST"]})),
        ]

    def _supplier_flows(self, p: Plant, supplier: str) -> list[tuple[str, dict[str, Any]]]:
        """A plant's flows with one supplier: EDI through the VAN, webhooks through the gateway."""
        n, kong = p.name, f"kong-{p.region}"
        short = supplier.removeprefix("supplier-")
        f = self._flow
        return [
            (f"po-to-{short}-{n}", f(
                f"po-to-{short}-{n}", "purchase-order@1", "odoo-erp", [supplier], "file",
                protocol="as2", latency="batch", via=["integration-hub", "edi-van"],
                tier="tier-3", operation="create", schedule="*/15 6-20 * * 1-5",
                odoo={"trigger": "on_state_set"})),
            (f"po-response-{short}-{n}", f(
                f"po-response-{short}-{n}", "purchase-order@1", supplier, ["odoo-erp"], "file",
                protocol="as2", latency="batch", via=["edi-van", "integration-hub"],
                tier="tier-3", operation="update", inbound=True, schedule="*/15 6-20 * * 1-5",
                odoo={"method": "write"})),
            (f"asn-from-{short}-{n}", f(
                f"asn-from-{short}-{n}", "despatch-advice@1", supplier, ["odoo-erp"], "webhook",
                protocol="webhook", latency="near-realtime", via=[kong, "integration-hub"],
                tier="tier-2", operation="create",
                api={"path": f"/hooks/{short}/{n}/asn", "methods": ["POST"]})),
            (f"coc-from-{short}-{n}", f(
                f"coc-from-{short}-{n}", "quality-event@1", supplier, [f"qms-{n}"], "webhook",
                protocol="webhook", latency="near-realtime", via=[kong, "integration-hub"],
                tier="tier-2", operation="create", inbound=True,
                api={"path": f"/hooks/{short}/{n}/certificates", "methods": ["POST"]})),
        ]

    def _line_flows(self, p: Plant, line: int) -> list[tuple[str, dict[str, Any]]]:
        """The flows of one production line of a plant."""
        n, r = p.name, p.region
        mes, kafka, mft = f"mes-{n}", f"kafka-{r}", f"mft-{r}"
        lk = f"l{line:02d}"
        f = self._flow
        return [
            (f"line-states-{lk}-{n}", f(
                f"line-states-{lk}-{n}", "equipment-reading@1", mes, [f"cmms-{n}"], "event",
                event=f"equipment-readings-{n}", latency="near-realtime", via=[kafka],
                tier="tier-3", operation="create", dlq=kafka)),
            (f"line-output-{lk}-{n}", f(
                f"line-output-{lk}-{n}", "production-performance@1", mes, [f"wms-{n}"],
                "event", event=f"production-reported-{n}", latency="near-realtime",
                via=[kafka, "event-hub"], tier="tier-2", dlq=kafka)),
            (f"line-oee-{lk}-{n}", f(
                f"line-oee-{lk}-{n}", "production-performance@1", mes, ["analytics-lakehouse"],
                "batch", protocol="sftp", latency="batch", via=[mft], tier="tier-3")),
            (f"line-shift-report-{lk}-{n}", f(
                f"line-shift-report-{lk}-{n}", "production-performance@1", mes, ["odoo-erp"],
                "batch", protocol="sftp", latency="batch", via=[mft, "integration-hub"],
                tier="tier-2", schedule=f"{5 * line % 60} 6,14,22 * * *")),
            (f"line-qc-samples-{lk}-{n}", f(
                f"line-qc-samples-{lk}-{n}", "quality-event@1", f"qms-{n}",
                ["analytics-lakehouse"], "batch", protocol="rest", latency="batch",
                via=["integration-hub"], tier="tier-3")),
            (f"line-recipe-{lk}-{n}", f(
                f"line-recipe-{lk}-{n}", "bom@1", "plm-windchill", [mes], "api",
                protocol="rest", latency="near-realtime", via=[f"kong-{r}"], tier="tier-2",
                budget="2s",
                api={"path": f"/v1/{n}/lines/{lk}/recipes", "methods": ["PUT"]})),
        ]

    def _plant_flows(self, p: Plant) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(domain, name, spec): the catalogue, the carriers, then suppliers and lines in turn.

        The supplier and line flows fill the plant's share in units of ten (2 file, 2 webhook,
        2 event, 3 batch and 1 api flow), which brings the whole mix close to the examples'.
        """
        for name, spec in self._catalog(p):
            yield "operations", name, spec
        for j in range(self.carriers_per_plant):
            carrier = self.carriers[(2 * p.region_index + j) % len(self.carriers)]
            for name, spec in self._carrier_flows(p, carrier):
                yield "logistics", name, spec
        k = 0
        while True:
            supplier = self.suppliers[(self.supplier_offset + 3 * p.index + k)
                                      % len(self.suppliers)]
            for name, spec in self._supplier_flows(p, supplier):
                yield "procurement", name, spec
            for name, spec in self._line_flows(p, k + 1):
                yield "production-lines", name, spec
            k += 1

    def _enterprise_flows(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(domain, name, spec) of the flows that belong to no plant."""
        kong = f"kong-{self.hq}"
        f = self._flow
        return [
            ("engineering", "bom-to-odoo", f(
                "bom-to-odoo", "bom@1", "plm-windchill", ["odoo-erp"], "event",
                event="bom-released", latency="near-realtime",
                via=["event-hub", "integration-hub"], tier="tier-2")),
            ("engineering", "item-changes-to-plm", f(
                "item-changes-to-plm", "item@2", "odoo-erp", ["plm-windchill"], "event",
                event="item-changed", latency="near-realtime", via=["event-hub"],
                tier="tier-3")),
            ("procurement", "supplier-master-to-portal", f(
                "supplier-master-to-portal", "supplier@1", "odoo-erp", ["supplier-portal"], "api",
                protocol="rest", latency="near-realtime", via=["integration-hub", kong],
                tier="tier-2", budget="2s",
                api={"path": "/egress/supplier-portal/suppliers", "methods": ["PUT"]})),
            ("procurement", "purchase-orders-to-portal", f(
                "purchase-orders-to-portal", "purchase-order@1", "odoo-erp", ["supplier-portal"],
                "api", protocol="rest", latency="near-realtime", via=["integration-hub", kong],
                tier="tier-2", budget="2s",
                api={"path": "/egress/supplier-portal/purchase-orders", "methods": ["PUT"]})),
            ("procurement", "asn-portal-to-odoo", f(
                "asn-portal-to-odoo", "despatch-advice@1", "supplier-portal", ["odoo-erp"],
                "webhook", protocol="webhook", latency="near-realtime",
                via=[kong, "integration-hub"], tier="tier-2", operation="create",
                api={"path": "/hooks/supplier-portal/asn", "methods": ["POST"]})),
            ("analytics", "items-to-analytics", f(
                "items-to-analytics", "item@2", "odoo-erp", ["analytics-lakehouse"], "batch",
                protocol="rest", latency="batch", via=["integration-hub"], tier="tier-3")),
            ("analytics", "work-orders-to-analytics", f(
                "work-orders-to-analytics", "work-order@2", "odoo-erp", ["analytics-lakehouse"],
                "batch", protocol="rest", latency="batch", via=["integration-hub"],
                tier="tier-3")),
            ("analytics", "sales-orders-to-analytics", f(
                "sales-orders-to-analytics", "sales-order@1", "odoo-erp",
                ["analytics-lakehouse"], "batch", protocol="rest", latency="batch",
                via=["integration-hub"], tier="tier-3")),
            ("analytics", "shipments-to-analytics", f(
                "shipments-to-analytics", "shipment@1", "odoo-erp", ["analytics-lakehouse"],
                "batch", protocol="rest", latency="batch", via=["integration-hub"],
                tier="tier-3")),
            ("analytics", "purchase-orders-to-analytics", f(
                "purchase-orders-to-analytics", "purchase-order@1", "odoo-erp",
                ["analytics-lakehouse"], "batch", protocol="rest", latency="batch",
                via=["integration-hub"], tier="tier-3")),
        ]

    def flows(self) -> None:
        """Enterprise flows, then each plant's flows up to its quota, in files per domain."""
        owners = {"engineering": "team-engineering", "procurement": "team-procurement",
                  "analytics": "team-data-analytics"}
        for domain, name, spec in self._enterprise_flows():
            self._add_flow(f"flows/enterprise/{domain}.yaml", name, owners[domain], spec, domain)
        for p in self.plants:
            gen = self._plant_flows(p)
            for _ in range(self.quota[p.index]):
                domain, name, spec = next(gen)
                owner = {"operations": f"team-ops-{p.name}", "logistics": "team-supply-chain",
                         "procurement": "team-procurement",
                         "production-lines": f"team-ops-{p.name}"}[domain]
                # two files per plant: about 60 internal and 40 partner flows at 100 per plant
                group = "partners" if domain in ("procurement", "logistics") else "operations"
                self._add_flow(f"flows/{p.name}/{group}.yaml", name, owner, spec, domain, p)

    def _add_flow(self, path: str, name: str, owner: str, spec: dict[str, Any], domain: str,
                  plant: Plant | None = None) -> None:
        labels = {"domain": domain}
        if plant:
            labels["plant"] = plant.name
            self.out.comments[path] = f"Flows of {plant.name}: {path.rsplit('/', 1)[1][:-5]}."
        else:
            self.out.comments[path] = f"Enterprise {domain} flows."
        self.flow_specs.append((path, name, owner, spec))
        targets = spec.get("targets") or [spec["target"]]
        obj = spec["object"].split("@")[0].replace("-", " ")
        text = (f"{obj.capitalize()} from {spec['source']} to {' and '.join(targets)}, "
                f"{spec['latency']} {spec['pattern']}")
        text += f" via {', '.join(spec['via'])}." if spec.get("via") else "."
        self.out.add(path, "Flow", name, document("Flow", name, owner, spec, labels, text))

    # --- access and workflows -------------------------------------------------------------------

    def access(self) -> None:
        """Least-privilege policies derived from the flows: one grant per object and action used."""
        gateway_policies: dict[tuple[str, str, str], dict[str, set[str]]] = defaultdict(
            lambda: defaultdict(set))
        consumer_policies: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(
            lambda: defaultdict(set))
        for _, _, _, spec in self.flow_specs:
            obj = spec["object"].split("@")[0]
            targets = [spec["target"]] if "target" in spec else spec["targets"]
            via = spec.get("via", [])
            if spec["pattern"] in ("api", "webhook"):
                gateway = next(v for v in via if self.systems[v]["type"] == "gateway")
                for t in targets:
                    gateway_policies[(spec["source"], t, gateway)][obj].add(spec["operation"])
            if spec["pattern"] == "event":
                for t in targets:
                    brokers = [v for v in via if self.systems[v]["type"] == "broker"
                               and self.systems[v]["zone"] == "dmz"]
                    if self.systems[t]["zone"] == "ot" and brokers:
                        consumer_policies[(t, brokers[-1])][obj].add("read")
        for (principal, target, gateway), grants in sorted(gateway_policies.items()):
            zone = self.systems[principal]["zone"]
            region = gateway.removeprefix("kong-")
            kind = "partner" if zone == "partner" else "system"
            if kind == "partner":
                auth = {"method": "mtls",
                        "credentialRef": f"k8s-secret://integration/{principal}-client-ca",
                        "rotation": "90d"}
                limit = {"requests": 60, "per": "minute"}
                sources = [f"198.51.100.{self._octet(principal)}/32"]
            elif zone == "cloud":
                auth = {"method": "hmac-webhook",
                        "credentialRef": f"vault://kv/integration/saas/{principal}-hmac",
                        "rotation": "90d"}
                limit = {"requests": 300, "per": "minute"}
                sources = ["203.0.113.0/25"]
            else:
                auth = {"method": "oauth2-client-credentials",
                        "credentialRef": f"vault://kv/integration/{principal}/{target}-client",
                        "rotation": "90d"}
                limit = {"requests": 600, "per": "minute"}
                sources = [self._cidr(principal)]
            name = f"{principal}-to-{target}-{region}"
            spec = {
                "principal": {"kind": kind, "name": principal},
                "target": target,
                "via": gateway,
                "grants": [{"object": o, "actions": sorted(a)} for o, a in sorted(grants.items())],
                "scopes": [f"{o}:{a}" for o, acts in sorted(grants.items()) for a in sorted(acts)],
                "auth": auth,
                "rateLimit": limit,
                "sources": sources,
                "maxRequestSize": {"size": 2, "unit": "megabytes"},
            }
            path = f"access/{region}.yaml"
            self.out.comments[path] = f"Access through the gateway and DMZ broker of {region}."
            self.out.add(path, "AccessPolicy", name, document(
                "AccessPolicy", name, "team-security", spec, {"domain": "security"}))
        for (principal, broker), grants in sorted(consumer_policies.items()):
            region = broker.removeprefix("kafka-")
            name = f"{principal}-consumer"
            spec = {
                "principal": {"kind": "system", "name": principal},
                "target": broker,
                "grants": [{"object": o, "actions": sorted(a)} for o, a in sorted(grants.items())],
                "scopes": [f"{o}:{a}" for o, acts in sorted(grants.items()) for a in sorted(acts)],
                "auth": {"method": "mtls", "credentialRef": f"vault://pki/{principal}",
                         "rotation": "90d"},
                "sources": [self._cidr(principal)],
            }
            path = f"access/{region}.yaml"
            self.out.add(path, "AccessPolicy", name, document(
                "AccessPolicy", name, "team-security", spec, {"domain": "security"}))

    def _octet(self, name: str) -> int:
        """A stable address byte for a partner."""
        return sum(name.encode()) % 250 + 1

    def _cidr(self, system: str) -> str:
        """The network a system calls from: its plant's, else the data centre's."""
        plants = self.systems[system].get("plants")
        if not plants:
            return "10.10.0.0/16"
        index = next(p.index for p in self.plants if p.name == plants[0])
        return f"10.{index // 250 + 20}.{index % 250}.0/24"

    def workflows(self) -> None:
        """Order-to-ship per plant, every step with its compensation."""
        for p in self.plants:
            n = p.name
            carrier = self.carriers[(2 * p.region_index) % len(self.carriers)]
            path = f"workflows/{p.region}.yaml"
            self.out.comments[path] = f"Business processes of the plants of {p.region}."
            name = f"order-to-ship-{n}"
            self.out.add(path, "Workflow", name, document("Workflow", name, "team-supply-chain", {
                "timeout": "21d",
                "steps": [
                    {"name": "release", "flow": f"wo-release-{n}", "timeout": "1h",
                     "compensation": {"flow": f"wo-cancel-{n}",
                                      "action": "cancel the MO in Odoo (action_cancel)"}},
                    {"name": "report-production", "flow": f"production-report-{n}",
                     "timeout": "14d",
                     "compensation": {"action": "post a reversing production report"}},
                    {"name": "book-transport", "flow": f"shipment-booking-{carrier}-{n}",
                     "timeout": "2d",
                     "compensation": {"flow": f"shipment-cancel-{carrier}-{n}"}},
                ],
            }, {"domain": "logistics", "plant": n}))

    def config(self) -> None:
        """The landscape's mfgint.yaml."""
        self.out.extra["mfgint.yaml"] = (
            "# Synthetic landscape written by bench/synth.py.\n"
            'include: ["**/*.yaml"]\n'
            'exclude: ["mfgint.yaml"]\n'
            "defaults:\n"
            "  owner: team-integration-platform\n"
            "rules:\n"
            "  options:\n"
            "    VER002: {warnDays: 90}\n"
            "    VER004: {maxLive: 2}\n"
            "    SEC004: {maxDays: 90}\n"
        )

    def build(self) -> Landscape:
        """Every resource, in a fixed order."""
        self.teams()
        self.plants_and_plant_systems()
        self.shared_systems()
        self.objects()
        self.events()
        self.flows()
        self.access()
        self.workflows()
        self.config()
        return self.out


def build_landscape(plants: int, flows: int, seed: int) -> Landscape:
    """The landscape for these sizes and seed (ValueError when the sizes do not fit)."""
    if plants < 1:
        raise ValueError("--plants must be at least 1")
    return Builder(plants, flows, seed).build()


# --- writing ----------------------------------------------------------------------------------


def _prepare(folder: Path) -> None:
    """Create ``folder``, or empty it if a previous run of this script wrote it."""
    if folder.exists():
        if not folder.is_dir():
            raise ValueError(f"{folder} exists and is not a folder")
        if any(folder.iterdir()):
            if not (folder / MARKER).is_file():
                raise ValueError(f"{folder} is not empty and was not written by bench/synth.py; "
                                 "give an empty or new folder")
            shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("written by bench/synth.py; safe to delete\n", encoding="utf-8")


def _write(path: Path, text: str) -> None:
    """Write UTF-8 bytes, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def write_landscape(land: Landscape, out: Path) -> int:
    """Write the spec files; return how many files were written."""
    _prepare(out)
    count = 0
    for rel, docs in sorted(land.files.items()):
        header = f"# {land.comments[rel]}\n" if rel in land.comments else ""
        _write(out / rel, header + "---\n".join(text for _, _, text in docs))
        count += 1
    for rel, text in sorted(land.extra.items()):
        _write(out / rel, text)
        count += 1
    return count


def write_split(land: Landscape, out: Path) -> int:
    """Write every document alone in ``out/<kind>/<name>.yaml`` (for one-document validators)."""
    _prepare(out)
    count = 0
    for _, docs in sorted(land.files.items()):
        for kind, name, text in docs:
            _write(out / kind.lower() / f"{name}.yaml", text)
            count += 1
    return count


def summary(land: Landscape) -> dict[str, int]:
    """Documents per kind."""
    counts: dict[str, int] = defaultdict(int)
    for docs in land.files.values():
        for kind, _, _ in docs:
            counts[kind] += 1
    return dict(sorted(counts.items()))


def main(argv: list[str] | None = None) -> int:
    """Command line: write a landscape (and optionally its one-document-per-file copy)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plants", type=int, default=200, help="number of plants (default 200)")
    parser.add_argument("--flows", type=int, default=20000, help="number of flows (default 20000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the specs into")
    parser.add_argument("--split-per-doc", type=Path, default=None, metavar="DIR2",
                        help="also write each document alone in DIR2/<kind>/<name>.yaml")
    args = parser.parse_args(argv)
    try:
        land = build_landscape(args.plants, args.flows, args.seed)
        written = write_landscape(land, args.out)
        if args.split_per_doc is not None:
            write_split(land, args.split_per_doc)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    kinds = ", ".join(f"{n} {k}" for k, n in summary(land).items())
    print(f"wrote {written} files to {args.out}: {kinds}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

