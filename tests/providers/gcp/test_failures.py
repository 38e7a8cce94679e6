"""Denied and failed calls: never PASS, always a CollectionError, attributes left absent."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from mamori.providers.gcp import GcpOptions, rest
from tests.providers.gcp.conftest import PROJECT, TOKEN, FakeGoogle, Seen, options, run
from tests.providers.gcp.scenario import (
    CI_SA,
    COMPUTE,
    CRM,
    KEYS_SA,
    seed_all,
    seed_compute,
    seed_iam,
    seed_resource_manager,
)
from tests.providers.gcp.scenario_platform import CUSTOMER, USERS

STORAGE = "/storage/storage/v1/b"


def _bucket(name: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "storage#bucket", "name": name, "id": name, "location": "ASIA",
            "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": False}}, **fields}


def _seed_storage(fake: FakeGoogle) -> None:
    """Cloud Storage on FakeGoogle: the emulator cannot answer 403."""
    uniform = {"uniformBucketLevelAccess": {"enabled": True}}
    fake.get(STORAGE, {"kind": "storage#buckets", "items": [
        _bucket("iam-denied", iamConfiguration=uniform),
        _bucket("iam-denied-acl-public"),
        _bucket("iam-denied-but-prevented", iamConfiguration={
            **uniform, "publicAccessPrevention": "enforced"})]})
    for name in ("iam-denied", "iam-denied-acl-public", "iam-denied-but-prevented"):
        fake.deny("GET", f"{STORAGE}/{name}/iam")
    fake.get(f"{STORAGE}/iam-denied-acl-public/acl", {"items": [
        {"entity": "allUsers", "role": "READER"}]})
    fake.get(f"{STORAGE}/iam-denied-acl-public/defaultObjectAcl", {"items": []})


def test_bucket_iam_denied_leaves_public_absent(fake: FakeGoogle) -> None:
    seed_resource_manager(fake)
    _seed_storage(fake)
    got = run(options(fake, services=("storage",)))
    denied = got.one("bucket", "iam-denied").attributes
    assert "public" not in denied and "public_via" not in denied
    assert denied["encryption"]["enabled"] is True  # what was read is still there
    # A public grant that could be read decides, whatever else failed.
    acl_public = got.one("bucket", "iam-denied-acl-public").attributes
    assert (acl_public["public"], acl_public["public_via"]) == (True, ["acl:allUsers:READER"])
    # Enforced prevention decides too: nothing can be public.
    prevented = got.one("bucket", "iam-denied-but-prevented").attributes
    assert (prevented["public"], prevented["public_via"]) == (False, [])
    errors = [e for e in got.errors if e.operation == "storage.buckets.getIamPolicy"]
    assert sorted(e.scope for e in errors) == [
        f"project {PROJECT}/bucket iam-denied", f"project {PROJECT}/bucket iam-denied-acl-public",
        f"project {PROJECT}/bucket iam-denied-but-prevented"]
    assert {(e.provider, e.code, e.account, e.resource_types) for e in errors} == {
        ("gcp", "PERMISSION_DENIED", PROJECT, ())}


def test_bucket_listing_denied(fake: FakeGoogle) -> None:
    fake.deny("GET", STORAGE)
    got = run(options(fake, services=("storage",)))
    assert got.of("bucket") == {}
    error = got.error("storage.buckets.list")
    assert (error.scope, error.code, error.resource_types, error.account) == (
        f"project {PROJECT}", "PERMISSION_DENIED", ("bucket",), PROJECT)
    assert "permission" in error.message


def test_firewall_listing_denied_other_compute_still_collected(fake: FakeGoogle) -> None:
    seed_compute(fake)
    fake.deny("GET", f"{COMPUTE}/global/firewalls")
    got = run(options(fake, services=("compute",)))
    assert got.of("firewall_rule") == {}
    assert got.error("compute.firewalls.list").resource_types == ("firewall_rule",)
    assert len(got.of("volume")) == 2 and len(got.of("host")) == 2


def test_project_policy_denied(fake: FakeGoogle) -> None:
    seed_iam(fake)
    fake.deny("POST", f"{CRM}/projects/{PROJECT}:getIamPolicy")
    fake.get(STORAGE, {"items": [_bucket("b1")]})
    fake.get(f"{STORAGE}/b1/iam", {"bindings": []})
    fake.get(f"{STORAGE}/b1/acl", {"items": []})
    fake.get(f"{STORAGE}/b1/defaultObjectAcl", {"items": []})
    got = run(options(fake, services=("storage", "iam"), max_workers=4))
    # Read by both collectors, computed once, reported once.
    error = got.error("cloudresourcemanager.projects.getIamPolicy")
    assert error.resource_types == ("user", "role")
    assert got.of("role") == {}
    sa = got.one("user", f"serviceAccount:{KEYS_SA}").attributes
    assert "admin" not in sa and "x_roles" not in sa
    assert len(sa["access_keys"]) == 3
    bucket = got.one("bucket", "b1").attributes
    assert "access_logging" not in bucket  # DATA_READ audit logs unknown, no usage logs
    assert bucket["public"] is False


def test_key_listing_and_activity_denied(fake: FakeGoogle) -> None:
    seed_resource_manager(fake)
    seed_iam(fake)
    fake.deny("GET", f"/iam/v1/projects/-/serviceAccounts/{KEYS_SA}/keys")
    fake.deny("GET", f"/policyanalyzer/v1/projects/{PROJECT}/locations/global/activityTypes/"
                     "serviceAccountLastAuthentication/activities:query",
              reason="SERVICE_DISABLED", message="Policy Analyzer API has not been used")
    got = run(options(fake, services=("iam",)))
    assert "access_keys" not in got.one("user", f"serviceAccount:{KEYS_SA}").attributes
    ci = got.one("user", f"serviceAccount:{CI_SA}").attributes
    assert ci["access_keys"] == [] and "last_active" not in ci
    assert got.error("iam.serviceAccounts.keys.list").scope == (
        f"project {PROJECT}/serviceAccount {KEYS_SA}")
    assert got.error("policyanalyzer.activities.query").code == "SERVICE_DISABLED"


def test_os_config_disabled_is_reported_once(fake: FakeGoogle) -> None:
    seed_compute(fake)
    fake.deny("GET", f"/osconfig/v1/projects/{PROJECT}/locations/asia-northeast1-a/"
                     "instances/-/inventories", reason="SERVICE_DISABLED")
    got = run(options(fake, services=("compute",)))
    error = got.error("osconfig.inventories.list")
    assert (error.code, error.resource_types) == ("SERVICE_DISABLED", ())
    assert [p for p in fake.paths() if p.startswith("/osconfig")] == [
        f"/osconfig/v1/projects/{PROJECT}/locations/asia-northeast1-a/instances/-/inventories"]
    for host in got.of("host").values():
        assert not {"os", "last_patched", "missing_critical_patches"} & set(host.attributes)


def test_unknown_internal_domain_leaves_guest_absent(fake: FakeGoogle) -> None:
    seed_resource_manager(fake)
    seed_iam(fake)
    fake.deny("GET", f"{CRM}/organizations/123")
    got = run(options(fake, services=("iam",)))
    assert "guest" not in got.one("user", "user:alice@acme.example").attributes
    owner = got.one("role", f"projects/{PROJECT}/iamPolicy/roles/owner").attributes
    assert "external_trust_unconditioned" not in owner  # cannot tell: ERROR, not PASS
    public = got.one("role", f"projects/{PROJECT}/iamPolicy/roles/storage.objectViewer")
    assert public.attributes["external_trust_unconditioned"] is True
    assert got.error("cloudresourcemanager.organizations.get").code == "PERMISSION_DENIED"
    # The configured domain is enough to decide.
    got = run(options(fake, services=("iam",), internal_domains=("ACME.example",)))
    assert got.one("user", "user:alice@acme.example").attributes["guest"] is False
    assert got.one("user", "user:mallory@outside.example").attributes["guest"] is True


def test_foreign_service_account_is_judged_by_its_organisation(fake: FakeGoogle) -> None:
    seed_resource_manager(fake)
    seed_iam(fake)
    partner, sibling = "deploy@vendor-tools.iam.gserviceaccount.com", \
        "etl@acme-data.iam.gserviceaccount.com"
    fake.add("POST", f"{CRM}/projects/{PROJECT}:getIamPolicy", {"bindings": [
        {"role": "roles/owner", "members": [f"serviceAccount:{partner}"]},
        {"role": "roles/editor", "members": [f"serviceAccount:{sibling}"]}]})
    fake.get(f"{CRM}/projects/vendor-tools", {"name": "projects/9", "parent":
                                              "organizations/999"})
    fake.get(f"{CRM}/projects/acme-data", {"name": "projects/8", "parent": "organizations/123"})
    got = run(options(fake, services=("iam",)))
    assert got.one("role", f"projects/{PROJECT}/iamPolicy/roles/owner").attributes[
        "external_trust_unconditioned"] is True
    assert got.one("role", f"projects/{PROJECT}/iamPolicy/roles/editor").attributes[
        "external_trust_unconditioned"] is False
    foreign = got.one("user", f"serviceAccount:{partner}").attributes
    assert (foreign["guest"], foreign["x_foreign"]) == (True, True)
    assert "access_keys" not in foreign  # read in its own project, not here


def test_project_discovery(fake: FakeGoogle) -> None:
    fake.pages(f"{CRM}/projects:search", "projects", [
        [{"name": "projects/1", "projectId": "zeta-one", "state": "ACTIVE",
          "parent": "organizations/123"}],
        [{"name": "projects/2", "projectId": "alpha-two", "state": "ACTIVE"},
         {"name": "projects/3", "projectId": "gone-three", "state": "DELETE_REQUESTED"}]])
    for project in ("zeta-one", "alpha-two"):
        fake.get(f"/sqladmin/v1/projects/{project}/instances", {"items": [
            {"name": "db", "databaseVersion": "MYSQL_8_0", "state": "STOPPED"}]})
    got = run(options(fake, projects=(), services=("sql",)))
    assert sorted(r.account for r in got.resources) == ["alpha-two", "zeta-one"]
    assert not any("gone-three" in p for p in fake.paths())
    assert got.errors == []


def test_project_discovery_denied_or_empty(fake: FakeGoogle) -> None:
    fake.deny("GET", f"{CRM}/projects:search")
    got = run(options(fake, projects=(), services=("sql", "storage")))
    assert got.resources == []
    assert got.error("cloudresourcemanager.projects.search").resource_types == (
        "bucket", "database")
    fake.get(f"{CRM}/projects:search", {})
    got = run(options(fake, projects=(), services=("sql",)))
    assert got.error("cloudresourcemanager.projects.search").code == "NO_PROJECTS"


def test_no_application_default_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    auth: Any = importlib.import_module("google.auth")
    auth_errors: Any = importlib.import_module("google.auth.exceptions")

    def no_adc(**_: Any) -> Any:
        raise auth_errors.DefaultCredentialsError("Your default credentials were not found.")

    monkeypatch.setattr(auth, "default", no_adc)
    got = run(GcpOptions(projects=(PROJECT,), services=("iam",)))
    error = got.error("auth.default")
    assert (error.code, error.resource_types) == ("DefaultCredentialsError", ("user", "role"))
    assert got.resources == []


def test_transient_errors_are_retried(fake: FakeGoogle, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rest, "_BACKOFF_FIRST", 0.0)
    answers = iter([(503, {"error": {"code": 503, "status": "UNAVAILABLE"}}),
                    (200, {"items": []})])

    def flaky(_req: Seen) -> tuple[int, Any]:
        return next(answers)

    fake.routes[("GET", f"/sqladmin/v1/projects/{PROJECT}/instances")] = flaky
    got = run(options(fake, services=("sql",), max_attempts=2))
    assert got.errors == [] and got.resources == []
    fake.routes[("GET", f"/sqladmin/v1/projects/{PROJECT}/instances")] = lambda _r: (
        503, {"error": {"code": 503, "message": f"backend says {TOKEN}"}})
    got = run(options(fake, services=("sql",), max_attempts=2))
    error = got.error("sqladmin.instances.list")
    assert error.code == "UNAVAILABLE" and TOKEN not in error.message


def test_a_bug_in_a_collector_fails_closed(fake: FakeGoogle) -> None:
    fake.get(f"{COMPUTE}/global/firewalls", {"items": ["not-a-rule"]})
    got = run(options(fake, services=("compute",)))
    error = got.error(f"project {PROJECT}: compute firewalls")
    assert (error.code, error.resource_types) == ("InternalError", ("firewall_rule",))


def test_everything_denied_yields_no_resource_only_errors(fake: FakeGoogle) -> None:
    got = run(options(fake))  # FakeGoogle answers 404 to every unknown route
    # The project's account is made of platform facts; what needed a call is absent.
    [account] = got.resources
    assert account.type == "account"
    assert not {"public_access_block", "root_mfa"} & set(account.attributes)
    assert not {"data_access", "retention_days"} & set(account.attributes["audit_log"])
    listed = {e.operation: e.resource_types for e in got.errors if e.resource_types}
    assert listed == {
        "storage.buckets.list": ("bucket",),
        "cloudresourcemanager.projects.getIamPolicy": ("user", "role"),
        "iam.serviceAccounts.list": ("user",),
        "compute.firewalls.list": ("firewall_rule",),
        "compute.disks.aggregatedList": ("volume",),
        "compute.instances.aggregatedList": ("host",),
        "sqladmin.instances.list": ("database",)}


def test_whole_estate_collects_concurrently_and_sequentially_alike(fake: FakeGoogle) -> None:
    seed_all(fake)
    fake.get(STORAGE, {"items": []})
    lines: list[str] = []
    # The Workspace listing is shared by the IAM, account and directory tasks.
    parallel = run(options(fake, max_workers=8, progress=lines.append,
                           workspace_customer=CUSTOMER))
    sequential = run(options(fake, max_workers=1, workspace_customer=CUSTOMER))
    assert sorted(r.id for r in parallel.resources) == sorted(r.id for r in sequential.resources)
    assert len(parallel.errors) == len(sequential.errors) == 1  # the unreachable region
    assert f"gcp: project {PROJECT}: compute disks: 2 resources, 1 errors" in lines
    assert len(lines) == 8  # one line per collector of the project, one for the directory
    assert len([s for s in fake.seen if s.path == USERS]) == 2 * 2  # two pages, per run
