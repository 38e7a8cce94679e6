"""Property: the union operators agree with independent oracles.

Networks: ``ipaddress.collapse_addresses`` merges the sources into the fewest CIDR
blocks; a target block is covered exactly when one merged block contains it. IPv4 and
IPv4-mapped IPv6 are one address space, so the oracle writes every IPv4 network in its
``::ffff:a.b.c.d/96+n`` form first. Ports: a 65,536-cell table of open ports.
"""

from __future__ import annotations

import ipaddress
import itertools
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mamori.checks.network import Network, merge_spans, networks_cover, spans_cover
from mamori.checks.operators import OPERATORS, CompileContext, build_predicate

CTX = CompileContext(datetime(2026, 11, 29, tzinfo=UTC))


def v6(net: Network) -> ipaddress.IPv6Network:
    if net.version == 6:
        return ipaddress.IPv6Network(net)
    return ipaddress.IPv6Network(f"::ffff:{net.network_address}/{96 + net.prefixlen}")


def oracle_covers(sources: list[Network], target: Network) -> bool:
    merged = ipaddress.collapse_addresses(v6(s) for s in sources)
    return any(v6(target).subnet_of(m) for m in merged)


def _v4(address: int, prefix: int) -> Network:
    return ipaddress.IPv4Network((address, prefix), strict=False)


def _v6(address: int, prefix: int) -> Network:
    return ipaddress.IPv6Network((address, prefix), strict=False)


MAPPED = int(ipaddress.IPv6Address("::ffff:0.0.0.0"))
V4 = st.builds(_v4, st.integers(0, 2**32 - 1), st.integers(0, 32))
MAPPED_V6 = st.builds(lambda a, p: _v6(MAPPED + a, 96 + p), st.integers(0, 2**32 - 1),
                      st.integers(0, 32))
V6 = st.builds(_v6, st.integers(0, 2**128 - 1), st.integers(0, 128))
NETWORKS = st.one_of(V4, MAPPED_V6, V6, st.sampled_from(
    [ipaddress.ip_network(n) for n in ("0.0.0.0/0", "::/0", "::ffff:0:0/96", "::/1")]))


@st.composite
def split(draw: st.DrawFn, net: Network, depth: int = 0) -> list[Network]:
    """``net`` cut into random pieces (its halves, recursively), some written mapped."""
    if net.prefixlen >= net.max_prefixlen or depth > 5 or draw(st.booleans()):
        piece: Network = v6(net) if net.version == 4 and draw(st.booleans()) else net
        return [piece]
    low, high = net.subnets()
    return draw(split(low, depth + 1)) + draw(split(high, depth + 1))


@st.composite
def sources_and_target(draw: st.DrawFn) -> tuple[list[Network], Network]:
    target = draw(NETWORKS)
    pieces = draw(split(target))
    if len(pieces) > 1 and draw(st.booleans()):
        pieces.pop(draw(st.integers(0, len(pieces) - 1)))  # leave a hole
    pieces += draw(st.lists(NETWORKS, max_size=3))
    return draw(st.permutations(pieces)), target


@given(sources_and_target())
def test_networks_cover_matches_collapse_oracle(case: tuple[list[Network], Network]) -> None:
    sources, target = case
    assert networks_cover(sources, target) is oracle_covers(sources, target)


@given(sources_and_target(), st.lists(st.integers(0, 2**128 - 1), max_size=5))
def test_cover_means_every_address_is_in_some_source(case: tuple[list[Network], Network],
                                                    picks: list[int]) -> None:
    sources, target = case
    if not networks_cover(sources, target):
        return
    wide = v6(target)
    for pick in picks:
        address = wide[pick % wide.num_addresses]
        assert any(address in v6(s) for s in sources)


@given(sources_and_target())
def test_operator_reads_text_as_written(case: tuple[list[Network], Network]) -> None:
    sources, target = case
    pred = OPERATORS["cidr_union_covers"].build([str(target)], CTX)
    assert pred([str(s) for s in sources]) is oracle_covers(sources, target)


