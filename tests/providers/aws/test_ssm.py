"""Host patch facts from Systems Manager.

moto does not implement SSM's DescribeInstanceInformation, so this test puts the
loopback proxy (tests/providers/aws/proxy.py) in front of the moto server: it answers
the two SSM calls itself, in the documented JSON shapes, and forwards every other
request to moto unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.providers.aws.proxy import Rule, json_answer, running

PATCHED = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


def ssm_rules(instance_id: str, patched: datetime = PATCHED, critical: int = 2) -> list[Rule]:
    """SSM answers for one managed Linux instance patched at ``patched``."""
    info = {"InstanceInformationList": [
        {"InstanceId": instance_id, "PingStatus": "Online", "PlatformType": "Linux",
         "PlatformName": "Amazon Linux", "PlatformVersion": "2023"}]}
    states = {"InstancePatchStates": [
        {"InstanceId": instance_id, "PatchGroup": "", "BaselineId": "pb-0123456789abcdef0",
         "Operation": "Install", "OperationStartTime": patched.timestamp() - 600,
         "OperationEndTime": patched.timestamp(), "CriticalNonCompliantCount": critical,
         "MissingCount": 5}]}
    return [json_answer("DescribeInstanceInformation", json.dumps(info).encode()),
            json_answer("DescribeInstancePatchStates", json.dumps(states).encode())]


@pytest.fixture()
def ssm_proxy(scenario: Any) -> Iterator[str]:
    with running(scenario.url, *ssm_rules(scenario.ids["web"])) as proxy:
        yield proxy.url


def test_managed_host_has_patch_facts(ssm_proxy: str, collect_with: Any) -> None:
    result = collect_with(services=["ec2"], regions=["us-east-1"], endpoint_url=ssm_proxy)
    assert result.errors == []
    host = result.get("host", "web").attributes
    assert host["os"] == "linux"
    assert host["os_version"] == "2023"
    assert host["last_patched"] == PATCHED
    assert host["missing_critical_patches"] == 2
    assert host["internet_facing"] is True
