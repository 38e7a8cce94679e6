"""Google REST APIs through google-auth's ``AuthorizedSession``.

Used for everything the storage client does not cover (Resource Manager, IAM, Compute,
Cloud SQL Admin, OS Config, Policy Analyzer). Each thread gets its own session over the
shared credentials, because a ``requests.Session`` is not safe to share across
threads. Base URLs come from the options, so tests point every API at a local server
with the provider code unchanged.

Errors become ``ApiError`` (see errors.py); throttling (429) and transient server errors
(500, 502, 503, 504, connection resets, timeouts) are retried with exponential backoff.
Requests and responses are never logged: the session adds the bearer token itself.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

from mamori.providers.gcp.errors import ApiError, api_error_from_json

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_BACKOFF_FIRST = 0.5  # seconds; doubles per attempt
_BACKOFF_MAX = 8.0
_MAX_PAGES = 10_000  # a server repeating a page token must not loop forever


class Rest:
    """GET/POST JSON against the configured Google API base URLs."""

    def __init__(self, credentials: Any, endpoints: Mapping[str, str], *,
                 timeout: float, max_attempts: int) -> None:
        self._credentials = credentials
        self._endpoints = dict(endpoints)
        self._timeout = timeout
        self._max_attempts = max_attempts
        self._local = threading.local()
        self._transport: Any = importlib.import_module("google.auth.transport.requests")
        self._requests: Any = importlib.import_module("requests")

    def _session(self) -> Any:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._transport.AuthorizedSession(self._credentials)
            session.headers["User-Agent"] = "mamori"
            self._local.session = session
        return session

    def url(self, service: str, path: str) -> str:
        """The full URL of ``path`` (``v1/projects/p/...``) on ``service``'s base URL."""
        return f"{self._endpoints[service].rstrip('/')}/{path.lstrip('/')}"

    def get(self, service: str, path: str,
            params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """GET ``path`` and return the JSON object."""
        return self.request("GET", service, path, params=params)

    def post(self, service: str, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST a JSON body to ``path`` and return the JSON object."""
        return self.request("POST", service, path, body=body)

    def request(self, method: str, service: str, path: str, *,
                params: Mapping[str, Any] | None = None,
                body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One call with retries; raises ``ApiError`` or a requests/google-auth error."""
        url = self.url(service, path)
        for attempt in range(1, self._max_attempts + 1):
            last = attempt == self._max_attempts
            try:
                response = self._session().request(
                    method, url, params=dict(params or {}),
                    json=dict(body) if body is not None else None, timeout=self._timeout)
            except (self._requests.ConnectionError, self._requests.Timeout):
                if last:
                    raise
                _backoff(attempt)
                continue
            if response.status_code in _RETRY_STATUS and not last:
                _backoff(attempt)
                continue
            return _decode(response)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def pages(self, service: str, path: str,
              params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every page of a list call, following ``nextPageToken``."""
        query = dict(params or {})
        for _ in range(_MAX_PAGES):
            page = self.get(service, path, query)
            yield page
            token = page.get("nextPageToken")
            if not token:
                return
            query["pageToken"] = token

    def items(self, service: str, path: str, key: str,
              params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """Every item under ``key`` across the pages of a list call."""
        for page in self.pages(service, path, params):
            items = page.get(key)
            if isinstance(items, list):
                yield from items

    def all_items(self, service: str, path: str, key: str,
                  params: Mapping[str, Any] | None = None) -> list[Any]:
        """``items`` as a list: a failure at any page fails the whole listing."""
        return list(self.items(service, path, key, params))


def _backoff(attempt: int) -> None:
    time.sleep(min(_BACKOFF_FIRST * 2 ** (attempt - 1), _BACKOFF_MAX))


def _decode(response: Any) -> dict[str, Any]:
    try:
        payload = response.json() if response.content else {}
    except ValueError:
        payload = None
    if response.status_code >= 400:
        raise api_error_from_json(response.status_code, payload,
                                  f"HTTP {response.status_code} {response.reason or ''}".strip())
    if not isinstance(payload, dict):
        raise ApiError(response.status_code, "INVALID_RESPONSE",
                       "the API answered with something that is not a JSON object")
    return payload
