"""HTTP transport: a one-method interface, a urllib implementation and status mapping."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from mfgint_runtime.errors import (
    ConflictError,
    NotFoundError,
    PermanentError,
    TransientError,
    UnknownOutcomeError,
)

# 504 means a proxy gave up waiting: the upstream may still have applied the request.
UNKNOWN_OUTCOME_STATUSES = frozenset({504})
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503})


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body or b"null")


@dataclass(frozen=True)
class HttpResponse:
    """One HTTP response."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body parsed as JSON (None when empty)."""
        return json.loads(self.body) if self.body.strip() else None


class HttpTransport(Protocol):
    """Sends a request and returns the response; raises only for network failures."""

    def send(self, request: HttpRequest, timeout: float) -> HttpResponse:
        """Send ``request``; a timeout raises UnknownOutcomeError."""
        ...


class UrllibTransport:
    """HttpTransport over urllib.request (no third-party dependency)."""

    def send(self, request: HttpRequest, timeout: float) -> HttpResponse:
        """Send ``request`` with urllib; HTTP error statuses come back as responses."""
        if not request.url.startswith(("http://", "https://")):
            raise PermanentError(f"only http(s) URLs are supported, not {request.url!r}")
        req = urllib.request.Request(
            request.url, data=request.body, headers=dict(request.headers), method=request.method
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return HttpResponse(resp.status, resp.read(), dict(resp.headers.items()))
        except urllib.error.HTTPError as exc:
            return HttpResponse(exc.code, exc.read(), dict(exc.headers.items()))
        except TimeoutError as exc:
            raise UnknownOutcomeError(f"{request.method} {request.url}: timed out") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise UnknownOutcomeError(f"{request.method} {request.url}: timed out") from exc
            raise TransientError(f"{request.method} {request.url}: {exc.reason}") from exc


def error_detail(response: HttpResponse) -> str:
    """A short text for an error response: Odoo's ``message`` when present, else the body."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if isinstance(payload, dict) and isinstance(payload.get("message"), str):
        return str(payload["message"])
    return response.body[:200].decode("utf-8", "replace")


def raise_for_status(response: HttpResponse, what: str) -> None:
    """Map an HTTP status to the runtime's error classes (2xx passes)."""
    status = response.status
    if 200 <= status < 300:
        return
    detail = f"{what}: HTTP {status} {error_detail(response)}".rstrip()
    if status in UNKNOWN_OUTCOME_STATUSES:
        raise UnknownOutcomeError(detail)
    if status in TRANSIENT_STATUSES or status >= 500:
        raise TransientError(detail)
    if status == 404:
        raise NotFoundError(detail)
    if status == 409:
        raise ConflictError(detail)
    raise PermanentError(detail)
