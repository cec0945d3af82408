"""Tests of the connector runtime: backoff, retry, the three Odoo protocols, config, metrics."""

from __future__ import annotations

import json
import logging
import xmlrpc.client
from pathlib import Path
from typing import Any

import pytest

from mfgint_runtime import (
    ConfigError,
    Env,
    FileWatermarkStore,
    FlowSettings,
    HttpRequest,
    HttpResponse,
    JsonFormatter,
    LocalFileTransfer,
    Metrics,
    OdooClient,
    OdooSettings,
    PermanentError,
    RetriesExhaustedError,
    RetryPolicy,
    TransientError,
    UnknownOutcomeError,
    Watermark,
    call_with_retry,
    correlation_scope,
    flow_logger,
    make_odoo_client,
)
from mfgint_runtime.testing import FakeHttp, FakeOdoo, odoo_call

URL = "https://odoo.test"


def odoo(protocol: str) -> tuple[OdooClient, FakeHttp, FakeOdoo]:
    """A client for ``protocol`` talking to a fresh fake Odoo."""
    http, fake = FakeHttp(), FakeOdoo()
    http.mount(URL, fake)
    settings = OdooSettings("odoo", URL, "test", protocol, "test-key", "bot")
    return make_odoo_client(settings, http, 5.0), http, fake


@pytest.mark.parametrize(
    ("backoff", "expected"),
    [("exponential", [1.0, 2.0, 4.0, 8.0, 10.0]), ("linear", [1.0, 2.0, 3.0, 4.0, 5.0]),
     ("fixed", [1.0] * 5)],
)
def test_backoff_ceilings(backoff: str, expected: list[float]) -> None:
    policy = RetryPolicy(6, backoff, 1.0, 10.0)
    assert [policy.ceiling(n) for n in range(1, 6)] == expected


def test_full_jitter_is_uniform_below_the_ceiling() -> None:
    policy = RetryPolicy(5, "exponential", 2.0, 60.0)
    assert policy.delay(3, lambda: 0.0) == 0.0
    assert policy.delay(3, lambda: 0.25) == 2.0
    assert policy.delay(3, lambda: 0.999) <= policy.ceiling(3)


def test_invalid_policy_is_rejected() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(0)


def test_retry_gives_up_after_max_attempts() -> None:
    calls: list[int] = []
    sleeps: list[float] = []

    def fail(attempt: int) -> str:
        calls.append(attempt)
        raise TransientError("down")

    with pytest.raises(RetriesExhaustedError) as info:
        call_with_retry(fail, RetryPolicy(4, "fixed", 1.0), sleep=sleeps.append)
    assert calls == [1, 2, 3, 4]
    assert sleeps == [1.0, 1.0, 1.0]
    assert info.value.attempts == 4


def test_permanent_errors_are_not_retried() -> None:
    calls: list[int] = []

    def fail(attempt: int) -> str:
        calls.append(attempt)
        raise PermanentError("bad request")

    with pytest.raises(PermanentError):
        call_with_retry(fail, RetryPolicy(5), sleep=lambda _: None)
    assert calls == [1]


def test_unknown_outcome_is_read_back_before_retrying() -> None:
    calls: list[int] = []

    def timeout(attempt: int) -> str:
        calls.append(attempt)
        raise UnknownOutcomeError("timed out")

    result = call_with_retry(
        timeout, RetryPolicy(5), sleep=lambda _: None, read_back=lambda: "already there"
    )
    assert result == "already there"
    assert calls == [1]


@pytest.mark.parametrize("protocol", ["json-2", "json-rpc", "xml-rpc"])
def test_odoo_clients_round_trip(protocol: str) -> None:
    client, _, fake = odoo(protocol)
    res_id = client.create("res.partner", {"name": "Acme", "ref": "S-1"})
    client.write("res.partner", [res_id], {"name": "Acme SA"})
    rows = client.search_read("res.partner", [["ref", "=", "S-1"]], ["name"], limit=5)
    assert rows == [{"id": res_id, "name": "Acme SA"}]
    client.call("res.partner", "action_archive", [res_id])
    assert fake.calls == [("res.partner", "action_archive", [res_id])]
    client.unlink("res.partner", [res_id])
    assert fake.records("res.partner") == []


def test_json2_request_shape() -> None:
    client, http, _ = odoo("json-2")
    client.search_read("res.partner", [], ["name"], limit=1, order="id asc")
    [request] = http.requests
    assert request.url == f"{URL}/json/2/res.partner/search_read"
    assert request.headers["Authorization"] == "bearer test-key"
    assert request.headers["X-Odoo-Database"] == "test"
    assert request.json() == {"domain": [], "fields": ["name"], "limit": 1, "order": "id asc"}


def test_jsonrpc_request_shape() -> None:
    client, http, _ = odoo("json-rpc")
    client.search_read("res.partner", [], ["name"])
    login, call = http.requests
    assert login.json()["params"] == {
        "service": "common", "method": "authenticate", "args": ["test", "bot", "test-key", {}],
    }
    body = call.json()
    assert call.url == f"{URL}/jsonrpc"
    assert body["method"] == "call"
    assert body["params"]["service"] == "object"
    assert body["params"]["args"][:5] == ["test", 2, "test-key", "res.partner", "search_read"]
    assert odoo_call(call) == ("res.partner", "search_read")


