"""The Model: frozen dataclasses built from checked documents; every resource keeps its span."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mfgint.compiler.source import SourceFile, Tree, key_pos, locate, subtree
from mfgint.diagnostics import ResourceRef, Span

ZONES = ("ot", "dmz", "it", "cloud", "partner")
EXTERNAL_ZONES = frozenset({"partner", "cloud"})
WRITE_OPERATIONS = frozenset({"create", "update", "upsert", "delete", "sync"})
_DURATION_RX = re.compile(r"^([0-9]+)(ms|s|m|h|d|w)$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def duration_seconds(text: str | None) -> float | None:
    """Seconds in a duration such as ``15m``; None when absent or malformed."""
    if not text:
        return None
    m = _DURATION_RX.match(text)
    return int(m.group(1)) * _UNIT_SECONDS[m.group(2)] if m else None


def parse_date(text: str | None) -> dt.date | None:
    """A ``YYYY-MM-DD`` date, or None when absent or not a real date."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """``work-order@2`` or ``item@1.1``: a BusinessObject name and a version."""

    name: str
    major: int
    minor: int | None = None

    @staticmethod
    def parse(text: str) -> ObjectRef:
        """Parse ``NAME@MAJOR[.MINOR]`` (the schema has checked the shape)."""
        return _parse_ref(text)

    def __str__(self) -> str:
        minor = f".{self.minor}" if self.minor is not None else ""
        return f"{self.name}@{self.major}{minor}"


@functools.lru_cache(maxsize=4096)
def _parse_ref(text: str) -> ObjectRef:
    # References repeat across thousands of flows; ObjectRef is immutable, so share it.
    name, _, version = text.partition("@")
    major, _, minor = version.partition(".")
    return ObjectRef(name, int(major), int(minor) if minor else None)


@dataclass(frozen=True, slots=True)
class Meta:
    """``metadata`` of any resource."""

    name: str
    owner: str | None
    labels: Mapping[str, str]
    description: str | None


@dataclass(frozen=True, eq=False)
class Resource:
    """Common to every kind: metadata, source and the raw node for span look-ups."""

    meta: Meta
    src: SourceFile = field(repr=False)
    raw: Any = field(repr=False)
    origin: tuple[str, str] | None = None  # (blueprint, plant) when expanded from a blueprint
    doc_index: int = field(default=0, repr=False)
    doc_prefix: tuple[str | int, ...] = field(default=(), repr=False)
    doc_pos: tuple[int, int, int, int] = field(default=(0, 0, 0, 0), repr=False)

    kind = "Resource"

    @property
    def name(self) -> str:
        """The resource's name (unique per kind)."""
        return self.meta.name

    @property
    def owner(self) -> str | None:
        """The owning Team's name."""
        return self.meta.owner

    @property
    def ref(self) -> ResourceRef:
        """Kind, name and blueprint origin, as diagnostics name it."""
        blueprint, plant = self.origin if self.origin else (None, None)
        return ResourceRef(self.kind, self.meta.name, plant, blueprint)

    @property
    def span(self) -> Span:
        """Where the resource's name is declared."""
        return self.loc("metadata", "name")

    @property
    def tree(self) -> Tree:
        """The position tree of the resource's document (read lazily after a cached run)."""
        return subtree(self.src.doc_tree(self.doc_index), self.doc_prefix)

    def loc(self, *path: str | int) -> Span:
        """Span of the value at ``path`` (the nearest existing ancestor when absent)."""
        line, col, end_line, end_col = locate(self.tree, path)
        return Span(self.src.path, line + 1, col + 1, end_line + 1, end_col + 1)

    def key_loc(self, *path: str | int) -> Span:
        """Span of the key naming the value at ``path``."""
        line, col, end_line, end_col = key_pos(self.tree, path)
        return Span(self.src.path, line + 1, col + 1, end_line + 1, end_col + 1)

    def origin_note(self) -> str:
        """`` (plant X, from blueprint Y)`` for expanded resources, else empty."""
        if self.origin is None:
            return ""
        return f" (plant {self.origin[1]}, from blueprint {self.origin[0]})"


@dataclass(frozen=True, slots=True)
class Escalation:
    """One step of a team's escalation chain."""

    name: str
    contact: str
    after: str | None


