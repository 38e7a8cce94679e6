"""The canned tenant: two subscriptions both named "Production", and one Entra ID tenant.

Every answer follows the shape of the REST API reference's examples (ARM list
results with ``value``/``nextLink``, Graph collections with ``@odata.nextLink``).
The expected attribute values are stated next to the data that decides them.
"""

from __future__ import annotations

from typing import Any

from tests.providers.azure.azure_server import AzureServer

TENANT = "11111111-2222-3333-4444-555555555555"
VENDOR_TENANT = "99999999-8888-7777-6666-555555555555"
SUB_A = "aaaaaaaa-0000-4000-8000-000000000001"
SUB_B = "bbbbbbbb-0000-4000-8000-000000000002"

ALICE = "0a000000-0000-4000-8000-00000000a11c"  # member, Global Administrator, MFA
BOB = "0b000000-0000-4000-8000-000000000b0b"  # guest, Owner on SUB_A, no MFA
CAROL = "0c000000-0000-4000-8000-00000000ca01"  # never signed in, custom admin role
DAVE = "0d000000-0000-4000-8000-00000000da7e"  # Owner through group ADMINS
ERIN = "0e000000-0000-4000-8000-00000000e714"  # disabled
FRANK = "0f000000-0000-4000-8000-00000000f4a4"  # Contributor on a resource group only
ADMINS = "06000000-0000-4000-8000-0000000a0915"  # group holding Owner on SUB_A
DEPLOY_SP = "05000000-0000-4000-8000-0000000de910"  # vendor app, Contributor
VM_MI = "05000000-0000-4000-8000-00000000f111"  # managed identity, Reader

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
CUSTOM_ADMIN = "c0570000-0000-4000-8000-0000000c0570"

STORAGE_API = "Microsoft.Storage/storageAccounts"
GRAPH = "/graph/v1.0"


def sub_path(sub: str) -> str:
    return f"/subscriptions/{sub}"


def storage_id(sub: str, name: str) -> str:
    return f"{sub_path(sub)}/resourceGroups/rg-data/providers/{STORAGE_API}/{name}"


def nsg_id(name: str) -> str:
    return (f"{sub_path(SUB_A)}/resourceGroups/rg-net/providers/"
            f"Microsoft.Network/networkSecurityGroups/{name}")


def compute_id(kind: str, name: str) -> str:
    return f"{sub_path(SUB_A)}/resourceGroups/rg-app/providers/Microsoft.Compute/{kind}/{name}"


def sql_id(name: str) -> str:
    return f"{sub_path(SUB_A)}/resourceGroups/rg-sql/providers/Microsoft.Sql/servers/{name}"


def install(server: AzureServer) -> None:
    """Serve the whole scenario."""
    _subscriptions(server)
    _storage(server)
    _authorization(server)
    _network(server)
    _compute(server)
    _sql(server)
    _graph(server)
    _empty_subscription_b(server)


# --- subscriptions ----------------------------------------------------------------------

def _subscription(sub: str) -> dict[str, Any]:
    return {"id": sub_path(sub), "authorizationSource": "RoleBased", "subscriptionId": sub,
            "tenantId": TENANT, "displayName": "Production", "state": "Enabled",
            "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01",
                                     "quotaId": "PayAsYouGo_2014-09-01",
                                     "spendingLimit": "Off"}}


def _subscriptions(server: AzureServer) -> None:
    server.add("/subscriptions", {"value": [_subscription(SUB_A), _subscription(SUB_B)],
                                  "count": {"type": "Total", "value": 2}})
    for sub in (SUB_A, SUB_B):
        server.add(sub_path(sub), _subscription(sub))


# --- storage ----------------------------------------------------------------------------

