"""Webhook notifications against a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mamori.checks.history.drift import compare
from mamori.checks.model import Status
from mamori.ci.gate import GatePolicy, decide
from mamori.ci.notify import Delivery, NotifyError, notify, post, redact
from tests.checks.history.conftest import Estate, estate, host  # noqa: F401
from tests.ci.conftest import finding, result

#: What the receiver does with request n (0-based): an HTTP status, or "hang" (no answer
#: within the client's timeout).
Plan = Callable[[int], int | str]


@dataclass
class Receiver:
    url: str
    bodies: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture
def receiver(request: pytest.FixtureRequest) -> Iterator[Callable[[Plan], Receiver]]:
    servers: list[ThreadingHTTPServer] = []

    def start(plan: Plan) -> Receiver:
        rec = Receiver("")

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                n = len(rec.bodies)
                rec.bodies.append(body)
                rec.headers.append(dict(self.headers))
                action = plan(n)
                if action == "hang":
                    time.sleep(1.5)
                    return
                self.send_response(int(action))
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        rec.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/T000/SECRET-TOKEN"
        return rec

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


FAST = Delivery(timeout=0.5, attempts=3, backoff=0.05)


def drifted() -> tuple[Any, Any]:
    """One new FAIL (n-1), one persisting FAIL (p-1), one PASS."""
    from tests.checks.history.test_drift import before, previous

    old = [finding("R-OLD", "p-1", account="a")]
    r = result(finding("R-OLD", "p-1", account="a"), finding("R-NEW", "n-1", account="a"),
               finding("R-OK", "ok", Status.PASS, account="a"))
    r = compare(replace(r, run=replace(r.run, accounts=("onprem:a",))), previous(),
                before(*old))
    return r, decide(r, GatePolicy())


def test_json_summary_puts_new_failures_first(receiver: Callable[[Plan], Receiver]) -> None:
    rec = receiver(lambda n: 200)
    r, verdict = drifted()
    assert notify([rec.url], r, verdict, "json", "https://reports.example/2026-11-29/",
                  FAST) == []
    (body,) = rec.bodies
    assert rec.headers[0]["Content-Type"].startswith("application/json")
    assert list(body)[:4] == ["tool", "version", "as_of", "providers"]
    assert [i["rule_id"] for i in body["new_failures"]] == ["R-NEW"]
    assert body["new_failures_total"] == 1 and body["failures_total"] == 2
    assert body["drift"]["new"] == 1 and body["drift"]["persisting"] == 1
    assert body["by_cause"]["insider"]["new"] == 1 and body["by_cause"]["insider"]["fail"] == 2
    assert body["report"] == "https://reports.example/2026-11-29/"
    assert body["exit_code"] == 1


@pytest.mark.parametrize("style", ["slack", "teams"])
def test_chat_payloads(receiver: Callable[[Plan], Receiver], style: str) -> None:
    rec = receiver(lambda n: 200)
    r, verdict = drifted()
    assert notify([rec.url], r, verdict, style, "https://reports.example/r.html", FAST) == []
    body = rec.bodies[0]
    text = json.dumps(body, ensure_ascii=False)
    assert "New failures (1)" in text and "R-NEW" in text and "new 1" in text
    if style == "slack":
        assert body["text"].startswith("mamori 2026-11-29: FAILED")
        assert body["blocks"][0]["type"] == "header"
    else:
        card = body["attachments"][0]
        assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
        assert card["content"]["actions"][0]["url"] == "https://reports.example/r.html"


def with_not_assessed() -> tuple[Any, Any]:
    """The drifted run plus two NOT_ASSESSED findings of a rule of its own."""
    r, _ = drifted()
    needs = {"employment": "give an HR inventory joined by e-mail"}
    extra = [replace(finding("R-HR", f"u-{i}", Status.NOT_ASSESSED, account="a"),
                     needs=needs) for i in range(2)]
    r = replace(r, findings=[*r.findings, *extra], rules=[*r.rules, extra[0].rule])
    return r, decide(r, GatePolicy())


@pytest.mark.parametrize("style", ["json", "slack", "teams"])
def test_not_assessed_is_counted_apart(receiver: Callable[[Plan], Receiver],
                                       style: str) -> None:
    rec = receiver(lambda n: 200)
    r, verdict = with_not_assessed()
    assert notify([rec.url], r, verdict, style, None, FAST) == []
    body = rec.bodies[0]
    if style == "json":
        assert body["counts"]["NOT_ASSESSED"] == 2 and body["counts"]["FAIL"] == 2
        assert body["failures_total"] == 2  # never listed with the failures
        assert all(i["status"] != "NOT_ASSESSED" for i in body["failures"])
        assert body["by_cause"]["insider"]["not_assessed"] == 2
        assert body["not_assessed"] == [{"fact": "employment", "findings": 2,
                                         "source": "give an HR inventory joined by e-mail"}]
        return
    text = json.dumps(body, ensure_ascii=False)
    assert "NOT_ASSESSED 2" in text and "not assessed 2" in text
    assert "Not assessed (2)" in text and "employment: give an HR inventory" in text


def test_retries_a_server_error_then_succeeds(receiver: Callable[[Plan], Receiver]) -> None:
    rec = receiver(lambda n: 500 if n == 0 else 204)
    post(rec.url, {"x": 1}, FAST)
    assert len(rec.bodies) == 2


def test_client_error_is_not_retried(receiver: Callable[[Plan], Receiver]) -> None:
    rec = receiver(lambda n: 404)
    with pytest.raises(NotifyError, match="HTTP 404 after 1 attempt"):
        post(rec.url, {"x": 1}, FAST)
    assert len(rec.bodies) == 1


def test_failure_is_a_note_without_the_secret(receiver: Callable[[Plan], Receiver]) -> None:
    rec = receiver(lambda n: 500 if n == 0 else "hang")
    r, verdict = drifted()
    (note,) = notify([rec.url], r, verdict, "json", None, FAST)
    assert len(rec.bodies) == 3
    assert note.kind == "notify_failed" and "timed out after 3 attempt(s)" in note.message
    assert "SECRET" not in note.message and "SECRET" not in note.source
    assert redact(rec.url) == rec.url.split("/hooks")[0] + "/…"


def test_failed_notification_keeps_the_run_and_exit_code(
        receiver: Callable[[Plan], Receiver], estate: Estate) -> None:  # noqa: F811
    failing = receiver(lambda n: 500 if n == 0 else "hang")
    ok = receiver(lambda n: 200)
    estate.write(host("h-a", "2026-10-25", 2))
    proc = estate.scan("2026-11-01", "--notify", failing.url, "--notify", ok.url,
                       "--notify-timeout", "0.5")
    assert proc.returncode == 1, proc.stderr  # the FAIL decides, not the webhook
    assert "notification to http://127.0.0.1" in proc.stderr
    assert "SECRET" not in proc.stderr + proc.stdout
    assert len(failing.bodies) == 3 and len(ok.bodies) == 1
    report = estate.report("2026-11-01")
    assert [n["kind"] for n in report["notices"]] == ["notify_failed"]
    assert report["run"]["exit_code"] == 1
    assert ok.bodies[0]["report"].endswith("mamori-report.html")
    with sqlite3.connect(estate.db) as conn:
        assert conn.execute("SELECT exit_code FROM runs").fetchall() == [(1,)]


def test_without_history_the_most_urgent_failures_are_listed() -> None:
    from mamori.ci.notify import payload, summary

    r = result(finding("R-1", "<script>", account="a"), finding("R-2", "ok", Status.PASS))
    data = summary(r, decide(r, GatePolicy()), None)
    assert data["drift"] is None and data["new_failures"] == []
    assert [i["resource"] for i in data["failures"]] == ["user/<script>"]
    slack = json.dumps(payload(data, "slack"))
    assert "Failures (1)" in slack and "&lt;script&gt;" in slack and "<script>" not in slack
