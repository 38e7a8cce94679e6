"""Which virtual machines the internet can reach: ``host.internet_facing``.

A VM is internet-facing when one of its network interfaces has a public IP address, or
when a public load balancer forwards to it: an inbound NAT rule whose frontend is public
and whose backend is one of the VM's IP configurations (or a backend pool holding one),
or a load-balancing rule whose frontend is public and whose backend pool holds one. Pool
members are read from both sides (the NIC's ``loadBalancerBackendAddressPools`` and
``loadBalancerInboundNatRules``, the pool's ``backendIPConfigurations``) and IP-based
pools (``loadBalancerBackendAddresses`` naming a virtual network and an address) are
matched to the NIC with that private address in that network.

Never false without proof: a VM is *unknown* (``internet_facing`` absent) when the NIC or
load-balancer listing failed, when a NIC names a pool or NAT rule that is not in the
listing (another subscription), or when a NIC is in an Application Gateway backend pool
(gateways are not read). Outbound rules carry no inbound traffic and do not count.
Azure writes NIC-based pool membership and NAT rules on the NIC as well, so those are
seen whichever subscription the balancer is in; an IP-address pool member of a
balancer in another subscription, an Application Gateway backend given by address and
Azure Firewall DNAT rules are not followed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mamori.providers.azure.arm import props
from mamori.providers.azure.errors import FAILED, Scope


@dataclass
class Exposure:
    """Per VM id (lower-case): proven reachable, or undecidable; others are not."""

    vms: set[str] = field(default_factory=set)  # VMs whose NICs were listed
    public: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)

    def internet_facing(self, vm_id: str) -> bool | None:
        """True, False, or None when it cannot be decided."""
        key = vm_id.lower()
        if key in self.public:
            return True
        if key in self.unknown or key not in self.vms:
            return None
        return False


@dataclass
class _Nics:
    """What the NIC listing says, keyed by lower-case ids."""

    vm_of_config: dict[str, str] = field(default_factory=dict)  # ipconfig id → VM id
    vm_of_address: dict[tuple[str, str], str] = field(default_factory=dict)  # (vnet, ip)
    pool_refs: dict[str, set[str]] = field(default_factory=dict)  # pool id → VM ids
    nat_refs: dict[str, set[str]] = field(default_factory=dict)  # NAT rule id → VM ids


def collect(client: Any, scope: Scope) -> Exposure | None:
    """Read NICs and load balancers of one subscription; None when NICs are unreadable."""
    nics = scope.items("Microsoft.Network/networkInterfaces/read",
                       client.network_interfaces.list_all)
    if nics is FAILED:
        return None
    balancers = scope.items("Microsoft.Network/loadBalancers/read",
                            client.load_balancers.list_all)
    return assess(nics, None if balancers is FAILED else balancers)


def assess(nics: Iterable[Mapping[str, Any]],
           balancers: Iterable[Mapping[str, Any]] | None) -> Exposure:
    """Reachability from the NIC listing and the load-balancer listing (None: unread)."""
    exposure, found = Exposure(), _Nics()
    for nic in nics:
        _read_nic(nic, exposure, found)
    if balancers is None:
        exposure.unknown |= exposure.vms  # a public load balancer may forward to any VM
        return exposure
    known_pools: set[str] = set()
    known_rules: set[str] = set()
    for balancer in balancers:
        _read_balancer(balancer, found, exposure, known_pools, known_rules)
    for ref, vms in (*found.pool_refs.items(), *found.nat_refs.items()):
        if ref not in known_pools and ref not in known_rules:
            exposure.unknown |= vms  # forwarded by a balancer we did not see
    return exposure


def _ids(items: Any) -> list[str]:
    return [str(i["id"]).lower() for i in items or [] if isinstance(i, Mapping) and i.get("id")]


def _read_nic(nic: Mapping[str, Any], exposure: Exposure, found: _Nics) -> None:
    p = props(nic)
    vm = p.get("virtualMachine")
    if not isinstance(vm, Mapping) or not vm.get("id"):
        return
    vm_id = str(vm["id"]).lower()
    exposure.vms.add(vm_id)
    for config in p.get("ipConfigurations") or []:
        if not isinstance(config, Mapping):
            continue
        c = props(config)
        if config.get("id"):
            found.vm_of_config[str(config["id"]).lower()] = vm_id
        if c.get("publicIPAddress"):
            exposure.public.add(vm_id)
        if c.get("applicationGatewayBackendAddressPools"):
            exposure.unknown.add(vm_id)  # gateways are not read: cannot tell
        for pool in _ids(c.get("loadBalancerBackendAddressPools")):
            found.pool_refs.setdefault(pool, set()).add(vm_id)
        for rule in _ids(c.get("loadBalancerInboundNatRules")):
            found.nat_refs.setdefault(rule, set()).add(vm_id)
        subnet = str((c.get("subnet") or {}).get("id") or "").lower()
        address = c.get("privateIPAddress")
        if subnet and address:
            found.vm_of_address[(subnet.split("/subnets/")[0], str(address))] = vm_id


def _read_balancer(balancer: Mapping[str, Any], found: _Nics, exposure: Exposure,
                   known_pools: set[str], known_rules: set[str]) -> None:
    p = props(balancer)
    public = {str(f["id"]).lower() for f in p.get("frontendIPConfigurations") or []
              if isinstance(f, Mapping) and f.get("id")
              and (props(f).get("publicIPAddress") or props(f).get("publicIPPrefix"))}
    pools = {str(pool["id"]).lower(): _pool_members(pool, found)
             for pool in p.get("backendAddressPools") or []
             if isinstance(pool, Mapping) and pool.get("id")}
    for pool_id, members in pools.items():
        members |= found.pool_refs.get(pool_id, set())
    known_pools |= set(pools)
    for rule in p.get("loadBalancingRules") or []:
        r = props(rule) if isinstance(rule, Mapping) else {}
        if _frontend(r) in public:
            for pool_id in _pools_of(r):
                exposure.public |= pools.get(pool_id, set())
    for rule in p.get("inboundNatRules") or []:
        if not isinstance(rule, Mapping):
            continue
        r = props(rule)
        rule_id = str(rule.get("id") or "").lower()
        known_rules.add(rule_id)
        if _frontend(r) not in public:
            continue
        exposure.public |= found.nat_refs.get(rule_id, set())
        backend = str((r.get("backendIPConfiguration") or {}).get("id") or "").lower()
        if backend in found.vm_of_config:
            exposure.public.add(found.vm_of_config[backend])
        for pool_id in _pools_of(r):
            exposure.public |= pools.get(pool_id, set())


def _frontend(rule: Mapping[str, Any]) -> str:
    return str((rule.get("frontendIPConfiguration") or {}).get("id") or "").lower()


def _pools_of(rule: Mapping[str, Any]) -> Iterable[str]:
    single = _ids([rule.get("backendAddressPool")])
    return single + _ids(rule.get("backendAddressPools"))


def _pool_members(pool: Mapping[str, Any], found: _Nics) -> set[str]:
    p = props(pool)
    members = {found.vm_of_config[c] for c in _ids(p.get("backendIPConfigurations"))
               if c in found.vm_of_config}
    for address in p.get("loadBalancerBackendAddresses") or []:
        a = props(address) if isinstance(address, Mapping) else {}
        config = str((a.get("networkInterfaceIPConfiguration") or {}).get("id") or "").lower()
        if config in found.vm_of_config:
            members.add(found.vm_of_config[config])
        vnet = str((a.get("virtualNetwork") or {}).get("id") or "").lower()
        key = (vnet, str(a.get("ipAddress") or ""))
        if key in found.vm_of_address:
            members.add(found.vm_of_address[key])
    return members
