"""Python connector packages per flow, on a shared standard-library runtime (generation gap).

Layout under ``connectors/``: ``mfgint_runtime/`` (clients, retry, idempotent sinks, dead
letters, logs, metrics, the command line, fakes and the test contracts; regenerated), and per
flow ``<flow>/base.py`` (regenerated), ``<flow>/connector.py`` (the hand-written subclass:
created once, never overwritten), ``<flow>/__init__.py``, ``<flow>/__main__.py``,
``<flow>/README.md`` and ``<flow>/test_<flow>.py``. What every flow shares lives in the runtime,
so that a package holds only what is particular to its flow: a landscape has thousands of them.
The root holds ``pyproject.toml`` (ruff, mypy --strict, pytest) and a README. See
docs/connectors.md.
"""

from __future__ import annotations

import functools
import keyword
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from json.encoder import encode_basestring
from typing import Any

from mfgint.compiler.model import (
    BusinessObject,
    Endpoint,
    Flow,
    Model,
    System,
    duration_seconds,
)
from mfgint.targets.base import GeneratedFile, Target, TargetContext, resource_plants
from mfgint.targets.naming import pascal, plural, snake

ODOO_PROTOCOLS = ("json-2", "json-rpc", "xml-rpc")
REST_PROTOCOLS = frozenset({"rest", "webhook", "soap", "graphql"})
FILE_PROTOCOLS = frozenset({"sftp", "as2", "edi-van", "file"})
BROKER_PROTOCOLS = frozenset({"kafka", "amqp", "mqtt"})
FIRST_JSON2_MAJOR = 19
DEFAULT_RETRY = (3, "exponential", 1.0, 60.0)
RUNTIME_MODULES = (
    "__init__",
    "broker",
    "cli",
    "config",
    "connector",
    "deadletter",
    "errors",
    "files",
    "logs",
    "metrics",
    "odoo",
    "rest",
    "retry",
    "state",
    "testing",
    "transport",
)
RUNTIME_TESTS = ("test_runtime", "contracts")
SAMPLE_TIME = "2026-01-01T08:00:00Z"


@dataclass(frozen=True)
class Side:
    """One system a connector talks to and how: its client kind and defaults from the spec."""

    system: str
    kind: str  # odoo | rest | files | broker | none
    attr: str
    protocol: str | None = None
    url: str | None = None
    database: str | None = None
    resource: str | None = None
    model: str | None = None
    group: str | None = None

    @property
    def settings_class(self) -> str:
        """The runtime settings class for this kind."""
        return {
            "odoo": "OdooSettings",
            "rest": "RestSettings",
            "files": "FileSettings",
            "broker": "BrokerSettings",
        }[self.kind]


@dataclass(frozen=True)
class EnvVar:
    """An environment variable a connector reads, for its README."""

    name: str
    required: bool
    default: str | None
    meaning: str

    @property
    def markdown_row(self) -> str:
        """The variable's row in the README's configuration table."""
        default = f"`{self.default}`" if self.default is not None else "-"
        required = "yes" if self.required else "no"
        return f"| `{self.name}` | {required} | {default} | {self.meaning} |"


@dataclass(frozen=True)
class FieldInfo:
    """A canonical field of the flow's object version, with a sample value for the tests."""

    name: str
    type: str
    description: str
    sample: Any


@dataclass(frozen=True)
class DeadLetterInfo:
    """Where a flow's dead letters go: ``broker`` topic, ``files`` folder, or the ``log``."""

    kind: str
    destination: str | None
    system: str | None


