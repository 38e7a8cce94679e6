"""``database.public`` = reachable from the internet: the three parts and how they combine.

The parts are AWS's ("Working with a DB instance in a VPC"): PubliclyAccessible, a route
from the subnet to an internet gateway, a security group open on the database port.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.checks.network import covers_internet
from mamori.providers.aws.ec2 import permission_view
from mamori.providers.aws.reach import (
    admits_internet,
    reachable,
    subnets_route_internet,
    table_routes_internet,
)

TRI = [True, False, None]


@pytest.mark.parametrize(("parts", "expected"), [
    ((True, True, True), True),
    ((False, None, None), False),  # not publicly accessible settles it
    ((False, True, True), False),
    ((True, False, True), False),  # no internet route
    ((True, True, False), False),  # security group closed on the port
    ((True, None, True), None),  # a part unread, none false: unknown
    ((True, True, None), None),
    ((None, True, True), None),
    ((True, None, False), False),  # a part known false settles it even with one unread
])
def test_reachable(parts: tuple[Any, Any, Any], expected: bool | None) -> None:
    assert reachable(*parts) is expected


@given(st.sampled_from(TRI), st.sampled_from(TRI), st.sampled_from(TRI))
def test_an_answer_with_unknown_parts_holds_for_every_way_they_could_be(
        accessible: bool | None, route: bool | None, ingress: bool | None) -> None:
    answer = reachable(accessible, route, ingress)
    if answer is None:
        return
    parts = (accessible, route, ingress)
    options = [[p] if p is not None else [True, False] for p in parts]
    assert all(reachable(*filled) is answer for filled in itertools.product(*options))


def _table(*routes: dict[str, Any], subnet: str | None = None, main: bool = False,
           vpc: str = "vpc-1") -> dict[str, Any]:
    association = {"Main": main, **({"SubnetId": subnet} if subnet else {})}
    return {"VpcId": vpc, "Associations": [association],
            "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local",
                        "State": "active"}, *routes]}


IGW = {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}


@pytest.mark.parametrize(("routes", "expected"), [
    ([IGW], True),
    ([{"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-1", "State": "active"}], True),
    ([{**IGW, "DestinationCidrBlock": "0.0.0.0/1"},
      {**IGW, "DestinationCidrBlock": "128.0.0.0/1"}], True),  # together the internet
    ([{**IGW, "State": "blackhole"}], False),
    ([{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"}], False),
    ([{"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1"}], False),
    ([{**IGW, "DestinationCidrBlock": "8.8.8.0/24"}], False),
    ([{"DestinationPrefixListId": "pl-1", "GatewayId": "igw-1", "State": "active"}], None),
    ([], False),
])
def test_table_routes_internet(routes: list[dict[str, Any]], expected: bool | None) -> None:
    assert table_routes_internet(_table(*routes)) is expected


def test_a_subnet_uses_its_own_table_else_the_main_one() -> None:
    tables = [_table(IGW, main=True), _table(subnet="subnet-private")]
    assert subnets_route_internet(["subnet-private"], "vpc-1", tables) is False
    assert subnets_route_internet(["subnet-other"], "vpc-1", tables) is True  # main table
    # Any subnet of the group counts: RDS may place or fail over the instance there.
    assert subnets_route_internet(["subnet-private", "subnet-other"], "vpc-1", tables) is True
    assert subnets_route_internet(["subnet-x"], "vpc-2", tables) is None  # no table known
    assert subnets_route_internet(["subnet-private"], "vpc-1", None) is None  # unread


def _sg(protocol: str, low: int | None, high: int | None, *cidrs: str,
        prefix_list: bool = False) -> Any:
    permission: dict[str, Any] = {"IpProtocol": protocol,
                                  "IpRanges": [{"CidrIp": c} for c in cidrs if ":" not in c],
                                  "Ipv6Ranges": [{"CidrIpv6": c} for c in cidrs if ":" in c]}
    if low is not None:
        permission.update(FromPort=low, ToPort=high)
    if prefix_list:
        permission["PrefixListIds"] = [{"PrefixListId": "pl-1"}]
    return permission_view(permission)


@pytest.mark.parametrize(("permissions", "port", "expected"), [
    ([_sg("tcp", 5432, 5432, "0.0.0.0/0")], 5432, True),
    ([_sg("tcp", 5432, 5432, "::/0")], 5432, True),
    ([_sg("-1", None, None, "0.0.0.0/0")], 5432, True),
    ([_sg("tcp", 1024, 65535, "0.0.0.0/0")], 5432, True),
    ([_sg("tcp", 5432, 5432, "0.0.0.0/1"), _sg("tcp", 5432, 5432, "128.0.0.0/1")], 5432, True),
    ([_sg("tcp", 3306, 3306, "0.0.0.0/0")], 5432, False),  # another port
    ([_sg("udp", 5432, 5432, "0.0.0.0/0")], 5432, False),  # not TCP
    ([_sg("tcp", 5432, 5432, "10.0.0.0/8")], 5432, False),
    ([_sg("tcp", 5432, 5432, "203.0.113.0/24")], 5432, False),  # one network, not all
    ([_sg("tcp", 5432, 5432, prefix_list=True)], 5432, None),  # what the list holds: unread
    ([_sg("tcp", 5432, 5432, "0.0.0.0/0", prefix_list=True)], 5432, True),
    ([_sg("4", None, None, "0.0.0.0/0")], 5432, False),  # IP-in-IP opens no TCP port
    ([_sg("999", None, None, "0.0.0.0/0")], 5432, None),  # no such protocol: unknown
    ([_sg("tcp", 5432, 5432, "0.0.0.0/0")], None, None),  # the port is not known
    ([_sg("-1", None, None, "0.0.0.0/0")], None, True),  # every port is open anyway
    ([], 5432, False),
])
def test_admits_internet(permissions: list[Any], port: int | None,
                         expected: bool | None) -> None:
    assert admits_internet(permissions, port) is expected


def test_sources_covering_all_public_addresses_are_the_internet() -> None:
    # Everything but the private and special ranges, written out: still the internet.
    public_v4 = ["1.0.0.0/8", "2.0.0.0/7", "4.0.0.0/6", "8.0.0.0/7", "11.0.0.0/8",
                 "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/3", "96.0.0.0/4",
                 "112.0.0.0/5", "120.0.0.0/6", "124.0.0.0/7", "126.0.0.0/8",
                 "128.0.0.0/3", "160.0.0.0/5", "168.0.0.0/6", "172.0.0.0/12",
                 "172.32.0.0/11", "172.64.0.0/10", "172.128.0.0/9", "173.0.0.0/8",
                 "174.0.0.0/7", "176.0.0.0/4", "192.0.0.0/9", "192.128.0.0/11",
                 "192.160.0.0/13", "192.169.0.0/16", "192.170.0.0/15", "192.172.0.0/14",
                 "192.176.0.0/12", "192.192.0.0/10", "193.0.0.0/8", "194.0.0.0/7",
                 "196.0.0.0/6", "200.0.0.0/5", "208.0.0.0/4"]
    assert covers_internet(public_v4)
    assert not covers_internet(public_v4[1:])  # 1.0.0.0/8 missing
    assert not covers_internet(["not a network"])