def storage_account(sub: str, name: str, **properties: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "creationTime": "2024-01-12T08:15:51.6517637Z", "primaryLocation": "japaneast",
        "provisioningState": "Succeeded", "statusOfPrimary": "available",
        "supportsHttpsTrafficOnly": True, "minimumTlsVersion": "TLS1_2",
        "networkAcls": {"bypass": "AzureServices", "defaultAction": "Allow", "ipRules": [],
                        "virtualNetworkRules": []},
        "primaryEndpoints": {"blob": f"https://{name}.blob.core.windows.net/"},
    }
    base.update(properties)
    return {"id": storage_id(sub, name), "kind": "StorageV2", "location": "japaneast",
            "name": name, "properties": base, "sku": {"name": "Standard_GRS", "tier": "Standard"},
            "tags": {"owner": "data-team"}, "type": STORAGE_API}


def _platform_key() -> dict[str, Any]:
    return {"keySource": "Microsoft.Storage", "services": {
        "blob": {"enabled": True, "keyType": "Account",
                 "lastEnabledTime": "2024-01-12T08:15:51.7036140Z"},
        "file": {"enabled": True, "keyType": "Account",
                 "lastEnabledTime": "2024-01-12T08:15:51.7036140Z"}}}


def _customer_key() -> dict[str, Any]:
    enc = _platform_key()
    enc["keySource"] = "Microsoft.Keyvault"
    enc["keyvaultproperties"] = {"keyname": "storage-key", "keyversion": "",
                                 "keyvaulturi": "https://vault.vault.azure.net/"}
    return enc


def container(account_id: str, name: str, access: str) -> dict[str, Any]:
    return {"id": f"{account_id}/blobServices/default/containers/{name}", "name": name,
            "type": "Microsoft.Storage/storageAccounts/blobServices/containers",
            "etag": "\"0x8D589847D51C7DE\"",
            "properties": {"publicAccess": access, "leaseStatus": "Unlocked",
                           "leaseState": "Available",
                           "lastModifiedTime": "2024-03-14T08:20:47Z",
                           "hasImmutabilityPolicy": False, "hasLegalHold": False}}


def _blob_service(account_id: str, versioning: bool | None) -> dict[str, Any]:
    properties: dict[str, Any] = {"cors": {"corsRules": []},
                                  "deleteRetentionPolicy": {"enabled": True, "days": 7}}
    if versioning is not None:
        properties["isVersioningEnabled"] = versioning
    return {"id": f"{account_id}/blobServices/default", "name": "default",
            "type": "Microsoft.Storage/storageAccounts/blobServices",
            "sku": {"name": "Standard_GRS", "tier": "Standard"}, "properties": properties}


def _diagnostics(account_id: str, read_logs: bool) -> dict[str, Any]:
    if not read_logs:
        return {"value": []}
    return {"value": [{
        "id": f"{account_id}/blobServices/default/providers/microsoft.insights/"
              "diagnosticSettings/to-workspace",
        "type": "Microsoft.Insights/diagnosticSettings", "name": "to-workspace",
        "properties": {"workspaceId": "/subscriptions/x/resourceGroups/rg/providers/"
                                      "Microsoft.OperationalInsights/workspaces/logs",
                       "logs": [{"category": "StorageRead", "enabled": True,
                                 "retentionPolicy": {"enabled": False, "days": 0}},
                                {"category": "StorageWrite", "enabled": True,
                                 "retentionPolicy": {"enabled": False, "days": 0}}],
                       "metrics": [{"category": "Transaction", "enabled": False}]}}]}


def _account_details(server: AzureServer, sub: str, name: str, containers: list[tuple[str, str]],
                     versioning: bool | None, read_logs: bool) -> None:
    account_id = storage_id(sub, name)
    server.add(f"{account_id}/blobServices/default/containers",
               {"value": [container(account_id, c, a) for c, a in containers]})
    server.add(f"{account_id}/blobServices/default", _blob_service(account_id, versioning))
    server.add(f"{account_id}/blobServices/default/providers/Microsoft.Insights/"
               "diagnosticSettings", _diagnostics(account_id, read_logs))


