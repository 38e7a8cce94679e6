"""The terraform provider's declaration of what a plan can show, against what the mappers
emit: the real plans under ``plans/`` plus one built plan that exercises every mapper, so
every ``supplies`` claim is seen at least once (mamori.checks.observability.conformance)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from mamori.checks.model import Resource
from mamori.checks.observability import conformance, declared
from mamori.providers.registry import observability
from mamori.providers.terraform.observes import HR, LIVE, OBSERVES
from mamori.providers.terraform.provider import SIDES, LoadedPlan, TerraformPlanProvider
from tests.providers.terraform.builder import PlanBuilder

PLANS = Path(__file__).parent / "plans"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
FLAGS = {"block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
         "restrict_public_buckets": True}


def every_mapper() -> PlanBuilder:
    """One resource of each mapped kind the real plans do not already cover."""
    plan = PlanBuilder()
    plan.add("aws_cloudtrail.t", after={"name": "t", "enable_logging": True,
                                        "is_multi_region_trail": True})
    plan.add("aws_s3_account_public_access_block.a", after=FLAGS)
    plan.add("aws_iam_account_password_policy.p", after={"minimum_password_length": 14})
    plan.add("aws_iam_user.u", after={"name": "sato"})
    plan.add("aws_iam_user_policy_attachment.a", after={"user": "sato", "policy_arn": ADMIN})
    plan.add("aws_db_instance.db", after={
        "identifier": "db", "engine": "mysql", "username": "appadmin",
        "publicly_accessible": False, "storage_encrypted": True})
    plan.add("aws_ebs_volume.v", after={"encrypted": True})
    plan.add("azurerm_managed_disk.d", after={"name": "d", "location": "japaneast"})
    plan.add("google_project_iam_member.owner", after={
        "role": "roles/owner", "member": "user:sato@example.com", "project": "p"})
    return plan


def emitted() -> Iterator[Resource]:
    plans = [LoadedPlan(p) for p in sorted(PLANS.glob("*.json"))]
    plans.append(LoadedPlan(Path("every-mapper.json"), every_mapper().document()))
    for plan in plans:
        for side in SIDES:
            for item in TerraformPlanProvider(plan.path, side, plan=plan).collect():
                if isinstance(item, Resource):
                    yield item


def test_the_declaration_matches_what_the_mappers_emit() -> None:
    resources = list(emitted())
    assert {r.type for r in resources} == set(OBSERVES.types())
    assert conformance(OBSERVES, resources) == []


def test_the_registry_serves_it() -> None:
    assert observability("terraform") is OBSERVES


def test_what_no_plan_can_show_is_elsewhere_with_the_source_that_could() -> None:
    user = OBSERVES.elsewhere["user"]
    for attr in ("mfa", "last_active", "access_keys", "employment"):
        assert attr not in OBSERVES.supplies["user"]
        assert user[attr].reason.startswith("a plan shows configuration, not ")
    assert OBSERVES.unobservable("user", "access_keys[0].last_used") is user["access_keys"]
    assert user["mfa"].source == LIVE and user["employment"].source == HR
    assert OBSERVES.elsewhere["account"]["root_mfa"].source == LIVE
    assert OBSERVES.undeclared() == {}
    for attrs in OBSERVES.elsewhere.values():
        for fact in attrs.values():
            assert fact.reason and fact.source


@pytest.mark.parametrize("lie", ["claim", "drop", "type"])
def test_conformance_catches_a_wrong_declaration(lie: str) -> None:
    supplies = {t: set(a) for t, a in OBSERVES.supplies.items()}
    elsewhere = {t: dict(a) for t, a in OBSERVES.elsewhere.items()}
    if lie == "claim":  # says it reads MFA: no plan in the estate shows one
        supplies["user"].add("mfa")
        del elsewhere["user"]["mfa"]
    elif lie == "drop":  # forgets an attribute it emits
        supplies["volume"].discard("attached_to")
    else:  # forgets a type it emits
        del supplies["volume"]
        del elsewhere["volume"]
    wrong = dataclasses.replace(declared("terraform", supplies, elsewhere))
    assert conformance(wrong, list(emitted())) != []
