"""Fakes for the connectors' tests: an HTTP router, an in-memory Odoo and a REST server.

FakeOdoo answers the three Odoo wire protocols (JSON-2, JSON-RPC, XML-RPC) from the same
in-memory tables, so a test exercises the real client code, request bodies included.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import xmlrpc.client
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mfgint_runtime.errors import UnknownOutcomeError
from mfgint_runtime.transport import HttpRequest, HttpResponse

Handler = Callable[[HttpRequest], HttpResponse]


@dataclass(frozen=True)
class Fault:
    """A scripted failure: an HTTP status, or a timeout before or after the request is applied."""

    status: int | None = None
    timeout: str | None = None
    match: Callable[[HttpRequest], bool] | None = None


def odoo_call(request: HttpRequest) -> tuple[str, str] | None:
    """``(model, method)`` of an Odoo request in any of the three protocols, else None."""
    path = urllib.parse.urlsplit(request.url).path
    json2 = re.fullmatch(r"/json/2/([^/]+)/([^/]+)", path)
    if json2:
        return json2.group(1), json2.group(2)
    args: list[Any] = []
    if path == "/jsonrpc":
        params = request.json().get("params", {})
        if params.get("method") == "execute_kw":
            args = list(params.get("args", []))
    elif path == "/xmlrpc/2/object":
        params, method = xmlrpc.client.loads(request.body or b"", use_builtin_types=True)
        if method == "execute_kw":
            args = list(params)
    if len(args) >= 5:
        return str(args[3]), str(args[4])
    return None


class FakeHttp:
    """Routes requests to handlers by base URL, records them, and injects scripted faults."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[HttpRequest] = []
        self.faults: dict[str, list[Fault]] = {}

    def mount(self, base_url: str, handler: Handler) -> None:
        """Serve ``base_url`` and everything below it with ``handler``."""
        self.routes[base_url.rstrip("/")] = handler

    def fail(
        self,
        base_url: str,
        times: int,
        *,
        status: int | None = 503,
        timeout: str | None = None,
        match: Callable[[HttpRequest], bool] | None = None,
    ) -> None:
        """Make the next ``times`` requests to ``base_url`` (those ``match`` accepts) fail.

        ``timeout="before"`` times out without applying the request, ``"after"`` applies it
        and then times out (the unknown outcome of a lost response).
        """
        fault = Fault(None if timeout else status, timeout, match)
        self.faults.setdefault(base_url.rstrip("/"), []).extend([fault] * times)

    def send(self, request: HttpRequest, timeout: float) -> HttpResponse:
        """Dispatch to the longest matching base URL."""
        self.requests.append(request)
        for base in sorted(self.routes, key=len, reverse=True):
            if request.url == base or request.url.startswith(base + "/"):
                pending = self.faults.get(base, [])
                fault = None
                if pending and (pending[0].match is None or pending[0].match(request)):
                    fault = pending.pop(0)
                if fault is not None and fault.timeout == "before":
                    raise UnknownOutcomeError(f"{request.url}: timed out (fake)")
                if fault is not None and fault.status is not None:
                    return HttpResponse(fault.status, b'{"message": "injected failure"}')
                response = self.routes[base](request)
                if fault is not None and fault.timeout == "after":
                    raise UnknownOutcomeError(f"{request.url}: timed out after apply (fake)")
                return response
        return HttpResponse(404, b'{"message": "no fake mounted for this URL"}')

    def to(self, base_url: str) -> list[HttpRequest]:
        """Requests sent below ``base_url``."""
        base = base_url.rstrip("/")
        return [r for r in self.requests if r.url == base or r.url.startswith(base + "/")]


class OdooFault(Exception):
    """An error raised by the fake Odoo (an Odoo exception)."""


def _compare(left: Any, op: str, right: Any) -> bool:
    if op == "=":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if op == "in":
        return left in right
    if op == "not in":
        return left not in right
    if left is None or left is False:
        return False
    if op == ">":
        return bool(left > right)
    if op == ">=":
        return bool(left >= right)
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    raise OdooFault(f"unsupported operator {op!r}")


def evaluate(domain: Sequence[Any], row: Mapping[str, Any]) -> bool:
    """Evaluate an Odoo domain (prefix ``|``, ``&``, ``!`` and ``[field, op, value]`` leaves)."""
    stack: list[bool] = []
    for item in reversed(list(domain)):
        if item == "|":
            stack.append(stack.pop() | stack.pop())
        elif item == "&":
            stack.append(stack.pop() & stack.pop())
        elif item == "!":
            stack.append(not stack.pop())
        else:
            name, op, value = item
            stack.append(_compare(row.get(name), op, value))
    return all(stack)


