"""Joins across modules: references followed through outputs and inputs, or left unknown.

A split resource whose bucket cannot be found by reference or name, and whose bucket is
unknown until apply, may belong to any bucket of the plan: what it could change is
absent (ERROR), never decided as if it did not exist.
"""

from __future__ import annotations

import json

from tests.providers.terraform.builder import PlanBuilder
from tests.providers.terraform.conftest import resources, verdict

V5_UNKNOWN = {"id": True, "arn": True, "acl": True, "grant": True, "policy": True,
              "versioning": True, "logging": True, "server_side_encryption_configuration": True}
PUBLIC = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]})
PRIVATE = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": "s3:GetObject", "Resource": "*"}]})


def bucket(plan: PlanBuilder, address: str, name: str) -> PlanBuilder:
    return plan.add(address, after={"bucket": name}, unknown=V5_UNKNOWN)


def store(plan: PlanBuilder, module: str = "module.store") -> PlanBuilder:
    """A bucket module: ``aws_s3_bucket.this`` and an output ``bucket_id`` naming it."""
    bucket(plan, f"{module}.aws_s3_bucket.this", "acme-store")
    return plan.output(module, "bucket_id", ["aws_s3_bucket.this.id", "aws_s3_bucket.this"])


def policy(plan: PlanBuilder, address: str, refs: list[str], document: str = PUBLIC
           ) -> PlanBuilder:
    return plan.add(address, after={"policy": document}, unknown={"bucket": True, "id": True},
                    refs={"bucket": refs})


def test_policy_from_the_root_joins_a_bucket_in_a_module(plan: PlanBuilder) -> None:
    store(plan)
    bucket(plan, "aws_s3_bucket.other", "acme-other")
    policy(plan, "aws_s3_bucket_policy.p", ["module.store.bucket_id", "module.store"])
    found = resources(plan)
    assert verdict(found["module.store.aws_s3_bucket.this"], "MAM-STO-001") == "FAIL"
    assert verdict(found["aws_s3_bucket.other"], "MAM-STO-001") == "PASS"


def test_input_variables_are_followed_through_nested_modules(plan: PlanBuilder) -> None:
    store(plan)
    plan.inputs_of("module.outer", bucket_id=["module.store.bucket_id", "module.store"])
    plan.inputs_of("module.outer.module.inner", id=["var.bucket_id"])
    plan.add("module.outer.module.inner.aws_s3_bucket_versioning.v",
             after={"versioning_configuration": [{"status": "Enabled"}]},
             unknown={"bucket": True}, refs={"bucket": ["var.id"]})
    res = resources(plan)["module.store.aws_s3_bucket.this"]
    assert verdict(res, "MAM-STO-004") == "PASS"


def test_module_instances_by_key_and_by_the_referrers_own_key(plan: PlanBuilder) -> None:
    for key in ("a", "b"):
        bucket(plan, f'module.many["{key}"].aws_s3_bucket.this', f"acme-{key}")
    plan.output("module.many", "bucket_id", ["aws_s3_bucket.this.id"])
    policy(plan, "aws_s3_bucket_policy.a", ['module.many["a"].bucket_id', 'module.many["a"]'])
    found = resources(plan)
    assert verdict(found['module.many["a"].aws_s3_bucket.this'], "MAM-STO-001") == "FAIL"
    assert verdict(found['module.many["b"].aws_s3_bucket.this'], "MAM-STO-001") == "PASS"


def test_module_call_expression_uses_the_module_instance_key(plan: PlanBuilder) -> None:
    for key in ("x", "y"):
        bucket(plan, f'aws_s3_bucket.b["{key}"]', f"acme-{key}")
    # module "logs" { for_each = ...; bucket = aws_s3_bucket.b[each.key].id }
    plan.inputs_of("module.logs", bucket=["aws_s3_bucket.b", "each.key"])
    plan.add('module.logs["y"].aws_s3_bucket_logging.l', after={"target_bucket": "acme-logs"},
             unknown={"bucket": True}, refs={"bucket": ["var.bucket"]})
    found = resources(plan)
    assert verdict(found['aws_s3_bucket.b["y"]'], "MAM-STO-005") == "PASS"
    assert verdict(found['aws_s3_bucket.b["x"]'], "MAM-STO-005") == "FAIL"


def test_reference_that_cannot_be_followed_leaves_every_bucket_unknown(
        plan: PlanBuilder) -> None:
    store(plan)
    bucket(plan, "aws_s3_bucket.other", "acme-other")
    # bucket = local.target: the configuration section does not record locals.
    policy(plan, "module.elsewhere.aws_s3_bucket_policy.p", ["local.target"])
    found = resources(plan)
    for address in ("module.store.aws_s3_bucket.this", "aws_s3_bucket.other"):
        assert "public" not in found[address].attributes
        assert verdict(found[address], "MAM-STO-001") == "ERROR"


def test_unfollowable_policy_that_opens_nothing_changes_nothing(plan: PlanBuilder) -> None:
    store(plan)
    policy(plan, "aws_s3_bucket_policy.p", ["local.target"], PRIVATE)
    plan.add("aws_s3_bucket_acl.a", after={"acl": "private"},
             unknown={"bucket": True, "access_control_policy": True},
             refs={"bucket": ["each.value"]})
    res = resources(plan)["module.store.aws_s3_bucket.this"]
    assert verdict(res, "MAM-STO-001") == "PASS"


