"""Benchmark: AWS collection time, sequential vs concurrent, against a moto server.

Starts ``moto.server`` as a subprocess on 127.0.0.1 (its own interpreter, so the
server does not share the benchmark's GIL), creates N buckets, N IAM users with an
access key, N EBS volumes and N security groups, then collects everything with
``max_workers=1`` and with ``--workers``, and prints the times.

moto answers in about a millisecond; real AWS takes tens of milliseconds per call.
``--latency-ms`` adds that round trip to every request (a sleep in botocore's HTTP
send), which is where concurrency pays off.

    python -m benchmarks.aws_collect --size 100 --workers 16 --latency-ms 0 30
"""

from __future__ import annotations

import argparse
import importlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.aws.options import AwsOptions
from mamori.providers.aws.provider import AwsProvider

ENV = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "false"})
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def populate(url: str, size: int) -> None:
    boto3: Any = importlib.import_module("boto3")
    s3 = boto3.client("s3", endpoint_url=url)
    iam = boto3.client("iam", endpoint_url=url)
    ec2 = boto3.client("ec2", endpoint_url=url)
    for n in range(size):
        s3.create_bucket(Bucket=f"bench-bucket-{n:05d}")
        iam.create_user(UserName=f"bench-user-{n:05d}")
        iam.create_access_key(UserName=f"bench-user-{n:05d}")
        ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")
        group = ec2.create_security_group(GroupName=f"bench-sg-{n:05d}",
                                          Description="bench")["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
             "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


@contextmanager
def added_latency(milliseconds: float) -> Iterator[None]:
    session_class: Any = importlib.import_module("botocore.httpsession").URLLib3Session
    real_send = session_class.send

    def send(self: Any, request: Any) -> Any:
        time.sleep(milliseconds / 1000)
        return real_send(self, request)

    session_class.send = send
    try:
        yield
    finally:
        session_class.send = real_send


def collect(url: str, workers: int) -> tuple[float, int, int]:
    options = AwsOptions(regions=["us-east-1"], endpoint_url=url, max_workers=workers,
                         max_attempts=2)
    started = time.perf_counter()
    items = list(AwsProvider(options).collect())
    elapsed = time.perf_counter() - started
    return (elapsed, sum(isinstance(i, Resource) for i in items),
            sum(isinstance(i, CollectionError) for i in items))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100, help="N of each resource kind")
    parser.add_argument("--workers", type=int, default=16, help="threads for the concurrent run")
    parser.add_argument("--latency-ms", type=float, nargs="+", default=[0.0, 30.0],
                        help="simulated round trip per request (one run per value)")
    args = parser.parse_args()
    os.environ.update(ENV)
    with moto_server() as url:
        started = time.perf_counter()
        populate(url, args.size)
        print(f"moto server {url}: created {args.size} buckets, users (with a key), "
              f"volumes and security groups in {time.perf_counter() - started:.1f} s")
        collect(url, args.workers)  # warm-up: moto builds its regional backends lazily
        print(f"{'latency':>8} {'workers':>7} {'seconds':>8} {'resources':>9} {'errors':>6}")
        for latency in args.latency_ms:
            with added_latency(latency):
                for workers in (1, args.workers):
                    elapsed, resources, errors = collect(url, workers)
                    print(f"{latency:>6.0f}ms {workers:>7} {elapsed:>8.2f} {resources:>9} "
                          f"{errors:>6}")


if __name__ == "__main__":
    main()
