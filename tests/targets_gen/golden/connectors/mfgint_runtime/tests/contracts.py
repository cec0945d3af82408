"""The tests every generated flow connector runs on fakes, shared by the flows' test modules.

A flow's ``<flow>/test_<flow>.py`` holds one class that inherits FlowContract and the contracts
that apply to the flow (its operation, its source, what it consumes, its Odoo targets) and gives
them the flow's data: the generated base, the hand-written connector, the settings class, the
test environment and a sample record. The tests run the generated base class (the mappings of
connector.py may not be written yet) against fakes: an in-memory Odoo speaking the three
protocols, REST collections, a broker, file stores and dead letters.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Protocol, cast

import pytest

from mfgint_runtime.broker import MemoryBroker
from mfgint_runtime.config import (
    DeadLetterSettings,
    FileSettings,
    FlowSettings,
    OdooSettings,
    RestSettings,
    env_key,
)
from mfgint_runtime.connector import (
    BrokerSink,
    Change,
    DeliveryResult,
    FileSink,
    FileSource,
    FlowBase,
    FlowConnector,
    OdooSink,
    OdooSource,
    RestSink,
    RestSource,
    Sink,
)
from mfgint_runtime.deadletter import MemoryDeadLetters
from mfgint_runtime.errors import ConfigError
from mfgint_runtime.files import MemoryFileTransfer
from mfgint_runtime.logs import JsonFormatter
from mfgint_runtime.metrics import MESSAGES, Metrics
from mfgint_runtime.odoo import Domain
from mfgint_runtime.retry import RetryPolicy
from mfgint_runtime.state import MemoryWatermarkStore, Watermark
from mfgint_runtime.testing import FakeHttp, FakeOdoo, FakeRest, odoo_call
from mfgint_runtime.transport import HttpRequest

Connector = FlowBase[Any]
T1, T2, T3 = "2026-01-01 00:00:01", "2026-01-01 00:00:02", "2026-01-01 00:00:03"
CLOCK = 1767254400.0
ODOO_PROTOCOLS = ("json-2", "json-rpc", "xml-rpc")


class SettingsClass(Protocol):
    """A generated ``<Flow>Settings`` class."""

    def from_env(self, environ: Mapping[str, str] | None = None) -> Any:
        """Read the settings from ``environ``."""


class NaturalKeys(FlowConnector):
    """Finds target records by their key fields, as connector.py may (mixed into the base)."""

    def natural_key_domain(self, record: Mapping[str, Any], target: str) -> Domain | None:
        """Every key field equal."""
        return [[name, "=", record[name]] for name in self.KEY_FIELDS]


def systems_settings(settings: Any) -> list[tuple[str, Any]]:
    """(attribute, settings) of each system in a settings object, in declaration order."""
    return [(name, value) for name, value in vars(settings).items()
            if not isinstance(value, FlowSettings | DeadLetterSettings)]


def delivered(results: list[DeliveryResult]) -> bool:
    """True when no result was dead-lettered."""
    return bool(results) and all(r.action != "dead-lettered" for r in results)


class World:
    """A flow's connector wired to fakes: HTTP servers, broker, file stores and dead letters.

    The fakes follow the connector's own wiring: an in-memory Odoo at each Odoo URL of the
    settings, REST collections at the URLs its REST source and targets use.
    """

    def __init__(
        self,
        contract: FlowContract,
        cls: type[Connector] | None = None,
        env: Mapping[str, str] | None = None,
        *,
        inject_dead_letters: bool = True,
    ) -> None:
        self.http = FakeHttp()
        self.broker = MemoryBroker()
        self.dead_letters = MemoryDeadLetters()
        self.watermarks = MemoryWatermarkStore()
        self.metrics = Metrics()
        self.sleeps: list[float] = []
        self.settings = contract.SETTINGS.from_env(contract.ENV if env is None else env)
        base = contract.BASE if cls is None else cls
        self.files: dict[str, MemoryFileTransfer] = {
            value.system: MemoryFileTransfer()
            for _, value in systems_settings(self.settings) if isinstance(value, FileSettings)
        }
        if self.settings.dead_letter.kind == "files" and base.DEAD_LETTER_SYSTEM:
            self.files.setdefault(base.DEAD_LETTER_SYSTEM, MemoryFileTransfer())
        self.fakes: dict[str, FakeOdoo | FakeRest] = {}
        for _, value in systems_settings(self.settings):
            if isinstance(value, OdooSettings):
                self.mount(value.url, FakeOdoo())
        self.connector = base(
            self.settings,
            http=self.http,
            files=self.files,
            broker=self.broker,
            dead_letters=self.dead_letters if inject_dead_letters else None,
            watermarks=self.watermarks,
            metrics=self.metrics,
            sleep=self.sleeps.append,
            rand=lambda: 0.5,
            clock=lambda: CLOCK,
        )
        collections: dict[str, dict[str, Sequence[str]]] = {
            value.url: {} for _, value in systems_settings(self.settings)
            if isinstance(value, RestSettings)
        }
        keys = self.connector.KEY_FIELDS
        for side in (self.connector.source, *self.connector.sinks):
            if isinstance(side, RestSource | RestSink):
                collections.setdefault(side.client.base_url, {})[side.resource] = keys
        for url, served in collections.items():
            self.mount(url, FakeRest(url, served))

    def mount(self, url: str, fake: FakeOdoo | FakeRest) -> None:
        """Serve ``url`` with ``fake``."""
        self.fakes[url.rstrip("/")] = fake
        self.http.mount(url, fake)

    def odoo_at(self, url: str) -> FakeOdoo:
        """The fake Odoo at ``url``."""
        fake = self.fakes[url.rstrip("/")]
        assert isinstance(fake, FakeOdoo)
        return fake

    def rest_at(self, url: str) -> FakeRest:
        """The fake REST server at ``url``."""
        fake = self.fakes[url.rstrip("/")]
        assert isinstance(fake, FakeRest)
        return fake

    def source_url(self) -> str:
        """The URL the connector reads its source from."""
        source = self.connector.source
        if isinstance(source, OdooSource):
            return source.client.settings.url
        assert isinstance(source, RestSource)
        return source.client.base_url

    def sink(self, target: str) -> Sink:
        """The connector's sink for ``target``."""
        for sink in self.connector.sinks:
            if sink.system == target:
                return sink
        raise AssertionError(target)

    def url_of(self, sink: Sink) -> str:
        """The URL an Odoo or REST sink writes to."""
        if isinstance(sink, OdooSink):
            return sink.client.settings.url
        assert isinstance(sink, RestSink)
        return sink.client.base_url

    def stored(self, target: str) -> list[dict[str, Any]]:
        """What ``target`` holds now (the latest message per key on a topic)."""
        sink = self.sink(target)
        if isinstance(sink, OdooSink):
            return self.odoo_at(self.url_of(sink)).records(sink.model)
        if isinstance(sink, RestSink):
            return self.rest_at(self.url_of(sink)).records(sink.resource)
        if isinstance(sink, FileSink):
            store, outbox = sink.files, sink.directory
            return [json.loads(store.read(f"{outbox}/{name}")) for name in store.list(outbox)]
        assert isinstance(sink, BrokerSink)
        messages = self.broker.topics.get(sink.topic, [])
        return list({m.key: json.loads(m.value) for m in messages}.values())

    def seed_target(self, target: str, rec: dict[str, Any]) -> None:
        """Put ``rec`` at ``target`` as an earlier run would have."""
        values = self.connector.transform(rec, target)
        key = self.connector.key_of(rec)
        sink = self.sink(target)
        if isinstance(sink, OdooSink):
            odoo = self.odoo_at(self.url_of(sink))
            res_id = odoo.seed(sink.model, values)
            module, name = self.connector.external_id(key)
            odoo.seed(
                "ir.model.data",
                {"module": module, "name": name, "model": sink.model, "res_id": res_id},
            )
        elif isinstance(sink, RestSink):
            self.rest_at(self.url_of(sink)).seed(sink.resource, values)
        elif isinstance(sink, FileSink):
            change = Change(key, "upsert", values, self.connector.external_id(key))
            name, data = self.connector.render_file(change)
            sink.files.write(f"{sink.directory}/{name}", data)
        else:
            assert isinstance(sink, BrokerSink)
            self.broker.publish(sink.topic, json.dumps(values).encode(), key=key)

    def break_target(self, target: str, times: int) -> None:
        """Make the next ``times`` writes to ``target`` fail with a transient error."""
        sink = self.sink(target)
        if isinstance(sink, OdooSink | RestSink):
            self.http.fail(self.url_of(sink), times, status=503)
        elif isinstance(sink, FileSink):
            self.files[target].fail_next(times)
        else:
            self.broker.fail_next(times)


