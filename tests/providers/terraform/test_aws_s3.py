"""aws_s3_bucket joined with its split resources, verdicts from the built-in rules."""

from __future__ import annotations

import json

from tests.providers.terraform.builder import PlanBuilder
from tests.providers.terraform.conftest import resources, verdict

# What AWS provider v5 marks unknown for a new bucket whose inline arguments are unset.
V5_UNKNOWN = {"id": True, "arn": True, "acl": True, "grant": True, "policy": True,
              "versioning": True, "logging": True,
              "server_side_encryption_configuration": True}
BUCKET_REF = {"bucket": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}
PUBLIC_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::acme-data/*"}]})
PRIVATE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-data/*"}]})


def bucket(plan: PlanBuilder, **extra: object) -> PlanBuilder:
    return plan.add("aws_s3_bucket.b", after={"bucket": "acme-data", **extra},
                    unknown=V5_UNKNOWN)


def child(plan: PlanBuilder, rtype: str, after: dict[str, object],
          unknown: dict[str, object] | None = None, name: str = "b") -> PlanBuilder:
    return plan.add(f"{rtype}.{name}", after=after,
                    unknown={"bucket": True, "id": True, **(unknown or {})}, refs=BUCKET_REF)


def test_plain_new_bucket_is_private_encrypted_unversioned(plan: PlanBuilder) -> None:
    res = resources(bucket(plan))["aws_s3_bucket.b"]
    assert res.attributes["public"] is False and res.attributes["public_via"] == []
    assert res.attributes["encryption"] == {"enabled": True, "customer_managed_key": False}
    assert res.source == "aws_s3_bucket.b" and res.provider == "terraform"
    assert res.region == "ap-northeast-1" and res.name == "acme-data"
    assert verdict(res, "MAM-STO-001") == "PASS"
    assert verdict(res, "MAM-STO-002") == "PASS"
    assert verdict(res, "MAM-STO-004") == "FAIL"
    assert verdict(res, "MAM-STO-005") == "FAIL"


def test_public_acl_resource_joined_by_reference(plan: PlanBuilder) -> None:
    child(bucket(plan), "aws_s3_bucket_acl", {"acl": "public-read"})
    res = resources(plan)["aws_s3_bucket.b"]
    assert res.attributes["public_via"] == ["acl:AllUsers:READ"]
    assert verdict(res, "MAM-STO-001") == "FAIL"


def test_acl_grant_to_all_users(plan: PlanBuilder) -> None:
    grant = {"grant": [{"grantee": [{"type": "Group", "uri":
                        "http://acs.amazonaws.com/groups/global/AllUsers"}],
                        "permission": "WRITE"}]}
    child(bucket(plan), "aws_s3_bucket_acl", {"access_control_policy": [grant]})
    assert resources(plan)["aws_s3_bucket.b"].attributes["public_via"] == \
        ["acl:AllUsers:WRITE"]


def test_public_policy_joined_by_name(plan: PlanBuilder) -> None:
    bucket(plan).add("aws_s3_bucket_policy.p", after={"bucket": "acme-data",
                                                       "policy": PUBLIC_POLICY})
    res = resources(plan)["aws_s3_bucket.b"]
    assert res.attributes["public_via"] == ["policy:Principal:*"]
    assert verdict(res, "MAM-STO-001") == "FAIL"


def test_private_policy_passes(plan: PlanBuilder) -> None:
    child(bucket(plan), "aws_s3_bucket_policy", {"policy": PRIVATE_POLICY})
    assert verdict(resources(plan)["aws_s3_bucket.b"], "MAM-STO-001") == "PASS"


def test_policy_unknown_until_apply_is_error_not_pass(plan: PlanBuilder) -> None:
    child(bucket(plan), "aws_s3_bucket_policy", {}, {"policy": True})
    res = resources(plan)["aws_s3_bucket.b"]
    assert "public" not in res.attributes
    assert verdict(res, "MAM-STO-001") == "ERROR"


def test_bucket_public_access_block_neutralises_grants(plan: PlanBuilder) -> None:
    child(bucket(plan), "aws_s3_bucket_acl", {"acl": "public-read"})
    child(plan, "aws_s3_bucket_public_access_block",
          {f: True for f in ("block_public_acls", "ignore_public_acls", "block_public_policy",
                             "restrict_public_buckets")})
    res = resources(plan)["aws_s3_bucket.b"]
    assert res.attributes["public"] is False
    assert res.attributes["raw"]["public_via_blocked"] == ["acl:AllUsers:READ"]
    assert verdict(res, "MAM-STO-001") == "PASS"


def test_account_public_access_block_neutralises_policy(plan: PlanBuilder) -> None:
    child(bucket(plan), "aws_s3_bucket_policy", {"policy": PUBLIC_POLICY})
    plan.add("aws_s3_account_public_access_block.all", after={
        "block_public_acls": True, "ignore_public_acls": True, "block_public_policy": True,
        "restrict_public_buckets": True})
    found = resources(plan)
    assert verdict(found["aws_s3_bucket.b"], "MAM-STO-001") == "PASS"
    assert found["aws_account"].attributes["public_access_block"] is True
    assert verdict(found["aws_account"], "MAM-ACC-002") == "PASS"


def test_unknown_block_flag_with_public_grant_is_error(plan: PlanBuilder) -> None:
    child(bucket(plan), "aws_s3_bucket_acl", {"acl": "public-read"})
    child(plan, "aws_s3_bucket_public_access_block", {}, {"ignore_public_acls": True})
    assert verdict(resources(plan)["aws_s3_bucket.b"], "MAM-STO-001") == "ERROR"


def test_inline_acl_set_in_config_v3(plan: PlanBuilder) -> None:
    plan.add("aws_s3_bucket.b", after={"bucket": "legacy", "acl": "public-read-write"})
    res = resources(plan)["aws_s3_bucket.b"]
    assert res.attributes["public_via"] == ["acl:AllUsers:READ", "acl:AllUsers:WRITE"]


def test_kms_encryption_referencing_a_customer_key(plan: PlanBuilder) -> None:
    rule = {"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}],
            "bucket_key_enabled": True}
    plan.add("aws_kms_key.k", after={"description": "data"}, unknown={"arn": True})
    plan.add("aws_s3_bucket_server_side_encryption_configuration.b",
             after={"rule": [rule]}, refs={
                 **BUCKET_REF, "rule.apply_server_side_encryption_by_default.kms_master_key_id":
                 ["aws_kms_key.k.arn", "aws_kms_key.k"]},
             unknown={"bucket": True, "rule": [{"apply_server_side_encryption_by_default": [
                 {"kms_master_key_id": True}]}]})
    bucket(plan, tags={"data_classes": "personal,payment"})
    res = resources(plan)["aws_s3_bucket.b"]
    assert res.attributes["encryption"] == {"enabled": True, "customer_managed_key": True}
    assert verdict(res, "MAM-STO-003") == "PASS"


def test_aws_managed_kms_key_is_not_customer_managed(plan: PlanBuilder) -> None:
    rule = {"apply_server_side_encryption_by_default": [
        {"sse_algorithm": "aws:kms", "kms_master_key_id": "alias/aws/s3"}]}
    child(bucket(plan, tags={"data_classes": "sensitive_personal"}),
          "aws_s3_bucket_server_side_encryption_configuration", {"rule": [rule]})
    res = resources(plan)["aws_s3_bucket.b"]
    assert verdict(res, "MAM-STO-003") == "FAIL"


def test_versioning_and_logging_resources(plan: PlanBuilder) -> None:
    child(bucket(plan), "aws_s3_bucket_versioning",
          {"versioning_configuration": [{"status": "Enabled"}]})
    child(plan, "aws_s3_bucket_logging", {"target_bucket": "acme-logs", "target_prefix": "b/"})
    res = resources(plan)["aws_s3_bucket.b"]
    assert verdict(res, "MAM-STO-004") == "PASS"
    assert verdict(res, "MAM-STO-005") == "PASS"


def test_suspended_versioning_fails(plan: PlanBuilder) -> None:
    child(bucket(plan), "aws_s3_bucket_versioning",
          {"versioning_configuration": [{"status": "Suspended"}]})
    assert verdict(resources(plan)["aws_s3_bucket.b"], "MAM-STO-004") == "FAIL"


def test_count_instances_join_their_own_bucket(plan: PlanBuilder) -> None:
    for i in range(2):
        plan.add(f"aws_s3_bucket.b[{i}]", after={"bucket": f"acme-{i}"}, unknown=V5_UNKNOWN)
    plan.add("aws_s3_bucket_acl.b[1]", after={"acl": "public-read"}, unknown={"bucket": True},
             refs={"bucket": ["aws_s3_bucket.b", "count.index"]})
    found = resources(plan)
    assert verdict(found["aws_s3_bucket.b[0]"], "MAM-STO-001") == "PASS"
    assert verdict(found["aws_s3_bucket.b[1]"], "MAM-STO-001") == "FAIL"


def test_for_each_instances_in_a_module(plan: PlanBuilder) -> None:
    for key in ("a", "b"):
        plan.add(f'module.s["x"].aws_s3_bucket.b["{key}"]', after={"bucket": f"acme-{key}"},
                 unknown=V5_UNKNOWN)
    plan.add('module.s["x"].aws_s3_bucket_versioning.b["b"]',
             after={"versioning_configuration": [{"status": "Enabled"}]},
             unknown={"bucket": True}, refs={"bucket": ["aws_s3_bucket.b", "each.key"]})
    found = resources(plan)
    assert verdict(found['module.s["x"].aws_s3_bucket.b["a"]'], "MAM-STO-004") == "FAIL"
    res = found['module.s["x"].aws_s3_bucket.b["b"]']
    assert verdict(res, "MAM-STO-004") == "PASS"
    assert res.source == 'module.s["x"].aws_s3_bucket.b["b"]'


def test_unresolvable_acl_with_unknown_target_makes_public_unknown(plan: PlanBuilder) -> None:
    bucket(plan).add("aws_s3_bucket_acl.other", after={"acl": "public-read"},
                     unknown={"bucket": True}, refs={"bucket": ["module.names.bucket_id"]})
    assert verdict(resources(plan)["aws_s3_bucket.b"], "MAM-STO-001") == "ERROR"


def test_split_private_acl_is_known_private(plan: PlanBuilder) -> None:
    # AWS provider v5 reads access_control_policy back after apply: unknown in the plan.
    child(bucket(plan), "aws_s3_bucket_acl", {"acl": "private"},
          {"access_control_policy": True})
    res = resources(plan)["aws_s3_bucket.b"]
    assert res.attributes["public"] is False
    assert verdict(res, "MAM-STO-001") == "PASS"


def test_written_access_control_policy_unknown_until_apply_is_error(plan: PlanBuilder) -> None:
    plan.add("aws_s3_bucket_acl.b", after={}, refs={
        **BUCKET_REF, "access_control_policy.grant.grantee.uri": ["var.grantee"]},
        unknown={"bucket": True, "access_control_policy": True})
    plan.refs[("", "aws_s3_bucket_acl.b")]["access_control_policy"] = [{"grant": []}]
    bucket(plan)
    assert verdict(resources(plan)["aws_s3_bucket.b"], "MAM-STO-001") == "ERROR"


def test_log_delivery_and_owner_grants_are_not_public(plan: PlanBuilder) -> None:
    grants = [{"grantee": [{"type": "Group", "uri":
                            "http://acs.amazonaws.com/groups/s3/LogDelivery"}],
               "permission": "WRITE"},
              {"grantee": [{"type": "CanonicalUser", "id": "79a59df9", "uri": ""}],
               "permission": "FULL_CONTROL"}]
    child(bucket(plan), "aws_s3_bucket_acl", {"access_control_policy": [
        {"grant": grants, "owner": [{"id": "79a59df9"}]}]})
    assert resources(plan)["aws_s3_bucket.b"].attributes["public"] is False


def test_authenticated_read_is_public(plan: PlanBuilder) -> None:
    child(bucket(plan), "aws_s3_bucket_acl", {"acl": "authenticated-read"},
          {"access_control_policy": True})
    res = resources(plan)["aws_s3_bucket.b"]
    assert res.attributes["public_via"] == ["acl:AuthenticatedUsers:READ"]
    assert verdict(res, "MAM-STO-001") == "FAIL"


def test_aws_kms_without_key_id_is_the_aws_managed_key(plan: PlanBuilder) -> None:
    rule = {"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}
    child(bucket(plan, tags={"data_classes": "sensitive_personal"}),
          "aws_s3_bucket_server_side_encryption_configuration", {"rule": [rule]})
    res = resources(plan)["aws_s3_bucket.b"]
    assert res.attributes["encryption"] == {"enabled": True, "customer_managed_key": False}
    assert verdict(res, "MAM-STO-003") == "FAIL"


def test_inline_logging_to_a_plan_bucket(plan: PlanBuilder) -> None:
    plan.add("aws_s3_bucket.logs", after={"bucket": "acme-logs"}, unknown=V5_UNKNOWN)
    plan.add("aws_s3_bucket.b", after={"bucket": "acme-data", "logging": [
        {"target_prefix": "b/"}]}, unknown={**V5_UNKNOWN, "logging": [{"target_bucket": True}]},
        refs={"logging.target_bucket": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]})
    plan.refs[("", "aws_s3_bucket.b")]["logging"] = [{"target_bucket": {"references": [
        "aws_s3_bucket.logs.id"]}}]
    found = resources(plan)
    assert verdict(found["aws_s3_bucket.b"], "MAM-STO-005") == "PASS"
    assert verdict(found["aws_s3_bucket.logs"], "MAM-STO-005") == "FAIL"
