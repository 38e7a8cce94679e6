"""The pure mapping functions, on documented REST fragments (no server needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mamori.providers.azure import authorization, compute, conditional_access, network
from mamori.providers.azure.errors import GraphError, error_code, safe_message, scrub
from mamori.providers.azure.graph_client import _retry_after_seconds


@pytest.mark.parametrize(("values", "expected"), [
    (["22"], [[22, 22]]),
    (["20-30"], [[20, 30]]),
    (["*"], [[0, 65535]]),
    (["80", "443", "8000-8100"], [[80, 80], [443, 443], [8000, 8100]]),
    ([], None),
    (["http"], None),
])
def test_port_ranges(values: list[str], expected: list[list[int]] | None) -> None:
    assert network.port_ranges(values) == expected


def _rule(**p: Any) -> dict[str, Any]:
    return {"name": "r", "id": "/x/securityRules/r", "properties": p}


@pytest.mark.parametrize(("prefix", "sources"), [
    ("*", ["0.0.0.0/0", "::/0"]),
    ("Internet", ["0.0.0.0/0", "::/0"]),
    ("Any", ["0.0.0.0/0", "::/0"]),
    ("0.0.0.0/0", ["0.0.0.0/0"]),
    ("10.1.2.3/8", ["10.0.0.0/8"]),
    ("2001:db8::/32", ["2001:db8::/32"]),
    ("AzureLoadBalancer", []),
])
def test_sources(prefix: str, sources: list[str]) -> None:
    nsg = {"name": "n", "id": "/x", "location": "japaneast", "properties": {}}
    rule = network.firewall_rule(nsg, _rule(sourceAddressPrefix=prefix, direction="Inbound",
                                            access="Allow", protocol="Tcp",
                                            destinationPortRange="22"), "sub")
    assert rule.attributes["sources"] == sources


@pytest.mark.parametrize(("protocol", "expected"), [
    ("Tcp", "tcp"), ("Udp", "udp"), ("Icmp", "icmp"), ("Esp", "esp"), ("Ah", "ah"),
    ("*", "all"), ("Asterisk", "all"),
])
def test_protocols_are_the_closed_vocabulary(protocol: str, expected: str) -> None:
    nsg = {"name": "n", "id": "/x", "properties": {}}
    rule = network.firewall_rule(nsg, _rule(protocol=protocol, direction="Inbound"), "sub")
    assert rule.attributes["protocol"] == expected


def test_unknown_protocol_is_absent_and_kept() -> None:
    nsg = {"name": "n", "id": "/x", "properties": {}}
    rule = network.firewall_rule(nsg, _rule(protocol="Tcp/Udp", direction="Inbound"), "sub")
    assert "protocol" not in rule.attributes  # rules that need it give ERROR
    assert rule.attributes["x_protocol"] == "Tcp/Udp"


def test_rule_without_any_source_leaves_sources_absent() -> None:
    nsg = {"name": "n", "id": "/x", "properties": {}}
    rule = network.firewall_rule(nsg, _rule(direction="Inbound", access="Allow"), "sub")
    assert "sources" not in rule.attributes
    assert "ports" not in rule.attributes


def test_patch_facts_take_the_latest_evidence_of_being_up_to_date() -> None:
    status = {
        "availablePatchSummary": {"status": "Succeeded", "criticalAndSecurityPatchCount": 0,
                                  "otherPatchCount": 0,
                                  "lastModifiedTime": "2026-11-25T00:00:00Z"},
        "lastPatchInstallationSummary": {"status": "Succeeded",
                                         "lastModifiedTime": "2026-11-01T00:00:00Z"}}
    facts = compute.patch_facts(status)
    assert facts == {"missing_critical_patches": 0,
                     "last_patched": datetime(2026, 11, 25, tzinfo=UTC)}


def test_failed_patch_runs_give_no_facts() -> None:
    status = {"availablePatchSummary": {"status": "Failed", "criticalAndSecurityPatchCount": 0},
              "lastPatchInstallationSummary": {"status": "Failed",
                                               "lastModifiedTime": "2026-11-01T00:00:00Z"}}
    assert compute.patch_facts(status) == {}


def test_disk_encryption_types() -> None:
    ade = compute.volume({"id": "/d", "name": "d", "properties": {
        "encryptionSettingsCollection": {"enabled": True}}}, "sub")
    assert ade.attributes["encrypted"] is True
    both = compute.volume({"id": "/d", "name": "d", "properties": {
        "encryption": {"type": "EncryptionAtRestWithPlatformAndCustomerKeys"}}}, "sub")
    assert both.attributes["customer_managed_key"] is True


def _policy(**changes: Any) -> dict[str, Any]:
    policy: dict[str, Any] = {
        "state": "enabled",
        "conditions": {"users": {"includeUsers": ["All"]},
                       "applications": {"includeApplications": ["All"]}},
        "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}}
    policy.update(changes)
    return policy


@pytest.mark.parametrize(("policy", "enforced"), [
    (_policy(), True),
    (_policy(state="enabledForReportingButNotEnforced"), False),
    (_policy(grantControls={"operator": "OR", "builtInControls": ["mfa", "compliantDevice"]}),
     False),
    (_policy(grantControls={"operator": "AND", "builtInControls": ["mfa", "compliantDevice"]}),
     True),
    (_policy(grantControls={"operator": "OR", "builtInControls": [],
                            "authenticationStrength": {"id": "phishing-resistant"}}), True),
    (_policy(conditions={"users": {"includeUsers": ["None"], "includeRoles": ["ga"]},
                         "applications": {"includeApplications": ["All"]}}), False),
    (_policy(grantControls={"operator": "OR", "builtInControls": ["block"]}), False),
])
def test_conditional_access_mfa_for_all(policy: dict[str, Any], enforced: bool) -> None:
    assert conditional_access.tenant_wide([policy]) is enforced


@pytest.mark.parametrize(("scope", "covers"), [
    ("/subscriptions/S", True),
    ("/subscriptions/s/", True),
    ("/providers/Microsoft.Management/managementGroups/root", True),
    ("/", True),
    ("/subscriptions/S/resourceGroups/rg", False),
    ("/subscriptions/OTHER", False),
])
def test_scopes_that_cover_the_subscription(scope: str, covers: bool) -> None:
    assert authorization._covers_subscription(scope, "/subscriptions/s") is covers


def test_custom_roles_that_write_role_assignments_are_admin() -> None:
    custom = [
        {"name": "aaa", "properties": {"roleName": "Granter", "permissions": [
            {"actions": ["Microsoft.Authorization/roleAssignments/write"]}]}},
        {"name": "bbb", "properties": {"roleName": "Viewer", "permissions": [
            {"actions": ["*/read"]}]}},
    ]
    assert authorization._custom_admin_roles(custom) == {"aaa": "Granter", "bbb": None}


def test_scrub_removes_tokens_and_keys_but_keeps_resource_ids() -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    key = "A" * 86 + "=="
    arm = ("/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/rg/providers/"
           "Microsoft.Storage/storageAccounts/data")
    text = scrub(f"token {jwt} key {key} scope '{arm}' url ?sv=1&sig=abcDEF%2B123")
    assert jwt not in text and key not in text and "abcDEF" not in text
    assert arm in text


def test_graph_error_translation() -> None:
    exc = GraphError(403, "Authorization_RequestDenied", "Insufficient privileges")
    assert error_code(exc) == "Authorization_RequestDenied"
    assert safe_message(exc) == "HTTP 403: Insufficient privileges"


@pytest.mark.parametrize(("value", "seconds"), [("7", 7.0), ("", None), ("soon", None)])
def test_retry_after(value: str, seconds: float | None) -> None:
    assert _retry_after_seconds(value) == seconds


def test_retry_after_http_date_is_in_the_past_or_future() -> None:
    waited = _retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT")
    assert waited is not None and waited < 0
