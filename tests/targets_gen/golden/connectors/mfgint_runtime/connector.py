"""The flow engine: sources, idempotent sinks and the FlowConnector that ties them together.

A generated ``<flow>/base.py`` subclasses FlowBase (a FlowConnector built from the flow's
settings) and says in ``wire()`` which clients, source and targets its systems need; the
hand-written ``<flow>/connector.py`` subclasses that and overrides the hooks (``transform``,
``from_source``, ``natural_key_domain``, ``parse_file``, ``render_file``, ``open_broker``,
``open_files``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import random
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from mfgint_runtime.broker import Broker, Message
from mfgint_runtime.config import (
    BrokerSettings,
    DeadLetterSettings,
    FileSettings,
    FlowSettings,
    OdooSettings,
    RestSettings,
)
from mfgint_runtime.deadletter import (
    BrokerDeadLetters,
    DeadLetter,
    DeadLetterSink,
    FileDeadLetters,
    LogDeadLetters,
)
from mfgint_runtime.errors import (
    ConfigError,
    ConflictError,
    NotFoundError,
    PermanentError,
    RetriesExhaustedError,
)
from mfgint_runtime.files import FileTransfer, LocalFileTransfer, join
from mfgint_runtime.logs import correlation_scope, current_correlation_id, flow_logger, log
from mfgint_runtime.metrics import Metrics
from mfgint_runtime.odoo import Domain, OdooClient, make_odoo_client
from mfgint_runtime.rest import RestClient, key_path
from mfgint_runtime.retry import RetryPolicy, call_with_retry
from mfgint_runtime.state import FileWatermarkStore, Watermark, WatermarkStore
from mfgint_runtime.transport import HttpTransport, UrllibTransport

Record = dict[str, Any]
ODOO_ORDER = "write_date asc, id asc"
ODOO_CRUD = frozenset({"create", "write", "unlink", "read", "search_read"})
CORRELATION_HEADERS = ("x-correlation-id", "kong-request-id", "ce_id", "ce-id")


@dataclass(frozen=True)
class Change:
    """What a sink applies: the key, the operation, target values and identities."""

    key: str
    operation: str
    values: Record
    external_id: tuple[str, str]
    natural_domain: Domain | None = None


@dataclass(frozen=True)
class DeliveryResult:
    """What happened to one record at one target."""

    target: str
    key: str
    action: str
    ref: str | None = None


@dataclass(frozen=True)
class Page:
    """One page of changes from a source, the watermark after it, and whether it was the last."""

    records: list[Record]
    watermark: Watermark | None
    done: bool


@dataclass
class RunReport:
    """Counts of one run or reconciliation."""

    delivered: int = 0
    failed: int = 0
    skipped: int = 0
    watermark: Watermark | None = None
    results: list[DeliveryResult] = field(default_factory=list)

    def add(self, results: Iterable[DeliveryResult]) -> None:
        """Count the results of one record."""
        for result in results:
            self.results.append(result)
            if result.action == "dead-lettered":
                self.failed += 1
            else:
                self.delivered += 1


# --- sinks ---------------------------------------------------------------------------------


class Sink(ABC):
    """A target system: applies changes idempotently and can read back an unknown outcome."""

    kind: ClassVar[str] = ""

    def __init__(self, system: str) -> None:
        self.system = system

    @abstractmethod
    def apply(self, change: Change) -> DeliveryResult:
        """Apply ``change``; safe to repeat."""

    def applied(self, change: Change) -> DeliveryResult | None:
        """After a timeout: the result when the change is already there, else None (retry)."""
        return None

    def result(self, change: Change, action: str, ref: str | None = None) -> DeliveryResult:
        """A DeliveryResult for this sink."""
        return DeliveryResult(self.system, change.key, action, ref)


class OdooSink(Sink):
    """Upserts into an Odoo model through external ids (``ir.model.data``) or a natural key."""

    kind = "odoo"

    def __init__(
        self, system: str, client: OdooClient, model: str, *, method: str | None = None
    ) -> None:
        super().__init__(system)
        self.client = client
        self.model = model
        self.method = method if method and method not in ODOO_CRUD else None

    def find(self, change: Change) -> int | None:
        """The record's id: by external id, else by natural key (then bound to the external id)."""
        module, name = change.external_id
        rows = self.client.search_read(
            "ir.model.data",
            [["module", "=", module], ["name", "=", name]],
            ["model", "res_id"],
            limit=1,
        )
        if rows:
            if rows[0].get("model") != self.model:
                raise PermanentError(
                    f"external id {module}.{name} points at {rows[0].get('model')}, "
                    f"not {self.model}"
                )
            return int(rows[0]["res_id"])
        if change.natural_domain is None:
            return None
        found = self.client.search_read(self.model, change.natural_domain, ["id"], limit=2)
        if len(found) > 1:
            raise PermanentError(
                f"{self.model}: natural key {change.key!r} matches several records"
            )
        if not found:
            return None
        res_id = int(found[0]["id"])
        self.bind(change, res_id)
        return res_id

    def bind(self, change: Change, res_id: int) -> None:
        """Create the ``ir.model.data`` record naming ``res_id``."""
        module, name = change.external_id
        values = {"module": module, "name": name, "model": self.model, "res_id": res_id}
        self.client.create("ir.model.data", {**values, "noupdate": True})

    def apply(self, change: Change) -> DeliveryResult:
        """Look up, then create (and bind), write, or unlink."""
        res_id = self.find(change)
        if change.operation == "delete":
            if res_id is None:
                return self.result(change, "unchanged")
            self.client.unlink(self.model, [res_id])
            return self.result(change, "deleted", f"{self.model},{res_id}")
        if res_id is None:
            if change.operation == "update":
                module, name = change.external_id
                raise NotFoundError(
                    f"{self.model}: no record with external id {module}.{name} "
                    "(override natural_key_domain() to find records created elsewhere)"
                )
            res_id = self.client.create(self.model, change.values)
            self.bind(change, res_id)
            action = "created"
        elif change.operation == "create":
            return self.result(change, "unchanged", f"{self.model},{res_id}")
        else:
            self.client.write(self.model, [res_id], change.values)
            action = "updated"
        if self.method:
            self.client.call(self.model, self.method, [res_id])
        return self.result(change, action, f"{self.model},{res_id}")

    def applied(self, change: Change) -> DeliveryResult | None:
        """A create that timed out may have landed: look it up before creating again."""
        res_id = self.find(change)
        if change.operation == "delete":
            return self.result(change, "deleted") if res_id is None else None
        if change.operation == "create" and res_id is not None:
            return self.result(change, "created", f"{self.model},{res_id}")
        return None


