"""Whether an RDS database is reachable from the internet (``database.public``).

AWS documents three conditions for a DB instance in a VPC to be reachable from the
internet ("Working with a DB instance in a VPC", RDS User Guide), and ``public`` means
all three hold:

1. ``PubliclyAccessible`` is true (the endpoint resolves to a public address);
2. the DB subnet group has a subnet whose route table (its explicit association, else
   the VPC's main table) sends the internet (``0.0.0.0/0`` or ``::/0``, or routes
   that together cover it) to an internet gateway (``igw-…``, not blackholed). Any such
   subnet counts: RDS may place the instance, or fail it over, into any subnet of the
   group;
3. a VPC security group of the instance admits the internet on the database port: TCP
   or all traffic, a port range holding the endpoint's port, sources whose union covers
   all of IPv4 or IPv6 apart from the special-purpose ranges
   (:data:`mamori.checks.network.NOT_INTERNET`, the ranges the network rules ignore).

``PubliclyAccessible`` false settles it (false) without the other two. All three known
and one false: false. Any part that could not be read (a denied call, a subnet whose
table is not in the answer, a prefix-list source on the port) and none false: unknown,
so ``public`` is absent and MAM-DB-001 gives ERROR, never PASS. Network ACLs are not
read: they can only make a reachable database unreachable, so ignoring them errs
towards FAIL. Each part is kept as evidence (``x_publicly_accessible``,
``x_internet_route``, ``x_internet_ingress``, ``x_port``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mamori.checks.network import covers_internet
from mamori.checks.tri import Tri, tri_all, tri_any


def reachable(publicly_accessible: Tri, route: Tri, ingress: Tri) -> Tri:
    """``database.public`` from its three parts (see the module docstring)."""
    if publicly_accessible is False:
        return False
    return tri_all([publicly_accessible, route, ingress])


def _table_for(subnet: str, vpc: str,
               tables: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    main = None
    for table in tables:
        for association in table.get("Associations") or []:
            if association.get("SubnetId") == subnet:
                return table
            if association.get("Main") and table.get("VpcId") == vpc:
                main = table
    return main


def table_routes_internet(table: Mapping[str, Any]) -> Tri:
    """Whether a route table sends the internet to an internet gateway."""
    destinations: list[str] = []
    unknown = False
    for route in table.get("Routes") or []:
        if not str(route.get("GatewayId", "")).startswith("igw-"):
            continue
        if route.get("State") == "blackhole":
            continue
        for key in ("DestinationCidrBlock", "DestinationIpv6CidrBlock"):
            if route.get(key):
                destinations.append(str(route[key]))
        unknown = unknown or bool(route.get("DestinationPrefixListId"))
    if covers_internet(destinations):
        return True
    return None if unknown else False


def subnets_route_internet(subnets: list[str], vpc: str,
                           tables: Sequence[Mapping[str, Any]] | None) -> Tri:
    """Whether any of the subnets routes the internet to an internet gateway."""
    if tables is None:
        return None
    found = []
    for subnet in subnets:
        table = _table_for(subnet, vpc, tables)
        found.append(None if table is None else table_routes_internet(table))
    return tri_any(found)


PermissionView = tuple[str | None, list[list[int]] | None, list[str], bool]
"""(protocol or None, port ranges or None, CIDR sources, has a prefix-list source)."""


def admits_internet(permissions: Iterable[PermissionView], port: int | None) -> Tri:
    """Whether ingress permissions admit the internet on ``port`` (None: any port)."""
    sources: list[str] = []
    unknown = port is None  # with the port unknown, only an all-ports rule can decide
    for protocol, ports, cidrs, prefix_lists in permissions:
        if protocol is None or ports is None:
            unknown = True  # what an unknown protocol opens is unknown
            continue
        if protocol not in ("tcp", "all"):
            continue
        if any(low <= (port if port is not None else 0) and
               high >= (port if port is not None else 65535) for low, high in ports):
            sources += cidrs
            unknown = unknown or prefix_lists
    if covers_internet(sources):
        return True
    return None if unknown else False
