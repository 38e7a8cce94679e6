"""Subscription-wide facts: the Activity Log's retention and the Azure Policy block.

Each case serves subscription B's answers in the documented REST shapes and runs the
production collector through the real SDK pipeline. Expected values come from Microsoft's
documentation: the Activity Log keeps 90 days; an export keeps what its destination
keeps; only the built-in public-access definitions with effect Deny (or Modify), enforced,
not narrowed by notScopes or exemptions, block anonymous access subscription-wide.
"""

from __future__ import annotations

from typing import Any

import pytest

from mamori.providers.azure import activity, policy
from mamori.providers.azure.activity import KEPT_FOREVER, AuditFacts
from mamori.providers.azure.policy import PolicyFacts
from mamori.providers.azure.provider import AzureProvider
from mamori.providers.azure.subscriptions import Subscription
from tests.providers.azure import scenario as s
from tests.providers.azure import scenario_platform as p
from tests.providers.azure.azure_server import AzureServer
from tests.providers.azure.conftest import MakeOptions, errors, resources

SUB = s.sub_path(s.SUB_B)
WS = p.workspace_id(s.SUB_B)
ARCHIVE = p.archive_id(s.SUB_B)
DENIED = {"error": {"code": "AuthorizationFailed", "message": "no"}}
NO_POLICY = {"error": {"code": "ManagementPolicyNotFound",
                       "message": "No ManagementPolicy found for account archive"}}


def audit(server: AzureServer, options: MakeOptions, settings: list[dict[str, Any]]
          ) -> tuple[AuditFacts, list[str]]:
    server.add(f"{SUB}/providers/Microsoft.Insights/diagnosticSettings", {"value": settings})
    opts = options()
    items = list(activity.collect(Subscription(s.SUB_B), opts.credential, opts))
    [facts] = [i for i in items if isinstance(i, AuditFacts)]
    return facts, [e.operation for e in items if not isinstance(e, AuditFacts)]


def to_workspace(*categories: str) -> dict[str, Any]:
    return p.diagnostic_setting(s.SUB_B, "ws", [p.log(c) for c in categories], workspaceId=WS)


def to_archive(**extra: Any) -> dict[str, Any]:
    logs = [{**p.log("Administrative"), **extra}]
    return p.diagnostic_setting(s.SUB_B, "archive", logs, storageAccountId=ARCHIVE)


def test_without_export_the_activity_log_keeps_90_days(server: AzureServer,
                                                       options: MakeOptions) -> None:
    facts, failed = audit(server, options, [])
    assert (facts.retention_days, failed) == (90, [])


def test_the_workspace_table_total_retention_decides(server: AzureServer,
                                                     options: MakeOptions) -> None:
    server.add(WS, p.workspace(WS, 30))
    server.add(f"{WS}/tables/AzureActivity", p.activity_table(WS, 90, 400))
    facts, _ = audit(server, options, [to_workspace("Administrative")])
    assert facts.retention_days == 400  # interactive 90 + long-term: kept 400 days


def test_without_the_table_the_workspace_default_applies(server: AzureServer,
                                                        options: MakeOptions) -> None:
    server.add(WS, p.workspace(WS, 200))  # tables/AzureActivity: 404, not created yet
    facts, failed = audit(server, options, [to_workspace("Administrative")])
    assert (facts.retention_days, failed) == (200, [])


def test_only_the_administrative_category_is_the_audit_trail(server: AzureServer,
                                                              options: MakeOptions) -> None:
    server.add(WS, p.workspace(WS, 730))
    facts, _ = audit(server, options, [to_workspace("Policy", "Autoscale")])
    assert facts.retention_days == 90


def test_a_storage_export_without_lifecycle_keeps_logs(server: AzureServer,
                                                       options: MakeOptions) -> None:
    server.fail(f"{ARCHIVE}/managementPolicies/default", 404, NO_POLICY)
    facts, failed = audit(server, options, [to_archive()])
    assert (facts.retention_days, failed) == (KEPT_FOREVER, [])