class FlowContract:
    """What every flow passes: configuration, retries, dead letters and correlation ids."""

    BASE: ClassVar[type[Connector]]
    CONNECTOR: ClassVar[type[Connector]]
    SETTINGS: ClassVar[SettingsClass]
    RETRY: ClassVar[RetryPolicy]
    TARGETS: ClassVar[tuple[str, ...]]
    # Targets reached over HTTP (Odoo and REST), for the tests that need a server's answer.
    HTTP_TARGETS: ClassVar[tuple[str, ...]] = ()
    ENV: ClassVar[dict[str, str]]
    SAMPLE: ClassVar[dict[str, Any]]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Run the tests taking ``target`` once per target (``http_target``: per HTTP one)."""
        if "target" in metafunc.fixturenames:
            metafunc.parametrize("target", self.TARGETS)
        if "http_target" in metafunc.fixturenames:
            metafunc.parametrize("http_target", self.HTTP_TARGETS)

    def world(
        self,
        cls: type[Connector] | None = None,
        env: Mapping[str, str] | None = None,
        *,
        inject_dead_letters: bool = True,
    ) -> World:
        """The flow wired to fresh fakes."""
        return World(self, cls, env, inject_dead_letters=inject_dead_letters)

    def record(self, n: int, **changes: Any) -> dict[str, Any]:
        """The sample record with key number ``n``, some fields changed."""
        out = dict(self.SAMPLE)
        for name in self.BASE.KEY_FIELDS:
            value = out[name]
            out[name] = value + n if isinstance(value, int) else f"{value}-{n}"
        out.update(changes)
        return out

    def update_field(self) -> str | None:
        """A text field that is not part of the key, to change in update tests."""
        for name, value in self.SAMPLE.items():
            if name not in self.BASE.KEY_FIELDS and value == f"sample {name}":
                return name
        return None

    def seed_for_update(self, world: World, *numbers: int) -> None:
        """Update flows change existing records: put them at every target first."""
        if self.BASE.OPERATION == "update":
            for target in self.TARGETS:
                for n in numbers:
                    world.seed_target(target, self.record(n))

    def test_hand_written_connector_extends_the_generated_base(self) -> None:
        assert issubclass(self.CONNECTOR, self.BASE)

    def test_settings_come_from_the_environment(self) -> None:
        settings = self.SETTINGS.from_env(self.ENV)
        assert settings.flow.retry == self.RETRY
        for _, value in systems_settings(settings):
            if isinstance(value, OdooSettings | RestSettings):
                url = f"{self.BASE.ENV_PREFIX}_{env_key(value.system)}_URL"
                assert value.url == self.ENV[url]
            if isinstance(value, OdooSettings):
                assert value.protocol in ODOO_PROTOCOLS

    def test_flow_variable_wins_over_system_variable(self) -> None:
        attr, first = systems_settings(self.SETTINGS.from_env(self.ENV))[0]
        flow_var = f"{self.BASE.ENV_PREFIX}_{env_key(first.system)}_URL"
        system_var = f"MFGINT_{env_key(first.system)}_URL"
        env = {k: v for k, v in self.ENV.items() if k != flow_var}
        env[system_var] = "https://system-level.test"
        assert getattr(self.SETTINGS.from_env(env), attr).url == "https://system-level.test"
        env[flow_var] = "https://flow-level.test"
        assert getattr(self.SETTINGS.from_env(env), attr).url == "https://flow-level.test"

    def test_retry_gives_up_after_max_attempts_and_dead_letters(self) -> None:
        world = self.world()
        attempts = self.RETRY.max_attempts
        first = self.TARGETS[0]
        world.break_target(first, attempts)
        results = world.connector.deliver(self.record(1))
        assert results[0].action == "dead-lettered"
        [letter] = [x for x in world.dead_letters.letters if x.target == first]
        assert letter.attempts == attempts
        assert letter.key == world.connector.key_of(self.record(1))
        assert letter.error_type == "TransientError"
        assert world.sleeps == [self.RETRY.delay(n, lambda: 0.5) for n in range(1, attempts)]
        assert all(0 <= d <= self.RETRY.max_delay for d in world.sleeps)
        flow = self.BASE.FLOW
        assert world.metrics.value(MESSAGES, flow=flow, outcome="failure") == 1

    def test_a_transient_failure_is_retried_then_delivered(self) -> None:
        world = self.world()
        first = self.TARGETS[0]
        if self.BASE.OPERATION == "update":
            world.seed_target(first, self.record(1))
        world.break_target(first, 1)
        results = world.connector.deliver(self.record(1))
        if self.RETRY.max_attempts > 1:
            assert delivered(results)
            assert len(world.sleeps) == 1
        else:
            assert results[0].action == "dead-lettered"  # a single attempt: nothing to retry

    def test_default_dead_letter_destination(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        dead = self.SETTINGS.from_env(self.ENV).dead_letter
        system = self.BASE.DEAD_LETTER_SYSTEM
        local = dead.kind == "files" and not system
        env = {**self.ENV, f"{self.BASE.ENV_PREFIX}_DEAD_LETTER": str(tmp_path)} if local else None
        world = self.world(env=env, inject_dead_letters=False)
        world.break_target(self.TARGETS[0], self.RETRY.max_attempts)
        logger = f"mfgint.flow.{self.BASE.FLOW}"
        with caplog.at_level(logging.ERROR, logger=logger):
            world.connector.deliver(self.record(1))
        if dead.kind == "broker":
            [message] = world.broker.topics[dead.destination]
            assert message.key == world.connector.key_of(self.record(1))
            assert message.headers["mfgint-attempts"] == str(self.RETRY.max_attempts)
        elif dead.kind == "files" and system:
            assert len(world.files[system].list(dead.destination)) == 1
        elif local:
            assert len(list(tmp_path.iterdir())) == 1
        else:
            assert any(r.levelno == logging.ERROR and hasattr(r, "dead_letter")
                       for r in caplog.records)

    def test_correlation_id_in_logs(self, caplog: pytest.LogCaptureFixture) -> None:
        world = self.world()
        self.seed_for_update(world, 1)
        logger = f"mfgint.flow.{self.BASE.FLOW}"
        with caplog.at_level(logging.INFO, logger=logger):
            world.connector.handle(self.record(1), correlation_id="cid-test-1")
        mine = [r for r in caplog.records if r.name == logger]
        assert mine
        assert all(getattr(r, "correlation_id", None) == "cid-test-1" for r in mine)
        line = json.loads(JsonFormatter().format(mine[0]))
        assert line["correlation_id"] == "cid-test-1"
        assert line["flow"] == self.BASE.FLOW
        if any(isinstance(s, OdooSink | RestSink) for s in world.connector.sinks):
            assert any(r.headers.get("X-Correlation-ID") == "cid-test-1"
                       for r in world.http.requests)


# --- configuration of flows with an Odoo system ----------------------------------------------


class OdooSecretContract(FlowContract):
    """A flow talking to Odoo needs its API key: without it, a clear configuration error."""

    @staticmethod
    def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
        """The flow's ``python -m`` entry point (the flow's test module sets it)."""
        raise NotImplementedError

    def test_missing_secret_is_a_configuration_error(self) -> None:
        odoo = [v for _, v in systems_settings(self.SETTINGS.from_env(self.ENV))
                if isinstance(v, OdooSettings)]
        secret = f"{self.BASE.ENV_PREFIX}_{env_key(odoo[0].system)}_API_KEY"
        env = {k: v for k, v in self.ENV.items() if k != secret}
        with pytest.raises(ConfigError, match=secret):
            self.SETTINGS.from_env(env)

    def test_command_line_exits_2_on_missing_configuration(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert self.main(["run"], environ={}) == 2
        assert "API_KEY" in capsys.readouterr().err


# --- one contract per operation ---------------------------------------------------------------


class UpsertContract(FlowContract):
    """``upsert`` and ``sync``: the first delivery creates, the next ones update in place."""

    def test_upsert_creates_then_updates_idempotently(self, target: str) -> None:
        world = self.world()
        assert delivered(world.connector.deliver(self.record(1)))
        field = self.update_field()
        changes = {field: "changed"} if field else {}
        assert delivered(world.connector.deliver(self.record(1, **changes)))
        rows = world.stored(target)
        assert len(rows) == 1
        if field:
            assert rows[0][field] == "changed"
        assert not world.dead_letters.letters


class CreateContract(FlowContract):
    """``create``: a record delivered twice is created once."""

    def test_create_twice_creates_once(self, target: str) -> None:
        world = self.world()
        assert delivered(world.connector.deliver(self.record(1)))
        assert delivered(world.connector.deliver(self.record(1)))
        assert len(world.stored(target)) == 1
        assert not world.dead_letters.letters


class UpdateContract(FlowContract):
    """``update``: changes an existing record, as often as it is delivered."""

    def test_update_changes_the_existing_record_idempotently(self, target: str) -> None:
        world = self.world()
        world.seed_target(target, self.record(1))
        field = self.update_field()
        changes = {field: "changed"} if field else {}
        assert delivered(world.connector.deliver(self.record(1, **changes)))
        assert delivered(world.connector.deliver(self.record(1, **changes)))
        rows = world.stored(target)
        assert len(rows) == 1
        if field:
            assert rows[0][field] == "changed"


class UnknownRecordContract(FlowContract):
    """``update`` over HTTP: a record the target does not have is dead-lettered."""

    def test_update_of_an_unknown_record_is_dead_lettered(self, http_target: str) -> None:
        world = self.world()
        results = world.connector.deliver(self.record(7))
        assert [r.action for r in results if r.target == http_target] == ["dead-lettered"]
        assert any(letter.target == http_target for letter in world.dead_letters.letters)


class DeleteContract(FlowContract):
    """``delete``: deleting twice is the same as deleting once."""

    def test_delete_is_idempotent(self, target: str) -> None:
        world = self.world()
        world.seed_target(target, self.record(1))
        assert delivered(world.connector.deliver(self.record(1)))
        assert delivered(world.connector.deliver(self.record(1)))
        assert world.stored(target) == []
        assert not world.dead_letters.letters


class ReadContract(FlowContract):
    """``read`` and other operations: each record arrives once."""

    def test_read_flow_delivers_each_record_once(self, target: str) -> None:
        world = self.world()
        assert delivered(world.connector.deliver(self.record(1)))
        assert delivered(world.connector.deliver(self.record(1)))
        assert len(world.stored(target)) == 1


# --- Odoo and REST targets --------------------------------------------------------------------


class ReadBackContract(FlowContract):
    """A create whose response was lost is read back (external id, natural key), not repeated."""

    def test_timeout_after_apply_is_read_back_not_duplicated(self) -> None:
        keyed = type("NaturalKeys", (NaturalKeys, self.BASE), {})
        world = self.world(cast("type[Connector]", keyed))
        first = world.sink(self.TARGETS[0])
        model = first.model if isinstance(first, OdooSink) else None

        def match(request: HttpRequest) -> bool:
            if model is not None:
                return odoo_call(request) == (model, "create")
            return request.method in ("POST", "PUT")

        world.http.fail(world.url_of(first), 1, timeout="after", match=match)
        results = world.connector.deliver(self.record(1))
        if self.RETRY.max_attempts == 1:
            assert results[0].action == "dead-lettered"  # a single attempt: no retry to read back
            return
        assert results[0].action != "dead-lettered"
        assert len(world.stored(self.TARGETS[0])) == 1
        if isinstance(first, OdooSink):
            module, name = world.connector.external_id(world.connector.key_of(self.record(1)))
            assert world.odoo_at(world.url_of(first)).xmlid(module, name) is not None


class ExternalIdContract(FlowContract):
    """Odoo targets: the record gets the flow's external id (ir.model.data)."""

    def test_external_id_names_the_odoo_record(self) -> None:
        world = self.world()
        odoo = next(s for s in world.connector.sinks if isinstance(s, OdooSink))
        if self.BASE.OPERATION in ("update", "delete"):
            world.seed_target(odoo.system, self.record(1))
        world.connector.deliver(self.record(1))
        module, name = world.connector.external_id(world.connector.key_of(self.record(1)))
        assert module == self.BASE.XMLID_MODULE
        row = world.odoo_at(world.url_of(odoo)).xmlid(module, name)
        if self.BASE.OPERATION == "delete":
            assert row is None
        else:
            assert row is not None
            assert row["model"] == odoo.model


