"""Network security group rules → ``firewall_rule`` resources.

Only the custom ``securityRules`` of each NSG become resources. The default rules
(``AllowVnetInBound``, ``AllowAzureLoadBalancerInBound``, ``DenyAllInBound`` and
their outbound peers) are the same in every NSG, cannot be changed and never admit
inbound internet traffic, so they would only add passing noise.

Each rule is judged on its own (as every mamori rule is): a higher-priority deny
that shadows an allow is not subtracted; ``x_priority`` is there for the reader.

- ``direction``: Inbound → ``ingress``, Outbound → ``egress``;
- ``action``: Allow/Deny → ``allow``/``deny``;
- ``protocol``: normalised to mamori's closed vocabulary (``Tcp`` → tcp, ``Udp``, ``Icmp``,
  ``Esp``, ``Ah``, and ``*`` → all); a value outside it leaves ``protocol`` absent (rules
  that need it give ERROR) and is kept as ``x_protocol``;
- ``ports``: destination port range(s) as ``[[from, to]]``; ``*`` → ``[[0, 65535]]``;
- ``sources``: source prefix(es) as normalized CIDRs; ``*``, ``Internet`` and ``Any``
  mean the whole internet, ``0.0.0.0/0`` and ``::/0``. Other service tags
  (``VirtualNetwork``, ``AzureLoadBalancer``...) are not address ranges: they are
  kept in ``x_source_tags`` (and application security groups in ``x_source_asgs``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from mamori.checks.model import Resource
from mamori.checks.network import ProtocolError, normalize_protocol
from mamori.providers.azure import clients
from mamori.providers.azure.arm import lower_or_none, props, resource
from mamori.providers.azure.errors import FAILED, Scope
from mamori.providers.azure.options import AzureOptions
from mamori.providers.azure.subscriptions import Subscription
from mamori.providers.interface import Collected

RESOURCE_TYPES: tuple[str, ...] = ("firewall_rule",)
INTERNET = ("0.0.0.0/0", "::/0")

_INTERNET_TAGS = frozenset({"*", "internet", "any"})
_DIRECTIONS = {"inbound": "ingress", "outbound": "egress"}
_ALL_PORTS = [0, 65535]


def collect(sub: Subscription, credential: Any, options: AzureOptions) -> Iterator[Collected]:
    """``firewall_rule`` resources of one subscription, then its collection errors."""
    scope = Scope("subscription", sub.id)
    client = clients.network_client(credential, options, sub.id)
    groups = scope.items("Microsoft.Network/networkSecurityGroups/read",
                         client.network_security_groups.list_all,
                         resource_types=RESOURCE_TYPES)
    if groups is not FAILED:
        for nsg in groups:
            for rule in props(nsg).get("securityRules") or []:
                yield firewall_rule(nsg, rule, sub.id)
    yield from scope.drain()


def firewall_rule(nsg: Mapping[str, Any], rule: Mapping[str, Any], account: str) -> Resource:
    """One NSG security rule as a ``firewall_rule``."""
    p = props(rule)
    attrs: dict[str, Any] = {}
    direction = _DIRECTIONS.get(str(p.get("direction") or "").lower())
    if direction:
        attrs["direction"] = direction
    action = lower_or_none(p.get("access"))
    if action in ("allow", "deny"):
        attrs["action"] = action
    attrs.update(_protocol(p.get("protocol")))
    ports = port_ranges(_many(p, "destinationPortRange", "destinationPortRanges"))
    if ports is not None:
        attrs["ports"] = ports
    attrs.update(_sources(p))
    attrs.update(_extras(nsg, p))
    nsg_props = props(nsg)
    attrs["x_nsg_attached"] = bool(nsg_props.get("networkInterfaces") or nsg_props.get("subnets"))
    rule_id = str(rule.get("id") or f"{nsg.get('id', '')}/securityRules/{rule.get('name', '')}")
    # The rule carries its NSG's tags and location (rules have none of their own).
    item = {"id": rule_id, "name": f"{nsg.get('name', '')}/{rule.get('name', '')}",
            "location": nsg.get("location", ""), "tags": nsg.get("tags")}
    return resource("firewall_rule", item, account, attrs)


def _protocol(value: Any) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    try:
        return {"protocol": normalize_protocol(value)}
    except ProtocolError:
        return {"x_protocol": value}


def _many(p: Mapping[str, Any], singular: str, plural: str) -> list[str]:
    """The values of the singular and plural fields together (Azure sets one of them)."""
    values = [str(v) for v in p.get(plural) or [] if v not in (None, "")]
    single = p.get(singular)
    if single not in (None, ""):
        values.insert(0, str(single))
    return values


def port_ranges(values: list[str]) -> list[list[int]] | None:
    """``["22", "20-30", "*"]`` → ``[[22, 22], [20, 30], [0, 65535]]``; None if unreadable."""
    if not values:
        return None
    ranges: list[list[int]] = []
    for value in values:
        text = value.strip()
        if text in ("*", "Any", "any"):
            ranges.append(list(_ALL_PORTS))
            continue
        low, _, high = text.partition("-")
        try:
            ranges.append([int(low), int(high or low)])
        except ValueError:
            return None  # an unknown form: better absent than wrong
    return ranges


def _sources(p: Mapping[str, Any]) -> dict[str, Any]:
    cidrs: list[str] = []
    named: list[str] = []
    prefixes = _many(p, "sourceAddressPrefix", "sourceAddressPrefixes")
    asgs = [str(a.get("id")) for a in p.get("sourceApplicationSecurityGroups") or []
            if isinstance(a, Mapping)]
    if not prefixes and not asgs:
        return {}  # no source given at all: unreadable, not "nobody"
    for prefix in prefixes:
        if prefix.lower() in _INTERNET_TAGS:
            cidrs += [c for c in INTERNET if c not in cidrs]
            continue
        try:
            network = str(ipaddress.ip_network(prefix, strict=False))
        except ValueError:
            named.append(prefix)  # a service tag such as VirtualNetwork
            continue
        if network not in cidrs:
            cidrs.append(network)
    out: dict[str, Any] = {"sources": cidrs}
    if named:
        out["x_source_tags"] = named
    if asgs:
        out["x_source_asgs"] = asgs
    return out


def _extras(nsg: Mapping[str, Any], p: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"x_nsg": str(nsg.get("id", ""))}
    if isinstance(p.get("priority"), int):
        out["x_priority"] = p["priority"]
    destinations = _many(p, "destinationAddressPrefix", "destinationAddressPrefixes")
    if destinations:
        out["x_destinations"] = destinations
    return out