class RestSink(Sink):
    """Writes to a REST collection keyed by the record's natural key."""

    kind = "rest"

    def __init__(self, system: str, client: RestClient, resource: str) -> None:
        super().__init__(system)
        self.client = client
        self.resource = resource

    def apply(self, change: Change) -> DeliveryResult:
        """PUT (upsert), POST (create), PATCH (update) or DELETE, all safe to repeat."""
        path = key_path(self.resource, change.key)
        op = change.operation
        if op == "delete":
            try:
                self.client.request("DELETE", path)
            except NotFoundError:
                return self.result(change, "unchanged", path)
            return self.result(change, "deleted", path)
        if op == "create":
            try:
                self.client.request("POST", self.resource, body=change.values)
            except ConflictError:
                return self.result(change, "unchanged", path)
            return self.result(change, "created", path)
        if op == "update":
            self.client.request("PATCH", path, body=change.values)
            return self.result(change, "updated", path)
        self.client.request("PUT", path, body=change.values)
        return self.result(change, "upserted", path)

    def applied(self, change: Change) -> DeliveryResult | None:
        """Read the resource back by its natural key."""
        path = key_path(self.resource, change.key)
        if change.operation == "delete":
            return None if self.client.exists(path) else self.result(change, "deleted", path)
        if change.operation == "create" and self.client.exists(path):
            return self.result(change, "created", path)
        return None