def _storage(server: AzureServer) -> None:
    # publicsa: anonymous access allowed and container "images" is Blob → public.
    public = storage_account(SUB_A, "publicsa", allowBlobPublicAccess=True,
                             publicNetworkAccess="Enabled", encryption=_platform_key())
    # blockedsa: a public container, but the account-level block wins → not public.
    blocked = storage_account(SUB_A, "blockedsa", allowBlobPublicAccess=False,
                              encryption=_customer_key())
    # deniedsa (page 2): its container listing is refused (403) → public absent.
    denied = storage_account(SUB_A, "deniedsa", allowBlobPublicAccess=True)
    base = f"{sub_path(SUB_A)}/providers/{STORAGE_API}"
    server.add(base, {"value": [public, blocked],
                      "nextLink": f"{server.url}{base}?api-version=2025-06-01&$skiptoken=p2"})
    server.add(base, {"value": [denied]}, page="p2")
    _account_details(server, SUB_A, "publicsa", [("images", "Blob"), ("private", "None")],
                     versioning=None, read_logs=False)
    _account_details(server, SUB_A, "blockedsa", [("open", "Container")],
                     versioning=True, read_logs=True)
    _account_details(server, SUB_A, "deniedsa", [], versioning=False, read_logs=False)
    server.fail(f"{storage_id(SUB_A, 'deniedsa')}/blobServices/default/containers", 403,
                {"error": {"code": "AuthorizationFailed", "message": (
                    "The client 'mamori-reader' does not have authorization to perform "
                    "action 'Microsoft.Storage/storageAccounts/blobServices/containers/read' "
                    f"over scope '{storage_id(SUB_A, 'deniedsa')}'.")}})


# --- role assignments -------------------------------------------------------------------

def assignment(sub: str, guid: str, role: str, principal: str, principal_type: str,
               scope: str) -> dict[str, Any]:
    return {"id": f"{sub_path(sub)}/providers/Microsoft.Authorization/roleAssignments/{guid}",
            "type": "Microsoft.Authorization/roleAssignments", "name": guid,
            "properties": {
                "roleDefinitionId": f"{sub_path(sub)}/providers/Microsoft.Authorization/"
                                    f"roleDefinitions/{role}",
                "principalId": principal, "principalType": principal_type, "scope": scope,
                "condition": None, "conditionVersion": None,
                "createdOn": "2024-05-01T10:00:00.0000000Z",
                "updatedOn": "2024-05-01T10:00:00.0000000Z",
                "createdBy": None, "updatedBy": None, "delegatedManagedIdentityResourceId": None,
                "description": None}}


def _authorization(server: AzureServer) -> None:
    sub = sub_path(SUB_A)
    rg = f"{sub}/resourceGroups/rg-data"
    first = [
        assignment(SUB_A, "a0000000-0000-4000-8000-000000000001", OWNER, BOB, "User", sub),
        assignment(SUB_A, "a0000000-0000-4000-8000-000000000002", OWNER, ADMINS, "Group", sub),
        assignment(SUB_A, "a0000000-0000-4000-8000-000000000003", CONTRIBUTOR, FRANK, "User", rg),
    ]
    second = [
        assignment(SUB_A, "a0000000-0000-4000-8000-000000000004", CONTRIBUTOR, DEPLOY_SP,
                   "ServicePrincipal", sub),
        assignment(SUB_A, "a0000000-0000-4000-8000-000000000005", READER, VM_MI,
                   "ServicePrincipal", sub),
        assignment(SUB_A, "a0000000-0000-4000-8000-000000000006", CUSTOM_ADMIN, CAROL, "User",
                   sub),
    ]
    base = f"{sub}/providers/Microsoft.Authorization/roleAssignments"
    server.add(base, {"value": first,
                      "nextLink": f"{server.url}{base}?api-version=2022-04-01&$skiptoken=p2"})
    server.add(base, {"value": second}, page="p2")
    server.add(f"{sub}/providers/Microsoft.Authorization/roleDefinitions", {"value": [{
        "id": f"{sub}/providers/Microsoft.Authorization/roleDefinitions/{CUSTOM_ADMIN}",
        "type": "Microsoft.Authorization/roleDefinitions", "name": CUSTOM_ADMIN,
        "properties": {"roleName": "Super Operator", "type": "CustomRole",
                       "description": "Everything, for the night shift",
                       "assignableScopes": [sub],
                       "permissions": [{"actions": ["*"], "notActions": [],
                                        "dataActions": [], "notDataActions": []}],
                       "createdOn": "2024-01-01T00:00:00Z", "updatedOn": "2024-01-01T00:00:00Z",
                       "createdBy": None, "updatedBy": None}}]})


