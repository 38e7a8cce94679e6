"""The canned tenant's subscription-wide facts: Activity Log exports and Azure Policy.

Shapes follow the REST references of Microsoft.Insights diagnosticSettings (subscription
scope), Microsoft.OperationalInsights workspaces and tables, Microsoft.Storage
managementPolicies and Microsoft.Authorization policyAssignments, policySetDefinitions
and policyExemptions. Expected values are stated next to the data that decides them.
"""

from __future__ import annotations

from typing import Any

from tests.providers.azure.azure_server import AzureServer
from tests.providers.azure.scenario import SUB_A, SUB_B, sub_path

DENY_PUBLIC = "4fa4b6c0-31ca-4c0d-b10d-24b96f62a751"
MODIFY_PUBLIC = "13502221-8df0-4414-9937-de9c5c4e396b"
MG = "/providers/Microsoft.Management/managementGroups/contoso"
BASELINE = f"{MG}/providers/Microsoft.Authorization/policySetDefinitions/storage-baseline"


def archive_id(sub: str) -> str:
    return (f"{sub_path(sub)}/resourceGroups/rg-logs/providers/"
            "Microsoft.Storage/storageAccounts/archive")


def workspace_id(sub: str) -> str:
    return (f"{sub_path(sub)}/resourceGroups/rg-logs/providers/"
            "Microsoft.OperationalInsights/workspaces/logs")


def log(category: str, enabled: bool = True) -> dict[str, Any]:
    return {"category": category, "categoryGroup": None, "enabled": enabled}


def diagnostic_setting(sub: str, name: str, logs: list[dict[str, Any]],
                       **destinations: str) -> dict[str, Any]:
    """A subscription diagnostic setting (the Activity Log's export)."""
    properties: dict[str, Any] = {"storageAccountId": None, "workspaceId": None,
                                  "eventHubAuthorizationRuleId": None, "eventHubName": None,
                                  "logs": logs, "metrics": []}
    properties.update(destinations)
    return {"id": f"{sub_path(sub)}/providers/microsoft.insights/diagnosticSettings/{name}",
            "type": "Microsoft.Insights/diagnosticSettings", "name": name,
            "properties": properties}


def workspace(ws_id: str, days: int) -> dict[str, Any]:
    return {"id": ws_id, "name": ws_id.rsplit("/", 1)[-1], "location": "japaneast",
            "type": "Microsoft.OperationalInsights/workspaces",
            "properties": {"provisioningState": "Succeeded", "sku": {"name": "PerGB2018"},
                           "retentionInDays": days, "customerId": "ws-customer-id",
                           "features": {"enableLogAccessUsingOnlyResourcePermissions": True}}}


def activity_table(ws_id: str, days: int, total: int) -> dict[str, Any]:
    return {"id": f"{ws_id}/tables/AzureActivity", "name": "AzureActivity",
            "properties": {"retentionInDays": days, "totalRetentionInDays": total,
                           "archiveRetentionInDays": total - days, "plan": "Analytics",
                           "retentionInDaysAsDefault": False,
                           "totalRetentionInDaysAsDefault": False,
                           "provisioningState": "Succeeded"}}


def lifecycle_rule(name: str, days: int, blob_types: list[str],
                   prefixes: list[str] | None = None, enabled: bool = True) -> dict[str, Any]:
    filters: dict[str, Any] = {"blobTypes": blob_types}
    if prefixes is not None:
        filters["prefixMatch"] = prefixes
    return {"enabled": enabled, "name": name, "type": "Lifecycle", "definition": {
        "filters": filters,
        "actions": {"baseBlob": {"delete": {"daysAfterModificationGreaterThan": days}}}}}


def lifecycle(account_id: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": f"{account_id}/managementPolicies/default", "name": "DefaultManagementPolicy",
            "type": "Microsoft.Storage/storageAccounts/managementPolicies",
            "properties": {"lastModifiedTime": "2024-03-01T00:00:00Z",
                           "policy": {"rules": rules}}}


