"""Build stage: checked documents to the frozen Model, resolving every reference."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from mfgint.compiler import model as m
from mfgint.compiler.check import did_you_mean
from mfgint.compiler.loader import RawDocument
from mfgint.compiler.source import locate
from mfgint.diagnostics import Diagnostic, Related, Severity, Span

R = TypeVar("R", bound=m.Resource)
MAX_SCHEMA_FILE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class BuildResult:
    """The Model and the reference diagnostics found while building it."""

    model: m.Model
    diagnostics: tuple[Diagnostic, ...]
    valid_schemas: frozenset[str] = frozenset()  # digests of version schemas found valid


class _Builder:
    """Turns checked documents into model objects; collects reference problems."""

    def __init__(
        self,
        roots: tuple[Path, ...],
        default_owner: str | None,
        known_schemas: frozenset[str] = frozenset(),
    ) -> None:
        self.roots = tuple(r.resolve() for r in roots)
        self.known_schemas = known_schemas
        self.valid_schemas: set[str] = set()
        self.default_owner = default_owner
        self.diags: list[Diagnostic] = []
        self.tables: dict[str, dict[str, m.Resource]] = {}
        self.schema_inputs: dict[str, str] = {}

    def error(
        self,
        code: str,
        message: str,
        span: Span,
        hint: str | None = None,
        res: m.Resource | None = None,
        related: tuple[Related, ...] = (),
    ) -> None:
        """Record an error diagnostic."""
        self.diags.append(
            Diagnostic(
                code,
                Severity.ERROR,
                message,
                span,
                hint,
                related,
                res.ref if res is not None else None,
            )
        )

    def meta(self, data: Mapping[str, Any]) -> m.Meta:
        """Metadata with configured defaults applied."""
        md = data["metadata"]
        return m.Meta(
            name=md["name"],
            owner=md.get("owner") or self.default_owner,
            labels=dict(md.get("labels") or {}),
            description=md.get("description"),
        )

    def date(self, res: m.Resource, text: str | None, *path: str | int) -> Any:
        """Parse a date field, reporting impossible dates such as 2027-02-30."""
        if text is None:
            return None
        value = m.parse_date(text)
        if value is None:
            self.error(
                "SCH001",
                f"{res.kind} '{res.name}': {text!r} is not a real date",
                res.loc(*path),
                "use an existing calendar date YYYY-MM-DD",
                res,
            )
        return value

    # --- kinds -------------------------------------------------------------------------------

    def team(self, doc: RawDocument) -> m.Team:
        """Build a Team."""
        d = doc.data
        s = d["spec"]
        return m.Team(
            self.meta(d),
            doc.source,
            d,
            doc.origin,
            display_name=s.get("displayName"),
            email=s.get("email"),
            chat=s.get("chat"),
            on_call=s.get("onCall"),
            escalation=tuple(
                m.Escalation(e["name"], e["contact"], e.get("after"))
                for e in s.get("escalation") or []
            ),
        )

    def plant(self, doc: RawDocument) -> m.Plant:
        """Build a Plant."""
        d = doc.data
        s = d["spec"]
        return m.Plant(
            self.meta(d),
            doc.source,
            d,
            doc.origin,
            code=s["code"],
            country=s["country"],
            region=s["region"],
            timezone=s["timezone"],
            zones=tuple(s.get("zones") or ()),
            blueprints=tuple(
                m.BlueprintUse(b["blueprint"], dict(b.get("parameters") or {}))
                for b in s.get("blueprints") or []
            ),
        )

    def system(self, doc: RawDocument) -> m.System:
        """Build a System."""
        d = doc.data
        s = d["spec"]
        lc = s.get("lifecycle") or {}
        odoo = s.get("odoo") or {}
        res = m.System(
            self.meta(d),
            doc.source,
            d,
            doc.origin,
            type=s["type"],
            vendor=s["vendor"],
            product=s.get("product"),
            version=s.get("version"),
            zone=s["zone"],
            isa95_level=s.get("isa95Level"),
            plants=tuple(s.get("plants") or ()),
            endpoints=tuple(
                m.Endpoint(e["name"], e["protocol"], e.get("url"), e.get("basePath"))
                for e in s.get("endpoints") or []
            ),
            processing=s.get("processing", "stream"),
            criticality=s.get("criticality", "tier-3"),
            odoo_edition=odoo.get("edition"),
            odoo_database=odoo.get("database"),
        )
        lifecycle = m.Lifecycle(
            status=lc.get("status", "active"),
            since=self.date(res, lc.get("since"), "spec", "lifecycle", "since"),
            retirement_date=self.date(
                res, lc.get("retirementDate"), "spec", "lifecycle", "retirementDate"
            ),
            replaced_by=lc.get("replacedBy"),
        )
        object.__setattr__(res, "lifecycle", lifecycle)
        return res

    def business_object(self, doc: RawDocument) -> m.BusinessObject:
        """Build a BusinessObject, loading schema files."""
        d = doc.data
        s = d["spec"]
        res = m.BusinessObject(
            self.meta(d),
            doc.source,
            d,
            doc.origin,
            domain=s["domain"],
            identity=tuple(s["identity"]),
            classification=s.get("classification", "internal"),
            odoo_model=s.get("odooModel"),
            compatibility=s.get("compatibility", "backward"),
            field_groups={k: tuple(v) for k, v in (s.get("fieldGroups") or {}).items()},
            system_of_record=tuple(
                m.SystemOfRecord(
                    x["system"], tuple(x.get("plants") or ()), tuple(x.get("fieldGroups") or ()), i
                )
                for i, x in enumerate(s.get("systemOfRecord") or [])
            ),
        )
        versions = []
        for i, v in enumerate(s["versions"]):
            major, _, minor = v["version"].partition(".")
            schema = v.get("schema")
            if v.get("schemaFile") is not None:
                schema = self.schema_file(res, doc, v["schemaFile"], i)
            elif schema is not None:
                schema = self.check_schema(res, schema, ("spec", "versions", i, "schema"))
            versions.append(
                m.SchemaVersion(
                    v["version"],
                    int(major),
                    int(minor),
                    v.get("status", "active"),
                    self.date(res, v.get("sunset"), "spec", "versions", i, "sunset"),
                    schema,
                    v.get("schemaFile"),
                    i,
                )
            )
        object.__setattr__(res, "versions", tuple(versions))
        return res

    def schema_file(self, res: m.BusinessObject, doc: RawDocument, rel: str, i: int) -> Any:
        """Load a version's JSON Schema file, confined to the spec roots."""
        where = ("spec", "versions", i, "schemaFile")
        base = Path(doc.source.fs_path or doc.source.path).parent
        target = (base / rel).resolve()
        if Path(rel).is_absolute() or not any(target.is_relative_to(r) for r in self.roots):
            self.error(
                "REF004",
                f"BusinessObject '{res.name}': schemaFile {rel!r} points outside the spec folder",
                res.loc(*where),
                "keep schema files inside the spec folder and use a relative path",
                res,
            )
            return None
        try:
            if target.stat().st_size > MAX_SCHEMA_FILE_BYTES:
                raise ValueError("file too large")
            text = target.read_text("utf-8")
            self.schema_inputs[str(target)] = hashlib.blake2b(
                text.encode(), digest_size=16
            ).hexdigest()
            schema = (
                json.loads(text)
                if target.suffix == ".json"
                else yaml.load(text, Loader=yaml.CSafeLoader)
            )
        except FileNotFoundError:
            siblings = [p.name for p in target.parent.glob("*")] if target.parent.is_dir() else []
            self.error(
                "REF004",
                f"BusinessObject '{res.name}': schemaFile {rel!r} not found",
                res.loc(*where),
                did_you_mean(target.name, siblings),
                res,
            )
            return None
        except (OSError, ValueError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as exc:
            reason = getattr(exc, "msg", None) or str(exc).splitlines()[0][:160]
            self.error(
                "REF004",
                f"BusinessObject '{res.name}': schemaFile {rel!r} cannot be read: {reason}",
                res.loc(*where),
                "make it a JSON Schema document",
                res,
            )
            return None
        return self.check_schema(res, schema, where)

    def check_schema(self, res: m.BusinessObject, schema: Any, where: tuple[str | int, ...]) -> Any:
        """A version schema must itself be a valid JSON Schema object."""
        if not isinstance(schema, dict):
            self.error(
                "REF004",
                f"BusinessObject '{res.name}': version schema must be a JSON Schema object",
                res.loc(*where),
                None,
                res,
            )
            return None
        try:
            key = hashlib.blake2b(repr(schema).encode(), digest_size=16).hexdigest()
        except RecursionError:
            key = ""
        if key and key in self.known_schemas:
            self.valid_schemas.add(key)
            return schema  # checked valid by an earlier run (the set comes from the cache)
        import jsonschema  # on first use: landscapes without schemas never pay for the import

        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            self.error(
                "REF004",
                f"BusinessObject '{res.name}': version schema is not a valid "
                f"JSON Schema: {exc.message[:160]}",
                res.loc(*where),
                None,
                res,
            )
            return None
        except RecursionError:
            self.error(
                "REF004",
                f"BusinessObject '{res.name}': version schema nests too deeply",
                res.loc(*where),
                None,
                res,
            )
            return None
        if key:
            self.valid_schemas.add(key)
        return schema

    def flow(self, doc: RawDocument) -> m.Flow:
        """Build a Flow."""
        d = doc.data
        s = d["spec"]
        sla = s.get("sla") or {}
        delivery = s.get("delivery")
        retry = s.get("retry")
        dlq = s.get("deadLetter")
        rec = s.get("reconciliation")
        api = s.get("api")
        odoo = s.get("odoo") or {}
        targets = tuple(s["targets"]) if "targets" in s else (s["target"],)
        res = _construct(
            m.Flow,
            meta=self.meta(d),
            src=doc.source,
            raw=d,
            origin=doc.origin,
            object=m.ObjectRef.parse(s["object"]),
            source=s["source"],
            targets=targets,
            pattern=s["pattern"],
            operation=s.get("operation", "upsert"),
            direction=s.get("direction", "push"),
            protocol=s.get("protocol"),
            latency=s["latency"],
            sla=_sla(sla.get("freshness"), sla.get("successRate"), sla.get("budget")),
            trigger=s.get("trigger"),
            schedule=s.get("schedule"),
            event=s.get("event"),
            via=tuple(s.get("via") or ()),
            principal=s.get("principal"),
            authorized_inbound=bool(s.get("authorizedInbound", False)),
            delivery=_delivery(
                delivery["guarantee"], delivery.get("idempotencyKey"), delivery.get("orderingKey")
            )
            if delivery
            else None,
            retry=_retry(
                retry["maxAttempts"],
                retry.get("backoff", "exponential"),
                retry.get("initialDelay"),
                retry.get("maxDelay"),
            )
            if retry
            else None,
            dead_letter=m.DeadLetter(dlq["target"], dlq.get("system")) if dlq else None,
            reconciliation=_reconciliation(rec["schedule"], rec.get("method", "incremental"))
            if rec
            else None,
            criticality=s.get("criticality", "tier-3"),
            rto=s.get("rto"),
            api=m.ApiSpec(api.get("path"), tuple(api.get("methods") or ())) if api else None,
            odoo_trigger=odoo.get("trigger"),
            odoo_method=odoo.get("method"),
        )
        object.__setattr__(
            res, "introduced", self.date(res, s.get("introduced"), "spec", "introduced")
        )
        return res

    def event(self, doc: RawDocument) -> m.Event:
        """Build an Event."""
        d = doc.data
        s = d["spec"]
        return m.Event(
            self.meta(d),
            doc.source,
            d,
            doc.origin,
            type=s["type"],
            publisher=s["publisher"],
            object=m.ObjectRef.parse(s["object"]),
            broker=s["broker"],
            channel=s["channel"],
            retention=s.get("retention"),
            replay=s.get("replay"),
            ordering_key=s.get("orderingKey"),
            partitions=s.get("partitions"),
        )

    def policy(self, doc: RawDocument) -> m.AccessPolicy:
        """Build an AccessPolicy."""
        d = doc.data
        s = d["spec"]
        p = s["principal"]
        auth = s["auth"]
        rl = s.get("rateLimit")
        size = s.get("maxRequestSize")
        return m.AccessPolicy(
            self.meta(d),
            doc.source,
            d,
            doc.origin,
            principal=m.Principal(p["kind"], p["name"], p.get("plant")),
            target=s["target"],
            via=s.get("via"),
            grants=tuple(
                m.Grant(g["object"], tuple(g["actions"]), i) for i, g in enumerate(s["grants"])
            ),
            scopes=tuple(s.get("scopes") or ()),
            auth=m.Auth(auth["method"], auth.get("credentialRef"), auth.get("rotation")),
            rate_limit=m.RateLimit(rl["requests"], rl["per"]) if rl else None,
            sources=tuple(s.get("sources") or ()),
            max_request_size=m.SizeLimit(size.get("size", 1), size.get("unit", "megabytes"))
            if size
            else None,
        )

    def workflow(self, doc: RawDocument) -> m.Workflow:
        """Build a Workflow."""
        d = doc.data
        s = d["spec"]
        steps = []
        for i, st in enumerate(s["steps"]):
            comp = st.get("compensation")
            steps.append(
                m.Step(
                    st["name"],
                    st["flow"],
                    m.Compensation(comp.get("flow"), comp.get("action")) if comp else None,
                    st.get("timeout"),
                    i,
                )
            )
        return m.Workflow(
            self.meta(d), doc.source, d, doc.origin, timeout=s.get("timeout"), steps=tuple(steps)
        )

    def blueprint(self, doc: RawDocument) -> m.Blueprint:
        """Build a Blueprint (its resources are expanded elsewhere)."""
        d = doc.data
        s = d["spec"]
        return m.Blueprint(
            self.meta(d),
            doc.source,
            d,
            doc.origin,
            parameters=tuple(
                m.Parameter(
                    p["name"],
                    p.get("description"),
                    p.get("default"),
                    bool(p.get("required", "default" not in p)),
                )
                for p in s.get("parameters") or []
            ),
            resource_count=len(s["resources"]),
        )

    def waiver(self, doc: RawDocument) -> m.Waiver:
        """Build a Waiver."""
        d = doc.data
        s = d["spec"]
        res = m.Waiver(
            self.meta(d),
            doc.source,
            d,
            doc.origin,
            rule=s["rule"],
            target=m.WaiverTarget(s["target"]["kind"], s["target"]["name"]),
            reason=s["reason"],
            approver=s["approver"],
            expires_text=s["expires"],
        )
        object.__setattr__(res, "expires", self.date(res, s["expires"], "spec", "expires"))
        return res


_FACTORIES = {
    "Team": _Builder.team,
    "Plant": _Builder.plant,
    "System": _Builder.system,
    "BusinessObject": _Builder.business_object,
    "Flow": _Builder.flow,
    "Event": _Builder.event,
    "AccessPolicy": _Builder.policy,
    "Workflow": _Builder.workflow,
    "Blueprint": _Builder.blueprint,
    "Waiver": _Builder.waiver,
}


def build(
    docs: Iterable[tuple[str, RawDocument]],
    roots: tuple[Path, ...] = (Path("."),),
    default_owner: str | None = None,
    sources: tuple[Any, ...] = (),
    invalid_names: frozenset[tuple[str, str]] = frozenset(),
    known_schemas: frozenset[str] = frozenset(),
) -> BuildResult:
    """Build the Model from structurally valid documents and resolve references.

    ``known_schemas`` holds digests of version schemas an earlier run found to be valid JSON
    Schemas (kept in the cache); ``BuildResult.valid_schemas`` those of this build.
    """
    b = _Builder(roots, default_owner, known_schemas)
    tables: dict[str, dict[str, m.Resource]] = {k: {} for k in _FACTORIES}
    for kind, doc in docs:
        res = _FACTORIES[kind](b, doc)
        object.__setattr__(res, "doc_index", doc.index)
        object.__setattr__(res, "doc_pos", doc.pos)
        if doc.prefix:
            object.__setattr__(res, "doc_prefix", doc.prefix)
        table = tables[kind]
        first = table.get(res.name)
        if first is not None:
            b.error(
                "REF002",
                f"duplicate {kind} name '{res.name}'{res.origin_note()}",
                res.span,
                f"rename one of them: {kind} names must be unique",
                res,
                (Related(first.span, f"first declared here{first.origin_note()}"),),
            )
            continue
        table[res.name] = res
    sorted_tables = {k: dict(sorted(v.items())) for k, v in tables.items()}
    model = m.Model(
        teams=_typed(sorted_tables["Team"], m.Team),
        plants=_typed(sorted_tables["Plant"], m.Plant),
        systems=_typed(sorted_tables["System"], m.System),
        objects=_typed(sorted_tables["BusinessObject"], m.BusinessObject),
        flows=_typed(sorted_tables["Flow"], m.Flow),
        events=_typed(sorted_tables["Event"], m.Event),
        policies=_typed(sorted_tables["AccessPolicy"], m.AccessPolicy),
        workflows=_typed(sorted_tables["Workflow"], m.Workflow),
        blueprints=_typed(sorted_tables["Blueprint"], m.Blueprint),
        waivers=_typed(sorted_tables["Waiver"], m.Waiver),
        sources=tuple(sources),
        schema_inputs=dict(sorted(b.schema_inputs.items())),
    )
    _resolve(b, model, invalid_names)
    return BuildResult(model, tuple(b.diags), frozenset(b.valid_schemas))


# Flow parts are immutable and repeat across thousands of flows (the same retry policy, SLA or
# delivery guarantee): one shared instance per distinct value saves building each again.
_sla = functools.lru_cache(maxsize=4096, typed=True)(m.Sla)
_delivery = functools.lru_cache(maxsize=4096, typed=True)(m.Delivery)
_retry = functools.lru_cache(maxsize=4096, typed=True)(m.Retry)
_reconciliation = functools.lru_cache(maxsize=4096, typed=True)(m.Reconciliation)

_SHAPES: dict[type, tuple[dict[str, Any], frozenset[str]]] = {}


def _construct(cls: type[R], **values: Any) -> R:
    """``cls(**values)`` for a frozen Resource dataclass, without its generated ``__init__``.

    A frozen dataclass assigns each field through ``object.__setattr__``; for the 30-odd
    fields of a Flow that is most of the build time of a large landscape. Resources have no
    ``__post_init__``, so filling the instance dict with the defaults and the values is the same.
    """
    shape = _SHAPES.get(cls)
    if shape is None:
        fields = dataclasses.fields(cls)
        defaults = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
        shape = _SHAPES[cls] = (defaults, frozenset(f.name for f in fields))
    defaults, names = shape
    if not (values.keys() <= names and names - defaults.keys() <= values.keys()):
        raise TypeError(f"{cls.__name__}: fields {sorted(values)} do not match {sorted(names)}")
    obj = cls.__new__(cls)
    state = obj.__dict__
    state.update(defaults)
    state.update(values)
    return obj


def _typed(table: dict[str, m.Resource], cls: type[R]) -> dict[str, R]:
    return {k: v for k, v in table.items() if isinstance(v, cls)}


def _resolve(b: _Builder, model: m.Model, invalid: frozenset[tuple[str, str]]) -> None:
    """Report every reference that names nothing, with a did-you-mean hint."""

    def ref(res: m.Resource, kind: str, name: str | None, *path: str | int) -> None:
        if name is None or name == "*":
            return
        table = model.by_kind(kind)
        if name in table or (kind, name) in invalid:
            return  # an invalid declaration was already reported; do not cascade
        b.error(
            "REF001",
            f"{res.kind} '{res.name}' refers to unknown {kind} '{name}'{res.origin_note()}",
            res.loc(*path),
            did_you_mean(name, table) or (f"declare a {kind} named '{name}'"),
            res,
        )

    # Membership is tested inline first: ref() is only called for names that may be missing,
    # which keeps this linear pass cheap on landscapes with tens of thousands of flows.
    teams, systems, objects, events = model.teams, model.systems, model.objects, model.events
    for res in model.all_resources():
        owner = res.meta.owner
        if owner is not None and owner not in teams and owner != b.default_owner:
            ref(res, "Team", owner, "metadata", "owner")
    for sys_ in model.systems.values():
        for i, p in enumerate(sys_.plants):
            ref(sys_, "Plant", p, "spec", "plants", i)
        ref(sys_, "System", sys_.lifecycle.replaced_by, "spec", "lifecycle", "replacedBy")
    for obj in model.objects.values():
        for sor in obj.system_of_record:
            base = ("spec", "systemOfRecord", sor.index)
            ref(obj, "System", sor.system, *base, "system")
            for i, p in enumerate(sor.plants):
                ref(obj, "Plant", p, *base, "plants", i)
            for i, g in enumerate(sor.field_groups):
                if g not in obj.field_groups:
                    b.error(
                        "REF001",
                        f"BusinessObject '{obj.name}' refers to unknown field group '{g}'",
                        obj.loc(*base, "fieldGroups", i),
                        did_you_mean(g, obj.field_groups) or "declare it under fieldGroups",
                        obj,
                    )
    for flow in model.flows.values():
        if flow.object.name not in objects:
            ref(flow, "BusinessObject", flow.object.name, "spec", "object")
        if flow.source not in systems:
            ref(flow, "System", flow.source, "spec", "source")
        for i, t in enumerate(flow.targets):
            if t not in systems:
                many = "targets" in flow.raw["spec"]
                ref(flow, "System", t, *(("spec", "targets", i) if many else ("spec", "target")))
        for i, v in enumerate(flow.via):
            if v not in systems:
                ref(flow, "System", v, "spec", "via", i)
        if flow.event is not None and flow.event not in events:
            ref(flow, "Event", flow.event, "spec", "event")
        dlq = flow.dead_letter
        if dlq is not None and dlq.system is not None and dlq.system not in systems:
            ref(flow, "System", dlq.system, "spec", "deadLetter", "system")
    for ev in model.events.values():
        ref(ev, "System", ev.publisher, "spec", "publisher")
        ref(ev, "System", ev.broker, "spec", "broker")
        ref(ev, "BusinessObject", ev.object.name, "spec", "object")
    for pol in model.policies.values():
        if pol.principal.kind == "system":
            ref(pol, "System", pol.principal.name, "spec", "principal", "name")
        ref(pol, "Plant", pol.principal.plant, "spec", "principal", "plant")
        ref(pol, "System", pol.target, "spec", "target")
        ref(pol, "System", pol.via, "spec", "via")
        for grant in pol.grants:
            ref(pol, "BusinessObject", grant.object, "spec", "grants", grant.index, "object")
    for wf in model.workflows.values():
        for st in wf.steps:
            ref(wf, "Flow", st.flow, "spec", "steps", st.index, "flow")
            if st.compensation:
                ref(
                    wf,
                    "Flow",
                    st.compensation.flow,
                    "spec",
                    "steps",
                    st.index,
                    "compensation",
                    "flow",
                )
    for w in model.waivers.values():
        if w.target.kind in _FACTORIES:
            ref(w, w.target.kind, w.target.name, "spec", "target", "name")


def span_of(doc: RawDocument, *path: str | int) -> Span:
    """Span of a path in a raw document."""
    return doc.span(locate(doc.tree, path))
