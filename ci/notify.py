"""``--notify URL``: post a summary of the run to a webhook after the reports are written.

The summary puts new failures first, then counts per status and per cause (with new and
resolved per cause when a history was compared), the gate's verdict and a link or path
to the report. NOT_ASSESSED findings are counted on their own, never with the failures or
the passes, with the facts they need and the sources that could supply them. Three
payload styles: ``json`` (the summary itself, for your own receivers), ``slack``
(incoming-webhook ``text`` + ``blocks``) and ``teams`` (a message with one Adaptive Card,
as Teams Workflows webhooks take it).

Delivery has a timeout and a bounded retry (connection errors, timeouts, HTTP 429 and
5xx; other 4xx answers are final). A notification that still fails is returned as a
:class:`~mamori.checks.findings.GateNote` of kind ``notify_failed``: the CLI prints it on
stderr and lists it in the JSON report's ``notices``; it never loses the run and never
changes the exit code. Webhook URLs carry their secret in the path or query, so only
scheme and host are ever printed (:func:`redact`).

The payload is made of findings, whose evidence and messages the engine has already
masked (no secret in a notification); characters no report carries raw (lone
surrogates, bidi controls) are sent as the visible text ``\\uXXXX``, so encoding the
body never fails.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from mamori.checks.findings import Finding, GateNote, ScanResult
from mamori.checks.model import Status
from mamori.checks.summary import coverage, needs_of, status_counts
from mamori.ci.gate import GateVerdict
from mamori.reports._common import json_doc, ordered_findings, resource_label

STYLES = ("json", "slack", "teams")
#: Failures listed by name in a notification; the rest are counted.
TOP = 10
_SHOWN = (Status.FAIL, Status.ERROR)


class NotifyError(Exception):
    """A webhook could not be reached or did not accept the payload."""


@dataclass(frozen=True)
class Delivery:
    """How hard to try: per-request timeout, attempts, and the pause between them."""

    timeout: float = 10.0
    attempts: int = 3
    backoff: float = 1.0


def redact(url: str) -> str:
    """``https://hooks.slack.com/…``: scheme and host only (the rest is the secret)."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or '?'}{port}/…"


def _item(f: Finding) -> dict[str, Any]:
    return {"rule_id": f.rule.id, "severity": f.rule.severity.value, "status": f.status.value,
            "title": f.rule.title.en, "resource": resource_label(f.resource),
            "location": "/".join(p for p in (f.resource.provider, f.resource.account) if p),
            "message": f.message, "change": f.change,
            "first_seen": f.first_seen.isoformat() if f.first_seen else None}


def _causes(result: ScanResult) -> dict[str, dict[str, Any]]:
    drift = result.drift
    out = {}
    for cov in coverage(result):
        entry: dict[str, Any] = {"label": cov.cause.label_en, "checked": cov.checked,
                                 "fail": cov.counts[Status.FAIL],
                                 "error": cov.counts[Status.ERROR],
                                 "not_assessed": cov.counts[Status.NOT_ASSESSED],
                                 "not_assessed_only": cov.not_assessed,
                                 "pass_rate": cov.pass_rate}
        if drift is not None:
            entry.update(drift.counts[cov.cause])
        out[cov.cause.value] = entry
    return out


def summary(result: ScanResult, verdict: GateVerdict, report: str | None) -> dict[str, Any]:
    """The JSON summary (the ``json`` payload, and what the other styles are made of)."""
    failing = [f for f in ordered_findings(result.findings) if f.status in _SHOWN]
    new = [f for f in failing if f.change == "new"]
    drift = result.drift
    return {
        "tool": "mamori", "version": result.run.tool_version,
        "as_of": result.run.as_of.isoformat(), "providers": list(result.run.providers),
        "exit_code": int(verdict.exit_code), "exit_reason": verdict.reason, "report": report,
        "new_failures": [_item(f) for f in new[:TOP]], "new_failures_total": len(new),
        "failures": [_item(f) for f in failing[:TOP]], "failures_total": len(failing),
        "counts": {s.value: n for s, n in status_counts(result).items()},
        "not_assessed": [n.to_dict() for n in sorted(
            needs_of(result.findings), key=lambda n: (-n.findings, n.fact))[:TOP]],
        "collection_errors": len(result.errors),
        "drift": None if drift is None else {
            "previous_as_of": drift.previous_as_of.isoformat() if drift.previous_as_of else None,
            **drift.totals},
        "by_cause": _causes(result),
        "notices": [n.message for n in result.notices],
    }


def payload(data: dict[str, Any], style: str) -> dict[str, Any]:
    """The body to post in ``style`` (one of :data:`STYLES`)."""
    if style == "json":
        return data
    from mamori.ci.notify_styles import slack, teams

    return slack(data) if style == "slack" else teams(data)


Opener = Callable[..., Any]


def post(url: str, body: dict[str, Any], delivery: Delivery = Delivery(),
         opener: Opener = urllib.request.urlopen, sleep: Callable[[float], None] = time.sleep,
         ) -> None:
    """POST ``body`` as JSON; retry transient failures; NotifyError when it never worked."""
    data = json_doc(json.dumps(body, ensure_ascii=False)).encode("utf-8")
    last = ""
    for attempt in range(1, delivery.attempts + 1):
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "mamori"})
        try:
            with opener(request, timeout=delivery.timeout) as response:
                response.read()
            return
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
            if exc.code != 429 and exc.code < 500:
                break  # the receiver refused the payload: retrying will not help
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = "timed out" if isinstance(reason, TimeoutError) else type(reason).__name__
        if attempt < delivery.attempts:
            sleep(delivery.backoff * attempt)
    raise NotifyError(f"{last} after {attempt} attempt(s)")


def notify(urls: Sequence[str], result: ScanResult, verdict: GateVerdict, style: str,
           report: str | None, delivery: Delivery = Delivery()) -> list[GateNote]:
    """Post to every URL; one ``notify_failed`` note per webhook that failed."""
    body = payload(summary(result, verdict, report), style)
    notes = []
    for url in urls:
        try:
            post(url, body, delivery)
        except NotifyError as exc:
            where = redact(url)
            notes.append(GateNote("notify_failed", where,
                                  f"notification to {where} failed: {exc}",
                                  {"style": style}))
    return notes