@given(sources_and_target(), st.lists(NETWORKS, min_size=1, max_size=3))
def test_ignoring_matches_collapse_oracle(case: tuple[list[Network], Network],
                                          ignoring: list[Network]) -> None:
    # Holes inside `ignoring` do not count: covered when sources and ignoring together
    # cover the target (and the target is not all inside `ignoring`, which is refused).
    sources, target = case
    op = OPERATORS["cidr_union_covers"]
    if oracle_covers(ignoring, target):
        return
    pred = build_predicate(op, str(target), CTX, ignoring=[str(n) for n in ignoring])
    assert pred([str(s) for s in sources]) is oracle_covers(sources + ignoring, target)


PORT = st.integers(0, 65535)
SMALL = st.integers(0, 300)
RANGE = st.one_of(st.tuples(SMALL, SMALL), st.tuples(PORT, PORT)).map(lambda r: sorted(r))


def open_ports(ranges: list[list[int]]) -> bytearray:
    table = bytearray(65536)
    for low, high in ranges:
        table[low:high + 1] = b"\x01" * (high - low + 1)
    return table


@given(st.lists(RANGE, max_size=6), RANGE)
def test_port_union_matches_a_port_table(ranges: list[list[int]], wanted: list[int]) -> None:
    table = open_ports(ranges)
    expected = table[wanted[0]:wanted[1] + 1].count(0) == 0
    assert OPERATORS["port_union_covers"].build(wanted, CTX)(ranges) is expected
    spans = merge_spans((low, high) for low, high in ranges)
    assert spans_cover(spans, wanted[0], wanted[1]) is expected


@given(st.lists(RANGE, min_size=1, max_size=6), st.lists(st.one_of(SMALL, PORT), min_size=1,
                                                          max_size=4))
def test_port_covers_matches_a_port_table(ranges: list[list[int]], ports: list[int]) -> None:
    table = open_ports(ranges)
    expected: Any = any(table[p] for p in ports)
    assert OPERATORS["port_covers"].build(ports, CTX)(ranges) is expected


@given(st.lists(RANGE, max_size=6))
def test_merged_spans_are_disjoint_and_keep_the_union(ranges: list[list[int]]) -> None:
    spans = merge_spans((low, high) for low, high in ranges)
    assert all(a[1] + 1 < b[0] for a, b in itertools.pairwise(spans))
    assert open_ports([list(s) for s in spans]) == open_ports(ranges)


def test_the_network_rules_ignore_the_same_ranges_the_providers_do() -> None:
    # Providers that decide "open to the internet" themselves (AWS database reachability,
    # Cloud SQL authorized networks in plans) must see the internet as the rules do.
    from mamori.checks.config import Config
    from mamori.checks.network import INTERNET, NOT_INTERNET
    from mamori.checks.scan import load_rule_specs

    for spec in load_rule_specs(Config()):
        if spec.info.id.startswith("MAM-NET-"):
            assert tuple(spec.info.params["not_internet_cidrs"]) == NOT_INTERNET
            assert tuple(spec.info.params["internet_cidrs"]) == (*INTERNET, "2000::/3")


def test_covers_internet_ignores_special_purpose_gaps() -> None:
    import ipaddress

    from mamori.checks.network import NOT_INTERNET, covers_internet

    NOT_INTERNET_V4 = [ipaddress.IPv4Network(n) for n in NOT_INTERNET if ":" not in n]

    assert covers_internet(["0.0.0.0/1", "128.0.0.0/1"])
    assert covers_internet(["::ffff:0.0.0.0/96"])
    # Every public IPv4 range, in pieces: all of IPv4 minus the special-purpose ranges,
    # computed by ipaddress (an independent oracle), as "all public addresses" lists are.
    public = [ipaddress.IPv4Network("0.0.0.0/0")]
    for hole in NOT_INTERNET_V4:
        public = [piece for net in public for piece in (
            net.address_exclude(hole) if hole.subnet_of(net) else [net])]
    public_text = [str(n) for n in public]
    assert len(public_text) > 30
    assert covers_internet(public_text)
    assert not covers_internet(public_text[1:])  # one public piece missing
    assert not covers_internet(["10.0.0.0/8", "192.168.0.0/16"])
    assert not covers_internet(["0.0.0.0/1"])  # half the internet is not all of it
