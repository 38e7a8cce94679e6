"""Local stand-ins for Google: gcp-storage-emulator, and a small server for the REST APIs.

The emulator (in-process, loopback, in memory) serves the Cloud Storage JSON API; it
stores bucket IAM policies, ACLs and settings but enforces nothing. ``FakeGoogle``
answers the other APIs (Resource Manager, IAM, Compute, Cloud SQL Admin, OS Config,
Policy Analyzer, and Cloud Storage when a test needs a 403) with canned JSON in the
documented shapes, and records every request so tests can check paging and headers.
The provider code is unchanged: only base URLs and credentials differ.
"""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from mamori.checks.model import CollectionError, Resource
from mamori.providers.gcp import GcpOptions, GcpProvider

TOKEN = "ya29.test-token-that-must-never-appear-anywhere"
PROJECT = "acme-prod"


@dataclass
class Seen:
    """One request the fake server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeGoogle:
    """Routes (method, path) to canned JSON answers; everything else is a 404."""

    routes: dict[tuple[str, str], Callable[[Seen], tuple[int, Any]]] = field(
        default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    base: str = ""

    def add(self, method: str, path: str, body: Any, status: int = 200) -> None:
        self.routes[(method, path)] = lambda _req: (status, body)

    def get(self, path: str, body: Any) -> None:
        self.add("GET", path, body)

    def pages(self, path: str, key: str, pages: list[list[Any]], **extra: Any) -> None:
        """A list call answered in several pages linked by nextPageToken."""
        def answer(req: Seen) -> tuple[int, Any]:
            index = int(req.query.get("pageToken", ["0"])[0])
            page: dict[str, Any] = {key: pages[index], **extra}
            if index + 1 < len(pages):
                page["nextPageToken"] = str(index + 1)
            return 200, page
        self.routes[("GET", path)] = answer

    def deny(self, method: str, path: str, status: int = 403, reason: str | None = None,
             message: str = "The caller does not have permission") -> None:
        error: dict[str, Any] = {"code": status, "message": message,
                                 "status": "PERMISSION_DENIED" if status == 403 else "ERROR"}
        if reason:
            error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                 "reason": reason, "domain": "googleapis.com"}]
        self.add(method, path, {"error": error}, status)

    def paths(self, method: str = "GET") -> list[str]:
        return [s.path for s in self.seen if s.method == method]


def _body(raw: bytes) -> Any:
    """A JSON body, or the form fields of an OAuth token request."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return parse_qs(raw.decode())


def _handler(fake: FakeGoogle) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            req = Seen(self.command, url.path, parse_qs(url.query), headers, _body(raw))
            fake.seen.append(req)
            route = fake.routes.get((self.command, url.path))
            status, body = route(req) if route else (404, {"error": {
                "code": 404, "message": f"no route {url.path}", "status": "NOT_FOUND"}})
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

    return Handler


@pytest.fixture
def fake() -> Iterator[FakeGoogle]:
    fake = FakeGoogle()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[Any]:
    emulator: Any = importlib.import_module("gcp_storage_emulator.server")
    server = emulator.create_server("127.0.0.1", 0, in_memory=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The emulator's base URL, wiped before each test."""
    monkeypatch.delenv("STORAGE_EMULATOR_HOST", raising=False)
    emulator_server.wipe()
    yield f"http://127.0.0.1:{emulator_server._api._httpd.server_address[1]}"


def credentials() -> Any:
    """Static-token credentials: sent as a bearer header, never refreshed."""
    oauth2: Any = importlib.import_module("google.oauth2.credentials")
    return oauth2.Credentials(token=TOKEN)


def storage_client(endpoint: str) -> Any:
    """A google-cloud-storage client for setting up the emulator."""
    auth: Any = importlib.import_module("google.auth.credentials")
    storage: Any = importlib.import_module("google.cloud.storage")
    return storage.Client(project=PROJECT, credentials=auth.AnonymousCredentials(),
                          client_options={"api_endpoint": endpoint})


def options(fake: FakeGoogle, storage_endpoint: str | None = None, **kw: Any) -> GcpOptions:
    """Options pointing every REST API at ``fake`` (each under its own prefix)."""
    fields = GcpOptions.ENDPOINT_FIELDS.items()
    endpoints: dict[str, Any] = {f: f"{fake.base}/{api}" for api, f in fields
                                 if api != "storage"}
    kw.setdefault("projects", (PROJECT,))
    kw.setdefault("max_attempts", 1)
    return GcpOptions(storage_endpoint=storage_endpoint or f"{fake.base}/storage",
                      credentials=credentials(), **endpoints, **kw)


@dataclass
class Collected:
    """What one ``collect()`` yielded, indexed for assertions."""

    resources: list[Resource]
    errors: list[CollectionError]

    def one(self, rtype: str, rid: str) -> Resource:
        found = [r for r in self.resources if r.type == rtype and r.id == rid]
        assert len(found) == 1, (rtype, rid, [r.id for r in self.resources if r.type == rtype])
        return found[0]

    def of(self, rtype: str) -> dict[str, Resource]:
        return {r.id: r for r in self.resources if r.type == rtype}

    def error(self, operation: str) -> CollectionError:
        found = [e for e in self.errors if e.operation == operation]
        assert len(found) == 1, (operation, self.errors)
        return found[0]


def run(opts: GcpOptions) -> Collected:
    items = list(GcpProvider(opts).collect())
    return Collected([i for i in items if isinstance(i, Resource)],
                     [i for i in items if isinstance(i, CollectionError)])
