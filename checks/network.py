"""Network vocabulary shared by inventories, cloud providers, plans and rules.

``firewall_rule.protocol`` is a closed vocabulary: every source (a CSV written by hand,
an AWS security group's ``-1``, an Azure NSG's ``*``, a GCP protocol number, a console
export's "All traffic") is normalised here to one of :data:`PROTOCOLS`, or refused with
a message saying what to write instead. A protocol that no rule recognises would
otherwise be a silent non-match: "All traffic" from the internet would pass every
open-port rule.

Rules judge a firewall rule by what it admits as a whole: the union of its sources
(``0.0.0.0/1`` + ``128.0.0.0/1`` is the whole IPv4 internet) and the union of its port
ranges. :func:`networks_cover` and :func:`merge_spans` / :func:`spans_cover` compute
those unions exactly, by interval arithmetic.
"""

from __future__ import annotations

import bisect
import ipaddress
import unicodedata
from collections.abc import Iterable, Sequence

#: The protocol names a ``firewall_rule`` may have. ``all`` means every protocol. Any other
#: IP protocol is its IANA number as decimal text ("4" for IP-in-IP): valid cloud and
#: Terraform configurations use them, and no rule needs their names.
PROTOCOLS: tuple[str, ...] = ("all", "tcp", "udp", "icmp", "icmpv6", "sctp", "esp", "ah",
                              "gre")
_NUMBERED = frozenset(str(n) for n in range(256))

#: Protocols that have ports; a rule of another protocol never opens a TCP/UDP port.
PORTED: frozenset[str] = frozenset({"all", "tcp", "udp", "sctp"})

# How sources write them (case, width and surrounding space do not matter). IANA protocol
# numbers are included because AWS and GCP accept them in place of names.
_ALIASES: dict[str, str] = {
    "all": "all", "any": "all", "*": "all", "-1": "all", "ip": "all", "asterisk": "all",
    "all traffic": "all", "all protocols": "all", "all_protocols": "all",
    "tcp": "tcp", "6": "tcp",
    "udp": "udp", "17": "udp",
    "icmp": "icmp", "1": "icmp", "icmpv4": "icmp",
    "icmpv6": "icmpv6", "icmp6": "icmpv6", "ipv6-icmp": "icmpv6", "58": "icmpv6",
    "sctp": "sctp", "132": "sctp",
    "esp": "esp", "50": "esp",
    "ah": "ah", "51": "ah",
    "gre": "gre", "47": "gre",
}

# Well-known services people write where a protocol belongs, and their TCP port.
_SERVICES: dict[str, str] = {
    "ssh": "tcp 22", "rdp": "tcp 3389", "http": "tcp 80", "https": "tcp 443",
    "smb": "tcp 445", "telnet": "tcp 23", "ftp": "tcp 21", "mysql": "tcp 3306",
    "postgres": "tcp 5432", "postgresql": "tcp 5432", "mssql": "tcp 1433",
    "dns": "udp/tcp 53", "ntp": "udp 123", "snmp": "udp 161",
}

_SEPARATORS = ("/", "+", ",", "&", ";", " and ", "|")


class ProtocolError(ValueError):
    """A protocol value that is not in the closed vocabulary; the message says why."""