@pytest.mark.parametrize(("rules", "days"), [
    ([p.lifecycle_rule("all", 120, ["appendBlob", "blockBlob"])], 120),
    ([p.lifecycle_rule("block-only", 10, ["blockBlob"])], KEPT_FOREVER),
    ([p.lifecycle_rule("backups", 10, ["appendBlob"], ["backups/"])], KEPT_FOREVER),
    ([p.lifecycle_rule("prefix", 200, ["appendBlob"], ["insights-activity"]),
      p.lifecycle_rule("off", 5, ["appendBlob"], enabled=False)], 200),
])
def test_lifecycle_rules_that_delete_activity_logs(server: AzureServer, options: MakeOptions,
                                                   rules: list[dict[str, Any]],
                                                   days: int) -> None:
    server.add(f"{ARCHIVE}/managementPolicies/default", p.lifecycle(ARCHIVE, rules))
    facts, _ = audit(server, options, [to_archive()])
    assert facts.retention_days == days


def test_a_legacy_retention_policy_deletes_after_its_days(server: AzureServer,
                                                          options: MakeOptions) -> None:
    server.fail(f"{ARCHIVE}/managementPolicies/default", 404, NO_POLICY)
    setting = to_archive(retentionPolicy={"enabled": True, "days": 400})
    facts, _ = audit(server, options, [setting])
    assert facts.retention_days == 400


def test_an_unreadable_destination_leaves_retention_unknown(server: AzureServer,
                                                            options: MakeOptions) -> None:
    server.fail(WS, 403, DENIED)
    facts, failed = audit(server, options, [to_workspace("Administrative")])
    assert facts.retention_days is None  # never the 90-day floor passed off as the answer
    assert failed == ["Microsoft.OperationalInsights/workspaces/read"]


def test_a_destination_keeping_forever_settles_an_unknown_one(
        server: AzureServer, options: MakeOptions) -> None:
    server.fail(WS, 403, DENIED)
    server.fail(f"{ARCHIVE}/managementPolicies/default", 404, NO_POLICY)
    facts, _ = audit(server, options, [to_workspace("Administrative"), to_archive()])
    assert facts.retention_days == KEPT_FOREVER


def blocks(server: AzureServer, options: MakeOptions,
           assignments: list[dict[str, Any]],
           exemptions: list[dict[str, Any]] | None = None) -> PolicyFacts:
    server.add(f"{SUB}/providers/Microsoft.Authorization/policyAssignments",
               {"value": assignments})
    server.add(f"{SUB}/providers/Microsoft.Authorization/policyExemptions",
               {"value": exemptions or []})
    opts = options()
    items = list(policy.collect(Subscription(s.SUB_B), opts.credential, opts))
    [facts] = [i for i in items if isinstance(i, PolicyFacts)]
    return facts


def deny(scope: str = SUB, name: str = "deny", **kw: Any) -> dict[str, Any]:
    return p.policy_assignment(scope, name, p.builtin(p.DENY_PUBLIC), {"effect": "Deny"}, **kw)


@pytest.mark.parametrize(("assignment", "expected"), [
    (deny(), True),
    (deny(p.MG), True),  # a management group above the subscription
    (p.policy_assignment(SUB, "modify", p.builtin(p.MODIFY_PUBLIC)), True),  # Modify: default
    (p.policy_assignment(SUB, "audit", p.builtin(p.DENY_PUBLIC)), False),  # default: Audit
    (p.policy_assignment(SUB, "off", p.builtin(p.DENY_PUBLIC), {"effect": "Disabled"}), False),
    (deny(enforcement="DoNotEnforce"), False),
    (deny(not_scopes=[f"{SUB}/resourceGroups/rg-legacy"]), False),
    (deny(not_scopes=[f"{p.MG}-child"]), False),  # may contain this subscription
    (deny(not_scopes=[s.sub_path(s.SUB_A)]), True),  # another subscription
    (deny(f"{SUB}/resourceGroups/rg-data"), False),  # one resource group only
    (p.policy_assignment(SUB, "other", p.builtin("404c3081-a854-4457-ae30-26a93ef643f9"),
                         {"effect": "Deny"}), False),  # secure transfer, not anonymous access
])
def test_which_assignments_block_anonymous_access(server: AzureServer, options: MakeOptions,
                                                  assignment: dict[str, Any],
                                                  expected: bool) -> None:
    assert blocks(server, options, [assignment]).blocks_public_access is expected