class FileSink(Sink):
    """Writes one file per record into an outbox folder (SFTP, AS2 gateway drop folder)."""

    kind = "files"

    def __init__(
        self,
        system: str,
        files: FileTransfer,
        directory: str,
        render: Callable[[Change], tuple[str, bytes]],
    ) -> None:
        super().__init__(system)
        self.files = files
        self.directory = directory
        self.render = render

    def apply(self, change: Change) -> DeliveryResult:
        """Write the rendered file; a create whose file exists already is unchanged."""
        name, data = self.render(change)
        path = join(self.directory, name)
        if change.operation == "create" and self.files.exists(path):
            return self.result(change, "unchanged", path)
        self.files.write(path, data)
        return self.result(change, "written", path)

    def applied(self, change: Change) -> DeliveryResult | None:
        """The file is there."""
        path = join(self.directory, self.render(change)[0])
        return self.result(change, "written", path) if self.files.exists(path) else None


class BrokerSink(Sink):
    """Publishes the record to a topic keyed by its natural key (consumers deduplicate)."""

    kind = "broker"

    def __init__(self, system: str, broker: Broker, topic: str) -> None:
        super().__init__(system)
        self.broker = broker
        self.topic = topic

    def apply(self, change: Change) -> DeliveryResult:
        """Publish with the operation and correlation id as headers."""
        headers = {"mfgint-operation": change.operation}
        cid = current_correlation_id()
        if cid:
            headers["mfgint-correlation-id"] = cid
        value = json.dumps(change.values, sort_keys=True, default=str).encode()
        self.broker.publish(self.topic, value, key=change.key, headers=headers)
        return self.result(change, "published", self.topic)


# --- sources -------------------------------------------------------------------------------


class Source(ABC):
    """Where records come from for reconciliation and scheduled pulls."""

    kind: ClassVar[str] = ""

    def __init__(self, system: str) -> None:
        self.system = system

    @abstractmethod
    def changes(self, since: Watermark | None, limit: int) -> Page:
        """The next page of records changed after ``since``, oldest first."""

    def fetch(self, hint: Mapping[str, Any]) -> Record | None:
        """The current record a notification points at (None: use the payload as it is)."""
        return None


class OdooSource(Source):
    """Incremental pull ordered by ``write_date``, then ``id`` (keyset pagination)."""

    kind = "odoo"

    def __init__(
        self, system: str, client: OdooClient, model: str, fields: Sequence[str] = ()
    ) -> None:
        super().__init__(system)
        self.client = client
        self.model = model
        self.fields = list(fields)

    def read_fields(self) -> list[str]:
        """Fields to read: all (empty list) or the chosen ones plus id and write_date."""
        if not self.fields:
            return []
        return sorted({*self.fields, "id", "write_date"})

    def domain(self, since: Watermark | None) -> Domain:
        """``write_date > watermark``, or equal with a greater id: no record lost at a page edge."""
        if since is None:
            return []
        if since.last_id <= 0:
            return [["write_date", ">", since.value]]
        return [
            "|",
            ["write_date", ">", since.value],
            "&",
            ["write_date", "=", since.value],
            ["id", ">", since.last_id],
        ]

    def changes(self, since: Watermark | None, limit: int) -> Page:
        """One page of ``search_read``."""
        rows = self.client.search_read(
            self.model, self.domain(since), self.read_fields(), limit=limit, order=ODOO_ORDER
        )
        mark = since
        if rows:
            mark = Watermark(str(rows[-1]["write_date"]), int(rows[-1]["id"]))
        return Page(rows, mark, len(rows) < limit)

    def fetch(self, hint: Mapping[str, Any]) -> Record | None:
        """Read back the record of an Odoo webhook notification (``_model``, ``_id``)."""
        if "_id" not in hint:
            return None
        rows = self.client.search_read(
            self.model, [["id", "=", int(hint["_id"])]], self.read_fields(), limit=1
        )
        if not rows:
            raise NotFoundError(f"{self.model},{hint['_id']} no longer exists")
        return rows[0]


