"""A small JSON REST client over the HttpTransport."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

from mfgint_runtime.errors import NotFoundError
from mfgint_runtime.logs import current_correlation_id
from mfgint_runtime.transport import HttpRequest, HttpTransport, raise_for_status


class RestClient:
    """JSON over HTTP with an optional bearer token; errors mapped to the runtime's classes."""

    def __init__(
        self,
        base_url: str,
        transport: HttpTransport,
        *,
        token: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.transport = transport
        self.token = token
        self.timeout = timeout

    def headers(self) -> dict[str, str]:
        """Accept/Content-Type JSON, the token and the correlation id."""
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        cid = current_correlation_id()
        if cid:
            headers["X-Correlation-ID"] = cid
        return headers

    def url(self, path: str, params: Mapping[str, str] | None = None) -> str:
        """The absolute URL of ``path`` with a sorted query string."""
        query = f"?{urllib.parse.urlencode(sorted(params.items()))}" if params else ""
        return f"{self.base_url}/{path.lstrip('/')}{query}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> Any:
        """Send one request and return the parsed JSON body (None when empty)."""
        data = None if body is None else json.dumps(body, sort_keys=True).encode()
        request = HttpRequest(method, self.url(path, params), self.headers(), data)
        response = self.transport.send(request, self.timeout)
        raise_for_status(response, f"{method} {path}")
        return response.json()

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET ``path``."""
        return self.request("GET", path, params=params)

    def exists(self, path: str) -> bool:
        """True when GET ``path`` answers 2xx, False on 404."""
        try:
            self.request("GET", path)
        except NotFoundError:
            return False
        return True


def key_path(resource: str, key: str) -> str:
    """``/shipments`` + ``WH/OUT/1`` -> ``/shipments/WH%2FOUT%2F1``."""
    return f"{resource.rstrip('/')}/{urllib.parse.quote(key, safe='')}"