@dataclass(frozen=True)
class FlowInfo:
    """Everything the templates need about one flow, decided here rather than in jinja."""

    flow: Flow
    package: str
    cls: str
    env_prefix: str
    summary: str
    object_name: str
    object_version: str
    odoo_model: str | None
    key_fields: tuple[str, ...]
    fields: tuple[FieldInfo, ...]
    xmlid_module: str
    odoo_method: str | None
    source: Side
    sinks: tuple[Side, ...]
    consumer: Side | None
    file_source: bool
    dead_letter: DeadLetterInfo
    retry: tuple[int, str, float, float]
    settings: tuple[Side, ...]
    plants: tuple[str, ...]
    update_field: str | None

    @property
    def base_doc(self) -> str:
        """The docstring of ``<Flow>Base``: one line."""
        f = self.flow
        return docstring_line(
            f"Flow {f.name}: {self.object_name} {self.object_version} from {f.source} to "
            f"{', '.join(f.targets)} ({f.pattern}, {f.operation}).", 89)

    @property
    def client_kinds(self) -> str:
        """The kinds of client the flow uses, sorted: ``odoo, rest``."""
        return ", ".join(sorted({s.kind for s in self.settings}))

    @property
    def key_text(self) -> str:
        """The key fields, ``a + b``."""
        return " + ".join(self.key_fields)

    @property
    def retry_text(self) -> str:
        """The retry policy in words."""
        attempts, backoff, initial, ceiling = self.retry
        jitter = " with full jitter" if backoff == "exponential" else ""
        return f"{attempts} attempts, {backoff}{jitter}, {initial:g} s initial, {ceiling:g} s max"

    @property
    def odoo_sinks(self) -> tuple[Side, ...]:
        """The targets that are Odoo databases."""
        return tuple(s for s in self.sinks if s.kind == "odoo")

    @property
    def has_file_sinks(self) -> bool:
        """True when a target is reached through a FileTransfer."""
        return any(s.kind == "files" for s in self.sinks)

    @property
    def field_comments(self) -> str:
        """``# name (type): description`` lines of the canonical fields, for connector.py."""
        return _per_fields(self.fields, "comments", _field_comments)

    @property
    def sample_code(self) -> str:
        """``sample`` as the literal the test module's ``SAMPLE`` holds."""
        return _per_fields(self.fields, "sample", _sample_code)

    @cached_property
    def env_vars(self) -> tuple[EnvVar, ...]:
        """Every variable the connector reads (computed when a template asks)."""
        return env_vars(self.env_prefix, self.settings, self.dead_letter, self.retry)

    @cached_property
    def needs_broker(self) -> bool:
        """True when the flow consumes or publishes through a broker."""
        return (
            self.consumer is not None
            or self.dead_letter.kind == "broker"
            or any(s.kind == "broker" for s in self.sinks)
        )

    @cached_property
    def file_systems(self) -> tuple[str, ...]:
        """Systems reached through a FileTransfer, sorted."""
        names = {s.system for s in (self.source, *self.sinks) if s.kind == "files"}
        if self.dead_letter.kind == "files" and self.dead_letter.system:
            names.add(self.dead_letter.system)
        return tuple(sorted(names))

    @cached_property
    def odoo_sides(self) -> tuple[Side, ...]:
        """Settings entries of Odoo systems."""
        return tuple(s for s in self.settings if s.kind == "odoo")

    @cached_property
    def sample(self) -> dict[str, Any]:
        """A canonical sample record (key fields always present)."""
        return {f.name: f.sample for f in self.fields}

    @cached_property
    def http_sides(self) -> tuple[Side, ...]:
        """Settings entries reached over HTTP (Odoo and REST)."""
        return tuple(s for s in self.settings if s.kind in ("odoo", "rest"))

    def fake_url(self, side: Side) -> str:
        """The URL a test mounts a fake on for ``side``."""
        return f"https://{side.attr.replace('_', '-')}.test"

    def var(self, side: Side, key: str) -> str:
        """The flow-level environment variable of ``key`` for ``side``'s system."""
        return f"{self.env_prefix}_{env_key(side.system)}_{key}"

    def system_var(self, side: Side, key: str) -> str:
        """The system-level environment variable of ``key`` (every flow of the system)."""
        return f"MFGINT_{env_key(side.system)}_{key}"

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        """The canonical field names."""
        return tuple(f.name for f in self.fields)

    @cached_property
    def test_env(self) -> dict[str, str]:
        """The environment the generated tests configure the connector with."""
        env: dict[str, str] = {}
        for side in self.http_sides:
            env[self.var(side, "URL")] = self.fake_url(side)
            if side.kind == "odoo":
                env[self.var(side, "API_KEY")] = "test-key"
                env[self.var(side, "LOGIN")] = "bot"
                env[self.var(side, "DATABASE")] = "test"
        return dict(sorted(env.items()))

    def collections(self, side: Side) -> tuple[str, ...]:
        """REST collections a fake must serve for ``side`` (as source and as target)."""
        found = {
            s.resource
            for s in (self.source, *self.sinks)
            if s.kind == "rest" and s.attr == side.attr and s.resource
        }
        return tuple(sorted(found))


# --- naming and literals -------------------------------------------------------------------


def env_key(name: str) -> str:
    """``odoo-erp`` -> ``ODOO_ERP``: the runtime's environment-variable spelling of a name."""
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_") or "X"


def package_name(flow_name: str) -> str:
    """The flow's Python package: ``shipment-to-3pl`` -> ``shipment_to_3pl``."""
    name = snake(flow_name)
    if keyword.iskeyword(name) or name in ("mfgint_runtime", "tests"):
        name = f"{name}_flow"
    return name