def policy_assignment(scope: str, name: str, definition: str,
                      parameters: dict[str, Any] | None = None,
                      enforcement: str = "Default",
                      not_scopes: list[str] | None = None) -> dict[str, Any]:
    return {"id": f"{scope}/providers/Microsoft.Authorization/policyAssignments/{name}",
            "type": "Microsoft.Authorization/policyAssignments", "name": name,
            "location": None, "identity": None,
            "properties": {"displayName": name, "policyDefinitionId": definition,
                           "scope": scope, "notScopes": not_scopes or [],
                           "parameters": {k: {"value": v}
                                          for k, v in (parameters or {}).items()},
                           "enforcementMode": enforcement, "metadata": {}}}


def builtin(guid: str) -> str:
    return f"/providers/Microsoft.Authorization/policyDefinitions/{guid}"


def initiative(set_id: str, members: list[dict[str, Any]],
               parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": set_id, "name": set_id.rsplit("/", 1)[-1],
            "type": "Microsoft.Authorization/policySetDefinitions",
            "properties": {"displayName": "Storage baseline", "policyType": "Custom",
                           "parameters": parameters or {}, "policyDefinitions": members}}


def install(server: AzureServer) -> None:
    """Serve both subscriptions' Activity Log exports and policy."""
    _monitor(server)
    _policy(server)


def _monitor(server: AzureServer) -> None:
    # SUB_A exports Administrative to an archive storage account whose lifecycle deletes
    # append blobs under insights-activity-logs after 180 days (the block-blob rule does
    # not touch them) → 180 days. The workspace keeps 730 days but gets only the Policy
    # category, which is not the audit trail. SUB_B exports nothing → the Activity Log's
    # own 90 days. The tenant: the shorter, 90.
    archive, ws = archive_id(SUB_A), workspace_id(SUB_A)
    server.add(f"{sub_path(SUB_A)}/providers/Microsoft.Insights/diagnosticSettings", {"value": [
        diagnostic_setting(SUB_A, "to-archive", [log("Administrative"), log("Security"),
                                                 log("Alert", enabled=False)],
                           storageAccountId=archive),
        diagnostic_setting(SUB_A, "policy-to-workspace", [log("Administrative", False),
                                                          log("Policy")], workspaceId=ws)]})
    server.add(f"{archive}/managementPolicies/default", lifecycle(archive, [
        lifecycle_rule("tidy-block-blobs", 30, ["blockBlob"]),
        lifecycle_rule("activity-logs", 180, ["appendBlob"], ["insights-activity-logs/"]),
        lifecycle_rule("disabled", 7, ["appendBlob"], enabled=False)]))
    server.add(ws, workspace(ws, 730))
    server.add(f"{ws}/tables/AzureActivity", activity_table(ws, 730, 730))
    server.add(f"{sub_path(SUB_B)}/providers/Microsoft.Insights/diagnosticSettings",
               {"value": []})


def _policy(server: AzureServer) -> None:
    # SUB_A: a management-group initiative denies anonymous access (its member's effect is
    # the initiative parameter, Deny in the assignment) → the policy blocks. But publicsa
    # and deniedsa already allow anonymous access → SUB_A is not blocked. SUB_B: the
    # built-in definition with its default effect, Audit, which blocks nothing.
    server.add(f"{sub_path(SUB_A)}/providers/Microsoft.Authorization/policyAssignments",
               {"value": [policy_assignment(MG, "storage-baseline", BASELINE,
                                            {"publicAccessEffect": "Deny"})]})
    server.add(BASELINE, initiative(BASELINE, [
        {"policyDefinitionId": builtin(DENY_PUBLIC),
         "policyDefinitionReferenceId": "denyPublicBlob",
         "parameters": {"effect": {"value": "[parameters('publicAccessEffect')]"}}}],
        {"publicAccessEffect": {"type": "String", "defaultValue": "Audit"}}))
    server.add(f"{sub_path(SUB_A)}/providers/Microsoft.Authorization/policyExemptions",
               {"value": []})
    server.add(f"{sub_path(SUB_B)}/providers/Microsoft.Authorization/policyAssignments",
               {"value": [policy_assignment(sub_path(SUB_B), "audit-public",
                                            builtin(DENY_PUBLIC))]})