# --- what reconcile() pulls, per kind of source ---------------------------------------------


class OdooSourceContract(FlowContract):
    """An Odoo source is pulled by ``write_date`` (then id), from the saved watermark."""

    def test_reconcile_pulls_by_watermark(self) -> None:
        world = self.world()
        source = world.odoo_at(world.source_url())
        self.seed_for_update(world, 2, 3)
        source_model = world.connector.source
        assert isinstance(source_model, OdooSource)
        ids = [
            source.seed(source_model.model, {**self.record(n), "write_date": stamp})
            for n, stamp in ((1, T1), (2, T2), (3, T3))
        ]
        report = world.connector.reconcile(since=T1)
        assert report.delivered == 2 * len(self.TARGETS)
        assert report.failed == 0
        sent = b"".join(r.body or b"" for r in world.http.to(world.source_url()))
        assert b"write_date asc, id asc" in sent
        assert T1.encode() in sent
        assert world.watermarks.load(self.BASE.FLOW) == Watermark(T3, ids[2])
        again = world.connector.reconcile()
        assert again.delivered == 0


class RestSourceContract(FlowContract):
    """A REST source is pulled with ``updated_since`` from the saved watermark."""

    def test_reconcile_pulls_by_watermark(self) -> None:
        world = self.world()
        source = world.rest_at(world.source_url())
        rest = world.connector.source
        assert isinstance(rest, RestSource)
        self.seed_for_update(world, 2, 3)
        for n, stamp in ((1, T1), (2, T2), (3, T3)):
            source.seed(rest.resource, {**self.record(n), "updated_at": stamp})
        report = world.connector.reconcile(since=T1)
        assert report.delivered == 2 * len(self.TARGETS)
        assert report.failed == 0
        queries = [
            urllib.parse.parse_qs(urllib.parse.urlsplit(r.url).query)
            for r in world.http.to(world.source_url())
        ]
        assert {"updated_since": [T1], "limit": ["200"]} in queries
        assert world.watermarks.load(self.BASE.FLOW) == Watermark(T3)


