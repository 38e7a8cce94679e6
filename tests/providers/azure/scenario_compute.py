"""The canned tenant's network and compute: NSG rules, NICs, load balancers, disks, VMs.

Expected values are stated next to the data that decides them.
"""

from __future__ import annotations

from typing import Any

from tests.providers.azure.azure_server import AzureServer
from tests.providers.azure.scenario import SUB_A, compute_id, nsg_id, sub_path


def install(server: AzureServer) -> None:
    """Serve subscription A's network and compute."""
    _network(server)
    _compute(server)


def security_rule(nsg: str, name: str, **properties: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"protocol": "Tcp", "sourcePortRange": "*",
                            "destinationAddressPrefix": "*", "access": "Allow",
                            "priority": 100, "direction": "Inbound",
                            "provisioningState": "Succeeded"}
    base.update(properties)
    return {"name": name, "id": f"{nsg_id(nsg)}/securityRules/{name}",
            "etag": "W/\"00000000-0000-0000-0000-000000000000\"",
            "type": "Microsoft.Network/networkSecurityGroups/securityRules",
            "properties": base}


def _default_rules(nsg: str) -> list[dict[str, Any]]:
    return [
        security_rule(nsg, "AllowVnetInBound", protocol="*", sourceAddressPrefix="VirtualNetwork",
                      destinationPortRange="*", priority=65000),
        security_rule(nsg, "DenyAllInBound", protocol="*", sourceAddressPrefix="*",
                      destinationPortRange="*", access="Deny", priority=65500),
    ]


def _network(server: AzureServer) -> None:
    rules = [
        security_rule("web-nsg", "allow-rdp", sourceAddressPrefix="Internet",
                      destinationPortRange="3389", priority=100),
        security_rule("web-nsg", "allow-ssh-range", sourceAddressPrefix="*",
                      destinationPortRange="20-30", priority=110),
        security_rule("web-nsg", "allow-web", sourceAddressPrefixes=["203.0.113.7",
                                                                     "198.51.100.0/24"],
                      destinationPortRanges=["80", "443"], priority=120),
        security_rule("web-nsg", "vnet-any", protocol="*", sourceAddressPrefix="VirtualNetwork",
                      destinationPortRange="*", priority=130),
        security_rule("web-nsg", "deny-out", protocol="*", sourceAddressPrefix="*",
                      destinationAddressPrefix="Internet", destinationPortRange="*",
                      access="Deny", direction="Outbound", priority=4000),
    ]
    nsg = {"name": "web-nsg", "id": nsg_id("web-nsg"), "location": "japaneast",
           "type": "Microsoft.Network/networkSecurityGroups",
           "etag": "W/\"00000000-0000-0000-0000-000000000000\"", "tags": {"env": "prod"},
           "properties": {"securityRules": rules, "defaultSecurityRules": _default_rules("web-nsg"),
                          "networkInterfaces": [{"id": _nic_id("vm1-nic")}],
                          "provisioningState": "Succeeded"}}
    path = f"{sub_path(SUB_A)}/providers/Microsoft.Network/networkSecurityGroups"
    server.add(path, {"value": [nsg]})
    # The first NSG listing is throttled; the SDK waits Retry-After and tries again.
    server.fail(path, 429, {"error": {"code": "TooManyRequests",
                                      "message": "Too many requests, retry after 1 second"}},
                times=1, headers={"Retry-After": "1"})
    # vm1: a public IP on its NIC. vm2: only an internal load balancer's NAT rule (not
    # the internet). vm3: no public IP, but in the backend pool of a public load balancer
    # with a load-balancing rule: internet-facing all the same.
    server.add(f"{sub_path(SUB_A)}/providers/Microsoft.Network/networkInterfaces", {"value": [
        _nic("vm1-nic", "vm1", public=True),
        _nic("vm2-nic", "vm2", public=False,
             loadBalancerInboundNatRules=[{"id": f"{lb_id('int-lb')}/inboundNatRules/ssh"}]),
        _nic("vm3-nic", "vm3", public=False, loadBalancerBackendAddressPools=[
            {"id": f"{lb_id('web-lb')}/backendAddressPools/web-pool"}])]})
    server.add(f"{sub_path(SUB_A)}/providers/Microsoft.Network/loadBalancers", {"value": [
        load_balancer("web-lb", public=True, pools={"web-pool": []},
                      rules=[("https", "web-pool")]),
        load_balancer("int-lb", public=False,
                      nat=[("ssh", _nic_id("vm2-nic") + "/ipConfigurations/c1")])]})


def lb_id(name: str) -> str:
    return (f"{sub_path(SUB_A)}/resourceGroups/rg-net/providers/"
            f"Microsoft.Network/loadBalancers/{name}")


