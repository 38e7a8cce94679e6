"""The kinds of the resource attributes mamori's mappers read, per Terraform type.

Terraform's JSON output gives each attribute the type of the provider's schema
(``from_port`` a number, ``publicly_accessible`` a boolean, ``ingress`` a list of
objects). A plan whose values have other kinds was not written by Terraform: it is
refused with the address and attribute (exit 2) rather than mapped by guess. Only the
attributes mappers read are declared; unknown-after-apply values are absent or null in
``after`` and are not checked. Nested blocks may be a list of objects or one object
(single-nested blocks).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mamori.providers.terraform.shape import (
    BOOL,
    INT,
    STR,
    TIMESTAMP,
    Arr,
    Either,
    Map,
    Obj,
    Path,
    PlanProblem,
    Spec,
)

TEXTS = Arr(STR, expected="a list of text")
TAGS = Map(STR)


def obj(**fields: Spec) -> Obj:
    """An object with these attributes."""
    return Obj(fields)


def block(**fields: Spec) -> Spec:
    """A nested block: a list of objects with these attributes, or one such object."""
    item = Obj(fields)
    return Either((Arr(item), item))


def _flags(*names: str) -> dict[str, Spec]:
    return {name: BOOL for name in names}


_PAB = _flags("block_public_acls", "ignore_public_acls", "block_public_policy",
              "restrict_public_buckets")
_SSE_RULE = block(apply_server_side_encryption_by_default=block(
    sse_algorithm=STR, kms_master_key_id=STR), bucket_key_enabled=BOOL)
_SG_ENTRY = obj(protocol=STR, from_port=INT, to_port=INT, cidr_blocks=TEXTS,
                ipv6_cidr_blocks=TEXTS, security_groups=TEXTS, prefix_list_ids=TEXTS,
                self=BOOL)
_NSG_RULE = obj(name=STR, direction=STR, access=STR, protocol=STR, priority=INT,
                destination_port_range=STR, destination_port_ranges=TEXTS,
                source_address_prefix=STR, source_address_prefixes=TEXTS)
_GCP_RULE = obj(protocol=STR, ports=TEXTS)
_POLICY_DOC = obj(policy=STR)

_AWS: dict[str, Spec] = {
    "aws_s3_bucket": obj(
        bucket=STR, acl=STR, policy=STR, tags=TAGS,
        grant=Arr(obj(type=STR, uri=STR, id=STR, permissions=TEXTS)),
        versioning=block(enabled=BOOL, mfa_delete=BOOL),
        logging=block(target_bucket=STR, target_prefix=STR),
        server_side_encryption_configuration=block(rule=_SSE_RULE)),
    "aws_s3_bucket_acl": obj(bucket=STR, acl=STR, access_control_policy=block(
        grant=Arr(obj(grantee=block(type=STR, uri=STR, id=STR, email_address=STR),
                      permission=STR)),
        owner=block(id=STR))),
    "aws_s3_bucket_policy": obj(bucket=STR, policy=STR),
    "aws_s3_bucket_public_access_block": Obj({"bucket": STR, **_PAB}),
    "aws_s3_account_public_access_block": Obj(_PAB),
    "aws_s3_bucket_server_side_encryption_configuration": obj(bucket=STR, rule=_SSE_RULE),
    "aws_s3_bucket_versioning": obj(bucket=STR, versioning_configuration=block(status=STR)),
    "aws_s3_bucket_logging": obj(bucket=STR, target_bucket=STR, target_prefix=STR),
    "aws_kms_key": obj(arn=STR, key_id=STR, id=STR),
    "aws_kms_alias": obj(name=STR, target_key_id=STR, arn=STR),
    "aws_iam_user": obj(name=STR, tags=TAGS),
    "aws_iam_user_login_profile": obj(user=STR),
    "aws_iam_virtual_mfa_device": obj(user_name=STR),
    "aws_iam_user_policy_attachment": obj(user=STR, policy_arn=STR),
    "aws_iam_policy_attachment": obj(users=TEXTS, groups=TEXTS, roles=TEXTS, policy_arn=STR),
    "aws_iam_user_policy": obj(user=STR, policy=STR),
    "aws_iam_policy": obj(name=STR, arn=STR, id=STR, policy=STR),
    "aws_iam_group": obj(name=STR),
    "aws_iam_group_policy_attachment": obj(group=STR, policy_arn=STR),
    "aws_iam_group_policy": obj(group=STR, policy=STR),
    "aws_iam_user_group_membership": obj(user=STR, groups=TEXTS),
    "aws_iam_group_membership": obj(users=TEXTS, group=STR),
    "aws_iam_access_key": obj(user=STR, status=STR, id=STR, create_date=TIMESTAMP),
    "aws_iam_role": obj(name=STR, arn=STR, assume_role_policy=STR, tags=TAGS,
                        managed_policy_arns=TEXTS, inline_policy=Arr(obj(name=STR, policy=STR))),
    "aws_iam_role_policy_attachment": obj(role=STR, policy_arn=STR),
    "aws_iam_role_policy": obj(role=STR, name=STR, policy=STR),
    "aws_security_group": obj(name=STR, ingress=Arr(_SG_ENTRY), egress=Arr(_SG_ENTRY)),
    "aws_security_group_rule": obj(
        type=STR, protocol=STR, from_port=INT, to_port=INT, cidr_blocks=TEXTS,
        ipv6_cidr_blocks=TEXTS, security_group_id=STR, source_security_group_id=STR),
    "aws_db_instance": obj(identifier=STR, engine=STR, username=STR, publicly_accessible=BOOL,
                           storage_encrypted=BOOL, manage_master_user_password=BOOL),
    "aws_rds_cluster": obj(cluster_identifier=STR, engine=STR, master_username=STR,
                           storage_encrypted=BOOL, manage_master_user_password=BOOL),
    "aws_rds_cluster_instance": obj(cluster_identifier=STR, publicly_accessible=BOOL),
    "aws_ebs_volume": obj(encrypted=BOOL),
    "aws_volume_attachment": obj(volume_id=STR),
    "aws_instance": obj(root_block_device=Arr(obj(encrypted=BOOL)),
                        ebs_block_device=Arr(obj(device_name=STR, encrypted=BOOL))),
    "aws_ebs_encryption_by_default": obj(enabled=BOOL),
    "aws_cloudtrail": obj(enable_logging=BOOL, is_multi_region_trail=BOOL),
    "aws_iam_account_password_policy": obj(minimum_password_length=INT),
}
for _rule in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"):
    _AWS[_rule] = obj(ip_protocol=STR, from_port=INT, to_port=INT, cidr_ipv4=STR,
                      cidr_ipv6=STR, referenced_security_group_id=STR, prefix_list_id=STR)

_AZURE: dict[str, Spec] = {
    "azurerm_storage_account": obj(
        name=STR, allow_nested_items_to_be_public=BOOL, allow_blob_public_access=BOOL,
        customer_managed_key=block(key_vault_key_id=STR),
        blob_properties=block(versioning_enabled=BOOL)),
    "azurerm_storage_container": obj(name=STR, container_access_type=STR,
                                     storage_account_name=STR, storage_account_id=STR),
    "azurerm_storage_account_customer_managed_key": obj(storage_account_id=STR),
    "azurerm_monitor_diagnostic_setting": obj(target_resource_id=STR),
    "azurerm_network_security_rule": _NSG_RULE,
    "azurerm_network_security_group": obj(security_rule=Arr(_NSG_RULE)),
    "azurerm_role_assignment": obj(role_definition_name=STR, role_definition_id=STR,
                                   principal_type=STR, principal_id=STR, scope=STR),
    "azuread_user": obj(account_enabled=BOOL, user_principal_name=STR, object_id=STR),
    "azurerm_managed_disk": obj(disk_encryption_set_id=STR),
    "azurerm_virtual_machine_data_disk_attachment": obj(managed_disk_id=STR),
    "azurerm_mssql_server": obj(administrator_login=STR, public_network_access_enabled=BOOL,
                                azuread_administrator=block(azuread_authentication_only=BOOL)),
    "azurerm_mssql_firewall_rule": obj(server_id=STR, start_ip_address=STR,
                                       end_ip_address=STR),
}

_GOOGLE: dict[str, Spec] = {
    "google_storage_bucket": obj(
        public_access_prevention=STR, labels=TAGS,
        encryption=block(default_kms_key_name=STR), versioning=block(enabled=BOOL),
        logging=block(log_bucket=STR)),
    "google_storage_bucket_iam_member": obj(bucket=STR, member=STR),
    "google_storage_bucket_iam_binding": obj(bucket=STR, members=TEXTS),
    "google_storage_bucket_iam_policy": obj(bucket=STR, policy_data=STR),
    "google_storage_bucket_acl": obj(bucket=STR, predefined_acl=STR, role_entity=TEXTS),
    "google_compute_firewall": obj(
        disabled=BOOL, direction=STR, source_ranges=TEXTS, destination_ranges=TEXTS,
        source_tags=TEXTS, source_service_accounts=TEXTS, allow=Arr(_GCP_RULE),
        deny=Arr(_GCP_RULE)),
    "google_project_iam_member": obj(role=STR, member=STR, project=STR),
    "google_project_iam_binding": obj(role=STR, members=TEXTS, project=STR),
    "google_sql_database_instance": obj(
        database_version=STR, root_password=STR, settings=block(ip_configuration=block(
            ipv4_enabled=BOOL, authorized_networks=Arr(obj(value=STR))))),
    "google_compute_attached_disk": obj(disk=STR),
}

ATTRIBUTES: Mapping[str, Spec] = {**_AWS, **_AZURE, **_GOOGLE}


def check_attributes(rtype: str, values: Any, path: Path, address: str) -> None:
    """Raise PlanProblem (naming ``address``) when a read attribute has the wrong kind."""
    spec = ATTRIBUTES.get(rtype)
    if spec is None:
        return
    try:
        spec.check(values, path)
    except PlanProblem as problem:
        problem.address, problem.origin = address, len(path)
        raise
