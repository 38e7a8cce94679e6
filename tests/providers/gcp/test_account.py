"""Each project as an ``account``: audit logging, retention, public access prevention.

Expected values come from Google's documentation: Admin Activity audit logs are always
on and kept 400 days in ``_Required``; other audit logs go to ``_Default`` (30 days
unless raised); Data Access audit configs of a project, its folders and organisation
add up; the organisation policy storage.publicAccessPrevention, when enforced, blocks
public access to every bucket that inherits it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.providers.gcp.conftest import PROJECT, Collected, FakeGoogle, options, run
from tests.providers.gcp.scenario import CRM, seed_buckets, seed_resource_manager
from tests.providers.gcp.scenario_platform import (
    DEFAULT_BUCKET,
    PAP,
    seed_platform,
)

ACCOUNT = f"projects/{PROJECT}"
BOTH = [{"logType": "DATA_READ"}, {"logType": "DATA_WRITE"}]


def _account(fake: FakeGoogle, audit: list[Any] | None = None, **platform: Any) -> Collected:
    seed_platform(fake, **platform)
    seed_resource_manager(fake, audit_configs=audit)
    return run(options(fake, services=("account",)))


def test_platform_facts_and_defaults(fake: FakeGoogle) -> None:
    got = _account(fake)
    account = got.one("account", ACCOUNT)
    attrs = account.attributes
    assert (account.name, account.account, account.region) == (PROJECT, PROJECT, "global")
    # Admin Activity logs cannot be turned off and cover every location of the project.
    assert attrs["audit_log"] == {"enabled": True, "multi_region": True, "data_access": False,
                                  "retention_days": 30}
    assert (attrs["x_required_retention_days"], attrs["x_default_retention_days"]) == (400, 30)
    assert attrs["password_policy"] == {"customer_configurable": True}
    assert attrs["public_access_block"] is False
    assert got.errors == []


@pytest.mark.parametrize(("days", "expected"), [(90, 90), (3650, 400), (400, 400)])
def test_retention_is_the_shortest_audit_log_bucket(fake: FakeGoogle, days: int,
                                                    expected: int) -> None:
    assert _account(fake, retention=days).one("account", ACCOUNT).attributes[
        "audit_log"]["retention_days"] == expected


def test_default_bucket_outside_global_is_found_by_listing(fake: FakeGoogle) -> None:
    seed_platform(fake)
    fake.routes.pop(("GET", DEFAULT_BUCKET))  # 404: the organisation put it in Europe
    fake.pages(f"/logging/v2/projects/{PROJECT}/locations/-/buckets", "buckets", [
        [{"name": f"projects/{PROJECT}/locations/europe-west1/buckets/_Required",
          "retentionDays": 400, "locked": True}],
        [{"name": f"projects/{PROJECT}/locations/europe-west1/buckets/_Default",
          "retentionDays": 120}]])
    seed_resource_manager(fake)
    got = run(options(fake, services=("account",)))
    assert got.one("account", ACCOUNT).attributes["audit_log"]["retention_days"] == 120
    assert got.errors == []


def test_log_bucket_denied_leaves_retention_absent(fake: FakeGoogle) -> None:
    seed_platform(fake)
    fake.deny("GET", DEFAULT_BUCKET, reason="IAM_PERMISSION_DENIED")
    seed_resource_manager(fake)
    got = run(options(fake, services=("account",)))
    assert "retention_days" not in got.one("account", ACCOUNT).attributes["audit_log"]
    error = got.error("logging.buckets.get")
    assert (error.code, error.scope) == ("IAM_PERMISSION_DENIED",
                                         f"project {PROJECT}/log bucket _Default")


@pytest.mark.parametrize(("audit", "expected"), [
    ([{"service": "allServices", "auditLogConfigs": BOTH}], True),
    ([{"service": "storage.googleapis.com", "auditLogConfigs": BOTH}], True),
    # allServices and the service's own entry combine.
    ([{"service": "allServices", "auditLogConfigs": [{"logType": "DATA_READ"}]},
      {"service": "storage.googleapis.com", "auditLogConfigs": [{"logType": "DATA_WRITE"}]}],
     True),
    ([{"service": "storage.googleapis.com", "auditLogConfigs": [{"logType": "DATA_READ"}]}],
     False),
    ([{"service": "bigquery.googleapis.com", "auditLogConfigs": BOTH}], False),
    ([{"service": "allServices", "auditLogConfigs": [{"logType": "ADMIN_READ"}]}], False),
])
def test_data_access(fake: FakeGoogle, audit: list[Any], expected: bool) -> None:
    attrs = _account(fake, audit).one("account", ACCOUNT).attributes
    assert attrs["audit_log"]["data_access"] is expected


def test_exempted_principals_are_shown(fake: FakeGoogle) -> None:
    audit = [{"service": "allServices", "auditLogConfigs": [
        {"logType": "DATA_READ", "exemptedMembers": ["user:batch@acme.example"]},
        {"logType": "DATA_WRITE"}]}]
    attrs = _account(fake, audit).one("account", ACCOUNT).attributes
    assert attrs["audit_log"]["data_access"] is True
    assert attrs["x_data_access_exempted"] == ["user:batch@acme.example"]
    assert attrs["x_data_access_services"] == ["allServices"]


def test_data_access_inherited_from_the_organisation(fake: FakeGoogle) -> None:
    seed_platform(fake)
    seed_resource_manager(fake)
    fake.add("POST", f"{CRM}/organizations/123:getIamPolicy", {"auditConfigs": [
        {"service": "allServices", "auditLogConfigs": BOTH}]})
    got = run(options(fake, services=("account",)))
    assert got.one("account", ACCOUNT).attributes["audit_log"]["data_access"] is True


def test_an_unreadable_ancestor_leaves_data_access_unknown(fake: FakeGoogle) -> None:
    seed_platform(fake)
    seed_resource_manager(fake)
    fake.deny("POST", f"{CRM}/folders/77:getIamPolicy")
    got = run(options(fake, services=("account",)))
    assert "data_access" not in got.one("account", ACCOUNT).attributes["audit_log"]
    assert got.error("cloudresourcemanager.folders.getIamPolicy").scope == "folders/77"
    # ...unless the project itself already turns the logs on.
    fake.add("POST", f"{CRM}/projects/{PROJECT}:getIamPolicy", {"auditConfigs": [
        {"service": "allServices", "auditLogConfigs": BOTH}]})
    got = run(options(fake, services=("account",)))
    assert got.one("account", ACCOUNT).attributes["audit_log"]["data_access"] is True
    assert got.errors == []


@pytest.mark.parametrize(("spec", "expected"), [
    ({"rules": [{"enforce": True}]}, True),
    ({"rules": [{"enforce": False}]}, False),
    # Enforced only for resources with a tag: not for the whole project.
    ({"rules": [{"enforce": True, "condition": {"expression":
                                                "resource.matchTag('123/env', 'prod')"}},
                {"enforce": False}]}, False),
    (None, False),  # no policy anywhere: the constraint's default does not enforce
])
def test_public_access_prevention_policy(fake: FakeGoogle, spec: Any, expected: bool) -> None:
    seed_platform(fake)
    fake.get(PAP, {"name": "projects/4242/policies/storage.publicAccessPrevention",
                   **({"spec": spec} if spec is not None else {}),
                   "dryRunSpec": {"rules": [{"enforce": True}]}})  # a dry run enforces nothing
    seed_resource_manager(fake)
    got = run(options(fake, services=("account",)))
    assert got.one("account", ACCOUNT).attributes["public_access_block"] is expected


def test_policy_denied_leaves_public_access_block_absent(fake: FakeGoogle) -> None:
    seed_platform(fake)
    fake.deny("GET", PAP)
    seed_resource_manager(fake)
    got = run(options(fake, services=("account",)))
    assert "public_access_block" not in got.one("account", ACCOUNT).attributes
    assert got.error("orgpolicy.policies.getEffectivePolicy").code == "PERMISSION_DENIED"


def test_an_enforced_policy_protects_inheriting_buckets(fake: FakeGoogle,
                                                       emulator: str) -> None:
    seed_buckets(emulator)
    seed_platform(fake, enforce=True)
    seed_resource_manager(fake)
    got = run(options(fake, emulator, services=("storage",)))
    bucket = got.one("bucket", "public-iam").attributes
    assert bucket["x_public_access_prevention"] == "inherited"
    assert (bucket["public"], bucket["public_via"], bucket["public_write"],
            bucket["public_access_block"]) == (False, [], False, True)
    assert bucket["raw"]["public_via_blocked"] == ["iam:allUsers:roles/storage.objectViewer"]
    assert len([s for s in fake.seen if s.path == PAP]) == 1  # once per project


def test_an_unreadable_policy_leaves_inheriting_buckets_judged_by_grants(
        fake: FakeGoogle, emulator: str) -> None:
    seed_buckets(emulator)
    seed_platform(fake)
    fake.deny("GET", PAP)
    seed_resource_manager(fake)
    got = run(options(fake, emulator, services=("storage",)))
    public = got.one("bucket", "public-iam").attributes
    assert public["public"] is True  # a grant still counts: never a false PASS
    assert "public_access_block" not in public
    protected = got.one("bucket", "protected-pap").attributes  # enforced on the bucket
    assert (protected["public"], protected["public_access_block"]) == (False, True)
    assert got.error("orgpolicy.policies.getEffectivePolicy").scope == (
        f"project {PROJECT}/constraint storage.publicAccessPrevention")
