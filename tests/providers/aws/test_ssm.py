"""Host patch facts from Systems Manager.

moto does not implement SSM's DescribeInstanceInformation, so this test puts a small
proxy on loopback in front of the moto server: it answers SSM requests itself, in the
documented JSON shapes, and forwards every other request to moto unchanged.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

PATCHED = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


def _proxy_handler(upstream: str, instance_id: str) -> type[BaseHTTPRequestHandler]:
    target = urlsplit(upstream)
    answers = {
        "AmazonSSM.DescribeInstanceInformation": {"InstanceInformationList": [
            {"InstanceId": instance_id, "PingStatus": "Online", "PlatformType": "Linux",
             "PlatformName": "Amazon Linux", "PlatformVersion": "2023"}]},
        "AmazonSSM.DescribeInstancePatchStates": {"InstancePatchStates": [
            {"InstanceId": instance_id, "PatchGroup": "", "BaselineId": "pb-0123456789abcdef0",
             "Operation": "Install", "OperationStartTime": PATCHED.timestamp() - 600,
             "OperationEndTime": PATCHED.timestamp(), "CriticalNonCompliantCount": 2,
             "MissingCount": 5}]},
    }

    class Handler(BaseHTTPRequestHandler):
        def _relay(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            action = self.headers.get("X-Amz-Target", "")
            if action in answers:
                self._answer(json.dumps(answers[action]).encode())
                return
            conn = http.client.HTTPConnection(target.netloc, timeout=30)
            conn.request(self.command, self.path, body=body, headers=dict(self.headers))
            reply = conn.getresponse()
            data = reply.read()
            self.send_response(reply.status)
            for key, value in reply.getheaders():
                if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            conn.close()

        def _answer(self, data: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _relay

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture()
def ssm_proxy(scenario: Any) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 _proxy_handler(scenario.url, scenario.ids["web"]))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_managed_host_has_patch_facts(ssm_proxy: str, collect_with: Any) -> None:
    result = collect_with(services=["ec2"], regions=["us-east-1"], endpoint_url=ssm_proxy)
    assert result.errors == []
    host = result.get("host", "web").attributes
    assert host["os"] == "linux"
    assert host["os_version"] == "2023"
    assert host["last_patched"] == PATCHED
    assert host["missing_critical_patches"] == 2
    assert host["internet_facing"] is True