# --- network ----------------------------------------------------------------------------

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
    server.add(f"{sub_path(SUB_A)}/providers/Microsoft.Network/networkInterfaces", {"value": [
        _nic("vm1-nic", "vm1", public=True), _nic("vm2-nic", "vm2", public=False)]})


def _nic_id(name: str) -> str:
    return (f"{sub_path(SUB_A)}/resourceGroups/rg-app/providers/"
            f"Microsoft.Network/networkInterfaces/{name}")


def _nic(name: str, vm: str, public: bool) -> dict[str, Any]:
    config: dict[str, Any] = {"privateIPAddress": "10.0.0.4",
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


def _vm(name: str, os_type: str, os_disk: str) -> dict[str, Any]:
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
                "osProfile": {"computerName": name, "adminUsername": "azureuser",
                              "secrets": [], "allowExtensionOperations": True},
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
    ]})
    server.add(f"{sub_path(SUB_A)}/providers/Microsoft.Compute/virtualMachines", {"value": [
        _vm("vm1", "Windows", "vm1-osdisk"), _vm("vm2", "Linux", "vm2-osdisk")]})
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


# --- sql --------------------------------------------------------------------------------

def sql_server(name: str, login: str, access: str) -> dict[str, Any]:
    return {"location": "japaneast", "tags": {}, "id": sql_id(name), "name": name,
            "type": "Microsoft.Sql/servers", "kind": "v12.0",
            "properties": {"administratorLogin": login, "version": "12.0", "state": "Ready",
                           "fullyQualifiedDomainName": f"{name}.database.windows.net",
                           "privateEndpointConnections": [], "minimalTlsVersion": "1.2",
                           "publicNetworkAccess": access}}


def _firewall(server_name: str, name: str, start: str, end: str) -> dict[str, Any]:
    return {"id": f"{sql_id(server_name)}/firewallRules/{name}", "name": name,
            "type": "Microsoft.Sql/servers/firewallRules",
            "properties": {"startIpAddress": start, "endIpAddress": end}}


def _database(server_name: str, name: str) -> dict[str, Any]:
    return {"sku": {"name": "S0", "tier": "Standard"}, "kind": "v12.0,user",
            "location": "japaneast", "id": f"{sql_id(server_name)}/databases/{name}",
            "name": name, "type": "Microsoft.Sql/servers/databases",
            "properties": {"collation": "SQL_Latin1_General_CP1_CI_AS",
                           "maxSizeBytes": 268435456000, "status": "Online",
                           "databaseId": "6c764297-577b-470f-9af4-96d3d41e2ba3",
                           "creationDate": "2024-06-01T00:00:00Z",
                           "currentServiceObjectiveName": "S0"}}


def _tde(server_name: str, db: str, state: str) -> dict[str, Any]:
    return {"id": f"{sql_id(server_name)}/databases/{db}/transparentDataEncryption/Current",
            "name": "Current", "type": "Microsoft.Sql/servers/databases/transparentDataEncryption",
            "properties": {"state": state}}


def _sql(server: AzureServer) -> None:
    server.add(f"{sub_path(SUB_A)}/providers/Microsoft.Sql/servers", {"value": [
        sql_server("sql-public", "sqladmin", "Enabled"),
        sql_server("sql-private", "sa", "Disabled")]})
    server.add(f"{sql_id('sql-public')}/firewallRules", {"value": [
        _firewall("sql-public", "AllowAll", "0.0.0.0", "255.255.255.255"),
        _firewall("sql-public", "AllowAllWindowsAzureIps", "0.0.0.0", "0.0.0.0")]})
    server.add(f"{sql_id('sql-private')}/firewallRules", {"value": [
        _firewall("sql-private", "office", "203.0.113.0", "203.0.113.255")]})
    tde = (("sql-public", "appdb", "Enabled"), ("sql-private", "hrdb", "Disabled"))
    for name, db, state in tde:
        server.add(f"{sql_id(name)}/databases", {"value": [_database(name, "master"),
                                                           _database(name, db)]})
        server.add(f"{sql_id(name)}/databases/{db}/transparentDataEncryption/current",
                   _tde(name, db, state))