class FileSourceContract(FlowContract):
    """A file source replays the processed files named after the watermark."""

    def test_reconcile_replays_processed_files_after_the_watermark(self) -> None:
        world = self.world()
        inbox = world.connector.file_source
        assert isinstance(inbox, FileSource)
        store = world.files[inbox.system]
        self.seed_for_update(world, 2, 3)
        for n in (1, 2, 3):
            store.write(f"{inbox.processed}/batch-{n}.json", json.dumps([self.record(n)]).encode())
        report = world.connector.reconcile(since="batch-1.json")
        assert report.delivered == 2 * len(self.TARGETS)
        assert world.watermarks.load(self.BASE.FLOW) == Watermark("batch-3.json")


class NoFeedContract(FlowContract):
    """A source without a change feed: reconciliation pulls nothing."""

    def test_reconcile_without_a_change_feed_pulls_nothing(self) -> None:
        world = self.world()
        report = world.connector.reconcile(since=T1)
        assert report.delivered == 0
        assert report.failed == 0


# --- what run() consumes ----------------------------------------------------------------------


class ConsumerContract(FlowContract):
    """An event flow consumes CloudEvents and commits each message after delivery."""

    def test_run_consumes_cloudevents_and_commits(self) -> None:
        world = self.world()
        self.seed_for_update(world, 1)
        event = {
            "specversion": "1.0",
            "id": "evt-1",
            "source": "/test",
            "type": "test",
            "data": self.record(1),
        }
        consumer = world.connector.consumer
        assert consumer is not None
        world.broker.publish(consumer.topic, json.dumps(event).encode(), headers={"ce_id": "evt-1"})
        world.broker.publish(consumer.topic, b"not json")
        report = world.connector.run()
        assert report.delivered == len(self.TARGETS)
        assert report.failed == 1
        assert world.broker.offsets[(consumer.topic, consumer.group)] == 2