class RestSource(Source):
    """Incremental pull from a REST collection: ``GET resource?updated_since=...&limit=...``."""

    kind = "rest"

    def __init__(
        self,
        system: str,
        client: RestClient,
        resource: str,
        *,
        since_param: str = "updated_since",
        watermark_field: str = "updated_at",
    ) -> None:
        super().__init__(system)
        self.client = client
        self.resource = resource
        self.since_param = since_param
        self.watermark_field = watermark_field

    def changes(self, since: Watermark | None, limit: int) -> Page:
        """One page; the watermark is the greatest ``watermark_field`` seen."""
        params = {"limit": str(limit)}
        if since is not None:
            params[self.since_param] = since.value
        data = self.client.get(self.resource, params)
        items = data.get("items", []) if isinstance(data, dict) else data
        records = [dict(item) for item in items or []]
        stamps = [str(r[self.watermark_field]) for r in records if self.watermark_field in r]
        mark = Watermark(max(stamps)) if stamps else since
        return Page(records, mark, len(records) < limit)


class FileSource(Source):
    """Inbox files: handled ones go to processed (replayed by reconcile), bad ones to error."""

    kind = "files"

    def __init__(
        self,
        system: str,
        files: FileTransfer,
        *,
        inbox: str,
        processed: str,
        error: str,
        parse: Callable[[str, bytes], list[Record]],
    ) -> None:
        super().__init__(system)
        self.files = files
        self.inbox = inbox
        self.processed = processed
        self.error = error
        self.parse = parse

    def pending(self) -> list[str]:
        """Names waiting in the inbox, oldest name first."""
        return self.files.list(self.inbox)

    def read(self, name: str) -> list[Record]:
        """Parse one inbox file."""
        return self.parse(name, self.files.read(join(self.inbox, name)))

    def done(self, name: str) -> None:
        """Move a handled file to the processed folder."""
        self.files.move(join(self.inbox, name), join(self.processed, name))

    def failed(self, name: str) -> str:
        """Move an unreadable file to the error folder; its new path."""
        target = join(self.error, name)
        self.files.move(join(self.inbox, name), target)
        return target

    def changes(self, since: Watermark | None, limit: int) -> Page:
        """Processed files after ``since`` (by name), parsed again: a replay."""
        names = [n for n in self.files.list(self.processed) if since is None or n > since.value]
        chosen = names[:limit]
        records: list[Record] = []
        for name in chosen:
            records.extend(self.parse(name, self.files.read(join(self.processed, name))))
        mark = Watermark(chosen[-1]) if chosen else since
        return Page(records, mark, len(chosen) < limit)


class NullSource(Source):
    """A source without a change feed: reconciliation has nothing to pull."""

    kind = "none"

    def changes(self, since: Watermark | None, limit: int) -> Page:
        """Always empty."""
        return Page([], since, True)


class BrokerSource:
    """The topic an event flow consumes, with its consumer group."""

    def __init__(self, system: str, broker: Broker, topic: str, group: str) -> None:
        self.system = system
        self.broker = broker
        self.topic = topic
        self.group = group

    def poll(self, max_messages: int) -> list[Message]:
        """The next messages after the group's offset."""
        return self.broker.poll(self.topic, self.group, max_messages)

    def commit(self, message: Message) -> None:
        """Commit after processing (at-least-once)."""
        self.broker.commit(message, self.group)


# --- the engine ----------------------------------------------------------------------------


def slug(text: str) -> str:
    """An ``ir.model.data`` name part, ``[A-Za-z0-9_]``; a hash is added when characters changed."""
    cleaned = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_") or "key"
    if cleaned == text:
        return cleaned
    return f"{cleaned}_{hashlib.sha1(text.encode()).hexdigest()[:8]}"