def load_balancer(name: str, public: bool, pools: dict[str, list[str]] | None = None,
                  rules: list[tuple[str, str]] | None = None,
                  nat: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """A load balancer with one frontend (public IP or private address); ``pools`` maps
    pool names to member NIC ip-configuration ids, ``rules`` are (name, pool) and
    ``nat`` (name, NIC ip-configuration id)."""
    lb = lb_id(name)
    frontend = f"{lb}/frontendIPConfigurations/fe"
    fe_props: dict[str, Any] = (
        {"publicIPAddress": {"id": f"{sub_path(SUB_A)}/resourceGroups/rg-net/providers/"
                                   f"Microsoft.Network/publicIPAddresses/{name}-ip"}}
        if public else {"privateIPAddress": "10.0.1.10", "privateIPAllocationMethod": "Static"})
    return {"id": lb, "name": name, "location": "japaneast",
            "type": "Microsoft.Network/loadBalancers", "sku": {"name": "Standard"},
            "properties": {
                "frontendIPConfigurations": [{"id": frontend, "name": "fe",
                                              "properties": fe_props}],
                "backendAddressPools": [
                    {"id": f"{lb}/backendAddressPools/{pool}", "name": pool,
                     "properties": {"backendIPConfigurations": [{"id": m} for m in members]}}
                    for pool, members in (pools or {}).items()],
                "loadBalancingRules": [
                    {"id": f"{lb}/loadBalancingRules/{rule}", "name": rule,
                     "properties": {"frontendIPConfiguration": {"id": frontend},
                                    "backendAddressPool": {
                                        "id": f"{lb}/backendAddressPools/{pool}"},
                                    "protocol": "Tcp", "frontendPort": 443,
                                    "backendPort": 443}} for rule, pool in rules or []],
                "inboundNatRules": [
                    {"id": f"{lb}/inboundNatRules/{rule}", "name": rule,
                     "properties": {"frontendIPConfiguration": {"id": frontend},
                                    "backendIPConfiguration": {"id": config},
                                    "protocol": "Tcp", "frontendPort": 2222,
                                    "backendPort": 22}} for rule, config in nat or []],
                "outboundRules": [], "probes": [], "provisioningState": "Succeeded"}}


def _nic_id(name: str) -> str:
    return (f"{sub_path(SUB_A)}/resourceGroups/rg-app/providers/"
            f"Microsoft.Network/networkInterfaces/{name}")


def _nic(name: str, vm: str, public: bool, **extra: Any) -> dict[str, Any]:
    config: dict[str, Any] = {**extra, "privateIPAddress": "10.0.0.4",
                              "privateIPAllocationMethod": "Dynamic", "primary": True,
                              "subnet": {"id": f"{sub_path(SUB_A)}/resourceGroups/rg-net/"
                                               "providers/Microsoft.Network/virtualNetworks/"
                                               "vnet/subnets/default"}}
    if public:
        config["publicIPAddress"] = {"id": f"{sub_path(SUB_A)}/resourceGroups/rg-app/providers/"
                                           f"Microsoft.Network/publicIPAddresses/{vm}-ip"}
    return {"name": name, "id": _nic_id(name), "location": "japaneast",
            "type": "Microsoft.Network/networkInterfaces",
            "properties": {"virtualMachine": {"id": compute_id("virtualMachines", vm)},
                           "ipConfigurations": [{"name": "ipconfig1",
                                                 "id": _nic_id(name) + "/ipConfigurations/c1",
                                                 "properties": config}],
                           "provisioningState": "Succeeded"}}


# --- compute ----------------------------------------------------------------------------

def disk(name: str, encryption: dict[str, Any] | None, managed_by: str | None,
         os_type: str | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = {"creationData": {"createOption": "Empty"}, "diskSizeGB": 128,
                                  "timeCreated": "2024-02-01T00:00:00.0000000+00:00",
                                  "provisioningState": "Succeeded",
                                  "diskState": "Attached" if managed_by else "Unattached"}
    if encryption is not None:
        properties["encryption"] = encryption
    if os_type:
        properties["osType"] = os_type
    item: dict[str, Any] = {"name": name, "id": compute_id("disks", name),
                            "location": "japaneast", "type": "Microsoft.Compute/disks",
                            "sku": {"name": "Premium_LRS", "tier": "Premium"},
                            "properties": properties}
    if managed_by:
        item["managedBy"] = managed_by
    return item


def _vm(name: str, os_type: str, os_disk: str,
        password_sign_in: bool | None = None) -> dict[str, Any]:
    """A VM; for Linux, ``password_sign_in`` False sets disablePasswordAuthentication."""
    os_profile: dict[str, Any] = {"computerName": name, "adminUsername": "azureuser",
                                  "secrets": [], "allowExtensionOperations": True}
    if password_sign_in is not None:
        os_profile["linuxConfiguration"] = {
            "disablePasswordAuthentication": not password_sign_in,
            "provisionVMAgent": True, "ssh": {"publicKeys": [] if password_sign_in else [
                {"path": "/home/azureuser/.ssh/authorized_keys",
                 "keyData": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPublicKeyOnly"}]}}
    return {"name": name, "id": compute_id("virtualMachines", name),
            "type": "Microsoft.Compute/virtualMachines", "location": "japaneast",
            "tags": {"role": "web"},
            "properties": {
                "vmId": "00000000-0000-4000-8000-00000000000" + name[-1],
                "hardwareProfile": {"vmSize": "Standard_D2s_v3"},
                "storageProfile": {
                    "imageReference": {"publisher": "MicrosoftWindowsServer",
                                       "offer": "WindowsServer", "sku": "2022-datacenter",
                                       "version": "latest"},
                    "osDisk": {"osType": os_type, "name": os_disk, "createOption": "FromImage",
                               "caching": "ReadWrite", "diskSizeGB": 127,
                               "managedDisk": {"storageAccountType": "Premium_LRS",
                                               "id": compute_id("disks", os_disk)}},
                    "dataDisks": []},
                "osProfile": os_profile,
                "networkProfile": {"networkInterfaces": [{"id": _nic_id(f"{name}-nic")}]},
                "provisioningState": "Succeeded"}}


def _compute(server: AzureServer) -> None:
    vm1 = compute_id("virtualMachines", "vm1")
    server.add(f"{sub_path(SUB_A)}/providers/Microsoft.Compute/disks", {"value": [
        disk("vm1-osdisk", {"type": "EncryptionAtRestWithPlatformKey"}, vm1, "Windows"),
        disk("data-cmk", {"type": "EncryptionAtRestWithCustomerKey",
                          "diskEncryptionSetId": f"{sub_path(SUB_A)}/resourceGroups/rg-app/"
                                                 "providers/Microsoft.Compute/"
                                                 "diskEncryptionSets/des"}, None),
        disk("vm2-osdisk", None, compute_id("virtualMachines", "vm2"), "Linux"),
        # A typo in the data-classes tag: what the disk holds is unknown, not "nothing".
        {**disk("vm3-osdisk", {"type": "EncryptionAtRestWithPlatformAndCustomerKeys"},
                compute_id("virtualMachines", "vm3"), "Linux"),
         "tags": {"mamori:data-classes": "personl"}},
    ]})
    server.add(f"{sub_path(SUB_A)}/providers/Microsoft.Compute/virtualMachines", {"value": [
        _vm("vm1", "Windows", "vm1-osdisk"),
        _vm("vm2", "Linux", "vm2-osdisk", password_sign_in=True),
        _vm("vm3", "Linux", "vm3-osdisk", password_sign_in=False)]})
    server.add(f"{compute_id('virtualMachines', 'vm3')}/instanceView", {
        "computerName": "vm3", "osName": "ubuntu", "osVersion": "24.04",
        "statuses": [{"code": "PowerState/running", "level": "Info"}],
        "patchStatus": {"availablePatchSummary": {
            "status": "Succeeded", "criticalAndSecurityPatchCount": 0, "otherPatchCount": 0,
            "lastModifiedTime": "2026-11-27T03:05:00.0000000+00:00"}}})
    server.add(f"{vm1}/instanceView", {
        "computerName": "vm1", "osName": "Windows Server 2022 Datacenter",
        "osVersion": "10.0.20348.2227",
        "vmAgent": {"vmAgentVersion": "2.7.41491.1102", "statuses": []},
        "statuses": [{"code": "ProvisioningState/succeeded", "level": "Info",
                      "displayStatus": "Provisioning succeeded"},
                     {"code": "PowerState/running", "level": "Info",
                      "displayStatus": "VM running"}],
        "patchStatus": {
            "availablePatchSummary": {
                "status": "Succeeded",
                "assessmentActivityId": "68f8b292-dfc2-4646-9781-33cc88631968",
                "rebootPending": False, "criticalAndSecurityPatchCount": 2, "otherPatchCount": 5,
                "startTime": "2026-11-20T03:00:00.0000000+00:00",
                "lastModifiedTime": "2026-11-20T03:05:00.0000000+00:00"},
            "lastPatchInstallationSummary": {
                "status": "Succeeded",
                "installationActivityId": "68f8b292-dfc2-4646-9981-33cc88631968",
                "maintenanceWindowExceeded": False, "notSelectedPatchCount": 0,
                "excludedPatchCount": 0, "pendingPatchCount": 0, "installedPatchCount": 3,
                "failedPatchCount": 0, "startTime": "2026-10-01T02:00:00.0000000+00:00",
                "lastModifiedTime": "2026-10-01T02:30:00.0000000+00:00"}}})
    server.add(f"{compute_id('virtualMachines', 'vm2')}/instanceView", {
        "computerName": "vm2", "osName": "ubuntu", "osVersion": "22.04",
        "statuses": [{"code": "PowerState/running", "level": "Info"}]})