# --- subscription B: same display name, one account of the same name -------------------

def _empty_subscription_b(server: AzureServer) -> None:
    sub = sub_path(SUB_B)
    account = storage_account(SUB_B, "publicsa", allowBlobPublicAccess=False,
                              encryption=_platform_key())
    server.add(f"{sub}/providers/{STORAGE_API}", {"value": [account]})
    _account_details(server, SUB_B, "publicsa", [("images", "Blob")], versioning=False,
                     read_logs=False)
    for path in ("Microsoft.Network/networkSecurityGroups", "Microsoft.Network/networkInterfaces",
                 "Microsoft.Compute/disks", "Microsoft.Compute/virtualMachines",
                 "Microsoft.Sql/servers", "Microsoft.Authorization/roleAssignments",
                 "Microsoft.Authorization/roleDefinitions"):
        server.add(f"{sub}/providers/{path}", {"value": []})


# --- Microsoft Graph --------------------------------------------------------------------

def user(object_id: str, upn: str, *, enabled: bool = True, user_type: str = "Member",
         signed_in: str | None = "2026-11-20T08:00:00Z") -> dict[str, Any]:
    activity = None if signed_in is None else {
        "lastSignInDateTime": signed_in, "lastSignInRequestId": "req-1",
        "lastNonInteractiveSignInDateTime": "2026-11-01T00:00:00Z",
        "lastNonInteractiveSignInRequestId": "req-2",
        "lastSuccessfulSignInDateTime": signed_in, "lastSuccessfulSignInRequestId": "req-1"}
    return {"id": object_id, "displayName": upn.split("@")[0], "userPrincipalName": upn,
            "accountEnabled": enabled, "userType": user_type,
            "createdDateTime": "2024-04-01T09:00:00Z", "creationType": None,
            "externalUserState": "Accepted" if user_type == "Guest" else None,
            "signInActivity": activity}


def registration(object_id: str, upn: str, registered: bool) -> dict[str, Any]:
    return {"id": object_id, "userPrincipalName": upn, "userDisplayName": upn.split("@")[0],
            "userType": "member", "isAdmin": False, "isSsprRegistered": False,
            "isSsprEnabled": False, "isSsprCapable": False, "isMfaRegistered": registered,
            "isMfaCapable": registered, "isPasswordlessCapable": False,
            "methodsRegistered": ["microsoftAuthenticatorPush"] if registered else [],
            "isSystemPreferredAuthenticationMethodEnabled": False,
            "systemPreferredAuthenticationMethods": [],
            "defaultMfaMethod": "microsoftAuthenticatorPush" if registered else "none",
            "userPreferredMethodForSecondaryAuthentication": "push",
            "lastUpdatedDateTime": "2026-11-01T00:00:00Z"}


def _member(kind: str, object_id: str, name: str) -> dict[str, Any]:
    return {"@odata.type": f"#microsoft.graph.{kind}", "id": object_id, "displayName": name}


def _sp(object_id: str, name: str, owner: str, sp_type: str) -> dict[str, Any]:
    return {"@odata.type": "#microsoft.graph.servicePrincipal", "id": object_id,
            "displayName": name, "appId": "app-" + object_id[-4:],
            "appOwnerOrganizationId": owner, "servicePrincipalType": sp_type,
            "accountEnabled": True}