def correlation_from(headers: Mapping[str, str]) -> str | None:
    """The correlation id a caller sent (X-Correlation-ID, Kong-Request-ID, CloudEvents id)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in CORRELATION_HEADERS:
        if lowered.get(name):
            return lowered[name]
    return None


class FlowConnector:
    """Delivers records of one flow to its targets with retry, idempotency and dead letters."""

    FLOW: ClassVar[str] = ""
    OBJECT: ClassVar[str] = ""
    OBJECT_VERSION: ClassVar[str] = ""
    OPERATION: ClassVar[str] = "upsert"
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ()
    FIELDS: ClassVar[tuple[str, ...]] = ()
    XMLID_MODULE: ClassVar[str] = "mfgint"

    def __init__(
        self,
        *,
        source: Source,
        sinks: Sequence[Sink],
        retry: RetryPolicy,
        dead_letters: DeadLetterSink,
        watermarks: WatermarkStore,
        consumer: BrokerSource | None = None,
        file_source: FileSource | None = None,
        metrics: Metrics | None = None,
        batch_size: int = 200,
        sleep: Callable[[float], object] = time.sleep,
        rand: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.source = source
        self.sinks = tuple(sinks)
        self.retry = retry
        self.dead_letters = dead_letters
        self.watermarks = watermarks
        self.consumer = consumer
        self.file_source = file_source
        self.metrics = metrics or Metrics()
        self.batch_size = batch_size
        self.sleep = sleep
        self.rand = rand
        self.clock = clock
        self.logger = flow_logger(self.FLOW)

    # --- hooks (override in connector.py) ------------------------------------------------

    def transform(self, record: Record, target: str) -> Record:
        """Map a canonical record to what ``target`` expects (default: the canonical fields)."""
        if not self.FIELDS:
            return dict(record)
        return {name: record[name] for name in self.FIELDS if name in record}

    def from_source(self, row: Record) -> Record:
        """Turn a row read from the source into a canonical record (default: unchanged)."""
        return row

    def natural_key_domain(self, record: Record, target: str) -> Domain | None:
        """An Odoo domain finding the target record by natural key (None: external id only)."""
        return None

    def parse_file(self, name: str, data: bytes) -> list[Record]:
        """Records in an inbound file (default: a JSON object or list)."""
        payload = json.loads(data)
        return [dict(item) for item in payload] if isinstance(payload, list) else [dict(payload)]

    def render_file(self, change: Change) -> tuple[str, bytes]:
        """File name and content for an outbound record (default: ``<key>.json``)."""
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", change.key) + ".json"
        return name, json.dumps(change.values, sort_keys=True, default=str).encode()

    # --- identity ------------------------------------------------------------------------

    def key_of(self, record: Mapping[str, Any]) -> str:
        """The natural key: the key fields' values joined by ``+``."""
        if not self.KEY_FIELDS:
            raise PermanentError(f"{self.FLOW}: no key fields; set KEY_FIELDS in connector.py")
        parts = []
        for name in self.KEY_FIELDS:
            value = record.get(name)
            if value is None or value == "":
                raise PermanentError(f"record has no {name!r} (part of the key)")
            parts.append(str(value))
        return "+".join(parts)

    def external_id(self, key: str) -> tuple[str, str]:
        """``(module, name)`` of the record's ``ir.model.data`` entry: one module per source."""
        return self.XMLID_MODULE, f"{slug(self.OBJECT.replace('-', '_'))}_{slug(key)}"

    # --- entry points --------------------------------------------------------------------

    def handle(
        self, payload: Mapping[str, Any], *, correlation_id: str | None = None
    ) -> list[DeliveryResult]:
        """Webhook, API and event entry point: one notification or record, all targets."""
        cid = correlation_id or self.payload_correlation(payload)
        with correlation_scope(cid):
            try:
                record = self.unwrap(payload)
            except (PermanentError, RetriesExhaustedError) as exc:
                self.dead_letter(None, "?", dict(payload), exc, 1, self.now())
                return [DeliveryResult("-", "?", "dead-lettered")]
            if record is None:
                return []
            return self.deliver(record)

    def payload_correlation(self, payload: Mapping[str, Any]) -> str | None:
        """A CloudEvent's ``id`` or a ``correlation_id`` field, when present."""
        for name in ("correlation_id", "id"):
            value = payload.get(name)
            if isinstance(value, str) and value and ("specversion" in payload or name != "id"):
                return value
        return None

    def unwrap(self, payload: Mapping[str, Any]) -> Record | None:
        """The canonical record in a payload: CloudEvent data, or read back for an Odoo hint."""
        body: Mapping[str, Any] = payload
        if "specversion" in payload and isinstance(payload.get("data"), Mapping):
            body = payload["data"]
        if "_model" in body and "_id" in body:
            row = call_with_retry(
                lambda _attempt: self.source.fetch(body),
                self.retry,
                sleep=self.sleep,
                rand=self.rand,
                on_retry=self.on_retry,
            )
            return self.from_source(row) if row is not None else dict(body)
        return dict(body)

    def deliver(self, record: Record) -> list[DeliveryResult]:
        """Deliver one canonical record to every target."""
        try:
            key = self.key_of(record)
        except PermanentError as exc:
            self.dead_letter(None, "?", record, exc, 1, self.now())
            return [DeliveryResult("-", "?", "dead-lettered")]
        return [self.deliver_to(sink, record, key) for sink in self.sinks]

    def deliver_to(self, sink: Sink, record: Record, key: str) -> DeliveryResult:
        """Retry transient failures; dead-letter permanent ones and exhausted retries."""
        attempts = 0
        first_failure: list[str] = []

        def attempt(number: int) -> DeliveryResult:
            nonlocal attempts
            attempts = number
            try:
                return sink.apply(change)
            except Exception:
                if not first_failure:
                    first_failure.append(self.now())
                raise

        change = Change(
            key=key,
            operation=self.OPERATION,
            values=self.transform(record, sink.system),
            external_id=self.external_id(key),
            natural_domain=self.natural_key_domain(record, sink.system),
        )
        try:
            result = call_with_retry(
                attempt,
                self.retry,
                sleep=self.sleep,
                rand=self.rand,
                read_back=lambda: sink.applied(change),
                on_retry=self.on_retry,
            )
        except (PermanentError, RetriesExhaustedError) as exc:
            self.dead_letter(sink.system, key, record, exc, attempts, first_failure[0])
            return DeliveryResult(sink.system, key, "dead-lettered")
        self.metrics.message(self.FLOW, "success")
        self.metrics.success(self.FLOW, self.clock())
        log(
            self.logger,
            logging.INFO,
            "delivered",
            {"target": sink.system, "key": key, "action": result.action, "attempts": attempts},
        )
        return result

    def on_retry(self, attempt: int, delay: float, error: Exception) -> None:
        """Count and log a retry."""
        self.metrics.retry(self.FLOW)
        log(
            self.logger,
            logging.WARNING,
            "retrying after a transient failure",
            {"attempt": attempt, "delay_seconds": round(delay, 3), "error": str(error)},
        )

    def dead_letter(
        self,
        target: str | None,
        key: str,
        record: Mapping[str, Any],
        error: Exception,
        attempts: int,
        first_failure: str,
    ) -> None:
        """Send one record to the dead-letter destination and count it."""
        cause = error.last_error if isinstance(error, RetriesExhaustedError) else error
        letter = DeadLetter(
            flow=self.FLOW,
            key=key,
            target=target or "-",
            payload=dict(record),
            error=str(error),
            error_type=type(cause).__name__,
            attempts=max(attempts, 1),
            correlation_id=current_correlation_id(),
            first_failure=first_failure,
        )
        self.dead_letters.send(letter)
        self.metrics.message(self.FLOW, "failure")
        self.metrics.dead_letter(self.FLOW, self.dead_letters.depth())
        log(
            self.logger,
            logging.ERROR,
            "dead-lettered",
            {"target": letter.target, "key": key, "attempts": letter.attempts,
             "error": letter.error, "error_type": letter.error_type},
        )

    def now(self) -> str:
        """The clock as an ISO 8601 UTC timestamp."""
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC).isoformat()

    def reconcile(self, since: str | None = None) -> RunReport:
        """Pull what changed at the source since ``since`` (else the saved watermark) and deliver.

        Deliveries are idempotent, so replaying records the flow already carried is harmless;
        the watermark is saved after every page.
        """
        mark = Watermark(since) if since is not None else self.watermarks.load(self.FLOW)
        report = RunReport(watermark=mark)
        with correlation_scope() as run_id:
            log(self.logger, logging.INFO, "reconciliation started",
                {"since": mark.value if mark else None, "run_id": run_id})
            while True:
                page = call_with_retry(
                    functools.partial(self.page, mark),
                    self.retry,
                    sleep=self.sleep,
                    rand=self.rand,
                    on_retry=self.on_retry,
                )
                for row in page.records:
                    with correlation_scope():
                        report.add(self.deliver(self.from_source(row)))
                if page.watermark is not None and page.watermark != mark:
                    mark = page.watermark
                    self.watermarks.save(self.FLOW, mark)
                elif not page.done:
                    log(self.logger, logging.WARNING, "watermark did not advance; stopping", {})
                    break
                if page.done:
                    break
            report.watermark = mark
            if self.source.kind != "none":
                self.mark_in_sync(report)
            log(self.logger, logging.INFO, "reconciliation finished",
                {"delivered": report.delivered, "failed": report.failed,
                 "watermark": mark.value if mark else None})
        return report

    def page(self, since: Watermark | None, _attempt: int) -> Page:
        """One page of changes from the source (retried by reconcile)."""
        return self.source.changes(since, self.batch_size)

    def consume(self, max_messages: int | None = None) -> RunReport:
        """Process messages from the consumed topic, committing each after delivery."""
        report = RunReport()
        if self.consumer is None:
            return report
        while max_messages is None or len(report.results) + report.skipped < max_messages:
            batch = self.consumer.poll(self.batch_size)
            if not batch:
                break
            for message in batch:
                report.add(self.handle_message(message))
                self.consumer.commit(message)
        self.mark_in_sync(report)
        return report

    def handle_message(self, message: Message) -> list[DeliveryResult]:
        """Decode one broker message (JSON, possibly a CloudEvent) and handle it."""
        cid = correlation_from(message.headers)
        try:
            payload = json.loads(message.value)
        except ValueError as exc:
            with correlation_scope(cid):
                raw = {"value": message.value.decode("utf-8", "replace")}
                self.dead_letter(None, message.key or "?", raw, PermanentError(str(exc)), 1,
                                 self.now())
            return [DeliveryResult("-", message.key or "?", "dead-lettered")]
        if not isinstance(payload, dict):
            payload = {"value": payload}
        return self.handle(payload, correlation_id=cid)

    def process_files(self) -> RunReport:
        """Deliver every record of every inbox file, then move the file to processed."""
        report = RunReport()
        if self.file_source is None:
            return report
        for name in self.file_source.pending():
            with correlation_scope():
                try:
                    records = self.file_source.read(name)
                except (ValueError, PermanentError) as exc:
                    moved = self.file_source.failed(name)
                    self.dead_letter(None, name, {"file": moved}, PermanentError(str(exc)), 1,
                                     self.now())
                    report.failed += 1
                    continue
                for record in records:
                    report.add(self.deliver(record))
                self.file_source.done(name)
        self.mark_in_sync(report)
        return report

    def mark_in_sync(self, report: RunReport) -> None:
        """A run that left nothing undelivered proves the target fresh: record it as a success."""
        if report.failed == 0:
            self.metrics.success(self.FLOW, self.clock())

    def run(self, max_messages: int | None = None) -> RunReport:
        """One scheduled run: consume the topic, or the inbox files, else reconcile."""
        if self.consumer is not None:
            return self.consume(max_messages)
        if self.file_source is not None:
            return self.process_files()
        return self.reconcile()


