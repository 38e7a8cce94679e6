"""Translate botocore failures into ``CollectionError`` records at the boundary.

Nothing here raises to the caller: a failed AWS call becomes a record, and the value
it would have produced becomes ``FAILED`` so the attributes that needed it stay
absent (the rules give ERROR, never PASS). Answers that mean "not configured"
(``NoSuchBucketPolicy``, ``NoSuchEntity`` for a login profile...) are facts, returned
as ``NOT_CONFIGURED``, not errors::

    botocore ClientError       → code from the response ("AccessDenied", "Throttling"...)
    botocore BotoCoreError     → code = class name ("ReadTimeoutError",
                                 "EndpointConnectionError", "NoCredentialsError"...)
    anything else              → a bug: it propagates

Messages are cut short and scrubbed of anything that looks like a secret key or a
session token; the credentials themselves never reach this module.
"""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Callable, Iterator
from typing import Any

from mamori.checks.model import CollectionError

PROVIDER = "aws"

_exceptions: Any = importlib.import_module("botocore.exceptions")
#: The exception classes that mean "the AWS call failed" (not a bug of ours).
AWS_ERRORS: tuple[type[Exception], ...] = (_exceptions.ClientError, _exceptions.BotoCoreError)

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


def safe_message(exc: BaseException) -> str:
    """A short, secret-free message for reports."""
    response = getattr(exc, "response", None)
    text = str(exc)
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
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

    def drain(self) -> Iterator[CollectionError]:
        """Yield and forget the recorded errors."""
        errors, self.errors = self.errors, []
        yield from errors
