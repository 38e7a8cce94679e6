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


def sql_id(name: str, sub: str = "") -> str:
    return (f"{sub_path(sub or SUB_A)}/resourceGroups/rg-sql/providers/"
            f"Microsoft.Sql/servers/{name}")


def install(server: AzureServer) -> None:
    """Serve the whole scenario."""
    # Imported here: those modules build on this one's ids and builders.
    from tests.providers.azure import scenario_compute, scenario_graph, scenario_platform

    _subscriptions(server)
    _storage(server)
    _authorization(server)
    scenario_compute.install(server)
    _sql(server)
    scenario_graph.install(server)
    _empty_subscription_b(server)
    scenario_platform.install(server)


# --- subscriptions ----------------------------------------------------------------------

def subscription_item(sub: str) -> dict[str, Any]:
    return {"id": sub_path(sub), "authorizationSource": "RoleBased", "subscriptionId": sub,
            "tenantId": TENANT, "displayName": "Production", "state": "Enabled",
            "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01",
                                     "quotaId": "PayAsYouGo_2014-09-01",
                                     "spendingLimit": "Off"}}


def _subscriptions(server: AzureServer) -> None:
    server.add("/subscriptions", {"value": [subscription_item(SUB_A), subscription_item(SUB_B)],
                                  "count": {"type": "Total", "value": 2}})
    for sub in (SUB_A, SUB_B):
        server.add(sub_path(sub), subscription_item(sub))


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


def platform_key() -> dict[str, Any]:
    return {"keySource": "Microsoft.Storage", "services": {
        "blob": {"enabled": True, "keyType": "Account",
                 "lastEnabledTime": "2024-01-12T08:15:51.7036140Z"},
        "file": {"enabled": True, "keyType": "Account",
                 "lastEnabledTime": "2024-01-12T08:15:51.7036140Z"}}}


def customer_key() -> dict[str, Any]:
    enc = platform_key()
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


def blob_service(account_id: str, versioning: bool | None) -> dict[str, Any]:
    properties: dict[str, Any] = {"cors": {"corsRules": []},
                                  "deleteRetentionPolicy": {"enabled": True, "days": 7}}
    if versioning is not None:
        properties["isVersioningEnabled"] = versioning
    return {"id": f"{account_id}/blobServices/default", "name": "default",
            "type": "Microsoft.Storage/storageAccounts/blobServices",
            "sku": {"name": "Standard_GRS", "tier": "Standard"}, "properties": properties}


def blob_diagnostics(account_id: str, read_logs: bool) -> dict[str, Any]:
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
    server.add(f"{account_id}/blobServices/default", blob_service(account_id, versioning))
    server.add(f"{account_id}/blobServices/default/providers/Microsoft.Insights/"
               "diagnosticSettings", blob_diagnostics(account_id, read_logs))


def _storage(server: AzureServer) -> None:
    # publicsa: anonymous access allowed and container "images" is Blob → public; HTTP
    # allowed, TLS 1.0 accepted.
    public = storage_account(SUB_A, "publicsa", allowBlobPublicAccess=True,
                             publicNetworkAccess="Enabled", encryption=platform_key(),
                             supportsHttpsTrafficOnly=False, minimumTlsVersion="TLS1_0")
    # blockedsa: a public container, but the account-level block wins → not public. A Data
    # Lake Storage Gen2 account (hierarchical namespace: POSIX ACLs) without shared keys,
    # tagged as holding personal and payment data of 12,000 people.
    blocked = storage_account(SUB_A, "blockedsa", allowBlobPublicAccess=False,
                              encryption=customer_key(), allowSharedKeyAccess=False,
                              isHnsEnabled=True)
    blocked["tags"] = {"owner": "data-team", "mamori:data-classes": "personal, payment",
                       "mamori:records": "12,000"}
    # deniedsa (page 2): its container listing is refused (403) → public absent. No
    # minimumTlsVersion and no allowSharedKeyAccess: TLS 1.0 and shared keys, as the
    # storage REST reference interprets unset values.
    denied = storage_account(SUB_A, "deniedsa", allowBlobPublicAccess=True)
    del denied["properties"]["minimumTlsVersion"]
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


# --- sql --------------------------------------------------------------------------------

def sql_server(name: str, login: str, access: str, tls: str | None = "1.2",
               sub: str = "") -> dict[str, Any]:
    """An Azure SQL logical server; ``tls`` None leaves minimalTlsVersion unset."""
    properties: dict[str, Any] = {
        "administratorLogin": login, "version": "12.0", "state": "Ready",
        "fullyQualifiedDomainName": f"{name}.database.windows.net",
        "privateEndpointConnections": [], "publicNetworkAccess": access}
    if tls is not None:
        properties["minimalTlsVersion"] = tls
    return {"location": "japaneast", "tags": {}, "id": sql_id(name, sub), "name": name,
            "type": "Microsoft.Sql/servers", "kind": "v12.0", "properties": properties}