def _graph(server: AzureServer) -> None:
    g = GRAPH
    server.add(f"{g}/organization", {"value": [{"id": TENANT, "displayName": "Contoso Japan",
                                                "verifiedDomains": []}]})
    first = [user(ALICE, "alice@contoso.example"),
             user(BOB, "bob_partner.example#EXT#@contoso.onmicrosoft.com", user_type="Guest"),
             user(CAROL, "carol@contoso.example", signed_in=None)]
    second = [user(DAVE, "dave@contoso.example"),
              user(ERIN, "erin@contoso.example", enabled=False),
              user(FRANK, "frank@contoso.example")]
    server.add(f"{g}/users", {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", "value": first,
        "@odata.nextLink": f"{server.url}{g}/users?$select=id&$top=999&$skiptoken=p2"})
    server.add(f"{g}/users", {"value": second}, page="p2")
    # The first Graph /users call is throttled: 429 with Retry-After, then success.
    server.fail(f"{g}/users", 429, {"error": {"code": "TooManyRequests",
                                              "message": "Too many requests"}},
                times=1, headers={"Retry-After": "1"})
    server.add(f"{g}/reports/authenticationMethods/userRegistrationDetails", {"value": [
        registration(ALICE, "alice@contoso.example", True),
        registration(BOB, "bob@partner.example", False),
        registration(CAROL, "carol@contoso.example", True),
        registration(DAVE, "dave@contoso.example", True),
        registration(ERIN, "erin@contoso.example", False)]})  # FRANK missing → mfa absent
    server.add(f"{g}/directoryRoles", {"value": [
        {"id": "role-ga", "deletedDateTime": None, "displayName": "Global Administrator",
         "description": "Can manage all aspects of Microsoft Entra ID",
         "roleTemplateId": "62e90394-69f5-4237-9190-012177145e10"},
        {"id": "role-readers", "deletedDateTime": None, "displayName": "Directory Readers",
         "description": "Can read basic directory information.",
         "roleTemplateId": "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"}]})
    server.add(f"{g}/directoryRoles/role-ga/members", {"value": [
        _member("user", ALICE, "alice")]})
    server.add(f"{g}/directoryRoles/role-readers/members", {"value": [
        _member("user", FRANK, "frank")]})
    server.add(f"{g}/groups/{ADMINS}/transitiveMembers", {"value": [
        _member("user", DAVE, "dave"), _member("group", "nested-group", "nested")]})
    server.add(f"{g}/policies/identitySecurityDefaultsEnforcementPolicy", {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/"
                          "identitySecurityDefaultsEnforcementPolicy/$entity",
        "id": "00000000-0000-0000-0000-000000000005", "displayName": "Security Defaults",
        "description": "Security defaults is a set of basic identity security mechanisms.",
        "isEnabled": False})
    server.add(f"{g}/identity/conditionalAccess/policies", {"value": [
        _ca_policy("Require MFA for admins only", users=["None"], roles=["62e90394"]),
        _ca_policy("Require MFA for all users", users=["All"])]})
    objects = {DEPLOY_SP: _sp(DEPLOY_SP, "vendor-deploy", VENDOR_TENANT, "Application"),
               VM_MI: _sp(VM_MI, "vm-identity", "", "ManagedIdentity")}
    server.posts[f"{g}/directoryobjects/getbyids"] = lambda body: {
        "value": [objects[i] for i in body.get("ids", []) if i in objects]}


def _ca_policy(name: str, users: list[str], roles: list[str] | None = None) -> dict[str, Any]:
    return {"id": f"ca-{len(name)}", "displayName": name, "state": "enabled",
            "createdDateTime": "2024-01-01T00:00:00Z", "modifiedDateTime": None,
            "conditions": {"userRiskLevels": [], "signInRiskLevels": [],
                           "clientAppTypes": ["all"], "platforms": None, "locations": None,
                           "applications": {"includeApplications": ["All"],
                                            "excludeApplications": [],
                                            "includeUserActions": []},
                           "users": {"includeUsers": users, "excludeUsers": ["breakglass"],
                                     "includeGroups": [], "excludeGroups": [],
                                     "includeRoles": roles or [], "excludeRoles": []}},
            "grantControls": {"operator": "OR", "builtInControls": ["mfa"],
                              "customAuthenticationFactors": [], "termsOfUse": []},
            "sessionControls": None}
