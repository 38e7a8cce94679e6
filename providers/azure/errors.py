"""Translate Azure SDK, azure-identity and requests failures into ``CollectionError``.

Nothing here raises to the caller: a failed call becomes a record, and the value it
would have produced becomes ``FAILED`` so the attributes that needed it stay absent
(the rules give ERROR, never PASS)::

    azure.core HttpResponseError      → ARM error code ("AuthorizationFailed",
      (ClientAuthenticationError too)    "TooManyRequests"...) or "HTTP<status>"
    azure.core AzureError (transport)  → class name ("ServiceRequestError"...)
    GraphError (our Graph client)      → Graph error code ("Authorization_RequestDenied"...)
    requests RequestException          → class name ("ReadTimeout", "SSLError"...)
    SDK (de)serialization errors       → class name
    anything else                      → a bug: it propagates

Messages are cut short and scrubbed of anything that looks like a token or key. The
SDK and exception modules are imported on first use, so importing this module does
not import the Azure SDK.
"""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from mamori.checks.model import CollectionError
from mamori.providers.azure.arm import PROVIDER as PROVIDER  # re-exported: used everywhere
from mamori.providers.azure.arm import as_rest

# JWTs (bearer tokens) and long base64 runs (storage account keys are 88 characters).
# The run is long enough not to eat ARM resource ids in "AuthorizationFailed" messages.
_SECRET_LIKE = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*|[A-Za-z0-9+/]{80,}={0,2}")
_SIG = re.compile(r"(?i)((?:sig|signature|code|client_secret|access_token)=)[^&\s]+")
_MAX_MESSAGE = 300


class Outcome(enum.Enum):
    """Sentinel returned instead of an API answer when the call failed."""

    FAILED = "failed"


FAILED = Outcome.FAILED


class GraphError(Exception):
    """A Microsoft Graph call answered with an error status (after retries)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


@cache
def call_errors() -> tuple[type[BaseException], ...]:
    """The exception classes that mean "the Azure call failed" (not a bug of ours)."""
    core: Any = importlib.import_module("azure.core.exceptions")
    req: Any = importlib.import_module("requests.exceptions")
    return (core.AzureError, core.DeserializationError, core.SerializationError,
            req.RequestException, GraphError)


def error_code(exc: BaseException) -> str:
    """A short machine-readable code for a failed call."""
    if isinstance(exc, GraphError):
        return exc.code or f"HTTP{exc.status}"
    odata = getattr(exc, "error", None)
    code = getattr(odata, "code", None)
    if code:
        return str(code)
    status = getattr(exc, "status_code", None)
    if status:
        return f"HTTP{status}"
    return type(exc).__name__


def safe_message(exc: BaseException) -> str:
    """A short, secret-free message for reports."""
    if isinstance(exc, GraphError):
        text = f"HTTP {exc.status}: {exc.message}"
    else:
        odata = getattr(exc, "error", None)
        text = str(getattr(odata, "message", "") or getattr(exc, "message", "") or exc)
        status = getattr(exc, "status_code", None)
        if status:
            text = f"HTTP {status}: {text}"
    return scrub(text)


def scrub(text: str) -> str:
    """``text`` on one line, cut short, with secret-looking strings redacted."""
    text = _SIG.sub(r"\1[redacted]", text)
    text = " ".join(_SECRET_LIKE.sub("[redacted]", text).split())
    return text[:_MAX_MESSAGE]


class Scope:
    """Where calls happen (a subscription or the tenant) and what failed there.

    Service code calls Azure through ``call`` / ``items``; failures are kept in
    ``errors`` and yielded after the resources by ``drain``. One scope per task, so
    no locking is needed.
    """

    def __init__(self, kind: str, ident: str) -> None:
        self.account = ident
        self.label = f"{kind} {ident}".strip()
        self.errors: list[CollectionError] = []

    def call(self, operation: str, fn: Callable[..., Any], /, *args: Any,
             resource_types: tuple[str, ...] = (), **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` as a REST-shaped dict; ``FAILED`` on failure."""
        try:
            return as_rest(fn(*args, **kwargs))
        except call_errors() as exc:
            self.record(operation, exc, resource_types)
            return FAILED

    def items(self, operation: str, fn: Callable[..., Any], /, *args: Any,
              resource_types: tuple[str, ...] = (),
              **kwargs: Any) -> list[dict[str, Any]] | Outcome:
        """Every item of a paged listing as REST-shaped dicts; ``FAILED`` on failure.

        A failure at any page discards the partial list: half a listing read as the
        whole would turn unknowns into PASS (role assignments, firewall rules).
        """
        try:
            return [as_rest(item) for item in fn(*args, **kwargs)]
        except call_errors() as exc:
            self.record(operation, exc, resource_types)
            return FAILED

    def record(self, operation: str, exc: BaseException,
               resource_types: tuple[str, ...] = ()) -> None:
        """Keep a failed call as a ``CollectionError``."""
        self.errors.append(CollectionError(
            provider=PROVIDER, operation=operation, scope=self.label,
            code=error_code(exc), message=safe_message(exc),
            resource_types=resource_types, account=self.account))

    def drain(self) -> Iterator[CollectionError]:
        """Yield and forget the recorded errors."""
        errors, self.errors = self.errors, []
        yield from errors