def py(value: Any) -> str:
    """A Python literal for JSON-like data (double quotes, True/False/None)."""
    if type(value) is str:
        return encode_basestring(value)  # what json.dumps(value, ensure_ascii=False) returns
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return encode_basestring(value)  # what json.dumps(value, ensure_ascii=False) returns
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{py(str(k))}: {py(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        inner = ", ".join(py(v) for v in value)
        if isinstance(value, tuple):
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        return f"[{inner}]"
    return py(str(value))


def py_block(
    value: Sequence[Any] | Mapping[str, Any], col: int, indent: int, width: int = 100
) -> str:
    """A literal starting at column ``col``: one line when it fits, else one item per line.

    Items then go at ``indent + 4`` and the closing bracket at ``indent`` (the statement's).
    """
    if type(value) is tuple:
        try:
            return _py_block_of_tuple(value, col, indent, width)
        except TypeError:  # an item that cannot be hashed
            pass
    return _py_block(value, col, indent, width)


@functools.lru_cache(maxsize=16384)
def _py_block_of_tuple(value: tuple[Any, ...], col: int, indent: int, width: int) -> str:
    # The flows of one object version share their key and field names: thousands of flows,
    # a few tuples.
    return _py_block(value, col, indent, width)


def _py_block(
    value: Sequence[Any] | Mapping[str, Any], col: int, indent: int, width: int
) -> str:
    one = py(value)
    if col + len(one) <= width:
        return one
    pad = " " * (indent + 4)
    if isinstance(value, Mapping):
        items = [f"{pad}{py(str(k))}: {py(v)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{py(v)}," for v in value]
    opener, closer = ("(", ")") if isinstance(value, tuple) else ("[", "]")
    return opener + "\n" + "\n".join(items) + "\n" + " " * indent + closer


def call_code(head: str, args: Sequence[str], indent: int, tail: str = "",
              width: int = 100) -> str:
    """``head(args)tail`` at column ``indent``: on one line when it fits, else the arguments on
    one line of their own, else one per line (as ruff format writes calls)."""
    pad = " " * indent
    one = f"{pad}{head}({', '.join(args)}){tail}"
    if len(one) <= width or not args:
        return one
    inner = " " * (indent + 4)
    two = f"{inner}{', '.join(args)}"
    if len(two) <= width:
        return f"{pad}{head}(\n{two}\n{pad}){tail}"
    return f"{pad}{head}(\n" + "".join(f"{inner}{a},\n" for a in args) + f"{pad}){tail}"


@functools.lru_cache(maxsize=16384)
def _comment_lines(text: str, indent: int, width: int) -> tuple[str, ...]:
    prefix = " " * indent + "# "
    lines = textwrap.wrap(" ".join(text.split()), width - len(prefix)) or [""]
    return tuple((prefix + line).rstrip() for line in lines)


def comment_lines(text: str, indent: int, width: int = 100) -> list[str]:
    """``text`` as ``#`` comment lines that fit ``width``."""
    return list(_comment_lines(text, indent, width))


def _per_fields(fields: tuple[FieldInfo, ...], what: str,
                make: Callable[[tuple[FieldInfo, ...]], str]) -> str:
    """``make(fields)``, once per fields tuple: the flows of one object version share one (see
    object_fields), so thousands of flows need a few texts. The tuple is kept with its texts,
    so that its id is not reused while they are."""
    found = _PER_FIELDS.get(id(fields))
    if found is None or found[0] is not fields:
        if len(_PER_FIELDS) > 4096:
            _PER_FIELDS.clear()
        found = _PER_FIELDS[id(fields)] = (fields, {})
    text = found[1].get(what)
    if text is None:
        text = found[1][what] = make(fields)
    return text


_PER_FIELDS: dict[int, tuple[tuple[FieldInfo, ...], dict[str, str]]] = {}


def _field_comments(fields: tuple[FieldInfo, ...]) -> str:
    lines: list[str] = []
    for f in fields:
        text = f"{f.name} ({f.type})" + (f": {f.description}" if f.description else "")
        lines.extend(_comment_lines(text, 8, 100))
    return "\n".join(lines)


def _sample_code(fields: tuple[FieldInfo, ...]) -> str:
    return _py_block({f.name: f.sample for f in fields}, 39, 4, 100)


def _flat(text: str) -> str:
    return " ".join(text.replace('"""', "'''").replace("\\", "/").split())


def wrap(text: str, width: int) -> list[str]:
    """``text`` wrapped to ``width`` columns, safe inside triple quotes."""
    return list(_wrap(text, width))


@functools.lru_cache(maxsize=16384)
def _wrap(text: str, width: int) -> tuple[str, ...]:
    flat = _flat(text)
    return _greedy_wrap(flat, width) or tuple(textwrap.wrap(flat, width) or [""])


def _greedy_wrap(text: str, width: int) -> tuple[str, ...] | None:
    """``textwrap.wrap(text, width)`` for single-spaced text, by words, when that is certain to
    give the same lines (several times faster); None when textwrap could break inside a word:
    a word longer than a line, or a hyphenated word whose first part fits where a line ends."""
    if not text:
        return None
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        else:
            hyphen = word.find("-")
            if hyphen >= 0 and len(line) + 1 + hyphen <= width:
                return None
            lines.append(line)
            line = word
        if len(line) > width:
            return None
    lines.append(line)
    return tuple(lines)


def docstring_line(text: str, limit: int) -> str:
    """One sentence of ``text`` that fits in ``limit`` characters, safe inside triple quotes."""
    flat = _flat(text)
    if len(flat) <= limit:
        return flat
    return flat[: max(limit - 3, 0)].rstrip() + "..."


# --- decisions -----------------------------------------------------------------------------


def _http_url(endpoint: Endpoint) -> str | None:
    if not endpoint.url or not endpoint.url.startswith(("http://", "https://")):
        return None
    url = endpoint.url.rstrip("/")
    if endpoint.base_path:
        url += "/" + endpoint.base_path.strip("/")
    return url


def _first(system: System | None, protocols: Iterable[str]) -> Endpoint | None:
    if system is None:
        return None
    wanted = tuple(protocols)
    for protocol in wanted:
        for endpoint in system.endpoints:
            if endpoint.protocol == protocol:
                return endpoint
    return None


def odoo_protocol(system: System, flow: Flow) -> str:
    """JSON-2 from Odoo 19 on; else the flow's RPC protocol, else the system's, else JSON-RPC."""
    major = system.major_version
    if major is not None and major >= FIRST_JSON2_MAJOR:
        return "json-2"
    if flow.protocol in ("json-rpc", "xml-rpc"):
        return flow.protocol
    offered = system.protocols()
    if "json-rpc" in offered or "xml-rpc" not in offered:
        return "json-rpc"
    return "xml-rpc"


def odoo_url(system: System) -> str | None:
    """The Odoo server's base URL (the clients add ``/json/2``, ``/jsonrpc`` or ``/xmlrpc/2``)."""
    endpoint = _first(system, ("json-2", "json-rpc", "xml-rpc", "rest", "webhook"))
    if endpoint is None or not endpoint.url:
        return None
    return endpoint.url.rstrip("/")


def _gateway(model: Model, flow: Flow) -> System | None:
    for hop in flow.via:
        system = model.systems.get(hop)
        if system is not None and system.type == "gateway":
            return system
    return None


def _resource(obj_name: str) -> str:
    return "/" + plural(obj_name)


def _system_kind(system: System | None) -> str:
    """The client kind a non-Odoo system's endpoints allow: rest, files, broker or none."""
    if system is None:
        return "none"
    offered = system.protocols()
    if offered & REST_PROTOCOLS:
        return "rest"
    if offered & FILE_PROTOCOLS:
        return "files"
    if offered & BROKER_PROTOCOLS:
        return "broker"
    return "none"


def _side(model: Model, flow: Flow, name: str, kind: str, role: str) -> Side:
    system = model.systems.get(name)
    obj = model.objects.get(flow.object.name)
    attr = snake(name)
    if kind == "odoo" and system is not None:
        return Side(
            name, "odoo", attr, protocol=odoo_protocol(system, flow), url=odoo_url(system),
            database=system.odoo_database,
            model=(obj.odoo_model if obj else None) or f"x_{snake(flow.object.name)}",
        )
    if kind == "rest":
        gateway = _gateway(model, flow)
        if role == "sink" and gateway is not None and flow.api is not None and flow.api.path:
            endpoint = _first(gateway, ("rest", "webhook"))
            url = _http_url(endpoint) if endpoint else None
            return Side(name, "rest", attr, url=url, resource=flow.api.path.rstrip("/") or "/")
        endpoint = _first(system, ("rest", "webhook", "soap", "graphql"))
        url = _http_url(endpoint) if endpoint else None
        return Side(name, "rest", attr, url=url, resource=_resource(flow.object.name))
    if kind == "files":
        endpoint = _first(system, ("sftp", "file", "as2", "edi-van"))
        return Side(name, "files", attr, url=endpoint.url if endpoint else None)
    if kind == "broker":
        endpoint = _first(system, ("kafka", "amqp", "mqtt"))
        return Side(name, "broker", attr, url=endpoint.url if endpoint else None,
                    resource=f"mfgint.{flow.name}", group=f"mfgint.{flow.name}")
    return Side(name, "none", attr)


def source_side(model: Model, flow: Flow) -> Side:
    """Where reconciliation and scheduled pulls read: Odoo, a REST API, an inbox, or nothing."""
    system = model.systems.get(flow.source)
    if system is not None and system.is_odoo:
        return _side(model, flow, flow.source, "odoo", "source")
    if flow.pattern == "file":
        # Inbound files: fetched from the source's mailbox (pull) or dropped on the hub (push);
        # either way the connector reads an inbox through open_files(source).
        return _side(model, flow, flow.source, "files", "source")
    kind = _system_kind(system)
    return _side(model, flow, flow.source, "none" if kind == "broker" else kind, "source")


def sink_side(model: Model, flow: Flow, target: str) -> Side:
    """How the connector writes to ``target``."""
    system = model.systems.get(target)
    if system is not None and system.is_odoo:
        return _side(model, flow, target, "odoo", "sink")
    protocol = flow.protocol or ""
    if flow.pattern == "file" or protocol in FILE_PROTOCOLS:
        return _side(model, flow, target, "files", "sink")
    if protocol in REST_PROTOCOLS:
        return _side(model, flow, target, "rest", "sink")
    kind = _system_kind(system)
    return _side(model, flow, target, "rest" if kind == "none" else kind, "sink")


def consumer_side(model: Model, flow: Flow) -> Side | None:
    """The broker topic an event flow consumes: its Event's channel, else a broker hop."""
    if flow.pattern != "event":
        return None
    event = model.events.get(flow.event) if flow.event else None
    if event is not None:
        broker = model.systems.get(event.broker)
        endpoint = _first(broker, ("kafka", "amqp", "mqtt"))
        return Side(event.broker, "broker", snake(event.broker),
                    url=endpoint.url if endpoint else None, resource=event.channel,
                    group=f"mfgint.{flow.name}")
    for hop in flow.via:
        system = model.systems.get(hop)
        if system is not None and system.type == "broker":
            return _side(model, flow, hop, "broker", "consumer")
    return None


def dead_letter_info(model: Model, flow: Flow, consumer: Side | None) -> DeadLetterInfo:
    """Broker topic when the dead-letter system is a broker; a folder for paths; else the log."""
    dead = flow.dead_letter
    if dead is None:
        return DeadLetterInfo("log", None, None)
    system = model.systems.get(dead.system) if dead.system else None
    if dead.target.startswith("/"):
        return DeadLetterInfo("files", dead.target, dead.system)
    if system is not None and (system.type == "broker" or system.protocols() & BROKER_PROTOCOLS):
        return DeadLetterInfo("broker", dead.target, system.name)
    if system is None and consumer is not None:
        return DeadLetterInfo("broker", dead.target, consumer.system)
    return DeadLetterInfo("log", dead.target, dead.system)


def retry_of(flow: Flow) -> tuple[int, str, float, float]:
    """(max attempts, backoff, initial delay s, max delay s); defaults when the spec has none."""
    if flow.retry is None:
        return DEFAULT_RETRY
    initial = duration_seconds(flow.retry.initial_delay)
    initial = DEFAULT_RETRY[2] if initial is None else float(initial)
    ceiling = duration_seconds(flow.retry.max_delay)
    ceiling = max(DEFAULT_RETRY[3], initial) if ceiling is None else float(ceiling)
    return flow.retry.max_attempts, flow.retry.backoff or "exponential", initial, ceiling


def _sample(name: str, prop: Mapping[str, Any], key: bool) -> Any:
    kind = prop.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    enum = prop.get("enum")
    if key:
        return 1001 if kind == "integer" else f"{name.upper()}/0001"
    if isinstance(enum, list) and enum and isinstance(enum[0], str | int | float | bool):
        return enum[0]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return {}
    fmt = prop.get("format")
    if fmt == "date-time":
        return SAMPLE_TIME
    if fmt == "date":
        return SAMPLE_TIME[:10]
    return f"sample {name}"


def object_fields(
    obj: BusinessObject | None, flow: Flow, key_fields: tuple[str, ...]
) -> tuple[FieldInfo, ...]:
    """The top-level properties of the flow's schema version, sorted, key fields included."""
    version = obj.resolve(flow.object) if obj is not None else None
    if version is None:
        return _object_fields(None, key_fields)
    # Shared by every flow of the same object version: thousands of flows, a few versions.
    key = (id(version), key_fields)
    found = _FIELDS.get(key)
    if found is None or found[0] is not version:
        found = _FIELDS[key] = (version, _object_fields(version, key_fields))
        if len(_FIELDS) > 4096:
            _FIELDS.clear()
            _FIELDS[key] = found
    return found[1]


# (id of a schema version, key fields) -> (that version, its fields); the version is kept so
# that its id cannot be reused while the entry lives.
_FIELDS: dict[tuple[int, tuple[str, ...]], tuple[Any, tuple[FieldInfo, ...]]] = {}


def _object_fields(version: Any, key_fields: tuple[str, ...]) -> tuple[FieldInfo, ...]:
    schema = version.schema if version is not None else None
    props = schema.get("properties") if isinstance(schema, Mapping) else None
    props = props if isinstance(props, Mapping) else {}
    out: dict[str, FieldInfo] = {}
    for name in sorted(props):
        prop = props[name] if isinstance(props[name], Mapping) else {}
        kind = prop.get("type", "any")
        shown = "|".join(kind) if isinstance(kind, list) else str(kind)
        description = prop.get("description")
        out[name] = FieldInfo(name, shown, description if isinstance(description, str) else "",
                              _sample(name, prop, name in key_fields))
    for name in key_fields:
        if name not in out:
            out[name] = FieldInfo(name, "string", "key field", _sample(name, {}, True))
    return tuple(out[n] for n in sorted(out))


def key_fields_of(obj: BusinessObject | None, flow: Flow) -> tuple[str, ...]:
    """The object's identity; else the flow's idempotency key fields (``a+b``)."""
    if obj is not None and obj.identity:
        return tuple(obj.identity)
    if flow.delivery is not None and flow.delivery.idempotency_key:
        return tuple(p.strip() for p in flow.delivery.idempotency_key.split("+") if p.strip())
    return ("id",)


def _update_field(fields: Sequence[FieldInfo], keys: tuple[str, ...]) -> str | None:
    for info in fields:
        if info.name not in keys and info.type == "string" and info.sample == f"sample {info.name}":
            return info.name
    return None


def _settings(sides: Iterable[Side]) -> tuple[Side, ...]:
    """One settings entry per (system, kind); attribute names made unique."""
    chosen: dict[tuple[str, str], Side] = {}
    for side in sides:
        if side.kind != "none":
            chosen.setdefault((side.system, side.kind), side)
    systems_with_two = {s for s, _ in chosen if sum(1 for t, _ in chosen if t == s) > 1}
    out = []
    for (system, kind), side in sorted(chosen.items()):
        attr = f"{snake(system)}_{kind}" if system in systems_with_two else snake(system)
        out.append(Side(side.system, side.kind, attr, side.protocol, side.url, side.database,
                        side.resource, side.model, side.group))
    return tuple(out)


def _rebind(side: Side, settings: Sequence[Side]) -> Side:
    for entry in settings:
        if entry.system == side.system and entry.kind == side.kind:
            return Side(side.system, side.kind, entry.attr, side.protocol, side.url,
                        side.database, side.resource, side.model, side.group)
    return side


def env_vars(prefix: str, settings: Sequence[Side], dead: DeadLetterInfo,
             retry: tuple[int, str, float, float]) -> tuple[EnvVar, ...]:
    """Every variable the connector reads, flow-level first, then per system."""
    out = [
        EnvVar(f"{prefix}_RETRY_MAX_ATTEMPTS", False, str(retry[0]), "attempts, the first too"),
        EnvVar(f"{prefix}_RETRY_BACKOFF", False, retry[1], "exponential, linear or fixed"),
        EnvVar(f"{prefix}_RETRY_INITIAL_DELAY", False, f"{retry[2]:g}", "seconds before retry 1"),
        EnvVar(f"{prefix}_RETRY_MAX_DELAY", False, f"{retry[3]:g}", "upper bound of a delay, s"),
        EnvVar(f"{prefix}_STATE_DIR", False, ".mfgint-state", "folder of the watermark file"),
        EnvVar(f"{prefix}_BATCH_SIZE", False, "200", "records per page / messages per poll"),
        EnvVar(f"{prefix}_TIMEOUT", False, "30", "HTTP timeout, seconds"),
        EnvVar(f"{prefix}_LOG_LEVEL", False, "INFO", "log level of the JSON logs"),
    ]
    if dead.kind in ("broker", "files"):
        what = "dead-letter topic" if dead.kind == "broker" else "dead-letter folder"
        out.append(EnvVar(f"{prefix}_DEAD_LETTER", False, dead.destination, what))
    for side in settings:
        sys_key = env_key(side.system)
        first = f"{prefix}_{sys_key}_"
        if side.kind == "odoo":
            out += [
                EnvVar(first + "URL", side.url is None, side.url, f"{side.system} base URL"),
                EnvVar(first + "DATABASE", False, side.database, "database name"),
                EnvVar(first + "PROTOCOL", False, side.protocol, "json-2, json-rpc or xml-rpc"),
                EnvVar(first + "API_KEY", True, None, "the integration bot user's API key"),
                EnvVar(first + "LOGIN", side.protocol != "json-2", None,
                       "the bot user's login (JSON-RPC / XML-RPC)"),
            ]
        elif side.kind == "rest":
            out += [
                EnvVar(first + "URL", side.url is None, side.url, f"{side.system} API base URL"),
                EnvVar(first + "TOKEN", False, None, "bearer token, when the API wants one"),
            ]
        elif side.kind == "files":
            out += [
                EnvVar(first + "URL", False, side.url, "SFTP / share URL (for open_files)"),
                EnvVar(first + "INBOX", False, "inbox", "folder read by the flow"),
                EnvVar(first + "OUTBOX", False, "outbox", "folder written by the flow"),
                EnvVar(first + "PROCESSED", False, "processed", "folder for handled files"),
                EnvVar(first + "ERROR", False, "error", "folder for unreadable files"),
            ]
        elif side.kind == "broker":
            out += [
                EnvVar(first + "URL", False, side.url, "broker URL (for open_broker)"),
                EnvVar(first + "TOPIC", False, side.resource, "topic consumed"),
                EnvVar(first + "GROUP", False, side.group, "consumer group"),
            ]
    return tuple(out)


def flow_info(model: Model, flow: Flow) -> FlowInfo:
    """Decide clients, keys, dead letters and configuration for one flow."""
    obj = model.objects.get(flow.object.name)
    version = obj.resolve(flow.object) if obj is not None else None
    keys = key_fields_of(obj, flow)
    fields = object_fields(obj, flow, keys)
    source = source_side(model, flow)
    sinks = tuple(sink_side(model, flow, t) for t in flow.targets)
    consumer = consumer_side(model, flow)
    dead = dead_letter_info(model, flow, consumer)
    settings = _settings([source, *sinks, *([consumer] if consumer else [])])
    source = _rebind(source, settings)
    sinks = tuple(_rebind(s, settings) for s in sinks)
    consumer = _rebind(consumer, settings) if consumer else None
    prefix = f"MFGINT_{env_key(flow.name)}"
    retry = retry_of(flow)
    summary = flow.meta.description or (
        f"{flow.object} from {flow.source} to {', '.join(flow.targets)}"
    )
    return FlowInfo(
        flow=flow,
        package=package_name(flow.name),
        cls=pascal(flow.name),
        env_prefix=prefix,
        summary=" ".join(summary.split()),
        object_name=flow.object.name,
        object_version=version.version if version else str(flow.object.major),
        odoo_model=obj.odoo_model if obj else None,
        key_fields=keys,
        fields=fields,
        xmlid_module=f"mfgint_{snake(flow.source)}",
        odoo_method=flow.odoo_method,
        source=source,
        sinks=sinks,
        consumer=consumer,
        file_source=source.kind == "files",
        dead_letter=dead,
        retry=retry,
        settings=settings,
        plants=resource_plants(model, flow),
        update_field=_update_field(fields, keys),
    )


def base_imports(info: FlowInfo) -> str:
    """Names ``base.py`` imports from mfgint_runtime: exactly those it uses."""
    names = {"DeadLetterSettings", "FlowBase", "FlowSettings", "RetryPolicy", "Wiring"}
    names.update(side.settings_class for side in info.settings)
    sources = {"odoo": "OdooSource", "rest": "RestSource", "none": "NullSource"}
    if info.source.kind in sources:
        names.add(sources[info.source.kind])
    sinks = {"odoo": "OdooSink", "rest": "RestSink", "broker": "BrokerSink"}
    names.update(sinks[sink.kind] for sink in info.sinks if sink.kind in sinks)
    return import_block([("mfgint_runtime", names)])


def constants_code(info: FlowInfo) -> str:
    """The class constants of ``<Flow>Base``: what the flow carries, its keys and resources."""
    f = info.flow
    lines = [
        "    FLOW: ClassVar[str] = FLOW",
        "    ENV_PREFIX: ClassVar[str] = ENV_PREFIX",
        f"    OBJECT: ClassVar[str] = {py(info.object_name)}",
        f"    OBJECT_VERSION: ClassVar[str] = {py(info.object_version)}",
        f"    OPERATION: ClassVar[str] = {py(f.operation)}",
        f"    KEY_FIELDS: ClassVar[tuple[str, ...]] = {py_block(info.key_fields, 44, 4)}",
        f"    # The canonical fields of {info.object_name} {info.object_version}; transform() "
        "passes these on.",
        f"    FIELDS: ClassVar[tuple[str, ...]] = {py_block(info.field_names, 40, 4)}",
        "    # One ir.model.data module per source system keeps external ids apart.",
        f"    XMLID_MODULE: ClassVar[str] = {py(info.xmlid_module)}",
        f"    ODOO_METHOD: ClassVar[str | None] = {py(info.odoo_method)}",
    ]
    source = info.source
    if source.kind == "odoo":
        lines += [
            f"    SOURCE_MODEL: ClassVar[str] = {py(source.model)}",
            "    # Odoo fields read at the source; empty reads all of them (then map them in "
            "from_source()).",
            "    SOURCE_FIELDS: ClassVar[tuple[str, ...]] = ()",
        ]
    elif source.kind == "rest":
        lines.append(f"    SOURCE_RESOURCE: ClassVar[str] = {py(source.resource)}")
    for sink in info.sinks:
        if sink.kind == "odoo":
            lines.append(f"    {sink.attr.upper()}_MODEL: ClassVar[str] = {py(sink.model)}")
        elif sink.kind == "rest":
            lines.append(f"    {sink.attr.upper()}_RESOURCE: ClassVar[str] = {py(sink.resource)}")
        elif sink.kind == "broker":
            lines.append(f"    {sink.attr.upper()}_TOPIC: ClassVar[str] = {py(sink.resource)}")
    dead = info.dead_letter
    system = dead.system if dead.kind != "log" else None
    lines.append(f"    DEAD_LETTER_SYSTEM: ClassVar[str | None] = {py(system)}")
    return "\n".join(lines)


def settings_code(info: FlowInfo) -> str:
    """The arguments of ``<Flow>Settings(...)`` after ``flow=``: one settings entry per system."""
    chunks = []
    for side in info.settings:
        args = ["env", "ENV_PREFIX", py(side.system)]
        if side.kind == "odoo":
            args += [f"protocol={py(side.protocol)}", f"url={py(side.url)}",
                     f"database={py(side.database)}"]
        elif side.kind == "broker":
            args += [f"topic={py(side.resource)}", f"group={py(side.group)}", f"url={py(side.url)}"]
        else:
            args.append(f"url={py(side.url)}")
        chunks.append(call_code(f"{side.attr}={side.settings_class}.from_env", args, 12, ","))
    dead = info.dead_letter
    chunks.append(call_code("dead_letter=DeadLetterSettings.from_env", [
        "env", "ENV_PREFIX", f"kind={py(dead.kind)}", f"destination={py(dead.destination)}",
    ], 12, ","))
    return "\n".join(chunks)


def wire_code(info: FlowInfo) -> str:
    """The body of ``wire()``: clients, then the Wiring of source, targets and consumer."""
    lines = []
    for side in info.settings:
        if side.kind in ("odoo", "rest"):
            lines.append(call_code(f"{side.attr}_client = self.{side.kind}",
                                   [f"self.settings.{side.attr}"], 8))
    source = info.source
    if source.kind == "files":
        lines.append(call_code("file_source = self.inbox", [f"self.settings.{source.attr}"], 8))
    lines.append("        return Wiring(")
    if source.kind == "odoo":
        lines.append(call_code("source=OdooSource", [
            py(source.system), f"{source.attr}_client", "self.SOURCE_MODEL", "self.SOURCE_FIELDS",
        ], 12, ","))
    elif source.kind == "rest":
        lines.append(call_code("source=RestSource", [
            py(source.system), f"{source.attr}_client", "self.SOURCE_RESOURCE",
        ], 12, ","))
    elif source.kind == "files":
        lines.append("            source=file_source,")
    else:
        lines.append(call_code("source=NullSource", [py(source.system)], 12, ","))
    sinks = [_sink_call(sink) for sink in info.sinks]
    one = "            sinks=[" + ", ".join(call_code(h, a, 0) for h, a in sinks) + "],"
    if len(sinks) == 1 and len(one) <= 100 and "\n" not in one:
        lines.append(one)
    else:
        lines.append("            sinks=[")
        lines.extend(call_code(head, args, 16, ",") for head, args in sinks)
        lines.append("            ],")
    if info.consumer is not None:
        lines.append(call_code("consumer=self.topic", [f"self.settings.{info.consumer.attr}"],
                               12, ","))
    if source.kind == "files":
        lines.append("            file_source=file_source,")
    lines.append("        )")
    return "\n".join(lines)


def _sink_call(sink: Side) -> tuple[str, list[str]]:
    const = sink.attr.upper()
    if sink.kind == "odoo":
        return "OdooSink", [py(sink.system), f"{sink.attr}_client", f"self.{const}_MODEL",
                            "method=self.ODOO_METHOD"]
    if sink.kind == "rest":
        return "RestSink", [py(sink.system), f"{sink.attr}_client", f"self.{const}_RESOURCE"]
    if sink.kind == "files":
        return "self.outbox", [f"self.settings.{sink.attr}"]
    return "BrokerSink", [py(sink.system), f"self.broker_for({py(sink.system)})",
                          f"self.{const}_TOPIC"]


def isort_names(names: Iterable[str]) -> list[str]:
    """ruff's isort order inside one ``from`` import: CONSTANTS, Classes, functions."""
    return sorted(set(names), key=lambda n: (0 if n.isupper() else 1 if n[:1].isupper() else 2, n))


def import_block(imports: Iterable[tuple[str, Iterable[str]]], width: int = 100) -> str:
    """``from module import names`` lines as ruff's isort writes them (sorted, wrapped)."""
    key = tuple((module, frozenset(names)) for module, names in imports)
    return _import_block(key, width)


@functools.lru_cache(maxsize=16384)
def _import_block(imports: tuple[tuple[str, frozenset[str]], ...], width: int) -> str:
    lines: list[str] = []
    for module, names in sorted(imports, key=lambda item: item[0].lower()):
        ordered = isort_names(names)
        one = f"from {module} import {', '.join(ordered)}"
        if len(one) <= width:
            lines.append(one)
        else:
            lines.append(f"from {module} import (")
            lines.extend(f"    {name}," for name in ordered)
            lines.append(")")
    return "\n".join(lines)


def plain_imports(modules: Iterable[str], froms: Iterable[tuple[str, str]]) -> str:
    """Standard-library imports: ``import x`` lines first, then ``from x import y``."""
    lines = [f"import {m}" for m in sorted(set(modules))]
    lines += [f"from {m} import {n}" for m, n in sorted(set(froms))]
    return "\n".join(lines)


def connector_imports(info: FlowInfo) -> str:
    """Imports of ``connector.py``."""
    return import_block(
        [("mfgint_runtime", ["Record"]), (f"{info.package}.base", [f"{info.cls}Base"])]
    )


def main_imports(info: FlowInfo) -> str:
    """Imports of ``__main__.py``."""
    return import_block([
        ("mfgint_runtime.cli", ["run_flow"]),
        (f"{info.package}.base", [f"{info.cls}Settings"]),
        (f"{info.package}.connector", [f"{info.cls}Connector"]),
    ])


def main_code(info: FlowInfo) -> str:
    """The body of ``main()``: the shared command line, given this flow's classes."""
    args = [py(info.package), "__doc__", f"{info.cls}Settings.from_env", f"{info.cls}Connector",
            "argv", "environ"]
    return call_code("return run_flow", args, 4)


OPERATION_CONTRACTS = {
    "upsert": "UpsertContract",
    "sync": "UpsertContract",
    "create": "CreateContract",
    "update": "UpdateContract",
    "delete": "DeleteContract",
}


def contracts_of(info: FlowInfo) -> list[str]:
    """The shared test contracts (mfgint_runtime/tests/contracts.py) that apply to the flow."""
    op = info.flow.operation
    kinds = [sink.kind for sink in info.sinks]
    out = [OPERATION_CONTRACTS.get(op, "ReadContract")]
    if op == "update" and ("odoo" in kinds or "rest" in kinds):
        out.append("UnknownRecordContract")
    if kinds[0] in ("odoo", "rest") and op in ("create", "upsert", "sync"):
        out.append("ReadBackContract")
    if "odoo" in kinds:
        out.append("ExternalIdContract")
    if info.odoo_sides:
        out.append("OdooSecretContract")
    out.append({"odoo": "OdooSourceContract", "rest": "RestSourceContract",
                "files": "FileSourceContract"}.get(info.source.kind, "NoFeedContract"))
    if info.consumer is not None:
        out.append("ConsumerContract")
    elif info.file_source:
        out.append("InboxContract")
    elif info.source.kind == "odoo" and info.flow.pattern in ("api", "webhook"):
        out.append("OdooWebhookContract")
    out.append("FlowContract")  # last: every other contract extends it
    return out


def http_targets(info: FlowInfo) -> tuple[str, ...]:
    """Targets reached over HTTP, for the contract that needs them (update flows only)."""
    if info.flow.operation != "update":
        return ()
    return tuple(s.system for s in info.sinks if s.kind in ("odoo", "rest"))


def test_imports(info: FlowInfo, contracts: Iterable[str]) -> str:
    """Imports of the generated test module: the contracts and the flow's classes."""
    pkg, cls = info.package, info.cls
    first_party: list[tuple[str, Iterable[str]]] = [
        ("mfgint_runtime.tests.contracts", contracts),
        (f"{pkg}.base", ["DEFAULT_RETRY", f"{cls}Base", f"{cls}Settings"]),
        (f"{pkg}.connector", [f"{cls}Connector"]),
    ]
    if info.odoo_sides:
        first_party.append((f"{pkg}.__main__", ["main"]))
    return import_block(first_party)


def class_header(name: str, bases: Sequence[str]) -> str:
    """``class name(bases):`` on one line when it fits, else one base per line."""
    one = f"class {name}({', '.join(bases)}):"
    if len(one) <= 100:
        return one
    return f"class {name}(\n" + "".join(f"    {b},\n" for b in bases) + "):"


class ConnectorsTarget(Target):
    """Per-flow Python connector packages on a shared runtime, with tests on fake transports."""

    name = "connectors"
    description = "Python connectors per flow (Odoo JSON-2/JSON-RPC/XML-RPC, REST, SFTP, broker)"
    output_dir = "connectors"

    shardable = True

    def generate(self, ctx: TargetContext) -> list[GeneratedFile]:
        """The runtime, the root config and one package per flow in scope."""
        return sorted(self.iter_files(ctx), key=lambda f: f.path)

    def iter_files(self, ctx: TargetContext) -> Iterator[GeneratedFile]:
        """The same files one at a time (shard 0 also makes the shared runtime and root)."""
        in_scope = [f for f in ctx.model.flows.values() if ctx.scope.has_flow(f.name)]
        if not in_scope:
            return
        root = self.output_dir

        def make(path: str, template: str, *, once: bool = False,
                 **context: Any) -> GeneratedFile:
            text = ctx.render(f"connectors/{template}", **context, py=py, py_block=py_block,
                              comment_lines=comment_lines, docstring_line=docstring_line,
                              wrap=wrap, class_header=class_header)
            return GeneratedFile(f"{root}/{path}", text.encode("utf-8"), once)

        if ctx.shard == 0:
            for module in RUNTIME_MODULES:
                yield make(f"mfgint_runtime/{module}.py", f"runtime/{module}.py.j2")
            yield make("mfgint_runtime/py.typed", "runtime/py.typed.j2")
            yield make("mfgint_runtime/tests/__init__.py", "runtime/tests_init.py.j2")
            for module in RUNTIME_TESTS:
                yield make(f"mfgint_runtime/tests/{module}.py", f"runtime/{module}.py.j2")
        every: list[FlowInfo | None] | None = None
        if ctx.shard == 0:
            every = [flow_info(ctx.model, f) for f in in_scope]
        if every is not None:
            yield make("pyproject.toml", "pyproject.toml.j2", flows=every)
            yield make("README.md", "README.md.j2", flows=every)
        for position, flow in enumerate(in_scope):
            known = None
            if every is not None:
                known, every[position] = every[position], None  # freed as the run goes
            if not ctx.mine(position):
                continue
            info = known if known is not None else flow_info(ctx.model, flow)
            pkg = info.package
            contracts = contracts_of(info)
            yield make(f"{pkg}/__init__.py", "flow/__init__.py.j2", info=info)
            yield make(f"{pkg}/__main__.py", "flow/__main__.py.j2", info=info,
                       imports=main_imports(info), main_code=main_code(info))
            yield make(f"{pkg}/base.py", "flow/base.py.j2", info=info, imports=base_imports(info),
                       constants_code=constants_code(info), settings_code=settings_code(info),
                       wire_code=wire_code(info))
            yield make(f"{pkg}/connector.py", "flow/connector.py.j2", once=True, info=info,
                       imports=connector_imports(info))
            yield make(f"{pkg}/README.md", "flow/README.md.j2", info=info)
            yield make(f"{pkg}/test_{pkg}.py", "flow/test_flow.py.j2", info=info,
                       imports=test_imports(info, contracts), contracts=contracts,
                       http_targets=http_targets(info))
