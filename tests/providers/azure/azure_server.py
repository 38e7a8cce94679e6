"""A local HTTPS server that answers Resource Manager, Graph and token requests.

No emulator covers the Azure management plane, so the tests serve canned answers in
the REST API reference's shapes from 127.0.0.1 (port 0) over TLS with a throw-away
certificate for ``IP:127.0.0.1``, trusted by the clients through
``connection_verify``. The real SDKs and azure-identity talk to it unchanged:

- token endpoints: Entra ID OpenID discovery + ``/oauth2/v2.0/token`` (for
  ``ClientSecretCredential`` with a local authority) and ``/msi/token`` (the managed
  identity flow ``DefaultAzureCredential`` uses with ``IDENTITY_ENDPOINT``);
- ARM at the root (``/subscriptions/...``) and Graph under ``/graph/v1.0/...``;
- every ARM/Graph request must carry ``Authorization: Bearer <TOKEN>``, else 401.

Answers are looked up by lower-cased path plus the ``$skiptoken`` (for next pages);
``fail(path, status, body, times, headers)`` makes a path fail (``times=None``: always).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

#: The bearer token the token endpoints hand out; it must never show up in output.
TOKEN = ("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJtYW1vcmktdGVzdCJ9."
         "c2VjcmV0LXNpZ25hdHVyZS0xMjM0NTY3ODkw")
IDENTITY_HEADER = "local-identity-header-value"


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for IP:127.0.0.1 (and its key), written as PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Failure:
    """An injected error answer for one path."""

    status: int
    body: dict[str, Any]
    times: int | None  # None = every time
    headers: dict[str, str] = field(default_factory=dict)
    query_contains: str = ""  # only requests whose query contains this
    delay: float = 0.0  # seconds to wait before answering (timeouts)


@dataclass
class Seen:
    """One request the server received (never the token itself)."""

    method: str
    path: str
    query: str
    authorized: bool


class AzureServer:
    """The server, its routes and what it has seen. Start with ``start()``."""

    def __init__(self, cert: Path, key: Path, tenant: str) -> None:
        self.tenant = tenant
        self.routes: dict[tuple[str, str], Any] = {}
        self.posts: dict[str, Callable[[dict[str, Any]], Any]] = {}
        self.failures: dict[str, Failure] = {}
        self.seen: list[Seen] = []
        self.token_requests = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """``https://127.0.0.1:<port>``."""
        return f"https://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def add(self, path: str, body: Any, page: str = "") -> None:
        """Answer GET ``path`` (with ``$skiptoken=page`` when given) with ``body``."""
        self.routes[(path.lower(), page)] = body

    def fail(self, path: str, status: int, body: dict[str, Any], times: int | None = None,
             headers: dict[str, str] | None = None, query_contains: str = "",
             delay: float = 0.0) -> None:
        """Make ``path`` answer ``status`` (``times`` times, or always)."""
        self.failures[path.lower()] = Failure(status, body, times, headers or {},
                                              query_contains, delay)

    def requests_to(self, fragment: str) -> list[Seen]:
        """Requests whose path contains ``fragment`` (case-insensitive)."""
        return [s for s in self.seen if fragment.lower() in s.path.lower()]

    def take_failure(self, path: str, query: str) -> Failure | None:
        """The injected failure for ``path``, counting it down."""
        with self._lock:
            failure = self.failures.get(path)
            if failure is None or failure.query_contains not in query:
                return None
            if failure.times is not None:
                if failure.times <= 0:
                    return None
                failure.times -= 1
            return failure


def _handler(server: AzureServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return  # keep test output quiet

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def _dispatch(self, method: str) -> None:
            parts = urlsplit(self.path)
            path = parts.path.lower()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self._token_route(method, path, parts.query):
                return
            authorized = self.headers.get("Authorization") == f"Bearer {TOKEN}"
            server.seen.append(Seen(method, path, parts.query, authorized))
            if not authorized:
                self._send(401, {"error": {"code": "InvalidAuthenticationToken",
                                           "message": "missing or wrong bearer token"}})
                return
            failure = server.take_failure(path, unquote(parts.query))
            if failure is not None:
                time.sleep(failure.delay)
                self._send(failure.status, failure.body, failure.headers)
                return
            if method == "POST":
                handler = server.posts.get(path)
                answer = handler(json.loads(body or b"{}")) if handler else None
            else:
                skip = parse_qs(parts.query).get("$skiptoken", [""])[0]
                answer = server.routes.get((path, skip))
            if answer is None:
                self._send(404, {"error": {"code": "ResourceNotFound",
                                           "message": f"no canned answer for {path}"}})
                return
            self._send(200, answer)

        def _token_route(self, method: str, path: str, query: str) -> bool:
            tenant = server.tenant.lower()
            if path == f"/{tenant}/v2.0/.well-known/openid-configuration":
                base = f"{server.url}/{server.tenant}"
                self._send(200, {
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                    "issuer": f"{base}/v2.0",
                    "token_endpoint_auth_methods_supported": ["client_secret_post"],
                    "response_types_supported": ["code", "id_token", "token"],
                    "jwks_uri": f"{base}/discovery/v2.0/keys",
                })
                return True
            if method == "POST" and path == f"/{tenant}/oauth2/v2.0/token":
                server.token_requests += 1
                self._send(200, {"token_type": "Bearer", "expires_in": 3600,
                                 "ext_expires_in": 3600, "access_token": TOKEN})
                return True
            if "/.well-known/openid-configuration" in path or "/oauth2/" in path:
                self._send(400, {"error": "invalid_tenant",
                                 "error_description": "AADSTS90002: Tenant not found."})
                return True
            if path == "/msi/token":
                if self.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
                    self._send(401, {"error": "invalid identity header"})
                    return True
                server.token_requests += 1
                resource = parse_qs(query).get("resource", [""])[0]
                expires = int(dt.datetime.now(dt.UTC).timestamp()) + 3600
                self._send(200, {"access_token": TOKEN, "expires_on": str(expires),
                                 "resource": resource, "token_type": "Bearer"})
                return True
            return False

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-ms-request-id", "00000000-0000-0000-0000-000000000000")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