@dataclass(frozen=True, eq=False)
class Team(Resource):
    """A team that owns resources and is paged for them."""

    display_name: str | None = None
    email: str | None = None
    chat: str | None = None
    on_call: str | None = None
    escalation: tuple[Escalation, ...] = ()

    kind = "Team"


@dataclass(frozen=True, slots=True)
class BlueprintUse:
    """A Plant's instantiation of a Blueprint with parameters."""

    blueprint: str
    parameters: Mapping[str, Any]


@dataclass(frozen=True, eq=False)
class Plant(Resource):
    """A manufacturing site."""

    code: str = ""
    country: str = ""
    region: str = ""
    timezone: str = ""
    zones: tuple[str, ...] = ()
    blueprints: tuple[BlueprintUse, ...] = ()

    kind = "Plant"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A network endpoint a system offers."""

    name: str
    protocol: str
    url: str | None
    base_path: str | None


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """Where a system is in its life: active, legacy, retiring (with a date) or retired."""

    status: str = "active"
    since: dt.date | None = None
    retirement_date: dt.date | None = None
    replaced_by: str | None = None


@dataclass(frozen=True, eq=False)
class System(Resource):
    """An application or platform: ERP, MES, WMS, gateway, broker, partner system, ..."""

    type: str = ""
    vendor: str = ""
    product: str | None = None
    version: str | None = None
    zone: str = "it"
    isa95_level: int | None = None
    plants: tuple[str, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()
    processing: str = "stream"
    criticality: str = "tier-3"
    lifecycle: Lifecycle = Lifecycle()
    odoo_edition: str | None = None
    odoo_database: str | None = None

    kind = "System"

    @property
    def is_odoo(self) -> bool:
        """True for an Odoo ERP."""
        return self.vendor.lower() == "odoo" or (self.product or "").lower().startswith("odoo")

    @property
    def major_version(self) -> int | None:
        """Leading integer of the version string (``17.0`` -> 17)."""
        m = re.match(r"\s*(\d+)", self.version or "")
        return int(m.group(1)) if m else None

    @property
    def external(self) -> bool:
        """True for partner and cloud zones."""
        return self.zone in EXTERNAL_ZONES

    def protocols(self) -> frozenset[str]:
        """Protocols of its endpoints."""
        return frozenset(e.protocol for e in self.endpoints)


@dataclass(frozen=True, slots=True)
class SystemOfRecord:
    """Which system masters an object, for which plants and field groups (empty = all)."""

    system: str
    plants: tuple[str, ...]
    field_groups: tuple[str, ...]
    index: int


@dataclass(frozen=True, slots=True)
class SchemaVersion:
    """One schema version of a BusinessObject."""

    version: str
    major: int
    minor: int
    status: str
    sunset: dt.date | None
    schema: Mapping[str, Any] | None
    schema_file: str | None
    index: int


@dataclass(frozen=True, eq=False)
class BusinessObject(Resource):
    """A canonical business object with its system(s) of record and schema versions."""

    domain: str = ""
    identity: tuple[str, ...] = ()
    classification: str = "internal"
    odoo_model: str | None = None
    compatibility: str = "backward"
    field_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    system_of_record: tuple[SystemOfRecord, ...] = ()
    versions: tuple[SchemaVersion, ...] = ()

    kind = "BusinessObject"

    def resolve(self, ref: ObjectRef) -> SchemaVersion | None:
        """The version a reference means: exact, or the highest minor of its major."""
        candidates = [v for v in self.versions if v.major == ref.major]
        if ref.minor is not None:
            candidates = [v for v in candidates if v.minor == ref.minor]
        return max(candidates, key=lambda v: v.minor, default=None)

    @functools.cached_property
    def sor_by_system(self) -> dict[str, tuple[SystemOfRecord, ...]]:
        """The system-of-record entries naming each system (large with one entry per plant)."""
        out: dict[str, list[SystemOfRecord]] = {}
        for entry in self.system_of_record:
            out.setdefault(entry.system, []).append(entry)
        return {k: tuple(v) for k, v in out.items()}

    def sor_for(self, plant: str | None) -> list[SystemOfRecord]:
        """Systems of record whose scope covers ``plant`` (None = any)."""
        return [
            s for s in self.system_of_record if not s.plants or plant is None or plant in s.plants
        ]


@dataclass(frozen=True, slots=True)
class Sla:
    """Service level of a flow."""

    freshness: str | None = None
    success_rate: float | None = None
    budget: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """Delivery guarantee and keys."""

    guarantee: str
    idempotency_key: str | None = None
    ordering_key: str | None = None


@dataclass(frozen=True, slots=True)
class Retry:
    """Retry policy."""

    max_attempts: int
    backoff: str = "exponential"
    initial_delay: str | None = None
    max_delay: str | None = None


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """Where failed messages go."""

    target: str
    system: str | None = None


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """A job that repairs what the flow missed."""

    schedule: str
    method: str = "incremental"


@dataclass(frozen=True, slots=True)
class ApiSpec:
    """Path and methods exposed for an api/webhook flow."""

    path: str | None
    methods: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Flow(Resource):
    """A movement of one object version from a source to one or more targets."""

    object: ObjectRef = ObjectRef("", 0)
    source: str = ""
    targets: tuple[str, ...] = ()
    pattern: str = "api"
    operation: str = "upsert"
    direction: str = "push"
    protocol: str | None = None
    latency: str = "near-realtime"
    sla: Sla = Sla()
    trigger: str | None = None
    schedule: str | None = None
    event: str | None = None
    via: tuple[str, ...] = ()
    principal: str | None = None
    authorized_inbound: bool = False
    delivery: Delivery | None = None
    retry: Retry | None = None
    dead_letter: DeadLetter | None = None
    reconciliation: Reconciliation | None = None
    criticality: str = "tier-3"
    rto: str | None = None
    introduced: dt.date | None = None
    api: ApiSpec | None = None
    odoo_trigger: str | None = None
    odoo_method: str | None = None

    kind = "Flow"

    @property
    def initiator(self) -> str:
        """The system that starts the exchange: the source for push, the first target for pull."""
        return self.source if self.direction == "push" else self.targets[0]

    @property
    def acting_principal(self) -> str:
        """The principal name that authenticates for this flow."""
        return self.principal or self.initiator

    @property
    def writes(self) -> bool:
        """True when the flow changes data at its targets."""
        return self.operation in WRITE_OPERATIONS

    @property
    def synchronous(self) -> bool:
        """True for request/response (api) flows."""
        return self.pattern == "api"


@dataclass(frozen=True, eq=False)
class Event(Resource):
    """A published event type on a broker channel."""

    type: str = ""
    publisher: str = ""
    object: ObjectRef = ObjectRef("", 0)
    broker: str = ""
    channel: str = ""
    retention: str | None = None
    replay: str | None = None
    ordering_key: str | None = None
    partitions: int | None = None

    kind = "Event"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who authenticates: a system, a partner or a service account."""

    kind: str
    name: str
    plant: str | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    """Actions a principal may perform on an object (``*`` = any)."""

    object: str
    actions: tuple[str, ...]
    index: int


