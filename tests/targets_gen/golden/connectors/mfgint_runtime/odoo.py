"""Odoo external API clients: JSON-2 (Odoo 19+), JSON-RPC and XML-RPC (``execute_kw``, <= 19).

All three offer the same small interface so that sinks and sources do not care which one a
flow uses. Odoo has no idempotency key: callers look records up by external id
(``ir.model.data``) or natural key before writing, and read back after a timeout.
"""

from __future__ import annotations

import itertools
import json
import xmlrpc.client
from abc import ABC, abstractmethod
from typing import Any

from mfgint_runtime.config import OdooSettings
from mfgint_runtime.errors import ConfigError, PermanentError, TransientError
from mfgint_runtime.logs import current_correlation_id
from mfgint_runtime.transport import HttpRequest, HttpTransport, raise_for_status

Domain = list[Any]
USER_AGENT = "mfgint-connector/1"


class OdooClient(ABC):
    """The ORM calls connectors need, whatever the wire protocol."""

    protocol = ""
    settings: OdooSettings

    @abstractmethod
    def call(self, model: str, method: str, ids: list[int] | None = None, **kwargs: Any) -> Any:
        """Call ``model.method`` on ``ids`` (None = on the model) with named arguments."""

    @abstractmethod
    def create(self, model: str, values: dict[str, Any]) -> int:
        """Create one record and return its id."""

    def search_read(
        self,
        model: str,
        domain: Domain,
        fields: list[str],
        *,
        limit: int | None = None,
        order: str | None = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Records matching ``domain`` (``fields`` empty = all fields)."""
        kwargs: dict[str, Any] = {"domain": domain, "fields": fields}
        if limit is not None:
            kwargs["limit"] = limit
        if order is not None:
            kwargs["order"] = order
        if offset:
            kwargs["offset"] = offset
        rows = self.call(model, "search_read", None, **kwargs)
        if not isinstance(rows, list):
            raise PermanentError(f"{model}.search_read returned {type(rows).__name__}")
        return [dict(row) for row in rows]

    def write(self, model: str, ids: list[int], values: dict[str, Any]) -> None:
        """Write ``values`` on the records ``ids``."""
        self.call(model, "write", ids, vals=values)

    def unlink(self, model: str, ids: list[int]) -> None:
        """Delete the records ``ids`` (their external ids go with them)."""
        self.call(model, "unlink", ids)


class Json2Client(OdooClient):
    """``POST /json/2/<model>/<method>`` with a bearer API key; named arguments only."""

    protocol = "json-2"

    def __init__(self, settings: OdooSettings, transport: HttpTransport, timeout: float) -> None:
        self.settings = settings
        self.transport = transport
        self.timeout = timeout

    def headers(self) -> dict[str, str]:
        """Authorization, database selection, content type, user agent and correlation id."""
        headers = {
            "Authorization": f"bearer {self.settings.api_key}",
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
        }
        if self.settings.database:
            headers["X-Odoo-Database"] = self.settings.database
        cid = current_correlation_id()
        if cid:
            headers["X-Correlation-ID"] = cid
        return headers

    def call(self, model: str, method: str, ids: list[int] | None = None, **kwargs: Any) -> Any:
        """One JSON-2 call: one transaction on the server."""
        body = dict(kwargs)
        if ids is not None:
            body["ids"] = ids
        request = HttpRequest(
            "POST",
            f"{self.settings.url}/json/2/{model}/{method}",
            self.headers(),
            json.dumps(body, sort_keys=True).encode(),
        )
        response = self.transport.send(request, self.timeout)
        raise_for_status(response, f"{model}.{method}")
        return response.json()

    def create(self, model: str, values: dict[str, Any]) -> int:
        """``create(vals_list=[values])`` returns a list of ids."""
        result = self.call(model, "create", None, vals_list=[values])
        ids = result if isinstance(result, list) else [result]
        return int(ids[0])

    def write(self, model: str, ids: list[int], values: dict[str, Any]) -> None:
        """``write(ids, vals)``."""
        self.call(model, "write", ids, vals=values)


class ExecuteKwClient(OdooClient):
    """JSON-RPC and XML-RPC: ``object.execute_kw(db, uid, key, model, method, args, kw)``."""

    def __init__(self, settings: OdooSettings, transport: HttpTransport, timeout: float) -> None:
        if not settings.login:
            raise ConfigError(f"{settings.system}: {self.protocol} needs the bot user's login")
        self.settings = settings
        self.transport = transport
        self.timeout = timeout
        self._uid: int | None = None

    @abstractmethod
    def rpc(self, service: str, method: str, args: list[Any]) -> Any:
        """Call ``service.method(*args)`` over the wire."""

    @property
    def database(self) -> str:
        """The database name (required by the RPC APIs)."""
        if not self.settings.database:
            raise ConfigError(f"{self.settings.system}: {self.protocol} needs the database name")
        return self.settings.database

    def uid(self) -> int:
        """The bot user's id, from ``common.authenticate`` on first use."""
        if self._uid is None:
            uid = self.rpc(
                "common",
                "authenticate",
                [self.database, self.settings.login, self.settings.api_key, {}],
            )
            if not isinstance(uid, int) or isinstance(uid, bool):
                raise PermanentError(f"{self.settings.system}: authentication failed")
            self._uid = uid
        return self._uid

    def execute_kw(self, model: str, method: str, args: list[Any], kw: dict[str, Any]) -> Any:
        """``object.execute_kw``."""
        return self.rpc(
            "object",
            "execute_kw",
            [self.database, self.uid(), self.settings.api_key, model, method, args, kw],
        )

    def call(self, model: str, method: str, ids: list[int] | None = None, **kwargs: Any) -> Any:
        """Record methods get ``[ids]`` as positional arguments, the rest by name."""
        return self.execute_kw(model, method, [ids] if ids is not None else [], kwargs)

    def create(self, model: str, values: dict[str, Any]) -> int:
        """``create`` with one positional dict returns one id."""
        result = self.execute_kw(model, "create", [values], {})
        return int(result[0] if isinstance(result, list) else result)

    def write(self, model: str, ids: list[int], values: dict[str, Any]) -> None:
        """``write(ids, values)``, positional."""
        self.execute_kw(model, "write", [ids, values], {})


class JsonRpcClient(ExecuteKwClient):
    """``POST /jsonrpc`` with ``{"method": "call", "params": {service, method, args}}``."""

    protocol = "json-rpc"
    _ids = itertools.count(1)

    def rpc(self, service: str, method: str, args: list[Any]) -> Any:
        """One JSON-RPC 2.0 call; an ``error`` member is an Odoo exception."""
        envelope = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
            "id": next(self._ids),
        }
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        cid = current_correlation_id()
        if cid:
            headers["X-Correlation-ID"] = cid
        request = HttpRequest(
            "POST", f"{self.settings.url}/jsonrpc", headers, json.dumps(envelope).encode()
        )
        response = self.transport.send(request, self.timeout)
        raise_for_status(response, f"jsonrpc {service}.{method}")
        payload = response.json()
        if not isinstance(payload, dict):
            raise TransientError(f"jsonrpc {service}.{method}: unexpected response")
        if "error" in payload:
            error = payload["error"] or {}
            data = error.get("data") or {}
            name = data.get("name", "odoo error")
            message = data.get("message") or error.get("message", "")
            raise PermanentError(f"{name}: {message}")
        return payload.get("result")