class InboxContract(FlowContract):
    """A file flow delivers every inbox file, then moves it to processed (or error)."""

    def test_run_delivers_inbox_files_and_moves_them(self) -> None:
        world = self.world()
        inbox = world.connector.file_source
        assert isinstance(inbox, FileSource)
        store = world.files[inbox.system]
        self.seed_for_update(world, 1)
        store.write(f"{inbox.inbox}/batch-1.json", json.dumps([self.record(1)]).encode())
        store.write(f"{inbox.inbox}/batch-2.json", b"not json")
        report = world.connector.run()
        assert report.delivered == len(self.TARGETS)
        assert report.failed == 1
        assert store.list(inbox.inbox) == []
        assert store.list(inbox.processed) == ["batch-1.json"]
        assert store.list(inbox.error) == ["batch-2.json"]
        [letter] = world.dead_letters.letters
        assert letter.payload == {"file": f"{inbox.error}/batch-2.json"}


class OdooWebhookContract(FlowContract):
    """An Odoo webhook notification (``_model``, ``_id``) is read back before delivery."""

    def test_odoo_webhook_notification_is_read_back_then_delivered(self) -> None:
        world = self.world()
        self.seed_for_update(world, 1)
        source = world.connector.source
        assert isinstance(source, OdooSource)
        res_id = world.odoo_at(world.source_url()).seed(source.model, self.record(1))
        hint = {"_action": "Send Webhook Notification(#1)", "_id": res_id,
                "_model": source.model}
        assert delivered(world.connector.handle(hint))
