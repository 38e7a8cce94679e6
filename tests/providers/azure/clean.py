"""A clean tenant: one subscription where every setting mamori checks is the good one.

Every answer is in the REST reference's shape, as in ``scenario``. The gate must pass on
it (exit 0); what no ARM or Graph API can tell (whether the Windows VM's image has working
default accounts; who in HR owns each account) is NOT_ASSESSED, naming the source.

- storage: anonymous access disallowed, HTTPS only, TLS 1.2, no shared keys, a customer
  key, versioning, read/write/delete logging; tagged as holding personal data;
- Azure Policy: the built-in "Storage account public access should be disallowed" assigned
  with effect Deny at the subscription, no exemption;
- Activity Log exported to a workspace that keeps the AzureActivity table 365 days;
- NSG: HTTPS from the internet only; VMs without public addresses or load balancers, disks
  with customer keys, patched two days before ``as_of``; a Linux VM without password
  sign-in and a Windows VM;
- SQL: public network access disabled, TDE on, a Key Vault protector, TLS 1.2;
- Entra ID: administrators hold their rights through a group (never directly), everyone
  is MFA-capable and signed in last week, conditional access requires MFA for all users.
"""

from __future__ import annotations

from typing import Any

from tests.providers.azure import scenario as s
from tests.providers.azure import scenario_graph as g
from tests.providers.azure import scenario_platform as p
from tests.providers.azure.azure_server import AzureServer

TENANT = "c1ea0000-0000-4000-8000-00000000c1ea"
SUB = "c1ea0000-5b00-4000-8000-000000000001"
ADMIN = "c1ea0000-0000-4000-8000-00000000ad01"
STAFF = "c1ea0000-0000-4000-8000-00000000571f"
ADMINS = "c1ea0000-0000-4000-8000-000000006a01"  # role-assignable group: GA and Owner
IDENTITY = "c1ea0000-0000-4000-8000-00000000f111"  # a VM's managed identity, Reader
RG = f"{s.sub_path(SUB)}/resourceGroups/rg-clean"
RECENT = "2026-11-27T03:05:00.0000000+00:00"  # two days before the tests' as_of


def arm_id(provider: str, kind: str, name: str) -> str:
    return f"{RG}/providers/{provider}/{kind}/{name}"


def install(server: AzureServer) -> None:
    """Serve the clean tenant."""
    server.add("/subscriptions", {"value": [{**s.subscription_item(SUB), "tenantId": TENANT}]})
    server.add(s.sub_path(SUB), {**s.subscription_item(SUB), "tenantId": TENANT})
    _storage(server)
    _authorization(server)
    _network(server)
    _compute(server)
    _sql(server)
    _platform(server)
    _graph(server)


def _storage(server: AzureServer) -> None:
    account = s.storage_account(SUB, "cleansa", allowBlobPublicAccess=False,
                                allowSharedKeyAccess=False, isHnsEnabled=False,
                                encryption=s.customer_key())
    account["tags"] = {"mamori:data-classes": "personal", "mamori:records": "800"}
    account_id = s.storage_id(SUB, "cleansa")
    server.add(f"{s.sub_path(SUB)}/providers/{s.STORAGE_API}", {"value": [account]})
    server.add(f"{account_id}/blobServices/default", s.blob_service(account_id, True))
    diagnostics = s.blob_diagnostics(account_id, read_logs=True)
    diagnostics["value"][0]["properties"]["logs"].append(
        {"category": "StorageDelete", "enabled": True})
    server.add(f"{account_id}/blobServices/default/providers/Microsoft.Insights/"
               "diagnosticSettings", diagnostics)


def _authorization(server: AzureServer) -> None:
    sub = s.sub_path(SUB)
    server.add(f"{sub}/providers/Microsoft.Authorization/roleAssignments", {"value": [
        s.assignment(SUB, "c1ea0000-0000-4000-8000-0000000a0001", s.OWNER, ADMINS, "Group",
                     sub),
        s.assignment(SUB, "c1ea0000-0000-4000-8000-0000000a0002", s.READER, IDENTITY,
                     "ServicePrincipal", sub)]})
    server.add(f"{sub}/providers/Microsoft.Authorization/roleDefinitions", {"value": []})


