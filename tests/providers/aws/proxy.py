"""A fault-injecting HTTP proxy on loopback in front of the moto server.

Real HTTP end to end: boto3 talks to the proxy exactly as it would to AWS, and the proxy
forwards every request to moto unchanged, except those a rule picks out, which it answers
itself (an HTML 502 from a "load balancer", a 200 that is not JSON, a documented JSON
shape moto does not implement, a 403) or never answers at all (a hung call). Requests
are matched by what identifies an AWS operation on the wire: the ``Action=`` of query
APIs (IAM, EC2, RDS, STS), the ``X-Amz-Target`` of JSON APIs (KMS, SSM, CloudTrail),
the path and query of S3.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    """What the proxy saw of one request."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def action(self) -> str:
        """``Action`` (query APIs) or the operation of ``X-Amz-Target`` (JSON APIs)."""
        target = self.headers.get("x-amz-target", "")
        if target:
            return target.rsplit(".", 1)[-1]
        form = parse_qs(self.body.decode("utf-8", "replace"))
        return (form.get("Action") or [""])[0]


@dataclass(frozen=True)
class Answer:
    """A reply the proxy gives instead of moto's."""

    status: int
    body: bytes
    content_type: str = "text/html"


HANG = "hang"  # a rule returning this never answers (until the proxy stops)
Rule = Callable[[Request], Answer | str | None]

HTML_502 = Answer(502, b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
                       b"<body><h1>502 Bad Gateway</h1></body></html>\n")
HTML_200 = Answer(200, b"<html><body><p>Please sign in to continue.</p></body></html>")


@dataclass
class Proxy:
    """The running proxy: its URL, the rules in force, and what it answered itself."""

    url: str
    rules: list[Rule] = field(default_factory=list)
    intercepted: list[Request] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


def _handler(upstream: str, proxy: Proxy) -> type[BaseHTTPRequestHandler]:
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        def _relay(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            request = Request(self.command, self.path,
                              {k.lower(): v for k, v in self.headers.items()}, body)
            for rule in list(proxy.rules):
                answer = rule(request)
                if answer is None:
                    continue
                proxy.intercepted.append(request)
                if answer == HANG:
                    proxy.release.wait(60)  # the client gives up long before
                    return
                assert isinstance(answer, Answer)
                self._send(answer.status, answer.content_type, answer.body, [])
                return
            conn = http.client.HTTPConnection(target.netloc, timeout=30)
            conn.request(self.command, self.path, body=body, headers=dict(self.headers))
            reply = conn.getresponse()
            data = reply.read()
            headers = [(k, v) for k, v in reply.getheaders()
                       if k.lower() not in ("content-length", "transfer-encoding", "connection",
                                            "content-type")]
            self._send(reply.status, reply.getheader("Content-Type", ""), data, headers)
            conn.close()

        def _send(self, status: int, content_type: str, data: bytes,
                  headers: list[tuple[str, str]]) -> None:
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _relay

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running(upstream: str, *rules: Rule) -> Iterator[Proxy]:
    """A proxy to ``upstream`` on 127.0.0.1 with ``rules``; stopped by its own handle."""
    proxy = Proxy("")
    proxy.rules.extend(rules)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(upstream, proxy))
    server.daemon_threads = True
    proxy.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.release.set()
        server.shutdown()
        server.server_close()


def action(name: str, answer: Answer | str) -> Rule:
    """Answer ``answer`` for the query/JSON API operation ``name``."""
    return lambda request: answer if request.action == name else None


def s3_call(bucket: str, subresource: str, answer: Answer | str) -> Rule:
    """Answer ``answer`` for ``GET /<bucket>?<subresource>`` (path-style S3)."""
    def rule(request: Request) -> Answer | str | None:
        parts = urlsplit(request.path)
        if (request.method == "GET" and parts.path.strip("/") == bucket
                and subresource in parse_qs(parts.query, keep_blank_values=True)):
            return answer
        return None
    return rule


def json_answer(name: str, body: bytes) -> Rule:
    """Answer a JSON API operation with a documented body (HTTP 200)."""
    return action(name, Answer(200, body, "application/x-amz-json-1.1"))