class XmlRpcClient(ExecuteKwClient):
    """``POST /xmlrpc/2/<service>`` with an XML-RPC ``methodCall`` body."""

    protocol = "xml-rpc"

    def rpc(self, service: str, method: str, args: list[Any]) -> Any:
        """One XML-RPC call; a ``Fault`` is an Odoo exception."""
        body = xmlrpc.client.dumps(tuple(args), methodname=method, allow_none=True)
        headers = {"Content-Type": "text/xml", "User-Agent": USER_AGENT}
        cid = current_correlation_id()
        if cid:
            headers["X-Correlation-ID"] = cid
        request = HttpRequest(
            "POST", f"{self.settings.url}/xmlrpc/2/{service}", headers, body.encode()
        )
        response = self.transport.send(request, self.timeout)
        raise_for_status(response, f"xmlrpc {service}.{method}")
        try:
            params, _ = xmlrpc.client.loads(response.body, use_builtin_types=True)
        except xmlrpc.client.Fault as fault:
            lines = str(fault.faultString).strip().splitlines()
            raise PermanentError(lines[-1] if lines else "XML-RPC fault") from None
        except Exception as exc:
            raise TransientError(f"xmlrpc {service}.{method}: bad response: {exc}") from exc
        return params[0] if params else None


def make_odoo_client(
    settings: OdooSettings, transport: HttpTransport, timeout: float
) -> OdooClient:
    """The client for ``settings.protocol``."""
    if settings.protocol == "json-2":
        return Json2Client(settings, transport, timeout)
    if settings.protocol == "json-rpc":
        return JsonRpcClient(settings, transport, timeout)
    if settings.protocol == "xml-rpc":
        return XmlRpcClient(settings, transport, timeout)
    raise ConfigError(f"{settings.system}: unknown Odoo protocol {settings.protocol!r}")
