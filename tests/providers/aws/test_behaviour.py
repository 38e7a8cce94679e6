"""Provider behaviour: options, lazy import, the task runner, failing endpoints, regions."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import GeneratorType
from typing import Any

import pytest

from mamori.checks.errors import ProviderError
from mamori.checks.model import CollectionError, Resource
from mamori.providers.aws.errors import PROVIDER, scrub
from mamori.providers.aws.options import AwsOptions
from mamori.providers.interface import Provider
from mamori.providers.runner import RunnerConfig, Task, run_tasks

ALL_TYPES = ("account", "user", "role", "policy", "bucket", "volume", "host", "firewall_rule",
             "database")


# --------------------------------------------------------------------------- options


def test_options_accept_lists_and_stay_hashable() -> None:
    options = AwsOptions(profiles=["a", "b"], regions=["eu-west-1"], services=["s3"])
    assert options.profiles == ("a", "b") and options.regions == ("eu-west-1",)
    assert hash(options) == hash(AwsOptions(profiles=("a", "b"), regions=("eu-west-1",),
                                            services=("s3",)))
    assert options.wants("s3") and not options.wants("iam")


@pytest.mark.parametrize("kwargs", [
    {"role_arns": ["arn:aws:iam::123:role/x"]},
    {"regions": ["Tokyo"]},
    {"regions": []},
    {"services": ["lambda"]},
    {"max_workers": 0},
    {"external_id": "x"},
    {"endpoint_url": "127.0.0.1:5000"},
    {"max_attempts": 0},
    {"max_attempts": True},
    {"call_timeout": 0},
    {"read_timeout": float("nan")},
    {"connect_timeout": float("inf")},
    {"call_timeout": -5},
    {"credential_report_wait": 10 ** 9},
])
def test_bad_options_are_provider_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ProviderError, match="aws: "):
        AwsOptions(**kwargs)


def test_external_id_not_in_repr() -> None:
    options = AwsOptions(role_arns=["arn:aws:iam::123456789012:role/audit"],
                         external_id="very-private")
    assert "very-private" not in repr(options)


def test_package_import_does_not_load_boto3() -> None:
    code = ("import sys, mamori.providers.aws; "
            "from mamori.providers.aws import AwsOptions; AwsOptions(); "
            "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_provider_class() -> None:
    from mamori.providers.aws.provider import AwsProvider

    assert issubclass(AwsProvider, Provider) and AwsProvider.name == "aws"
    provider = AwsProvider(AwsOptions(profiles=["prod"], regions=["ap-northeast-1"]))
    assert provider.describe() == "aws (profile prod; ap-northeast-1)"


# ---------------------------------------------------------------------------- runner


def config(workers: int, progress: Any = None) -> RunnerConfig:
    return RunnerConfig(PROVIDER, scrub, workers, progress)


def resource(name: str) -> Resource:
    return Resource(type="volume", id=name, provider="aws")


def test_runner_runs_subtasks_and_reports_progress() -> None:
    def child(n: int) -> Iterator[Any]:
        yield resource(f"child-{n}")

    def parent() -> Iterator[Any]:
        yield resource("parent")
        for n in range(3):
            yield Task(f"child {n}", partial(child, n))

    lines: list[str] = []
    items = list(run_tasks([Task("parent", parent)], config(2, lines.append)))
    assert sorted(i.id for i in items if isinstance(i, Resource)) == [
        "child-0", "child-1", "child-2", "parent"]
    assert len(lines) == 4 and "aws: parent: 1 resources" in lines


def test_runner_turns_a_bug_into_an_error() -> None:
    def broken() -> Iterator[Any]:
        yield resource("before")
        raise KeyError("Encrypted")

    items = list(run_tasks([Task("account 1 us-east-1 ec2", broken, ("volume",), "1",
                                 "us-east-1")], config(1)))
    error = items[-1]
    assert isinstance(error, CollectionError)
    assert (error.code, error.resource_types, error.account) == ("InternalError", ("volume",), "1")


def test_runner_stops_when_the_consumer_stops() -> None:
    produced = []

    def endless() -> Iterator[Any]:
        for n in range(100_000):
            produced.append(n)
            yield resource(str(n))

    stream = run_tasks([Task("endless", endless)], config(1))
    assert isinstance(stream, GeneratorType)
    next(stream)
    stream.close()  # must not hang: the worker notices and returns
    assert len(produced) < 100_000


def test_runner_is_concurrent() -> None:
    barrier = threading.Barrier(4, timeout=5)

    def waits() -> Iterator[Any]:
        barrier.wait()  # only passes if four tasks run at the same time
        yield resource(threading.current_thread().name)

    items = list(run_tasks([Task(str(n), waits) for n in range(4)], config(4)))
    assert len(items) == 4 and all(isinstance(i, Resource) for i in items)


# ----------------------------------------------------------------- failing endpoints


class _Throttling(BaseHTTPRequestHandler):
    hits = 0

    def do_POST(self) -> None:
        type(self).hits += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = (b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                b"<Message>Rate exceeded</Message></Error><RequestId>1</RequestId>"
                b"</ErrorResponse>")
        self.send_response(400)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_throttled_past_retries_is_an_error_for_every_type(moto_url: str,
                                                          collect_with: Any) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Throttling)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = collect_with(endpoint_url=f"http://127.0.0.1:{server.server_port}",
                              regions=["us-east-1"])
    finally:
        server.shutdown()
        server.server_close()
    assert result.resources == []
    [error] = result.errors
    assert (error.operation, error.code) == ("sts:GetCallerIdentity", "Throttling")
    assert set(error.resource_types) == set(ALL_TYPES)
    assert _Throttling.hits >= 2  # botocore retried before giving up


def test_unreachable_endpoint_is_an_error(moto_url: str, collect_with: Any) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    result = collect_with(endpoint_url=f"http://127.0.0.1:{port}", regions=["us-east-1"],
                          max_attempts=1, connect_timeout=2)
    assert time.monotonic() - started < 30
    [error] = result.errors
    assert error.code == "EndpointConnectionError"
    assert set(error.resource_types) == set(ALL_TYPES)


def test_unknown_profile_is_an_error(moto_url: str, collect_with: Any) -> None:
    result = collect_with(profiles=["no-such-profile"], regions=["us-east-1"],
                          endpoint_url=moto_url)
    [error] = result.errors
    assert (error.code, error.scope) == ("ProfileNotFound", "profile no-such-profile")


# ------------------------------------------------------------------------- regions


def test_all_enabled_regions_by_default(scenario: Any, collect_with: Any) -> None:
    boto3: Any = pytest.importorskip("boto3")
    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=scenario.url)
    enabled = {r["RegionName"] for r in ec2.describe_regions()["Regions"]}
    result = collect_with(profiles=["main"], services=["ec2"], endpoint_url=scenario.url,
                          max_workers=16)
    regions = {r.region for r in result.resources if r.type == "firewall_rule"}
    assert regions == enabled  # moto gives every region a default security group
    assert {"us-east-1", "eu-west-1", "ap-northeast-1"} <= regions


# ---------------------------------------------------------------------- deadlines


def test_within_returns_raises_or_gives_up_at_the_deadline() -> None:
    from mamori.providers.aws.errors import CallTimeout
    from mamori.providers.aws.session import within

    assert within(1.0, lambda x: x + 1, 1) == 2
    with pytest.raises(KeyError):
        within(1.0, {}.__getitem__, "missing")
    release = threading.Event()
    started = time.monotonic()
    with pytest.raises(CallTimeout, match=r"0\.2 seconds"):
        within(0.2, release.wait, 30)
    assert time.monotonic() - started < 5
    release.set()


def test_every_client_is_bounded() -> None:
    # Each client the provider uses goes through the deadline (and the answer check that
    # bounded() registers; test_faults.py sees it refuse HTML pages on real HTTP).
    boto3: Any = pytest.importorskip("boto3")
    from mamori.providers.aws.session import Bounded, Clients

    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name="us-east-1")
    clients = Clients(session, AwsOptions(endpoint_url="http://127.0.0.1:9", call_timeout=7))
    for service in ("sts", "iam", "s3", "s3control", "ec2", "rds", "kms", "cloudtrail", "ssm"):
        client = clients.get(service, "us-east-1")
        assert isinstance(client, Bounded), service
        assert client is clients.get(service, "us-east-1")  # created once, shared
    assert clients.get("iam", "us-east-1").can_paginate("get_account_authorization_details")
