"""A small Microsoft Graph client over ``requests`` with azure-identity tokens.

Graph has no management SDK in our extras, and its needs are few: GET with
``@odata.nextLink`` paging, one POST (``directoryObjects/getByIds``), and throttling.
Throttled (429) and unavailable (503/504) answers are retried up to ``max_retries``
times, waiting what ``Retry-After`` says (capped by ``max_retry_wait``) or an
exponential backoff. Other error statuses raise ``GraphError`` with Graph's code.

The bearer token is fetched from the credential for every request (azure-identity
caches and renews it) and lives only in the request headers. A ``nextLink`` that
points outside ``graph_base_url`` is refused, so the token is never sent elsewhere.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from mamori.providers.azure.errors import GraphError
from mamori.providers.azure.options import AzureOptions

_RETRY_STATUSES = frozenset({429, 503, 504})
_VERSION = "v1.0"


class GraphClient:
    """GET/POST against ``<graph_base_url>/v1.0`` with paging and bounded retries."""

    def __init__(self, credential: Any, options: AzureOptions,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        import requests

        self._credential = credential
        self._options = options
        self._sleep = sleep
        self.base = f"{options.graph_base_url}/{_VERSION}"
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "mamori"

    def get(self, path: str) -> dict[str, Any]:
        """One GET of ``path`` (relative to /v1.0) as JSON."""
        return self._request("GET", self.base + path)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """One POST of JSON ``body`` to ``path`` (relative to /v1.0)."""
        return self._request("POST", self.base + path, body)

    def pages(self, path: str, version: str = _VERSION) -> Iterator[dict[str, Any]]:
        """Every item of ``value`` across ``@odata.nextLink`` pages (``version``: the Graph
        version, ``v1.0``; ``beta`` only where a documented fact is nowhere else)."""
        url: str | None = f"{self._options.graph_base_url}/{version}{path}"
        while url:
            body = self._request("GET", url)
            yield from (v for v in body.get("value", []) if isinstance(v, dict))
            url = body.get("@odata.nextLink")
            if url and not url.startswith(self._options.graph_base_url + "/"):
                raise GraphError(0, "UnexpectedNextLink",
                                 "nextLink points outside the Graph endpoint")

    def post_pages(self, path: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Items of ``value`` of a POST answer (getByIds has no paging)."""
        answer = self.post(path, body)
        return [v for v in answer.get("value", []) if isinstance(v, dict)]

    def _request(self, method: str, url: str,
                 body: dict[str, Any] | None = None) -> dict[str, Any]:
        attempt = 0
        while True:
            response = self._send(method, url, body)
            status = response.status_code
            if status in _RETRY_STATUSES and attempt < self._options.max_retries:
                self._sleep(self._wait(response.headers.get("Retry-After"), attempt))
                attempt += 1
                continue
            if status >= 400:
                raise _graph_error(response)
            if status == 204 or not response.content:
                return {}
            data = response.json()
            return data if isinstance(data, dict) else {}

    def _send(self, method: str, url: str, body: dict[str, Any] | None) -> Any:
        token = self._credential.get_token(self._options.graph_token_scope).token
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        return self._session.request(
            method, url, json=body, headers=headers, allow_redirects=False,
            # Passed per request: requests lets REQUESTS_CA_BUNDLE override a session's
            # verify setting, which would silently ignore connection_verify.
            verify=self._options.connection_verify,
            timeout=(self._options.connect_timeout, self._options.read_timeout))

    def _wait(self, retry_after: str | None, attempt: int) -> float:
        cap = self._options.max_retry_wait
        seconds = _retry_after_seconds(retry_after)
        if seconds is None:
            seconds = float(2 ** attempt)
        return max(0.0, min(seconds, cap))


def _retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - datetime.now(UTC)).total_seconds()


def _graph_error(response: Any) -> GraphError:
    code, message = "", ""
    try:
        error = response.json().get("error", {})
        code, message = str(error.get("code", "")), str(error.get("message", ""))
    except (ValueError, AttributeError):
        message = response.reason or ""
    return GraphError(response.status_code, code or f"HTTP{response.status_code}", message)
