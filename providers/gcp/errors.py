"""Translate Google API failures into ``CollectionError`` records at the boundary.

Nothing here raises to the caller: a failed call becomes a record, and the value it
would have produced becomes ``FAILED`` so the attributes that needed it stay absent
(the rules give ERROR, never PASS). Which exception means what::

    ApiError (our REST client, rest.py)      → code: ErrorInfo reason (SERVICE_DISABLED),
                                               else JSON status (PERMISSION_DENIED),
                                               else the status name of the HTTP
                                               status (403 → PERMISSION_DENIED)
    google.api_core GoogleAPIError            → the same, from the storage client's error
                                               (grpc status name when known, else mapped
                                               from the HTTP status); RetryError → class name
    google.auth GoogleAuthError               → class name (RefreshError,
                                               DefaultCredentialsError, TransportError)
    requests RequestException                 → class name (ConnectionError, ReadTimeout)
    anything else                             → a bug: it propagates (the runner turns it
                                               into an InternalError record)

Operations are named after Google's API methods (``storage.buckets.getIamPolicy``,
``compute.firewalls.list``), so an administrator can map them to IAM permissions.
Messages are cut short and scrubbed of anything that looks like a token or key; the
credentials themselves never reach this module. Importing it imports no Google SDK.
"""

from __future__ import annotations

import enum
import functools
import importlib
import re
from collections.abc import Callable
from typing import Any, TypeVar

from mamori.checks.model import CollectionError
from mamori.providers.gcp.values import PROVIDER

_MAX_MESSAGE = 300
# OAuth access tokens (ya29.…), bearer headers, PEM blocks, and long base64 runs
# (private key material, refresh tokens).
_SECRET_LIKE = re.compile(
    r"ya29\.[\w.-]+|(?i:bearer)\s+\S+|-----BEGIN[^-]*-----.*?(-----END[^-]*-----|$)"
    r"|[A-Za-z0-9/+=_-]{40,}", re.S)

T = TypeVar("T")

# HTTP status → the google.rpc status names Google's JSON errors use.
_HTTP_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                404: "NOT_FOUND", 409: "ALREADY_EXISTS", 429: "RESOURCE_EXHAUSTED",
                500: "INTERNAL", 501: "UNIMPLEMENTED", 503: "UNAVAILABLE",
                504: "DEADLINE_EXCEEDED"}


#: Codes that mean "this identity may not make the call": the HTTP 403 status, and the
#: ErrorInfo reasons Google sends with it (IAM_PERMISSION_DENIED: a missing IAM
#: permission; SERVICE_DISABLED: the API is off for the project; ACCESS_TOKEN_SCOPE_
#: INSUFFICIENT: the token lacks the OAuth scope), plus an unusable token (401).
DENIALS = frozenset({"PERMISSION_DENIED", "IAM_PERMISSION_DENIED", "SERVICE_DISABLED",
                     "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "UNAUTHENTICATED", "FORBIDDEN"})


def is_denial(code: str) -> bool:
    """True when a ``CollectionError`` code says the call was refused, not that it broke."""
    return code.upper() in DENIALS


class Outcome(enum.Enum):
    """Sentinel returned instead of an API answer."""

    FAILED = "failed"  # the call failed; a CollectionError was recorded


FAILED = Outcome.FAILED


class ApiError(Exception):
    """A Google REST API answered with an error (raised by ``rest.Rest``)."""

    def __init__(self, http_status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.http_status = http_status
        self.code = code
        self.message = message


def api_error_from_json(http_status: int, payload: Any, fallback: str) -> ApiError:
    """An ``ApiError`` from Google's JSON error body (``{"error": {...}}``)."""
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return ApiError(http_status, _status_code(http_status), fallback)
    reason = _error_info_reason(error.get("details"))
    status = error.get("status") if isinstance(error.get("status"), str) else None
    code = reason or status or _status_code(http_status)
    return ApiError(http_status, code, str(error.get("message") or fallback))


def _error_info_reason(details: Any) -> str | None:
    for detail in details if isinstance(details, list) else ():
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("ErrorInfo"):
            reason = detail.get("reason")
            if isinstance(reason, str) and reason:
                return reason
    return None


def _status_code(http_status: int) -> str:
    return _HTTP_STATUS.get(http_status, str(http_status))


@functools.cache
def failure_types() -> tuple[type[BaseException], ...]:
    """The exception classes that mean "the Google call failed" (not a bug of ours)."""
    api_core: Any = importlib.import_module("google.api_core.exceptions")
    auth: Any = importlib.import_module("google.auth.exceptions")
    requests: Any = importlib.import_module("requests")
    return (ApiError, api_core.GoogleAPIError, auth.GoogleAuthError,
            requests.RequestException)


def error_code(exc: BaseException) -> str:
    """A short, stable code for a failed call (see the module docstring)."""
    if isinstance(exc, ApiError):
        return exc.code
    reason = getattr(exc, "reason", None)
    if isinstance(reason, str) and reason.isupper():
        return reason  # an ErrorInfo reason such as SERVICE_DISABLED
    grpc_code = getattr(exc, "grpc_status_code", None)
    if grpc_code is not None and getattr(grpc_code, "name", None):
        return str(grpc_code.name)
    http = getattr(exc, "code", None)
    if isinstance(http, int):
        return _status_code(http)
    return type(exc).__name__


def safe_message(exc: BaseException) -> str:
    """A short, secret-free message for reports."""
    text = exc.message if isinstance(exc, ApiError) else str(exc)
    return scrub(text or type(exc).__name__)


def scrub(text: str) -> str:
    """``text`` on one line, cut short, with token- or key-like strings redacted."""
    text = " ".join(_SECRET_LIKE.sub("[redacted]", text).split())
    return text[:_MAX_MESSAGE]


class Recorder:
    """Calls Google for one project and keeps what failed as ``CollectionError`` records.

    Collectors call through ``call``; the records are yielded after the resources by
    ``drain``. One recorder belongs to one thread (one task) at a time.
    """

    def __init__(self, project: str) -> None:
        self.project = project
        self.errors: list[CollectionError] = []

    def scope(self, *parts: str) -> str:
        """``project p/zone z/instance i`` for the given parts."""
        return "/".join([f"project {self.project}", *parts])

    def call(self, operation: str, scope: str, fn: Callable[..., T], /, *args: Any,
             resource_types: tuple[str, ...] = (), region: str = "",
             **kwargs: Any) -> T | Outcome:
        """``fn(*args, **kwargs)``; on a Google failure record it and return ``FAILED``.

        ``resource_types`` names the types a failed *listing* leaves incomplete; for a
        per-resource read it stays empty and the affected attributes are left absent.
        """
        try:
            return fn(*args, **kwargs)
        except failure_types() as exc:
            self.record(operation, scope, exc, resource_types, region)
            return FAILED

    def record(self, operation: str, scope: str, exc: BaseException,
               resource_types: tuple[str, ...] = (), region: str = "") -> None:
        """Keep one failed call."""
        self.add(operation, scope, error_code(exc), safe_message(exc), resource_types,
                 region)

    def add(self, operation: str, scope: str, code: str, message: str,
            resource_types: tuple[str, ...] = (), region: str = "") -> None:
        """Keep a failure the API reported inside a successful answer (unreachable zone)."""
        self.errors.append(CollectionError(
            provider=PROVIDER, operation=operation, scope=scope, code=code,
            message=scrub(message), resource_types=resource_types, account=self.project,
            region=region))

    def drain(self) -> list[CollectionError]:
        """The recorded errors, forgotten here."""
        errors, self.errors = self.errors, []
        return errors