def _sort(rows: list[dict[str, Any]], order: str | None) -> list[dict[str, Any]]:
    for part in reversed([p.strip() for p in (order or "id").split(",") if p.strip()]):
        name, _, direction = part.partition(" ")
        rows.sort(key=lambda r: (r.get(name) is None, r.get(name)),
                  reverse=direction.strip().lower() == "desc")
    return rows


class FakeOdoo:
    """An in-memory Odoo database behind ``/json/2``, ``/jsonrpc`` and ``/xmlrpc/2``."""

    def __init__(
        self,
        *,
        database: str = "test",
        login: str = "bot",
        api_key: str = "test-key",
        now: str = "2026-01-01 00:00:00",
    ) -> None:
        self.database = database
        self.login = login
        self.api_key = api_key
        self.now = now
        self.uid = 2
        self.tables: dict[str, dict[int, dict[str, Any]]] = {}
        self.calls: list[tuple[str, str, list[int]]] = []
        self._next_id = 1

    # --- data --------------------------------------------------------------------------

    def seed(self, model: str, values: Mapping[str, Any]) -> int:
        """Insert a record as it is (``write_date`` included when given)."""
        res_id = self._next_id
        self._next_id += 1
        row = {"write_date": self.now, "create_date": self.now, **values, "id": res_id}
        self.tables.setdefault(model, {})[res_id] = row
        return res_id

    def records(self, model: str) -> list[dict[str, Any]]:
        """Every record of ``model``, by id."""
        return [dict(r) for _, r in sorted(self.tables.get(model, {}).items())]

    def xmlid(self, module: str, name: str) -> dict[str, Any] | None:
        """The ``ir.model.data`` row of ``module.name``."""
        for row in self.tables.get("ir.model.data", {}).values():
            if row.get("module") == module and row.get("name") == name:
                return dict(row)
        return None

    # --- ORM -----------------------------------------------------------------------------

    def execute(
        self, model: str, method: str, ids: list[int] | None, args: list[Any], kw: dict[str, Any]
    ) -> Any:
        """Run one ORM method on the tables."""
        table = self.tables.setdefault(model, {})
        if method == "search_read":
            domain = kw.get("domain", args[0] if args else [])
            fields = kw.get("fields", args[1] if len(args) > 1 else [])
            rows = [dict(r) for r in table.values() if evaluate(domain, r)]
            rows = _sort(rows, kw.get("order"))
            offset = int(kw.get("offset", 0))
            limit = kw.get("limit")
            rows = rows[offset : offset + int(limit)] if limit else rows[offset:]
            if fields:
                rows = [{k: r.get(k, False) for k in ["id", *fields]} for r in rows]
            return rows
        if method == "create":
            vals = kw["vals_list"] if "vals_list" in kw else args[0]
            many = isinstance(vals, list)
            created = [self.seed(model, v) for v in (vals if many else [vals])]
            return created if many else created[0]
        if method == "write":
            vals = kw["vals"] if "vals" in kw else args[0]
            for res_id in ids or []:
                if res_id not in table:
                    raise OdooFault(f"MissingError: {model}({res_id}) does not exist")
                table[res_id].update(vals, write_date=self.now)
            return True
        if method == "unlink":
            for res_id in ids or []:
                table.pop(res_id, None)
                data = self.tables.get("ir.model.data", {})
                for key, row in list(data.items()):
                    if row.get("model") == model and row.get("res_id") == res_id:
                        del data[key]
            return True
        self.calls.append((model, method, list(ids or [])))
        return True

    # --- wire protocols -----------------------------------------------------------------

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Answer one HTTP request."""
        path = urllib.parse.urlsplit(request.url).path
        json2 = re.fullmatch(r"/json/2/([^/]+)/([^/]+)", path)
        if json2:
            return self._json2(request, json2.group(1), json2.group(2))
        if path == "/jsonrpc":
            return self._jsonrpc(request)
        xmlrpc_path = re.fullmatch(r"/xmlrpc/2/(common|object)", path)
        if xmlrpc_path:
            return self._xmlrpc(request, xmlrpc_path.group(1))
        return HttpResponse(404, b'{"message": "not found"}')

    def _json2(self, request: HttpRequest, model: str, method: str) -> HttpResponse:
        if request.headers.get("Authorization") != f"bearer {self.api_key}":
            return HttpResponse(401, b'{"name": "AccessDenied", "message": "Invalid apikey"}')
        body = dict(request.json() or {})
        body.pop("context", None)
        ids = body.pop("ids", None)
        try:
            result = self.execute(model, method, ids, [], body)
        except (OdooFault, KeyError) as exc:
            error = {"name": "ValueError", "message": str(exc)}
            return HttpResponse(422, json.dumps(error).encode())
        return HttpResponse(200, json.dumps(result).encode())

    def _dispatch(self, service: str, method: str, args: list[Any]) -> Any:
        if service == "common" and method == "authenticate":
            database, login, key = args[0], args[1], args[2]
            ok = (database, login, key) == (self.database, self.login, self.api_key)
            return self.uid if ok else False
        if service == "object" and method == "execute_kw":
            database, uid, key, model, name = args[:5]
            if (database, uid, key) != (self.database, self.uid, self.api_key):
                raise OdooFault("AccessDenied")
            positional = list(args[5]) if len(args) > 5 else []
            kw = dict(args[6]) if len(args) > 6 else {}
            ids = None
            if name in ("write", "unlink") or (
                name not in ("search_read", "create") and positional
                and isinstance(positional[0], list)
            ):
                ids = positional.pop(0)
            return self.execute(model, name, ids, positional, kw)
        raise OdooFault(f"unknown method {service}.{method}")

    def _jsonrpc(self, request: HttpRequest) -> HttpResponse:
        envelope = request.json()
        params = envelope["params"]
        try:
            result = self._dispatch(params["service"], params["method"], params["args"])
        except (OdooFault, KeyError, IndexError) as exc:
            error = {"code": 200, "message": "Odoo Server Error",
                     "data": {"name": "odoo.exceptions.UserError", "message": str(exc)}}
            body = {"jsonrpc": "2.0", "id": envelope.get("id"), "error": error}
        else:
            body = {"jsonrpc": "2.0", "id": envelope.get("id"), "result": result}
        return HttpResponse(200, json.dumps(body).encode())

    def _xmlrpc(self, request: HttpRequest, service: str) -> HttpResponse:
        params, method = xmlrpc.client.loads(request.body or b"", use_builtin_types=True)
        try:
            result = self._dispatch(service, method or "", list(params))
        except (OdooFault, KeyError, IndexError) as exc:
            body = xmlrpc.client.dumps(xmlrpc.client.Fault(1, str(exc)), allow_none=True)
        else:
            body = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=True)
        return HttpResponse(200, body.encode())


class FakeRest:
    """In-memory JSON collections: list, GET/PUT/PATCH/DELETE by key, POST to create."""

    def __init__(self, base_url: str, collections: Mapping[str, Sequence[str]]) -> None:
        self.base_path = urllib.parse.urlsplit(base_url).path.rstrip("/")
        self.key_fields = {c.rstrip("/"): tuple(k) for c, k in collections.items()}
        self.items: dict[str, dict[str, dict[str, Any]]] = {c: {} for c in self.key_fields}

    def seed(self, collection: str, record: Mapping[str, Any]) -> None:
        """Store a record under its key."""
        key = "+".join(str(record[f]) for f in self.key_fields[collection])
        self.items[collection][key] = dict(record)

    def records(self, collection: str) -> list[dict[str, Any]]:
        """Stored records, by key."""
        return [dict(v) for _, v in sorted(self.items[collection].items())]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Answer one request."""
        parts = urllib.parse.urlsplit(request.url)
        path = parts.path[len(self.base_path):] if parts.path.startswith(self.base_path) else ""
        path = path.rstrip("/")
        if path in self.items:
            return self._collection(request, path, urllib.parse.parse_qs(parts.query))
        parent, _, raw_key = path.rpartition("/")
        if parent in self.items:
            return self._item(request, parent, urllib.parse.unquote(raw_key))
        return HttpResponse(404, b'{"message": "no such collection"}')

    def _collection(
        self, request: HttpRequest, collection: str, query: Mapping[str, list[str]]
    ) -> HttpResponse:
        items = self.items[collection]
        if request.method == "GET":
            since = query.get("updated_since", [None])[0]
            limit = int(query.get("limit", ["1000"])[0])
            rows = [v for _, v in sorted(items.items())
                    if since is None or str(v.get("updated_at", "")) > since]
            rows.sort(key=lambda r: str(r.get("updated_at", "")))
            return HttpResponse(200, json.dumps(rows[:limit]).encode())
        if request.method == "POST":
            body = request.json()
            key = "+".join(str(body[f]) for f in self.key_fields[collection])
            if key in items:
                return HttpResponse(409, b'{"message": "exists"}')
            items[key] = body
            return HttpResponse(201, json.dumps(body).encode())
        return HttpResponse(405, b'{"message": "method not allowed"}')

    def _item(self, request: HttpRequest, collection: str, key: str) -> HttpResponse:
        items = self.items[collection]
        if request.method == "PUT":
            items[key] = request.json()
            return HttpResponse(200, json.dumps(items[key]).encode())
        if key not in items:
            return HttpResponse(404, b'{"message": "not found"}')
        if request.method == "GET":
            return HttpResponse(200, json.dumps(items[key]).encode())
        if request.method == "PATCH":
            items[key].update(request.json())
            return HttpResponse(200, json.dumps(items[key]).encode())
        if request.method == "DELETE":
            del items[key]
            return HttpResponse(204)
        return HttpResponse(405, b'{"message": "method not allowed"}')
