"""Azure (azurerm) and Google Cloud resources from a plan."""

from __future__ import annotations

import json

from tests.providers.terraform.builder import PlanBuilder
from tests.providers.terraform.conftest import resources, verdict

ACCOUNT_REF = {"storage_account_name": ["azurerm_storage_account.sa.name",
                                        "azurerm_storage_account.sa"]}


def storage(plan: PlanBuilder, **extra: object) -> PlanBuilder:
    return plan.add("azurerm_storage_account.sa", after={
        "name": "acmedata", "location": "japaneast", "allow_nested_items_to_be_public": True,
        **extra}, unknown={"id": True, "primary_access_key": True})


def test_storage_account_with_public_container(plan: PlanBuilder) -> None:
    storage(plan).add("azurerm_storage_container.c", after={
        "name": "public", "container_access_type": "blob"}, refs=ACCOUNT_REF,
        unknown={"storage_account_name": True})
    res = resources(plan)["azurerm_storage_account.sa"]
    assert res.attributes["public_via"] == ["container:public:blob"]
    assert res.region == "japaneast"
    assert verdict(res, "MAM-STO-001") == "FAIL"
    assert verdict(res, "MAM-STO-002") == "PASS"


def test_storage_account_disallowing_public_access(plan: PlanBuilder) -> None:
    storage(plan, allow_nested_items_to_be_public=False,
            blob_properties=[{"versioning_enabled": True}]).add(
        "azurerm_storage_container.c", after={"name": "p", "storage_account_name": "acmedata",
                                              "container_access_type": "container"})
    plan.add("azurerm_monitor_diagnostic_setting.d", after={"name": "d"},
             unknown={"target_resource_id": True},
             refs={"target_resource_id": ["azurerm_storage_account.sa.id",
                                          "azurerm_storage_account.sa"]})
    res = resources(plan)["azurerm_storage_account.sa"]
    assert verdict(res, "MAM-STO-001") == "PASS"
    assert verdict(res, "MAM-STO-004") == "PASS"
    assert verdict(res, "MAM-STO-005") == "PASS"


def test_unknown_container_access_is_error(plan: PlanBuilder) -> None:
    storage(plan).add("azurerm_storage_container.c", after={"name": "x"},
                      unknown={"container_access_type": True}, refs=ACCOUNT_REF)
    assert verdict(resources(plan)["azurerm_storage_account.sa"], "MAM-STO-001") == "ERROR"


def nsg_rule(name: str, port: str, source: str, access: str = "Allow") -> dict[str, object]:
    return {"name": name, "priority": 100, "direction": "Inbound", "access": access,
            "protocol": "Tcp", "source_port_range": "*", "destination_port_range": port,
            "source_address_prefix": source, "destination_address_prefix": "*"}


def test_network_security_rules(plan: PlanBuilder) -> None:
    plan.add("azurerm_network_security_rule.rdp", after=nsg_rule("rdp", "3389", "Internet"))
    plan.add("azurerm_network_security_group.g", after={"name": "g", "security_rule": [
        nsg_rule("ssh", "22", "*"), nsg_rule("vnet", "22", "VirtualNetwork"),
        nsg_rule("deny", "*", "*", "Deny")]})
    found = resources(plan)
    assert verdict(found["azurerm_network_security_rule.rdp"], "MAM-NET-004") == "FAIL"
    assert verdict(found["azurerm_network_security_group.g#security_rule/ssh"],
                   "MAM-NET-001") == "FAIL"
    vnet = found["azurerm_network_security_group.g#security_rule/vnet"]
    assert vnet.attributes["sources"] == []
    assert vnet.attributes["raw"]["service_tags"] == ["VirtualNetwork"]
    assert verdict(vnet, "MAM-NET-001") == "PASS"
    assert verdict(found["azurerm_network_security_group.g#security_rule/deny"],
                   "MAM-NET-003") == "NOT_APPLICABLE"


def test_owner_role_assigned_to_a_user(plan: PlanBuilder) -> None:
    plan.add("azuread_user.u", after={"user_principal_name": "tanaka@acme.example",
                                      "account_enabled": True}, unknown={"object_id": True})
    plan.add("azurerm_role_assignment.owner", after={"role_definition_name": "Owner",
                                                     "scope": "/subscriptions/0000"},
             unknown={"principal_id": True, "principal_type": True},
             refs={"principal_id": ["azuread_user.u.object_id", "azuread_user.u"]})
    plan.add("azurerm_role_assignment.reader", after={"role_definition_name": "Reader",
                                                      "principal_id": "1111"})
    plan.add("azurerm_role_assignment.group", after={"role_definition_name": "Owner",
                                                     "principal_type": "Group",
                                                     "principal_id": "2222"})
    found = resources(plan)
    res = found["azurerm_role_assignment.owner"]
    assert res.type == "user" and res.name == "tanaka@acme.example"
    assert verdict(res, "MAM-IAM-003") == "FAIL"
    assert verdict(res, "MAM-IAM-002") == "ERROR"
    assert "azurerm_role_assignment.reader" not in found
    assert "azurerm_role_assignment.group" not in found


