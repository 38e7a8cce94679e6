"""Translate botocore failures into ``CollectionError`` records at the boundary.

Nothing here raises to the caller: a failed AWS call becomes a record, and the value
it would have produced becomes ``FAILED`` so the attributes that needed it stay
absent (the rules give ERROR, never PASS). Answers that mean "not configured"
(``NoSuchBucketPolicy``, ``NoSuchEntity`` for a login profile...) are facts, returned
as ``NOT_CONFIGURED``, not errors::

    botocore ClientError       → code from the response ("AccessDenied", "Throttling"...)
    botocore BotoCoreError     → code = class name ("ReadTimeoutError",
                                 "EndpointConnectionError", "NoCredentialsError"...)
    ResponseParserError        → "ResponseParserError": the answer was not parseable
    an HTML page with a 5xx    → the status ("502"), retried first like any 5xx
    InvalidResponse            → an HTML page with another status (its code: the status
                                 for 4xx, else "InvalidResponse"), or a body that is not
                                 JSON where AWS answers JSON (a proxy, a captive portal)
    CallTimeout                → no answer within the per-call deadline
    anything else              → a bug: it propagates

Each of these is the failure of one call: the record names that call and the resource
it was for, and only the attributes that call would have filled stay absent.

Messages are cut short and scrubbed of anything that looks like a secret key or a
session token; the credentials themselves never reach this module.
"""

from __future__ import annotations

import enum
import importlib
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from mamori.checks.model import CollectionError

PROVIDER = "aws"
T = TypeVar("T")

_exceptions: Any = importlib.import_module("botocore.exceptions")
_parsers: Any = importlib.import_module("botocore.parsers")


class InvalidResponse(_exceptions.BotoCoreError):  # type: ignore[misc]
    """The endpoint answered with something that is not an AWS answer.

    Its code is the HTTP status for an error status (as botocore names a bare HTML error
    page: ``"403"``), else ``InvalidResponse``. Not retried: it is raised from the
    ``before-parse`` hook, outside botocore's retry loop.
    """

    fmt = "{reason}"

    def __init__(self, reason: str, status: int = 0) -> None:
        super().__init__(reason=reason)
        code = str(status) if status >= 400 else "InvalidResponse"
        self.response: dict[str, Any] = {"Error": {"Code": code, "Message": reason},
                                         "ResponseMetadata": {"HTTPStatusCode": status}}


class CallTimeout(_exceptions.BotoCoreError):  # type: ignore[misc]
    """A call did not finish within the per-call deadline (``AwsOptions.call_timeout``)."""

    fmt = "no answer within {seconds:g} seconds (the per-call deadline); call abandoned"


#: The exception classes that mean "the AWS call failed" (not a bug of ours).
AWS_ERRORS: tuple[type[Exception], ...] = (
    _exceptions.ClientError, _exceptions.BotoCoreError, _parsers.ResponseParserError)
_JSON_PROTOCOLS = frozenset({"json", "rest-json"})
_MARK = "x-mamori-not-an-answer"  # set on 5xx pages turned into botocore's generic error

# 40+ characters of base64 alphabet: secret access keys and session tokens.
_SECRET_LIKE = re.compile(r"[A-Za-z0-9/+=]{40,}")
_MAX_MESSAGE = 300


class Outcome(enum.Enum):
    """Sentinels returned instead of an API answer."""

    FAILED = "failed"  # the call failed; a CollectionError was recorded
    NOT_CONFIGURED = "not_configured"  # AWS says the thing is not set up (a fact)


FAILED = Outcome.FAILED
NOT_CONFIGURED = Outcome.NOT_CONFIGURED


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore exception, or its class name."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if code:
            return str(code)
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status:
            return f"HTTP{status}"
    return type(exc).__name__


def not_an_answer(status: int, body: Any, protocol: str) -> str | None:
    """Why an HTTP response cannot be an AWS answer, or None when it may be one.

    An HTML page (any status) never is. A successful answer of a JSON protocol must be
    a JSON object. XML answers are left to botocore's parser, which raises
    ``ResponseParserError`` on anything that is not XML.
    """
    if not isinstance(body, bytes | bytearray):
        return None  # a streamed body: nothing read yet
    text = bytes(body).lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:14].lower().startswith((b"<!doctype html", b"<html")):
        return f"HTTP {status} with an HTML page, not an AWS answer"
    if status < 300 and protocol in _JSON_PROTOCOLS and text:
        try:
            loaded = json.loads(text)
        except (ValueError, RecursionError):
            loaded = None
        if not isinstance(loaded, dict):
            return f"HTTP {status} with a body that is not a JSON object, not an AWS answer"
    return None


