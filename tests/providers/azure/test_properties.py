"""Properties of the Azure mappings that the independent estate found broken, as classes.

- dormancy: failed sign-in attempts never make an account look active;
- MFA enforcement: any condition that lets some sign-ins through without MFA means the
  policy does not enforce MFA tenant-wide (it used to ignore risk levels and locations);
- internet exposure: a VM that a public IP or a public load balancer reaches is never
  ``internet_facing: false``; with the load balancers unread it is never false either;
- privileged roles: admin follows Microsoft's ``isPrivileged`` flag, never the role name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.providers.azure import conditional_access, exposure, roles
from mamori.providers.azure.errors import Outcome, Scope
from mamori.providers.azure.graph_client import GraphClient
from mamori.providers.azure.identity import sign_in_facts
from tests.providers.azure import scenario_graph as g
from tests.providers.azure.azure_server import AzureServer
from tests.providers.azure.conftest import client_secret_credential, options_for, running_server

BASE = datetime(2026, 1, 1, tzinfo=UTC)
WHEN = st.one_of(st.none(), st.integers(0, 400).map(lambda d: BASE + timedelta(days=d)))


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat().replace("+00:00", "Z")


@given(success=WHEN, interactive=WHEN, background=WHEN)
def test_only_successful_sign_ins_count_as_activity(
        success: datetime | None, interactive: datetime | None,
        background: datetime | None) -> None:
    activity = {"lastSuccessfulSignInDateTime": _iso(success),
                "lastSignInDateTime": _iso(interactive),
                "lastNonInteractiveSignInDateTime": _iso(background)}
    facts = sign_in_facts(activity)
    assert facts["last_active"] == (success if success is not None else "never")


# --- conditional access -----------------------------------------------------------------

def _qualifying() -> dict[str, Any]:
    return g.ca_policy("Require MFA for all users", users=["All"])


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation setting a dotted path of a policy (missing or null parents created)."""
    def apply(policy: dict[str, Any]) -> None:
        node = policy
        *parents, leaf = path.split(".")
        for key in parents:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[leaf] = value
    return apply


#: Each lets some sign-ins of some users through without MFA.
NARROWING: dict[str, Callable[[dict[str, Any]], None]] = {
    "report-only": _set("state", "enabledForReportingButNotEnforced"),
    "disabled": _set("state", "disabled"),
    "risky sign-ins only": _set("conditions.signInRiskLevels", ["high"]),
    "risky users only": _set("conditions.userRiskLevels", ["medium"]),
    "browser only": _set("conditions.clientAppTypes", ["browser"]),
    "one platform": _set("conditions.platforms", {"includePlatforms": ["android"],
                                                  "excludePlatforms": []}),
    "platform excluded": _set("conditions.platforms", {"includePlatforms": ["all"],
                                                       "excludePlatforms": ["iOS"]}),
    "trusted locations excluded": _set("conditions.locations", {
        "includeLocations": ["All"], "excludeLocations": ["AllTrusted"]}),
    "one app": _set("conditions.applications.includeApplications", ["office365"]),
    "app excluded": _set("conditions.applications.excludeApplications", ["intune"]),
    "device filter": _set("conditions.devices", {"deviceFilter": {
        "mode": "exclude", "rule": "device.isCompliant -eq True"}}),
    "device-code flow only": _set("conditions.authenticationFlows",
                                  {"transferMethods": "deviceCodeFlow"}),
    "or a compliant device": _set("grantControls.builtInControls", ["mfa", "compliantDevice"]),
    "terms of use only": _set("grantControls.builtInControls", []),
    "some users only": _set("conditions.users.includeUsers", ["0a000000-user"]),
}
#: None changes who must use MFA at sign-in (exclusions of break-glass accounts are allowed
#: tenant-wide).
HARMLESS: dict[str, Callable[[dict[str, Any]], None]] = {
    "break-glass excluded": _set("conditions.users.excludeUsers", ["breakglass"]),
    "group excluded": _set("conditions.users.excludeGroups", ["bg-group"]),
    "all client apps": _set("conditions.clientAppTypes", ["all"]),
    "modern clients": _set("conditions.clientAppTypes", ["browser",
                                                         "mobileAppsAndDesktopClients"]),
    "all platforms": _set("conditions.platforms", {"includePlatforms": ["all"]}),
    "all locations": _set("conditions.locations", {"includeLocations": ["All"]}),
    "mfa and compliant device": lambda p: p["grantControls"].update(
        operator="AND", builtInControls=["mfa", "compliantDevice"]),
    "authentication strength": lambda p: p["grantControls"].update(
        builtInControls=[], authenticationStrength={"id": "00000000-0000-0000-0000-000000000002"}),
}