def protector(server_id: str, key_type: str) -> dict[str, Any]:
    """The server's TDE protector (encryptionProtector/current)."""
    properties: dict[str, Any] = {"serverKeyType": key_type, "autoRotationEnabled": False,
                                  "serverKeyName": "ServiceManaged"}
    if key_type == "AzureKeyVault":
        properties.update(serverKeyName="vault_sqlkey_01",
                          uri="https://vault.vault.azure.net/keys/sqlkey/01")
    return {"id": f"{server_id}/encryptionProtector/current", "name": "current",
            "type": "Microsoft.Sql/servers/encryptionProtector", "kind": "azurekeyvault"
            if key_type == "AzureKeyVault" else "servicemanaged", "properties": properties}


def _firewall(server_name: str, name: str, start: str, end: str) -> dict[str, Any]:
    return {"id": f"{sql_id(server_name)}/firewallRules/{name}", "name": name,
            "type": "Microsoft.Sql/servers/firewallRules",
            "properties": {"startIpAddress": start, "endIpAddress": end}}


def sql_database(server_name: str, name: str) -> dict[str, Any]:
    return {"sku": {"name": "S0", "tier": "Standard"}, "kind": "v12.0,user",
            "location": "japaneast", "id": f"{sql_id(server_name)}/databases/{name}",
            "name": name, "type": "Microsoft.Sql/servers/databases",
            "properties": {"collation": "SQL_Latin1_General_CP1_CI_AS",
                           "maxSizeBytes": 268435456000, "status": "Online",
                           "databaseId": "6c764297-577b-470f-9af4-96d3d41e2ba3",
                           "creationDate": "2024-06-01T00:00:00Z",
                           "currentServiceObjectiveName": "S0"}}


def tde_answer(server_name: str, db: str, state: str) -> dict[str, Any]:
    return {"id": f"{sql_id(server_name)}/databases/{db}/transparentDataEncryption/Current",
            "name": "Current", "type": "Microsoft.Sql/servers/databases/transparentDataEncryption",
            "properties": {"state": state}}


def _sql(server: AzureServer) -> None:
    server.add(f"{sub_path(SUB_A)}/providers/Microsoft.Sql/servers", {"value": [
        sql_server("sql-public", "sqladmin", "Enabled"),
        sql_server("sql-private", "sa", "Disabled", tls="None")]})  # unencrypted allowed
    server.add(f"{sql_id('sql-public')}/encryptionProtector/current",
               protector(sql_id("sql-public"), "AzureKeyVault"))
    server.add(f"{sql_id('sql-private')}/encryptionProtector/current",
               protector(sql_id("sql-private"), "ServiceManaged"))
    server.add(f"{sql_id('sql-public')}/firewallRules", {"value": [
        _firewall("sql-public", "AllowAll", "0.0.0.0", "255.255.255.255"),
        _firewall("sql-public", "AllowAllWindowsAzureIps", "0.0.0.0", "0.0.0.0")]})
    server.add(f"{sql_id('sql-private')}/firewallRules", {"value": [
        _firewall("sql-private", "office", "203.0.113.0", "203.0.113.255")]})
    tde = (("sql-public", "appdb", "Enabled"), ("sql-private", "hrdb", "Disabled"))
    for name, db, state in tde:
        server.add(f"{sql_id(name)}/databases", {"value": [sql_database(name, "master"),
                                                           sql_database(name, db)]})
        server.add(f"{sql_id(name)}/databases/{db}/transparentDataEncryption/current",
                   tde_answer(name, db, state))


# --- subscription B: same display name, one account of the same name -------------------

def _empty_subscription_b(server: AzureServer) -> None:
    sub = sub_path(SUB_B)
    account = storage_account(SUB_B, "publicsa", allowBlobPublicAccess=False,
                              encryption=platform_key())
    server.add(f"{sub}/providers/{STORAGE_API}", {"value": [account]})
    _account_details(server, SUB_B, "publicsa", [("images", "Blob")], versioning=False,
                     read_logs=False)
    for path in ("Microsoft.Network/networkSecurityGroups", "Microsoft.Network/networkInterfaces",
                 "Microsoft.Compute/disks", "Microsoft.Compute/virtualMachines",
                 "Microsoft.Sql/servers", "Microsoft.Authorization/roleAssignments",
                 "Microsoft.Authorization/roleDefinitions"):
        server.add(f"{sub}/providers/{path}", {"value": []})