@dataclass(frozen=True, slots=True)
class Auth:
    """Authentication method, credential reference and rotation."""

    method: str
    credential_ref: str | None = None
    rotation: str | None = None


@dataclass(frozen=True, slots=True)
class RateLimit:
    """Requests per period."""

    requests: int
    per: str


@dataclass(frozen=True, slots=True)
class SizeLimit:
    """Maximum request size."""

    size: int
    unit: str = "megabytes"


@dataclass(frozen=True, eq=False)
class AccessPolicy(Resource):
    """What a principal may reach, how it authenticates, and its limits."""

    principal: Principal = Principal("system", "")
    target: str = ""
    via: str | None = None
    grants: tuple[Grant, ...] = ()
    scopes: tuple[str, ...] = ()
    auth: Auth = Auth("none")
    rate_limit: RateLimit | None = None
    sources: tuple[str, ...] = ()
    max_request_size: SizeLimit | None = None

    kind = "AccessPolicy"


@dataclass(frozen=True, slots=True)
class Compensation:
    """How a workflow step is undone."""

    flow: str | None
    action: str | None


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a workflow."""

    name: str
    flow: str
    compensation: Compensation | None
    timeout: str | None
    index: int


@dataclass(frozen=True, eq=False)
class Workflow(Resource):
    """A long-running process across flows."""

    timeout: str | None = None
    steps: tuple[Step, ...] = ()

    kind = "Workflow"


@dataclass(frozen=True, slots=True)
class Parameter:
    """A blueprint parameter."""

    name: str
    description: str | None
    default: Any
    required: bool


@dataclass(frozen=True, eq=False)
class Blueprint(Resource):
    """A parameterised set of resources that Plants instantiate."""

    parameters: tuple[Parameter, ...] = ()
    resource_count: int = 0

    kind = "Blueprint"


@dataclass(frozen=True, slots=True)
class WaiverTarget:
    """The resource a waiver covers."""

    kind: str
    name: str


@dataclass(frozen=True, eq=False)
class Waiver(Resource):
    """An approved, expiring exception to one rule for one resource."""

    rule: str = ""
    target: WaiverTarget = WaiverTarget("", "")
    reason: str = ""
    approver: str = ""
    expires: dt.date | None = None
    expires_text: str = ""

    kind = "Waiver"


@dataclass(frozen=True)
class Model:
    """Every resource of a landscape, by kind and name (sorted by name)."""

    teams: Mapping[str, Team]
    plants: Mapping[str, Plant]
    systems: Mapping[str, System]
    objects: Mapping[str, BusinessObject]
    flows: Mapping[str, Flow]
    events: Mapping[str, Event]
    policies: Mapping[str, AccessPolicy]
    workflows: Mapping[str, Workflow]
    blueprints: Mapping[str, Blueprint]
    waivers: Mapping[str, Waiver]
    sources: tuple[SourceFile, ...] = ()
    root: str = "."
    # Digests of the schema files the objects' versions were read from, by path.
    schema_inputs: Mapping[str, str] = field(default_factory=dict)

    def by_kind(self, kind: str) -> Mapping[str, Resource]:
        """Resources of one kind."""
        return self._kind_table[kind]

    @functools.cached_property
    def _kind_table(self) -> dict[str, Mapping[str, Resource]]:
        return {
            "Team": self.teams,
            "Plant": self.plants,
            "System": self.systems,
            "BusinessObject": self.objects,
            "Flow": self.flows,
            "Event": self.events,
            "AccessPolicy": self.policies,
            "Workflow": self.workflows,
            "Blueprint": self.blueprints,
            "Waiver": self.waivers,
        }

    def resources_in(self, kind: str, files: frozenset[str]) -> list[Resource]:
        """Resources of ``kind`` declared in ``files``, and every blueprint expansion of it.

        In the Model's order (by name). Incremental runs ask for a few changed files among
        hundreds: the per-file index keeps that from scanning every resource of the kind.
        """
        by_file, expanded = self._file_index[kind]
        found = [r for path in files for r in by_file.get(path, ())]
        found.extend(expanded)
        found.sort(key=lambda r: r.meta.name)
        return found

    def by_file(self, kind: str) -> Mapping[str, list[Resource]]:
        """Resources of ``kind`` by the file that declares them (blueprint expansions left out)."""
        return self._file_index[kind][0]

    @functools.cached_property
    def _file_index(self) -> dict[str, tuple[dict[str, list[Resource]], list[Resource]]]:
        out: dict[str, tuple[dict[str, list[Resource]], list[Resource]]] = {}
        for kind, table in self._kind_table.items():
            by_file: dict[str, list[Resource]] = {}
            expanded: list[Resource] = []
            for res in table.values():
                if res.origin is not None:
                    expanded.append(res)
                else:
                    by_file.setdefault(res.src.path, []).append(res)
            out[kind] = (by_file, expanded)
        return out

    def all_resources(self) -> list[Resource]:
        """Every resource, kind by kind in a stable order."""
        out: list[Resource] = []
        for mapping in (
            self.teams,
            self.plants,
            self.systems,
            self.objects,
            self.flows,
            self.events,
            self.policies,
            self.workflows,
            self.blueprints,
            self.waivers,
        ):
            out.extend(mapping.values())
        return out