@given(narrow=st.lists(st.sampled_from(sorted(NARROWING)), min_size=1, unique=True),
       harmless=st.lists(st.sampled_from(sorted(HARMLESS)), unique=True))
def test_any_gap_means_mfa_is_not_enforced_everywhere(narrow: list[str],
                                                      harmless: list[str]) -> None:
    policy = _qualifying()
    for name in harmless:
        HARMLESS[name](policy)
    assert conditional_access.tenant_wide([policy]) is True
    for name in narrow:
        NARROWING[name](policy)
    assert conditional_access.tenant_wide([policy]) is False
    assert conditional_access.enforced_for("u", False, [policy], {}, {}) is None


# --- internet exposure ------------------------------------------------------------------

VM = st.integers(0, 4)
_PREFIX = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network"


def _config(vm: int) -> str:
    return f"{_PREFIX}/networkInterfaces/nic{vm}/ipConfigurations/c1"


def _vm_id(vm: int) -> str:
    return f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm{vm}"


BALANCER = st.fixed_dictionaries({
    "public": st.booleans(),
    # pool members, each written from the NIC's side, the pool's side, or by IP address
    "members": st.lists(st.tuples(VM, st.sampled_from(["nic", "pool", "address"])),
                        max_size=3),
    "rule": st.booleans(),  # a load-balancing rule on the pool
    "nat": st.lists(st.tuples(VM, st.sampled_from(["nic", "rule"])), max_size=2),
})