def test_bare_module_reference_with_a_dynamic_key_is_unknown(plan: PlanBuilder) -> None:
    for key in ("a", "b"):
        bucket(plan, f'module.many["{key}"].aws_s3_bucket.this', f"acme-{key}")
    plan.output("module.many", "bucket_id", ["aws_s3_bucket.this.id"])
    # bucket = module.many[var.which].bucket_id → references ["module.many", "var.which"]
    policy(plan, "aws_s3_bucket_policy.p", ["module.many", "var.which"])
    found = resources(plan)
    assert verdict(found['module.many["a"].aws_s3_bucket.this'], "MAM-STO-001") == "ERROR"


def test_module_output_without_key_over_many_instances_is_unknown(plan: PlanBuilder) -> None:
    for key in ("a", "b"):
        bucket(plan, f'module.many["{key}"].aws_s3_bucket.this', f"acme-{key}")
    plan.output("module.many", "bucket_id", ["aws_s3_bucket.this.id"])
    policy(plan, "aws_s3_bucket_policy.p", ["module.many.bucket_id"])
    found = resources(plan)
    assert verdict(found['module.many["b"].aws_s3_bucket.this'], "MAM-STO-001") == "ERROR"


def test_data_source_target_is_outside_the_plan(plan: PlanBuilder) -> None:
    store(plan)
    policy(plan, "aws_s3_bucket_policy.p", ["data.aws_s3_bucket.legacy.id"])
    assert verdict(resources(plan)["module.store.aws_s3_bucket.this"], "MAM-STO-001") == "PASS"


def test_module_missing_from_the_configuration_is_unknown(plan: PlanBuilder) -> None:
    store(plan)
    policy(plan, "aws_s3_bucket_policy.p", ["module.gone.bucket_id"])
    assert verdict(resources(plan)["module.store.aws_s3_bucket.this"], "MAM-STO-001") == "ERROR"


def test_unfollowable_versioning_makes_versioning_unknown(plan: PlanBuilder) -> None:
    store(plan)
    plan.add("aws_s3_bucket_versioning.v", after={"versioning_configuration": [
        {"status": "Enabled"}]}, unknown={"bucket": True}, refs={"bucket": ["local.b"]})
    res = resources(plan)["module.store.aws_s3_bucket.this"]
    assert "versioning" not in res.attributes
    assert verdict(res, "MAM-STO-004") == "ERROR"


def test_kms_key_made_in_a_module(plan: PlanBuilder) -> None:
    store(plan)
    plan.add("module.keys.aws_kms_key.k", after={"description": "k"}, unknown={"arn": True})
    plan.output("module.keys", "arn", ["aws_kms_key.k.arn", "aws_kms_key.k"])
    rule = {"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}
    plan.add("aws_s3_bucket_server_side_encryption_configuration.s", after={"rule": [rule]},
             unknown={"bucket": True, "rule": [{"apply_server_side_encryption_by_default": [
                 {"kms_master_key_id": True}]}]},
             refs={"bucket": ["module.store.bucket_id"],
                   "rule.apply_server_side_encryption_by_default.kms_master_key_id":
                       ["module.keys.arn", "module.keys"]})
    res = resources(plan)["module.store.aws_s3_bucket.this"]
    assert res.attributes["encryption"] == {"enabled": True, "customer_managed_key": True}


def test_kms_key_from_outside_the_plan_cannot_be_told(plan: PlanBuilder) -> None:
    rule = {"apply_server_side_encryption_by_default": [{
        "sse_algorithm": "aws:kms",
        "kms_master_key_id": "arn:aws:kms:ap-northeast-1:111122223333:key/1234abcd"}]}
    bucket(plan, "aws_s3_bucket.b", "acme-b").add(
        "aws_s3_bucket_server_side_encryption_configuration.b", after={"rule": [rule]},
        unknown={"bucket": True}, refs={"bucket": ["aws_s3_bucket.b.id"]})
    res = resources(plan)["aws_s3_bucket.b"]
    assert res.attributes["encryption"] == {"enabled": True}
    alias = {"apply_server_side_encryption_by_default": [{
        "sse_algorithm": "aws:kms", "kms_master_key_id": "alias/acme-data"}]}
    plan.changes[-1]["change"]["after"]["rule"] = [alias]
    assert resources(plan)["aws_s3_bucket.b"].attributes["encryption"][
        "customer_managed_key"] is True


def test_user_attachment_across_modules(plan: PlanBuilder) -> None:
    plan.add("module.people.aws_iam_user.u", after={"name": "tanaka"},
             unknown={"arn": True, "id": True})
    plan.output("module.people", "name", ["aws_iam_user.u.name", "aws_iam_user.u"])
    plan.add("aws_iam_user_policy_attachment.a", after={
        "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"},
        unknown={"user": True}, refs={"user": ["module.people.name", "module.people"]})
    res = resources(plan)["module.people.aws_iam_user.u"]
    assert res.attributes["admin_direct"] is True