def test_xmlrpc_request_shape() -> None:
    client, http, _ = odoo("xml-rpc")
    client.search_read("res.partner", [], ["name"])
    login, call = http.requests
    assert login.url == f"{URL}/xmlrpc/2/common"
    assert call.url == f"{URL}/xmlrpc/2/object"
    params, method = xmlrpc.client.loads(call.body or b"")
    assert method == "execute_kw"
    assert list(params[:5]) == ["test", 2, "test-key", "res.partner", "search_read"]


@pytest.mark.parametrize("protocol", ["json-2", "json-rpc", "xml-rpc"])
def test_odoo_errors_are_permanent(protocol: str) -> None:
    client, _, _ = odoo(protocol)
    with pytest.raises(PermanentError):
        client.write("res.partner", [999], {"name": "missing"})


def test_wrong_api_key_is_permanent() -> None:
    http, fake = FakeHttp(), FakeOdoo()
    http.mount(URL, fake)
    client = make_odoo_client(OdooSettings("odoo", URL, "test", "json-2", "wrong"), http, 5.0)
    with pytest.raises(PermanentError, match="401"):
        client.search_read("res.partner", [], [])


@pytest.mark.parametrize(
    ("status", "error"),
    [(503, TransientError), (429, TransientError), (504, UnknownOutcomeError),
     (422, PermanentError)],
)
def test_http_statuses_map_to_error_classes(status: int, error: type[Exception]) -> None:
    client, http, _ = odoo("json-2")
    http.fail(URL, 1, status=status)
    with pytest.raises(error):
        client.search_read("res.partner", [], [])


def test_timeouts_are_unknown_outcomes() -> None:
    client, http, fake = odoo("json-2")
    http.fail(URL, 1, timeout="after")
    with pytest.raises(UnknownOutcomeError):
        client.create("res.partner", {"name": "Acme"})
    assert len(fake.records("res.partner")) == 1


def test_flow_level_variable_wins_and_missing_ones_are_named() -> None:
    env = Env({"MFGINT_F_ODOO_URL": "https://flow", "MFGINT_ODOO_URL": "https://system"},
              ["MFGINT_F_ODOO", "MFGINT_ODOO"])
    assert env.get("URL") == "https://flow"
    with pytest.raises(ConfigError, match="MFGINT_F_ODOO_API_KEY or MFGINT_ODOO_API_KEY"):
        env.require("API_KEY")


def test_retry_settings_can_be_overridden() -> None:
    env = {"MFGINT_F_RETRY_MAX_ATTEMPTS": "2", "MFGINT_F_RETRY_BACKOFF": "fixed"}
    settings = FlowSettings.from_env(env, "MFGINT_F", RetryPolicy(8))
    assert settings.retry == RetryPolicy(2, "fixed", 1.0, 60.0)
    with pytest.raises(ConfigError, match="MFGINT_F_RETRY_MAX_ATTEMPTS"):
        FlowSettings.from_env({"MFGINT_F_RETRY_MAX_ATTEMPTS": "x"}, "MFGINT_F", RetryPolicy())


def test_rpc_protocols_need_a_login() -> None:
    env = {"MFGINT_F_ODOO_URL": "https://o", "MFGINT_F_ODOO_API_KEY": "k"}
    with pytest.raises(ConfigError, match="LOGIN"):
        OdooSettings.from_env(env, "MFGINT_F", "odoo", protocol="json-rpc")
    assert OdooSettings.from_env(env, "MFGINT_F", "odoo", protocol="json-2").login is None


def test_metrics_text_format() -> None:
    metrics = Metrics()
    metrics.message("f", "success")
    metrics.message("f", "success")
    metrics.dead_letter("f", 3)
    text = metrics.render()
    assert 'mfgint_flow_messages_total{flow="f",outcome="success"} 2' in text
    assert 'mfgint_flow_dead_letter_depth{flow="f"} 3' in text
    assert "# TYPE mfgint_flow_messages_total counter" in text
    metrics.success("f", 1767254400.25)
    assert 'mfgint_flow_last_success_timestamp_seconds{flow="f"} 1767254400.25' in metrics.render()


def test_json_logs_carry_the_correlation_id(caplog: pytest.LogCaptureFixture) -> None:
    logger = flow_logger("f")
    with caplog.at_level(logging.INFO, logger=logger.name), correlation_scope("abc") as cid:
        logger.info("hello", extra={"key": "K-1"})
    data: dict[str, Any] = json.loads(JsonFormatter().format(caplog.records[-1]))
    assert cid == "abc"
    assert data["correlation_id"] == "abc"
    assert data["flow"] == "f"
    assert data["key"] == "K-1"
    assert data["message"] == "hello"


def test_file_watermark_store_round_trip(tmp_path: Path) -> None:
    store = FileWatermarkStore(tmp_path / "state")
    assert store.load("f") is None
    store.save("f", Watermark("2026-01-01 00:00:00", 42))
    assert store.load("f") == Watermark("2026-01-01 00:00:00", 42)


def test_local_file_transfer(tmp_path: Path) -> None:
    files = LocalFileTransfer(tmp_path)
    files.write("inbox/a.json", b"{}")
    assert files.list("inbox") == ["a.json"]
    files.move("inbox/a.json", "done/a.json")
    assert files.read("done/a.json") == b"{}"
    assert not files.exists("inbox/a.json")


def test_http_request_and_response_parse_json() -> None:
    assert HttpRequest("POST", URL, {}, b'{"a": 1}').json() == {"a": 1}
    assert HttpResponse(204).json() is None