def _exemption(assignment_id: str, references: list[str] | None = None) -> dict[str, Any]:
    return {"id": f"{SUB}/resourceGroups/rg-legacy/providers/Microsoft.Authorization/"
                  "policyExemptions/legacy", "name": "legacy",
            "properties": {"policyAssignmentId": assignment_id, "exemptionCategory": "Waiver",
                           "policyDefinitionReferenceIds": references or [],
                           "expiresOn": None}}


def test_an_exemption_anywhere_in_the_subscription_breaks_the_block(
        server: AzureServer, options: MakeOptions) -> None:
    assignment = deny()
    facts = blocks(server, options, [assignment], [_exemption(assignment["id"])])
    assert facts.blocks_public_access is False


def test_an_initiative_member_with_a_parameterised_effect(server: AzureServer,
                                                          options: MakeOptions) -> None:
    # The scenario's initiative: effect "[parameters('publicAccessEffect')]".
    with_value = p.policy_assignment(p.MG, "baseline", p.BASELINE,
                                     {"publicAccessEffect": "Deny"})
    assert blocks(server, options, [with_value]).blocks_public_access is True
    default = p.policy_assignment(p.MG, "baseline", p.BASELINE)  # default: Audit
    assert blocks(server, options, [default]).blocks_public_access is False
    other_member = _exemption(with_value["id"], ["someOtherPolicy"])
    assert blocks(server, options, [with_value], [other_member]).blocks_public_access is True


def test_an_unreadable_initiative_leaves_the_block_unknown(server: AzureServer,
                                                          options: MakeOptions) -> None:
    server.fail(p.BASELINE, 403, DENIED)
    initiative = p.policy_assignment(p.MG, "baseline", p.BASELINE,
                                     {"publicAccessEffect": "Deny"})
    assert blocks(server, options, [initiative]).blocks_public_access is None
    assert blocks(server, options, [initiative, deny()]).blocks_public_access is True


def test_refused_exemptions_leave_the_block_unknown(server: AzureServer,
                                                   options: MakeOptions) -> None:
    server.fail(f"{SUB}/providers/Microsoft.Authorization/policyExemptions", 403, DENIED)
    assert blocks(server, options, [deny()]).blocks_public_access is None


def test_refused_platform_listings_leave_the_account_facts_absent(
        server: AzureServer, options: MakeOptions) -> None:
    server.fail(f"{SUB}/providers/Microsoft.Insights/diagnosticSettings", 403, DENIED)
    server.fail(f"{SUB}/providers/Microsoft.Authorization/policyAssignments", 403, DENIED)
    items = list(AzureProvider(options()).collect())
    assert {e.operation for e in errors(items)} == {
        "Microsoft.Storage/storageAccounts/blobServices/containers/read",  # the scenario's
        "Microsoft.Insights/diagnosticSettings/read",
        "Microsoft.Authorization/policyAssignments/read"}
    [account] = resources(items, "account").values()
    # SUB_A's retention is known, SUB_B's is not: the tenant's is unknown.
    assert "retention_days" not in account.attributes["audit_log"]
    assert account.attributes["audit_log"]["enabled"] is True  # a platform fact all the same
    # SUB_A is proven unblocked (accounts allow anonymous access): that decides the tenant;
    # SUB_B is unknown, so it is not named as unblocked.
    assert account.attributes["public_access_block"] is False
    assert account.attributes["x_public_access_unblocked"] == [s.SUB_A]
