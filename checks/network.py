"""Network vocabulary shared by inventories, cloud providers, plans and rules.

``firewall_rule.protocol`` is a closed vocabulary: every source (a CSV written by hand,
an AWS security group's ``-1``, an Azure NSG's ``*``, a GCP protocol number, a console
export's "All traffic") is normalised here to one of :data:`PROTOCOLS`, or refused with
a message saying what to write instead. A protocol that no rule recognises would
otherwise be a silent non-match: "All traffic" from the internet would pass every
open-port rule.
"""

from __future__ import annotations

import ipaddress
import unicodedata

#: The protocol names a ``firewall_rule`` may have. ``all`` means every protocol.
PROTOCOLS: tuple[str, ...] = ("all", "tcp", "udp", "icmp", "icmpv6", "sctp", "esp", "ah",
                              "gre")

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
    if word in _SERVICES:
        raise ProtocolError(f"'{value}' is a service, not a protocol: write the protocol and "
                            f"port ({_SERVICES[word]})")
    if any(sep in word for sep in _SEPARATORS):
        raise ProtocolError(f"'{value}' names more than one protocol: write one rule per "
                            "protocol, or 'all'")
    raise ProtocolError(f"unknown protocol '{value}' (expected one of {', '.join(PROTOCOLS)}; "
                        "numbers 6, 17, 1, 58, 132, 50, 51, 47 and -1 are also understood)")


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