# --- the base of generated connectors -------------------------------------------------------


class HasFlowSettings(Protocol):
    """What FlowBase reads of a flow's generated settings class."""

    @property
    def flow(self) -> FlowSettings:
        """Retry, state folder, page size, timeout and log level."""

    @property
    def dead_letter(self) -> DeadLetterSettings:
        """Where dead letters go."""


SettingsT = TypeVar("SettingsT", bound=HasFlowSettings)


@dataclass
class Wiring:
    """What ``FlowBase.wire()`` returns: the flow's source, its targets in order, and what it
    consumes (a topic or an inbox), if anything."""

    source: Source
    sinks: list[Sink]
    consumer: BrokerSource | None = None
    file_source: FileSource | None = None


class FlowBase(FlowConnector, Generic[SettingsT]):
    """What every generated ``<flow>/base.py`` shares: settings, transports and their wiring.

    The generated subclass declares the flow (constants, ``wire()``, the dead-letter system);
    tests inject fakes through the keyword arguments, production code passes only settings.
    """

    # The prefix of the flow's environment variables (MFGINT_<FLOW>).
    ENV_PREFIX: ClassVar[str] = ""
    # The system holding the dead letters (a broker or a file transfer); None: local or log.
    DEAD_LETTER_SYSTEM: ClassVar[str | None] = None

    def __init__(
        self,
        settings: SettingsT,
        *,
        http: HttpTransport | None = None,
        files: Mapping[str, FileTransfer] | None = None,
        broker: Broker | None = None,
        dead_letters: DeadLetterSink | None = None,
        watermarks: WatermarkStore | None = None,
        metrics: Metrics | None = None,
        sleep: Callable[[float], object] = time.sleep,
        rand: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.http = http if http is not None else UrllibTransport()
        self._files = dict(files or {})
        self._broker = broker
        wiring = self.wire()
        flow = settings.flow
        super().__init__(
            source=wiring.source,
            sinks=wiring.sinks,
            consumer=wiring.consumer,
            file_source=wiring.file_source,
            retry=flow.retry,
            dead_letters=dead_letters if dead_letters is not None else self.open_dead_letters(),
            watermarks=watermarks if watermarks is not None else FileWatermarkStore(flow.state_dir),
            metrics=metrics,
            batch_size=flow.batch_size,
            sleep=sleep,
            rand=rand,
            clock=clock,
        )

    def wire(self) -> Wiring:
        """The flow's source and targets (generated in base.py)."""
        raise NotImplementedError(f"{type(self).__name__} does not define wire()")

    # --- building blocks of wire() -------------------------------------------------------

    def odoo(self, settings: OdooSettings) -> OdooClient:
        """The Odoo client of ``settings.protocol``."""
        return make_odoo_client(settings, self.http, self.settings.flow.timeout)

    def rest(self, settings: RestSettings) -> RestClient:
        """A REST client for ``settings.url``."""
        return RestClient(
            settings.url, self.http, token=settings.token, timeout=self.settings.flow.timeout
        )

    def inbox(self, settings: FileSettings) -> FileSource:
        """The inbox of a file flow, on the system's FileTransfer."""
        return FileSource(
            settings.system,
            self.files_for(settings.system),
            inbox=settings.inbox,
            processed=settings.processed,
            error=settings.error,
            parse=self.parse_file,
        )

    def outbox(self, settings: FileSettings) -> FileSink:
        """A target written as one file per record into the system's outbox."""
        return FileSink(
            settings.system, self.files_for(settings.system), settings.outbox, self.render_file
        )

    def topic(self, settings: BrokerSettings) -> BrokerSource:
        """The consumed topic and consumer group."""
        return BrokerSource(
            settings.system, self.broker_for(settings.system), settings.topic, settings.group
        )

    # --- connections (override open_broker / open_files in connector.py) ------------------

    def open_dead_letters(self) -> DeadLetterSink:
        """A broker topic or a folder (on DEAD_LETTER_SYSTEM, else local), else the error log."""
        dead = self.settings.dead_letter
        system = self.DEAD_LETTER_SYSTEM
        if dead.kind == "broker" and system and dead.destination:
            return BrokerDeadLetters(self.broker_for(system), dead.destination)
        if dead.kind == "files" and dead.destination:
            transfer = self.files_for(system) if system else LocalFileTransfer("/")
            return FileDeadLetters(transfer, dead.destination)
        return LogDeadLetters(flow_logger(self.FLOW))

    def broker_for(self, system: str) -> Broker:
        """The broker given to the constructor, else ``open_broker(system)``."""
        return self._broker if self._broker is not None else self.open_broker(system)

    def files_for(self, system: str) -> FileTransfer:
        """The FileTransfer given for ``system``, else ``open_files(system)``."""
        given = self._files.get(system)
        return given if given is not None else self.open_files(system)

    def open_broker(self, system: str) -> Broker:
        """Connect to a broker: implement in connector.py with your client library."""
        raise ConfigError(
            f"flow {self.FLOW}: no broker client for {system}; "
            "implement open_broker() in connector.py"
        )

    def open_files(self, system: str) -> FileTransfer:
        """Open an SFTP session or share: implement in connector.py (no SFTP library bundled)."""
        raise ConfigError(
            f"flow {self.FLOW}: no file transfer for {system}; "
            "implement open_files() in connector.py"
        )
