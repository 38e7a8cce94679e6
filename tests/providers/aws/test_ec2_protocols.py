"""Security-group permissions map protocols to the closed vocabulary (no server needed).

Shapes are DescribeSecurityGroups' documented ``IpPermissions``: ``IpProtocol`` is a
name (tcp, udp, icmp, icmpv6), a protocol number as text, or ``-1`` for all traffic.
"""

from __future__ import annotations

from typing import Any

import pytest

from mamori.providers.aws.ec2 import _rule
from mamori.providers.aws.options import AwsOptions
from mamori.providers.aws.session import Account, Clients

ACCOUNT = Account(id="123456789012", label="test", clients=Clients(None, AwsOptions()),
                  home_region="us-east-1")
GROUP = {"GroupId": "sg-1", "GroupName": "g", "VpcId": "vpc-1"}


def mapped(**permission: Any) -> dict[str, Any]:
    permission.setdefault("IpRanges", [{"CidrIp": "0.0.0.0/0"}])
    return dict(_rule(ACCOUNT, "us-east-1", GROUP, "ingress", permission).attributes)


@pytest.mark.parametrize(("ip_protocol", "protocol", "ports"), [
    ("tcp", "tcp", [[22, 22]]),
    ("6", "tcp", [[22, 22]]),
    ("17", "udp", [[22, 22]]),
    ("-1", "all", [[0, 65535]]),
    ("icmp", "icmp", []),
    ("58", "icmpv6", []),
    ("50", "esp", []),
    ("47", "gre", []),
    # AWS: for protocols other than tcp, udp and icmp(v6) every port is open.
    ("132", "sctp", [[0, 65535]]),
])
def test_protocols(ip_protocol: str, protocol: str, ports: list[list[int]]) -> None:
    rule = mapped(IpProtocol=ip_protocol, FromPort=22, ToPort=22)
    assert (rule["protocol"], rule["ports"]) == (protocol, ports)
    assert rule["raw"]["ip_protocol"] == ip_protocol


def test_other_ip_protocols_keep_their_number() -> None:
    rule = mapped(IpProtocol="4")  # IP in IP: a valid protocol without ports
    assert (rule["protocol"], rule["ports"]) == ("4", [])
    assert rule["sources"] == ["0.0.0.0/0"]


def test_protocol_outside_the_vocabulary_is_absent() -> None:
    rule = mapped(IpProtocol="999")  # no IP protocol has this number
    assert "protocol" not in rule and "ports" not in rule  # rules that need them: ERROR
    assert rule["raw"]["ip_protocol"] == "999"