def check_response(response_dict: dict[str, Any], operation_model: Any, **_: Any) -> None:
    """botocore ``before-parse`` hook: refuse what :func:`not_an_answer` refuses."""
    service = operation_model.service_model
    protocol = str(getattr(service, "resolved_protocol", None)
                   or service.metadata.get("protocol", ""))
    status = int(response_dict.get("status_code", 0))
    reason = not_an_answer(status, response_dict.get("body"), protocol)
    if reason is None:
        return
    if status >= 500:
        # A load balancer's or proxy's error page: hand botocore an empty 5xx answer, its
        # "generic error" (code = the status), which its retry handler retries like any
        # 5xx. Raising here would skip the retries (the hook runs outside them).
        response_dict["body"] = b""
        response_dict.setdefault("headers", {})[_MARK] = "html-page"
        return
    raise InvalidResponse(reason, status)


def safe_message(exc: BaseException) -> str:
    """A short, secret-free message for reports."""
    if isinstance(exc, _parsers.ResponseParserError):
        return "the answer could not be parsed: not an AWS answer"
    response = getattr(exc, "response", None)
    text = str(exc)
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        headers = response.get("ResponseMetadata", {}).get("HTTPHeaders") or {}
        if _MARK in headers:
            return f"HTTP {status} with an HTML page, not an AWS answer"
        text = str(response.get("Error", {}).get("Message")
                   or (f"HTTP {status} without an AWS error message" if status else text))
    if "<html" in text.lower():
        # A proxy or an unimplemented endpoint answered with a web page.
        return f"the endpoint answered {error_code(exc)} with an HTML page, not an AWS error"
    return scrub(text)


def scrub(text: str) -> str:
    """``text`` on one line, cut short, with secret-looking strings redacted."""
    text = " ".join(_SECRET_LIKE.sub("[redacted]", text).split())
    return text[:_MAX_MESSAGE]


class Scope:
    """Where calls happen (account, region, resource) and what failed there.

    Service code calls AWS through ``call`` / ``pages``; failures are kept in
    ``errors`` and yielded after the resources by ``drain``.
    """

    def __init__(self, account: str, region: str, label: str = "") -> None:
        self.account = account
        self.region = region
        self.label = label
        self.errors: list[CollectionError] = []

    def describe(self) -> str:
        """Human-readable scope, e.g. ``account 123/region eu-west-1/bucket logs``."""
        parts = [f"account {self.account}" if self.account else "",
                 f"region {self.region}" if self.region else "", self.label]
        return "/".join(p for p in parts if p)

    def child(self, label: str) -> Scope:
        """A scope for one resource inside this one (errors are kept separately)."""
        return Scope(self.account, self.region, label)

    def call(self, operation: str, fn: Callable[..., Any], /, *,
             not_configured: frozenset[str] = frozenset(), **kwargs: Any) -> Any:
        """``fn(**kwargs)``; on failure record it and return ``FAILED``.

        ``operation`` is ``service:Operation`` (``s3:GetBucketPolicy``). Error codes in
        ``not_configured`` return ``NOT_CONFIGURED`` and record nothing.
        """
        try:
            return fn(**kwargs)
        except AWS_ERRORS as exc:
            code = error_code(exc)
            if code in not_configured:
                return NOT_CONFIGURED
            self.record(operation, exc)
            return FAILED

    def pages(self, operation: str, client: Any, method: str, key: str, *,
              resource_types: tuple[str, ...], **kwargs: Any) -> Iterator[Any]:
        """Every item under ``key`` across the pages of a listing.

        A failure (at any page) is recorded with ``resource_types``: those types are
        incomplete in this scope, so the engine marks their findings ERROR.
        """
        try:
            if client.can_paginate(method):
                for page in client.get_paginator(method).paginate(**kwargs):
                    yield from page.get(key, [])
            else:
                yield from getattr(client, method)(**kwargs).get(key, [])
        except AWS_ERRORS as exc:
            self.record(operation, exc, resource_types)

    def record(self, operation: str, exc: BaseException,
               resource_types: tuple[str, ...] = ()) -> None:
        """Keep a failed call as a ``CollectionError``."""
        self.errors.append(CollectionError(
            provider=PROVIDER, operation=operation, scope=self.describe(),
            code=error_code(exc), message=safe_message(exc),
            resource_types=resource_types, account=self.account, region=self.region))

    def invalid(self, operation: str, why: str) -> None:
        """Record an answer that came back but cannot be read (``InvalidResponse``)."""
        self.record(operation, InvalidResponse(why))

    def isolated(self, what: str, resource_types: tuple[str, ...],
                 build: Callable[[], T]) -> T | None:
        """``build()``, or None after recording ``InternalError`` when it raises.

        One resource that cannot be normalised (a bug, an answer of a shape never seen)
        is an error for that resource alone: its findings become ERROR, and the other
        resources of the batch are collected as usual.
        """
        try:
            return build()
        except Exception as exc:  # fail closed for this resource, never the batch
            self.errors.append(CollectionError(
                provider=PROVIDER, operation=what, scope=self.describe(),
                code="InternalError", message=scrub(f"{type(exc).__name__}: {exc}"),
                resource_types=resource_types, account=self.account, region=self.region))
            return None

    def drain(self) -> Iterator[CollectionError]:
        """Yield and forget the recorded errors."""
        errors, self.errors = self.errors, []
        yield from errors