def normalize_protocol(value: object) -> str:
    """The protocol name for ``value``; raise ``ProtocolError`` when there is none.

    Text is matched without regard to case, full-width characters or surrounding
    space; integers are IANA protocol numbers. Booleans are refused.
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ProtocolError(f"expected a protocol name ({', '.join(PROTOCOLS)})")
    word = unicodedata.normalize("NFKC", str(value)).strip().casefold()
    if word in _ALIASES:
        return _ALIASES[word]
    if word.isascii() and word.isdigit() and int(word) <= 255:  # another IP protocol
        return str(int(word))
    if word in _SERVICES:
        raise ProtocolError(f"'{value}' is a service, not a protocol: write the protocol and "
                            f"port ({_SERVICES[word]})")
    if any(sep in word for sep in _SEPARATORS):
        raise ProtocolError(f"'{value}' names more than one protocol: write one rule per "
                            "protocol, or 'all'")
    raise ProtocolError(f"unknown protocol '{value}' (expected one of {', '.join(PROTOCOLS)}, "
                        "an IP protocol number 0-255, or -1 for all)")


def is_protocol(value: object) -> bool:
    """True when ``value`` is already a normalised protocol."""
    return isinstance(value, str) and (value in PROTOCOLS or value in _NUMBERED)


#: The internet as source networks: every IPv4 and every IPv6 address.
INTERNET: tuple[str, ...] = ("0.0.0.0/0", "::/0")

# Words firewall exports and consoles use for "any source". A bare 0.0.0.0 or :: (no
# prefix length) means "any" in most firewall UIs, never the single unspecified address.
_ANY_SOURCE: dict[str, tuple[str, ...]] = {
    "any": INTERNET, "*": INTERNET, "all": INTERNET, "internet": INTERNET,
    "anywhere": INTERNET, "0.0.0.0": ("0.0.0.0/0",), "::": ("::/0",),
}


class SourceError(ValueError):
    """A source that is neither a network, an address nor a word for "any"."""


def normalize_source(value: object) -> tuple[str, ...]:
    """The networks ``value`` stands for, normalised by ``ipaddress``.

    ``10.0.0.5/8`` → ``10.0.0.0/8``; a bare address → ``/32`` or ``/128``; ``any``,
    ``*``, ``internet``, bare ``0.0.0.0`` or ``::`` → the internet.
    """
    if isinstance(value, bool) or not isinstance(value, str):
        raise SourceError("expected an IP network like 10.0.0.0/8 or ::/0, or an address")
    word = unicodedata.normalize("NFKC", value).strip().casefold()
    if word in _ANY_SOURCE:
        return _ANY_SOURCE[word]
    try:
        return (str(ipaddress.ip_network(word, strict=False)),)
    except ValueError:
        raise SourceError("expected an IP network like 10.0.0.0/8 or ::/0, an address, "
                          "or any/*/internet") from None


def has_ports(protocol: str) -> bool:
    """True when rules of ``protocol`` open TCP/UDP/SCTP ports."""
    return protocol in PORTED


# --- Address and port coverage (what a rule's sources or ports admit, as a union) ----------

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Span = tuple[int, int]

# IPv4 address a.b.c.d and the IPv4-mapped IPv6 address ::ffff:a.b.c.d are one address: a
# source written ::ffff:0.0.0.0/96 admits every IPv4 address, exactly like 0.0.0.0/0. So
# both families live in one 128-bit space, IPv4 at the mapped block's offset.
_MAPPED_BASE = int(ipaddress.IPv6Address("::ffff:0.0.0.0"))


def address_span(net: Network) -> Span:
    """The first and last address of ``net`` in the shared 128-bit space.

    IPv4 networks are placed where their IPv4-mapped IPv6 form lies, so ``10.0.0.0/8``
    and ``::ffff:10.0.0.0/104`` have the same span.
    """
    first, last = int(net.network_address), int(net.broadcast_address)
    if net.version == 4:
        return _MAPPED_BASE + first, _MAPPED_BASE + last
    return first, last


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sorted, disjoint, non-adjacent spans with the same union as ``spans``.

    Adjacent spans join: ports [0, 32767] and [32768, 65535] are one span [0, 65535].
    """
    merged: list[Span] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def spans_cover(merged: Sequence[Span], first: int, last: int) -> bool:
    """True when the union of ``merged`` (from :func:`merge_spans`) holds all of first..last."""
    index = bisect.bisect_right(merged, (first, _NO_END)) - 1
    return index >= 0 and merged[index][0] <= first and last <= merged[index][1]


# Larger than any address or port, so that bisecting on (first, _NO_END) finds the last
# span that starts at or before ``first``.
_NO_END = 1 << 129


def subtract_spans(span: Span, merged: Sequence[Span]) -> list[Span]:
    """The parts of ``span`` outside the union of ``merged`` (from :func:`merge_spans`)."""
    first, last = span
    left: list[Span] = []
    for low, high in merged:
        if high < first or low > last:
            continue
        if low > first:
            left.append((first, low - 1))
        first = high + 1
        if first > last:
            return left
    left.append((first, last))
    return left


def networks_cover(networks: Iterable[Network], target: Network) -> bool:
    """True when the union of ``networks`` holds every address of ``target``.

    ``0.0.0.0/1`` and ``128.0.0.0/1`` together cover ``0.0.0.0/0``; so does
    ``::ffff:0.0.0.0/96`` (IPv4-mapped IPv6 is IPv4).
    """
    return spans_cover(merge_spans(address_span(n) for n in networks), *address_span(target))


#: Special-purpose ranges that are not "the internet" (IANA's IPv4 and IPv6
#: special-purpose registries: not globally reachable; plus multicast and reserved). The
#: network rules' ``not_internet_cidrs`` default is this list (a test keeps them equal).
NOT_INTERNET: tuple[str, ...] = (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "2001:db8::/32",
    "3fff::/20", "fc00::/7", "fe80::/10", "ff00::/8",
)
_HOLES = [ipaddress.ip_network(n) for n in NOT_INTERNET]
_WHOLE = [ipaddress.ip_network(n) for n in (*INTERNET, "2000::/3")]


def covers_internet(networks: Iterable[str]) -> bool:
    """True when the networks admit the whole internet as the network rules see it: all
    of IPv4, all of IPv6 or its global unicast block 2000::/3, however split, gaps in
    the special-purpose ranges (:data:`NOT_INTERNET`) not counting. Text that is not a
    network is ignored (callers validate their input)."""
    parsed: list[Network] = []
    for text in networks:
        try:
            parsed.append(ipaddress.ip_network(str(text).strip(), strict=False))
        except ValueError:
            continue
    return any(networks_cover([*parsed, *_HOLES], whole) for whole in _WHOLE)
