"""Values a plan may not hold: exit 2 (InventoryError) naming the file, line and address.

Ports outside 0–65535, reversed ranges, booleans or text where Terraform writes numbers,
protocols outside the closed vocabulary, networks that are not networks, ``after_unknown``
marks that are not true/false, entries that collide: Terraform never writes them, so a
plan holding them was corrupted or hand-edited, and guessing would risk a false PASS.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mamori.checks.errors import InventoryError
from mamori.checks.model import Resource
from mamori.providers.terraform.provider import TerraformPlanProvider
from tests.providers.terraform.builder import PlanBuilder

RULE = {"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22,
        "cidr_blocks": ["0.0.0.0/0"], "security_group_id": "sg-1"}


def collect(plan: PlanBuilder | dict[str, Any], tmp_path: Path) -> dict[str, Resource]:
    path = tmp_path / "tfplan.json"
    document = plan.document() if isinstance(plan, PlanBuilder) else plan
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return {r.id: r for side in ("after", "before")
            for r in TerraformPlanProvider(path, side).collect() if isinstance(r, Resource)}


def refused(plan: PlanBuilder | dict[str, Any], tmp_path: Path) -> InventoryError:
    with pytest.raises(InventoryError) as err:
        collect(plan, tmp_path)
    assert err.value.location is not None
    assert err.value.location.file.endswith("tfplan.json")
    return err.value


@pytest.mark.parametrize(("change", "key", "message"), [
    ({"from_port": 70000, "to_port": 70000}, "from_port", "port 70000 is outside 0-65535"),
    ({"from_port": 25, "to_port": 22}, "from_port", "reversed port range 25-22"),
    ({"from_port": -1, "to_port": -1}, "from_port", "port -1 is outside"),
    ({"from_port": True}, "from_port", "expected a whole number, found a boolean"),
    ({"to_port": 22.5}, "to_port", "expected a whole number, found a number"),
    ({"from_port": "22"}, "from_port", "expected a whole number, found text"),
    ({"protocol": "SSH"}, "protocol", "is a service, not a protocol"),
    ({"protocol": "tcp/udp"}, "protocol", "names more than one protocol"),
    ({"protocol": "ipx"}, "protocol", "unknown protocol"),
    ({"protocol": "icmp", "from_port": 300, "to_port": 0}, "from_port",
     "ICMP type/code 300 is outside 0-255"),
    ({"cidr_blocks": ["10.0.0.0/33"]}, "cidr_blocks", "expected an IP network"),
    ({"type": "sideways"}, "type", "expected ingress or egress"),
])
def test_bad_security_group_rule(tmp_path: Path, change: dict[str, Any], key: str,
                                 message: str) -> None:
    plan = PlanBuilder().add("aws_security_group_rule.r", after={**RULE, **change})
    error = refused(plan, tmp_path)
    assert message in error.message
    assert error.location is not None and error.location.key == f"aws_security_group_rule.r: {key}"
    assert error.location.line is not None  # the line of the value in the file


@pytest.mark.parametrize(("change", "expected"), [
    ({"protocol": "-1", "from_port": -1, "to_port": -1}, ("all", [[0, 65535]])),
    ({"protocol": "-1", "from_port": 0, "to_port": 0}, ("all", [[0, 65535]])),
    ({"protocol": "icmp", "from_port": 8, "to_port": -1}, ("icmp", [])),
    ({"protocol": "icmp", "from_port": -1, "to_port": -1}, ("icmp", [])),
    ({"protocol": "50", "from_port": 0, "to_port": 0}, ("esp", [])),
    ({"protocol": "17", "from_port": 53, "to_port": 53}, ("udp", [[53, 53]])),
    ({"protocol": "All traffic"}, ("all", [[0, 65535]])),
    ({"from_port": 0, "to_port": 65535}, ("tcp", [[0, 65535]])),
])
def test_good_security_group_rule(tmp_path: Path, change: dict[str, Any],
                                  expected: tuple[str, list[list[int]]]) -> None:
    rule = collect(PlanBuilder().add("aws_security_group_rule.r", after={**RULE, **change}),
                   tmp_path)["aws_security_group_rule.r"]
    assert (rule.attributes["protocol"], rule.attributes["ports"]) == expected


def test_protocol_unknown_until_apply_is_absent(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_security_group_rule.r", after={
        k: v for k, v in RULE.items() if k != "protocol"}, unknown={"protocol": True})
    rule = collect(plan, tmp_path)["aws_security_group_rule.r"]
    assert "protocol" not in rule.attributes and "ports" not in rule.attributes


def test_inline_rule_error_names_the_entry(tmp_path: Path) -> None:
    entry = {"protocol": "tcp", "from_port": 443, "to_port": 80, "cidr_blocks": []}
    plan = PlanBuilder().add("aws_security_group.web", after={"name": "web", "ingress": [
        {**entry, "from_port": 80}, entry]})
    error = refused(plan, tmp_path)
    assert error.location is not None
    assert error.location.key == "aws_security_group.web: ingress[1].from_port"


NSG = {"name": "r", "priority": 100, "direction": "Inbound", "access": "Allow",
       "protocol": "Tcp", "destination_port_range": "22", "source_address_prefix": "*"}


@pytest.mark.parametrize(("change", "message"), [
    ({"destination_port_range": "ssh"}, "expected a port or port range"),
    ({"destination_port_range": "3000-2000"}, "reversed port range"),
    ({"destination_port_range": "70000"}, "port 70000 is outside"),
    ({"destination_port_ranges": ["80", "-1"]}, "expected a port or port range"),
    ({"protocol": "Smtp"}, "unknown protocol"),
    ({"direction": "Sideways"}, "expected Inbound or Outbound"),
    ({"access": "Maybe"}, "expected Allow or Deny"),
    ({"source_address_prefix": "300.0.0.0/8"}, "expected an IP network"),
    ({"priority": "high"}, "expected a whole number"),
])
def test_bad_azure_rule(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    plan = PlanBuilder().add("azurerm_network_security_rule.r", after={**NSG, **change})
    assert message in refused(plan, tmp_path).message


def test_azure_all_protocols_keep_their_ports(tmp_path: Path) -> None:
    plan = PlanBuilder().add("azurerm_network_security_rule.r", after={
        **NSG, "protocol": "*", "destination_port_range": "*"})
    rule = collect(plan, tmp_path)["azurerm_network_security_rule.r"]
    assert (rule.attributes["protocol"], rule.attributes["ports"]) == ("all", [[0, 65535]])


@pytest.mark.parametrize(("allow", "message"), [
    ({"protocol": "tcp", "ports": ["70000"]}, "port 70000 is outside"),
    ({"protocol": "tcp", "ports": ["90-80"]}, "reversed port range"),
    ({"protocol": "tcp", "ports": [22]}, "expected text, found a number"),
    ({"protocol": "bogus"}, "unknown protocol"),
])
def test_bad_gcp_firewall(tmp_path: Path, allow: dict[str, Any], message: str) -> None:
    plan = PlanBuilder().add("google_compute_firewall.f", after={
        "source_ranges": ["0.0.0.0/0"], "allow": [allow]})
    assert message in refused(plan, tmp_path).message


def test_gcp_sctp_without_ports_opens_every_port(tmp_path: Path) -> None:
    plan = PlanBuilder().add("google_compute_firewall.f", after={
        "source_ranges": ["0.0.0.0/0"], "allow": [{"protocol": "sctp"}, {"protocol": "esp"}]})
    found = collect(plan, tmp_path)
    assert found["google_compute_firewall.f#allow/sctp/?"].attributes["ports"] == [[0, 65535]]
    assert found["google_compute_firewall.f#allow/esp/?"].attributes["ports"] == []


def _bucket_plan() -> dict[str, Any]:
    return PlanBuilder().add("aws_s3_bucket.b", after={"bucket": "b"},
                             unknown={"id": True}).document()


@pytest.mark.parametrize(("edit", "key", "message"), [
    (lambda d: d["resource_changes"][0]["change"]["after_unknown"].update(policy="yes"),
     "aws_s3_bucket.b: after_unknown.policy", "expected true/false marks"),
    (lambda d: d["resource_changes"][0]["change"]["after_unknown"].update(
        bucket={"x": True}), "aws_s3_bucket.b: after_unknown.bucket", "marks an object"),
    (lambda d: d["resource_changes"][0]["change"]["after"].update(acl=["public-read"]),
     "aws_s3_bucket.b: acl", "expected text, found a list"),
    (lambda d: d["resource_changes"][0]["change"]["after"].update(acl="Public-Read"),
     "aws_s3_bucket.b: acl", "unknown canned ACL"),
    (lambda d: d["resource_changes"].append(d["resource_changes"][0]),
     "resource_changes[1].address", "appears twice"),
    (lambda d: d["resource_changes"][0].update(address="aws_s3_bucket.other"),
     "resource_changes[0].address", "not the address of a aws_s3_bucket.b"),
    (lambda d: d["resource_changes"][0].update(address="aws_s3_bucket.b#ingress"),
     "resource_changes[0].address", "not the address"),
    (lambda d: d["resource_changes"].append("aws_s3_bucket.b"), "resource_changes[1]",
     "expected an object, found text"),
    (lambda d: d["resource_changes"][0]["change"].update(actions=["launch"]),
     "resource_changes[0].change.actions[0]", "expected one of"),
    (lambda d: d["resource_changes"][0]["change"].update(after=["bucket"]),
     "resource_changes[0].change.after", "expected an object of attribute values"),
    (lambda d: d.update(timestamp="yesterday"), "timestamp", "expected an RFC 3339 date-time"),
    (lambda d: d["configuration"]["root_module"]["resources"][0]["expressions"].update(
        bucket={"references": [1]}),
     "configuration.root_module.resources[0].expressions.bucket.references[0]",
     "expected text"),
])
def test_shapes_terraform_never_writes(tmp_path: Path, edit: Any, key: str,
                                       message: str) -> None:
    document = _bucket_plan()
    edit(document)
    error = refused(document, tmp_path)
    assert message in error.message
    assert error.location is not None and error.location.key == key


def test_versioning_status_outside_s3s_words(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_s3_bucket.b", after={"bucket": "b"})
    plan.add("aws_s3_bucket_versioning.v", after={
        "bucket": "b", "versioning_configuration": [{"status": "On"}]})
    assert "unknown versioning status 'On'" in refused(plan, tmp_path).message


def test_access_key_date_must_be_a_date(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_iam_user.u", after={"name": "sato"})
    plan.add("aws_iam_access_key.k", after={"user": "sato", "status": "Active",
                                            "create_date": "last spring"})
    error = refused(plan, tmp_path)
    assert "expected an RFC 3339 date-time" in error.message
    assert error.location is not None
    assert error.location.key == "aws_iam_access_key.k: create_date"


def test_sql_firewall_split_over_two_rules_is_the_internet(tmp_path: Path) -> None:
    plan = PlanBuilder().add("azurerm_mssql_server.s", after={
        "administrator_login": "dba", "public_network_access_enabled": True},
        unknown={"id": True})
    ref = {"server_id": ["azurerm_mssql_server.s.id", "azurerm_mssql_server.s"]}
    plan.add("azurerm_mssql_firewall_rule.low", after={
        "start_ip_address": "0.0.0.0", "end_ip_address": "127.255.255.255"},
        unknown={"server_id": True}, refs=ref)
    plan.add("azurerm_mssql_firewall_rule.high", after={
        "start_ip_address": "128.0.0.0", "end_ip_address": "255.255.255.255"},
        unknown={"server_id": True}, refs=ref)
    assert collect(plan, tmp_path)["azurerm_mssql_server.s"].attributes["public"] is True
    plan.changes[-1]["change"]["after"]["start_ip_address"] = "128.0.0.1"
    assert collect(plan, tmp_path)["azurerm_mssql_server.s"].attributes["public"] is False
    plan.changes[-1]["change"]["after"]["start_ip_address"] = "the office"
    assert "expected IPv4 addresses" in refused(plan, tmp_path).message


def test_cloud_sql_networks_that_together_are_the_internet(tmp_path: Path) -> None:
    plan = PlanBuilder().add("google_sql_database_instance.db", after={
        "database_version": "MYSQL_8_0", "settings": [{"ip_configuration": [{
            "ipv4_enabled": True, "authorized_networks": [
                {"value": "0.0.0.0/1"}, {"value": "128.0.0.0/1"}]}]}]})
    db = collect(plan, tmp_path)["google_sql_database_instance.db"]
    assert db.attributes["public"] is True