def test_managed_disk_and_mssql(plan: PlanBuilder) -> None:
    plan.add("azurerm_managed_disk.d", after={"name": "d", "location": "japaneast"})
    plan.add("azurerm_mssql_server.s", after={
        "name": "s", "administrator_login": "sa", "public_network_access_enabled": True},
        unknown={"id": True})
    plan.add("azurerm_mssql_firewall_rule.all", after={
        "start_ip_address": "0.0.0.0", "end_ip_address": "255.255.255.255"},
        unknown={"server_id": True},
        refs={"server_id": ["azurerm_mssql_server.s.id", "azurerm_mssql_server.s"]})
    found = resources(plan)
    assert verdict(found["azurerm_managed_disk.d"], "MAM-VOL-001") == "PASS"
    server = found["azurerm_mssql_server.s"]
    assert verdict(server, "MAM-DB-001") == "FAIL"
    assert verdict(server, "MAM-DB-002") == "PASS"
    assert verdict(server, "MAM-DB-004") == "FAIL"
    assert verdict(server, "MAM-DB-003") == "ERROR"


def gcs(plan: PlanBuilder, **extra: object) -> PlanBuilder:
    return plan.add("google_storage_bucket.b", after={
        "name": "acme-gcs", "location": "ASIA-NORTHEAST1",
        "versioning": [{"enabled": True}], "logging": [], **extra},
        unknown={"self_link": True, "url": True})


def test_gcs_bucket_public_by_iam_member(plan: PlanBuilder) -> None:
    gcs(plan).add("google_storage_bucket_iam_member.pub", after={
        "role": "roles/storage.objectViewer", "member": "allUsers"},
        unknown={"bucket": True}, refs={"bucket": ["google_storage_bucket.b.name",
                                                   "google_storage_bucket.b"]})
    res = resources(plan)["google_storage_bucket.b"]
    assert res.attributes["public_via"] == ["iam:allUsers"]
    assert verdict(res, "MAM-STO-001") == "FAIL"
    assert verdict(res, "MAM-STO-004") == "PASS"
    assert verdict(res, "MAM-STO-005") == "FAIL"


def test_gcs_binding_and_prevention(plan: PlanBuilder) -> None:
    gcs(plan, public_access_prevention="enforced").add(
        "google_storage_bucket_iam_binding.b", after={
            "bucket": "acme-gcs", "role": "roles/storage.objectViewer",
            "members": ["allAuthenticatedUsers"]})
    res = resources(plan)["google_storage_bucket.b"]
    assert verdict(res, "MAM-STO-001") == "PASS"
    assert res.attributes["raw"]["public_via_blocked"] == ["iam:allAuthenticatedUsers"]


def test_gcs_iam_policy_document(plan: PlanBuilder) -> None:
    policy = json.dumps({"bindings": [{"role": "roles/storage.objectViewer",
                                       "members": ["allUsers"]}]})
    gcs(plan).add("google_storage_bucket_iam_policy.p",
                  after={"bucket": "acme-gcs", "policy_data": policy})
    assert verdict(resources(plan)["google_storage_bucket.b"], "MAM-STO-001") == "FAIL"


def test_compute_firewall(plan: PlanBuilder) -> None:
    plan.add("google_compute_firewall.ssh", after={
        "name": "ssh", "direction": "INGRESS", "source_ranges": ["0.0.0.0/0"],
        "allow": [{"protocol": "tcp", "ports": ["22", "8000-8080"]}], "deny": []})
    plan.add("google_compute_firewall.default_source", after={
        "name": "d", "allow": [{"protocol": "all", "ports": []}], "deny": []})
    plan.add("google_compute_firewall.off", after={
        "name": "off", "disabled": True, "source_ranges": ["0.0.0.0/0"],
        "allow": [{"protocol": "tcp", "ports": ["22"]}], "deny": []})
    found = resources(plan)
    ssh = found["google_compute_firewall.ssh#allow/tcp/22,8000-8080"]
    assert ssh.attributes["ports"] == [[22, 22], [8000, 8080]]
    assert verdict(ssh, "MAM-NET-001") == "FAIL"
    everything = found["google_compute_firewall.default_source#allow/all/"]
    assert everything.attributes["sources"] == ["0.0.0.0/0"]
    assert verdict(everything, "MAM-NET-003") == "FAIL"
    assert not any(k.startswith("google_compute_firewall.off") for k in found)


def test_project_owner_user_and_sql(plan: PlanBuilder) -> None:
    plan.add("google_project_iam_member.owner", after={
        "project": "acme", "role": "roles/owner", "member": "user:tanaka@acme.example"})
    plan.add("google_project_iam_member.sa", after={
        "project": "acme", "role": "roles/owner", "member": "serviceAccount:ci@acme.example"})
    plan.add("google_sql_database_instance.db", after={
        "name": "db", "database_version": "POSTGRES_15", "settings": [{"ip_configuration": [
            {"ipv4_enabled": True, "authorized_networks": [{"value": "0.0.0.0/0"}]}]}]})
    plan.add("google_compute_disk.d", after={"name": "d", "zone": "asia-northeast1-a"})
    found = resources(plan)
    owner = found["google_project_iam_member.owner"]
    assert verdict(owner, "MAM-IAM-003") == "FAIL"
    assert "google_project_iam_member.sa" not in found
    db = found["google_sql_database_instance.db"]
    assert verdict(db, "MAM-DB-001") == "FAIL"
    assert verdict(db, "MAM-DB-002") == "PASS"
    assert verdict(db, "MAM-DB-004") == "FAIL"
    assert verdict(found["google_compute_disk.d"], "MAM-VOL-001") == "PASS"