def _render(balancers: list[dict[str, Any]],
            public_ip: list[bool]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nic_configs: dict[int, dict[str, Any]] = {
        vm: {"privateIPAddress": f"10.0.0.{vm + 4}", "subnet": {
            "id": f"{_PREFIX}/virtualNetworks/vnet/subnets/default"}} for vm in range(5)}
    rendered: list[dict[str, Any]] = []
    for n, spec in enumerate(balancers):
        lb = f"{_PREFIX}/loadBalancers/lb{n}"
        pool, fe = f"{lb}/backendAddressPools/pool", f"{lb}/frontendIPConfigurations/fe"
        by_config, by_address = [], []
        for vm, side in spec["members"]:
            if side == "nic":
                nic_configs[vm].setdefault("loadBalancerBackendAddressPools", []).append(
                    {"id": pool})
            elif side == "pool":
                by_config.append({"id": _config(vm)})
            else:
                by_address.append({"name": f"a{vm}", "properties": {
                    "ipAddress": f"10.0.0.{vm + 4}",
                    "virtualNetwork": {"id": f"{_PREFIX}/virtualNetworks/vnet"}}})
        nat: list[dict[str, Any]] = []
        for k, (vm, side) in enumerate(spec["nat"]):
            rule_id = f"{lb}/inboundNatRules/n{k}"
            rule: dict[str, Any] = {"frontendIPConfiguration": {"id": fe}}
            if side == "nic":
                nic_configs[vm].setdefault("loadBalancerInboundNatRules", []).append(
                    {"id": rule_id})
            else:
                rule["backendIPConfiguration"] = {"id": _config(vm)}
            nat.append({"id": rule_id, "properties": rule})
        frontend = {"publicIPAddress": {"id": "pip"}} if spec["public"] else \
            {"privateIPAddress": "10.0.9.9"}
        rendered.append({"id": lb, "properties": {
            "frontendIPConfigurations": [{"id": fe, "properties": frontend}],
            "backendAddressPools": [{"id": pool, "properties": {
                "backendIPConfigurations": by_config,
                "loadBalancerBackendAddresses": by_address}}],
            "loadBalancingRules": [{"id": f"{lb}/loadBalancingRules/r", "properties": {
                "frontendIPConfiguration": {"id": fe}, "backendAddressPool": {"id": pool}}}]
            if spec["rule"] else [],
            "inboundNatRules": nat}})
    for vm, public in enumerate(public_ip):
        if public:
            nic_configs[vm]["publicIPAddress"] = {"id": f"pip{vm}"}
    nics = [{"id": f"{_PREFIX}/networkInterfaces/nic{vm}", "properties": {
        "virtualMachine": {"id": _vm_id(vm)},
        "ipConfigurations": [{"id": _config(vm), "properties": config}]}}
        for vm, config in nic_configs.items()]
    return nics, rendered


def _reachable(balancers: list[dict[str, Any]], public_ip: list[bool]) -> set[int]:
    """The reference: a public IP, or a public frontend forwarding to the VM."""
    found = {vm for vm, public in enumerate(public_ip) if public}
    for spec in balancers:
        if not spec["public"]:
            continue
        if spec["rule"]:
            found |= {vm for vm, _ in spec["members"]}
        found |= {vm for vm, _ in spec["nat"]}
    return found


@given(balancers=st.lists(BALANCER, max_size=3),
       public_ip=st.lists(st.booleans(), min_size=5, max_size=5))
def test_a_reachable_vm_is_never_said_to_be_unreachable(
        balancers: list[dict[str, Any]], public_ip: list[bool]) -> None:
    nics, rendered = _render(balancers, public_ip)
    expected = _reachable(balancers, public_ip)
    seen = exposure.assess(nics, rendered)
    for vm in range(5):
        assert seen.internet_facing(_vm_id(vm)) is (vm in expected)
    unread = exposure.assess(nics, None)  # the load balancers could not be listed
    for vm in range(5):
        assert unread.internet_facing(_vm_id(vm)) is (True if public_ip[vm] else None)
    if rendered:  # one balancer missing from the listing (another subscription)
        partial = exposure.assess(nics, rendered[1:])
        # Azure writes NIC-based pool membership and NAT rules on the NIC too, so what
        # the missing balancer forwards to through a NIC's own reference is still seen.
        gone = balancers[0]
        via_nic = {vm for vm, side in gone["members"] if side == "nic" and gone["rule"]}
        via_nic |= {vm for vm, side in gone["nat"] if side == "nic"}
        for vm in _reachable(balancers[1:], public_ip) | (via_nic if gone["public"] else set()):
            assert partial.internet_facing(_vm_id(vm)) is not False
        for vm in via_nic:
            assert partial.internet_facing(_vm_id(vm)) is not False  # unknown at worst


# --- privileged directory roles ---------------------------------------------------------

ROLE = st.tuples(st.sampled_from(["Exchange Administrator", "Global Reader",
                                  "Directory Writers", "Helpdesk Administrator",
                                  "Directory Readers", "Printer Technician"]),
                 st.booleans())


@pytest.fixture(scope="module")
def graph(certificate: tuple[Path, Path]) -> Iterator[tuple[AzureServer, GraphClient]]:
    """One server for every example (routes are replaced per example)."""
    with running_server(certificate, lambda server: None) as server:
        options = options_for(server, certificate,
                              client_secret_credential(server, certificate))()
        yield server, GraphClient(options.credential, options)


@settings(max_examples=25)  # each example is a few real HTTPS calls on loopback
@given(found=st.lists(ROLE, min_size=1, max_size=4))
def test_admin_follows_the_privilege_flag_not_the_name(
        graph: tuple[AzureServer, GraphClient], found: list[tuple[str, bool]]) -> None:
    server, client = graph
    server.routes.clear()
    templates = [f"0000000{i}-0000-4000-8000-00000000000{i}" for i in range(len(found))]
    server.add("/graph/beta/roleManagement/directory/roleDefinitions", {"value": [
        g.role_definition(t, name, flag) for t, (name, flag) in zip(templates, found,
                                                                    strict=True)]})
    server.add("/graph/v1.0/directoryRoles", {"value": [
        g.directory_role(f"r{i}", t, found[i][0]) for i, t in enumerate(templates)]})
    for i in range(len(found)):
        server.add(f"/graph/v1.0/directoryRoles/r{i}/members",
                   {"value": [g.member("user", f"user{i}", f"user{i}")]})
    scope = Scope("tenant", "")
    members = roles.collect(client, scope, set())
    assert not scope.errors
    assert not isinstance(members, Outcome)
    assert set(members.users) == {f"user{i}" for i, (_, flag) in enumerate(found) if flag}