def _network(server: AzureServer) -> None:
    nsg = arm_id("Microsoft.Network", "networkSecurityGroups", "clean-nsg")
    rule = {"name": "allow-https", "id": f"{nsg}/securityRules/allow-https",
            "type": "Microsoft.Network/networkSecurityGroups/securityRules",
            "properties": {"protocol": "Tcp", "sourcePortRange": "*",
                           "sourceAddressPrefix": "Internet", "destinationPortRange": "443",
                           "destinationAddressPrefix": "*", "access": "Allow",
                           "priority": 100, "direction": "Inbound"}}
    server.add(f"{s.sub_path(SUB)}/providers/Microsoft.Network/networkSecurityGroups",
               {"value": [{"name": "clean-nsg", "id": nsg, "location": "japaneast",
                           "properties": {"securityRules": [rule],
                                          "networkInterfaces": [{"id": _nic_id("linux")}]}}]})
    server.add(f"{s.sub_path(SUB)}/providers/Microsoft.Network/networkInterfaces",
               {"value": [_nic("linux"), _nic("windows")]})
    server.add(f"{s.sub_path(SUB)}/providers/Microsoft.Network/loadBalancers", {"value": []})


def _nic_id(vm: str) -> str:
    return arm_id("Microsoft.Network", "networkInterfaces", f"{vm}-nic")


def _nic(vm: str) -> dict[str, Any]:
    nic = _nic_id(vm)
    return {"name": f"{vm}-nic", "id": nic, "location": "japaneast",
            "properties": {"virtualMachine": {"id": _vm_id(vm)}, "ipConfigurations": [
                {"name": "c1", "id": f"{nic}/ipConfigurations/c1",
                 "properties": {"privateIPAddress": "10.1.0.4",
                                "subnet": {"id": f"{RG}/providers/Microsoft.Network/"
                                                 "virtualNetworks/vnet/subnets/app"}}}]}}


def _vm_id(vm: str) -> str:
    return arm_id("Microsoft.Compute", "virtualMachines", vm)


def _compute(server: AzureServer) -> None:
    key = {"type": "EncryptionAtRestWithCustomerKey",
           "diskEncryptionSetId": arm_id("Microsoft.Compute", "diskEncryptionSets", "des")}
    server.add(f"{s.sub_path(SUB)}/providers/Microsoft.Compute/disks", {"value": [
        {"name": f"{vm}-os", "id": arm_id("Microsoft.Compute", "disks", f"{vm}-os"),
         "location": "japaneast", "managedBy": _vm_id(vm),
         "properties": {"osType": os_type, "encryption": key, "diskState": "Attached"}}
        for vm, os_type in (("linux", "Linux"), ("windows", "Windows"))]})
    server.add(f"{s.sub_path(SUB)}/providers/Microsoft.Compute/virtualMachines", {"value": [
        _vm("linux", "Linux"), _vm("windows", "Windows")]})
    for vm in ("linux", "windows"):
        server.add(f"{_vm_id(vm)}/instanceView", {
            "computerName": vm, "osVersion": "24.04" if vm == "linux" else "10.0.26100.2314",
            "statuses": [{"code": "PowerState/running", "level": "Info"}],
            "patchStatus": {"availablePatchSummary": {
                "status": "Succeeded", "criticalAndSecurityPatchCount": 0,
                "otherPatchCount": 0, "lastModifiedTime": RECENT}}})


def _vm(vm: str, os_type: str) -> dict[str, Any]:
    profile: dict[str, Any] = {"computerName": vm, "adminUsername": "opsadmin"}
    if os_type == "Linux":
        profile["linuxConfiguration"] = {"disablePasswordAuthentication": True}
    return {"name": vm, "id": _vm_id(vm), "location": "japaneast",
            "properties": {"osProfile": profile,
                           "storageProfile": {"osDisk": {
                               "osType": os_type, "name": f"{vm}-os",
                               "managedDisk": {"id": arm_id("Microsoft.Compute", "disks",
                                                            f"{vm}-os")}}},
                           "networkProfile": {"networkInterfaces": [{"id": _nic_id(vm)}]}}}


def _sql(server: AzureServer) -> None:
    sql = s.sql_server("clean-sql", "dbowner", "Disabled", tls="1.2", sub=SUB)
    sql["id"] = arm_id("Microsoft.Sql", "servers", "clean-sql")
    server.add(f"{s.sub_path(SUB)}/providers/Microsoft.Sql/servers", {"value": [sql]})
    server.add(f"{sql['id']}/databases", {"value": [
        {"name": "master", "id": f"{sql['id']}/databases/master"},
        {"name": "appdb", "id": f"{sql['id']}/databases/appdb"}]})
    server.add(f"{sql['id']}/databases/appdb/transparentDataEncryption/current",
               {"name": "current", "properties": {"state": "Enabled"}})
    server.add(f"{sql['id']}/encryptionProtector/current",
               s.protector(sql["id"], "AzureKeyVault"))


def _platform(server: AzureServer) -> None:
    sub = s.sub_path(SUB)
    workspace = arm_id("Microsoft.OperationalInsights", "workspaces", "audit")
    server.add(f"{sub}/providers/Microsoft.Insights/diagnosticSettings", {"value": [
        p.diagnostic_setting(SUB, "activity-to-workspace",
                             [p.log(c) for c in ("Administrative", "Security", "Policy")],
                             workspaceId=workspace)]})
    server.add(workspace, p.workspace(workspace, 365))
    server.add(f"{workspace}/tables/AzureActivity", p.activity_table(workspace, 365, 365))
    server.add(f"{sub}/providers/Microsoft.Authorization/policyAssignments", {"value": [
        p.policy_assignment(sub, "deny-anonymous-blob", p.builtin(p.DENY_PUBLIC),
                            {"effect": "Deny"})]})
    server.add(f"{sub}/providers/Microsoft.Authorization/policyExemptions", {"value": []})


def _graph(server: AzureServer) -> None:
    graph = s.GRAPH
    server.add(f"{graph}/organization", {"value": [{"id": TENANT, "displayName": "Clean KK"}]})
    server.add(f"{graph}/users", {"value": [
        g.user(ADMIN, "admin@clean.example", signed_in="2026-11-25T08:00:00Z",
               mail="admin@clean.example", employee_id="C0001"),
        g.user(STAFF, "staff@clean.example", signed_in="2026-11-26T08:00:00Z",
               mail="staff@clean.example", employee_id="C0002")]})
    server.add(f"{graph}/reports/authenticationMethods/userRegistrationDetails", {"value": [
        g.registration(ADMIN, "admin@clean.example", True),
        g.registration(STAFF, "staff@clean.example", True)]})
    server.add("/graph/beta/roleManagement/directory/roleDefinitions", {"value": [
        g.role_definition(g.GLOBAL_ADMIN, "Global Administrator", True)]})
    server.add(f"{graph}/directoryRoles", {"value": [
        g.directory_role("role-ga", g.GLOBAL_ADMIN, "Global Administrator")]})
    server.add(f"{graph}/directoryRoles/role-ga/members", {"value": [
        g.member("group", ADMINS, "cloud-admins")]})
    server.add(f"{graph}/groups/{ADMINS}/transitiveMembers", {"value": [
        g.member("user", ADMIN, "admin")]})
    server.add(f"{graph}/policies/identitySecurityDefaultsEnforcementPolicy",
               g.security_defaults(False))
    server.add(f"{graph}/identity/conditionalAccess/policies", {"value": [
        g.ca_policy("Require MFA for all users", users=["All"])]})
    identity = g.sp(IDENTITY, "vm-identity", "", "ManagedIdentity")
    server.posts[f"{graph}/directoryobjects/getbyids"] = lambda body: {
        "value": [identity] if IDENTITY in body.get("ids", []) else []}
