"""Properties of the GCP mappings, for whole classes of inputs (hypothesis, suite profile).

Each property states the documented behaviour independently of the code under test:
a grant that lets the public read can never give ``public`` false unless Google blocks
it; a job that patched nothing never dates a patch; a key's validity is judged at the
scan's ``as_of``; a refusal of any documented kind stops OS Config; a Cloud SQL instance
that does not run is never asked for its users and is never an error.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.providers.gcp import auditlogs, orgpolicy, sql, workspace
from mamori.providers.gcp.bucket_access import (
    NO_WRITE_ROLES,
    WRITE_ONLY_ROLES,
    WRITE_ROLES,
    Grants,
    exposure,
)
from mamori.providers.gcp.errors import DENIALS
from tests.providers.gcp.conftest import PROJECT, FakeGoogle, options, run
from tests.providers.gcp.scenario import COMPUTE, KEYS_SA, SELF, seed_compute, seed_iam

MEMBERS = st.sampled_from(["allUsers", "allAuthenticatedUsers", "user:a@acme.example",
                           "group:g@acme.example"])
KNOWN = sorted(WRITE_ROLES | NO_WRITE_ROLES)
ROLES = st.sampled_from([*KNOWN, "projects/p/roles/custom", "roles/storage.insightsCollector"])
ACL = st.fixed_dictionaries({"entity": MEMBERS, "role": st.sampled_from(
    ["READER", "WRITER", "OWNER"])})


@given(bindings=st.lists(st.fixed_dictionaries({"role": ROLES,
                                                "members": st.lists(MEMBERS, max_size=3)}),
                         max_size=4),
       acl=st.lists(ACL, max_size=3), default_acl=st.lists(ACL, max_size=3),
       complete=st.booleans(), prevented=st.sampled_from([True, False, None]))
def test_exposure_never_hides_a_public_grant(bindings: list[dict[str, Any]],
                                              acl: list[dict[str, str]],
                                              default_acl: list[dict[str, str]],
                                              complete: bool, prevented: bool | None) -> None:
    grants = Grants(complete=complete)
    grants.add_iam({"bindings": bindings})
    grants.add_acl("acl", acl)
    grants.add_acl("default_object_acl", default_acl)
    out = exposure(grants, prevented)
    public = [(b["role"], m) for b in bindings for m in b["members"]
              if m in ("allUsers", "allAuthenticatedUsers")]
    public_acl = [e for e in acl if e["entity"] in ("allUsers", "allAuthenticatedUsers")]
    public_default = [e for e in default_acl
                      if e["entity"] in ("allUsers", "allAuthenticatedUsers")]
    if prevented:  # Google refuses allUsers / allAuthenticatedUsers whatever is granted
        assert (out["public"], out["public_write"]) == (False, False)
        return
    readable = [r for r, _ in public if r not in WRITE_ONLY_ROLES] + public_acl + public_default
    writable = [r for r, _ in public if r in WRITE_ROLES] + [
        e for e in public_acl if e["role"] in ("WRITER", "OWNER")]
    unknown = [r for r, _ in public if r not in KNOWN]
    assert out.get("public") is (True if readable else False if complete else None)
    if writable:
        assert out["public_write"] is True
    elif complete and not unknown:
        assert out["public_write"] is False
    else:
        assert "public_write" not in out  # a custom role may write: unknown, never false


RULE = st.fixed_dictionaries({"enforce": st.booleans()}, optional={
    "condition": st.just({"expression": "resource.matchTag('1/env', 'prod')"})})


@given(rules=st.lists(RULE, max_size=3) | st.none(), dry=st.booleans())
def test_a_constraint_is_enforced_only_by_an_unconditional_rule(
        rules: list[dict[str, Any]] | None, dry: bool) -> None:
    policy: dict[str, Any] = {} if rules is None else {"spec": {"rules": rules}}
    if dry:
        policy["dryRunSpec"] = {"rules": [{"enforce": True}]}
    expected = any(r["enforce"] and "condition" not in r for r in rules or ())
    assert orgpolicy.enforced(policy) is expected


CONFIG = st.fixed_dictionaries({
    "service": st.sampled_from(["allServices", auditlogs.STORAGE, "bigquery.googleapis.com"]),
    "auditLogConfigs": st.lists(st.fixed_dictionaries(
        {"logType": st.sampled_from(["ADMIN_READ", "DATA_READ", "DATA_WRITE"])}),
        max_size=3)})


@given(a=st.lists(CONFIG, max_size=3), b=st.lists(CONFIG, max_size=3))
def test_audit_configs_only_add_up(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> None:
    left, right = auditlogs.parse({"auditConfigs": a}), auditlogs.parse({"auditConfigs": b})
    both = left.union(right)
    for types in (("DATA_READ",), auditlogs.DATA_TYPES):
        # A parent can only turn logs on; the union is what Google applies.
        assert both.logs(auditlogs.STORAGE, types) >= left.logs(auditlogs.STORAGE, types)
        assert both.logs(auditlogs.STORAGE, types) == right.union(left).logs(
            auditlogs.STORAGE, types)
        on = {e["logType"] for c in a + b if c["service"] in ("allServices", auditlogs.STORAGE)
              for e in c["auditLogConfigs"]}
        assert both.logs(auditlogs.STORAGE, types) is all(t in on for t in types)


@given(login=st.datetimes(min_value=datetime(1969, 1, 1), max_value=datetime(2030, 1, 1),
                          timezones=st.just(UTC)),
       suspended=st.booleans(), archived=st.booleans(),
       enrolled=st.sampled_from([True, False, "true", None]))
def test_directory_users_are_read_as_documented(login: datetime, suspended: bool,
                                                archived: bool, enrolled: Any) -> None:
    item = {"primaryEmail": "u@acme.example", "suspended": suspended, "archived": archived,
            "lastLoginTime": login.strftime("%Y-%m-%dT%H:%M:%S.000Z")}
    if enrolled is not None:
        item["isEnrolledIn2Sv"] = enrolled
    facts = workspace.facts(item)
    assert facts["enabled"] is (not suspended and not archived)
    # The epoch is how the Directory API writes "never signed in".
    assert facts["last_active"] == ("never" if login < datetime(1970, 1, 2, tzinfo=UTC)
                                    else login.replace(microsecond=0))
    if isinstance(enrolled, bool):
        assert facts["mfa"] is enrolled
    else:
        assert "mfa" not in facts  # "true" as text is not coerced into a fact


@given(mode=st.sampled_from([None, "SSL_MODE_UNSPECIFIED", "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
                             "ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"]),
       require=st.sampled_from([None, True, False]))
def test_cloud_sql_tls(mode: str | None, require: bool | None) -> None:
    ip: dict[str, Any] = {k: v for k, v in (("sslMode", mode), ("requireSsl", require))
                          if v is not None}
    enforcing = mode in ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")
    assert sql.tls_required(ip) is (enforcing or require is True)


STATES = st.sampled_from(["RUNNABLE", "STOPPED", "SUSPENDED", "PENDING_CREATE",
                          "MAINTENANCE", "FAILED"])


@settings(max_examples=25)
@given(state=STATES, policy=st.sampled_from([None, "ALWAYS", "NEVER"]))
def test_instances_that_do_not_run_are_not_asked_for_users(
        fake: FakeGoogle, state: str, policy: str | None) -> None:
    fake.seen.clear()
    settings_: dict[str, Any] = {"activationPolicy": policy} if policy else {}
    base = f"/sqladmin/v1/projects/{PROJECT}/instances"
    fake.get(base, {"items": [{"name": "db", "databaseVersion": "SQLSERVER_2019_STANDARD",
                               "state": state, "settings": settings_}]})
    fake.get(f"{base}/db/users", {"items": [{"name": "sqlserver", "type": "BUILT_IN"}]})
    got = run(options(fake, services=("sql",)))
    runs = state == "RUNNABLE" and policy != "NEVER"
    assert got.errors == []
    assert (f"{base}/db/users" in fake.paths()) is runs
    [database] = got.resources
    assert ("admin_username" in database.attributes) is runs
    assert database.attributes["x_stopped"] is (state == "STOPPED" or policy == "NEVER")


AS_OF = datetime(2026, 11, 29, tzinfo=UTC)


@settings(max_examples=25)
@given(offset=st.integers(min_value=-400, max_value=400), disabled=st.booleans())
def test_key_validity_is_judged_at_as_of(fake: FakeGoogle, offset: int,
                                         disabled: bool) -> None:
    seed_iam(fake)
    expires = AS_OF + timedelta(hours=offset)
    fake.get(f"/iam/v1/projects/-/serviceAccounts/{KEYS_SA}/keys", {"keys": [
        {"name": f"projects/{PROJECT}/serviceAccounts/{KEYS_SA}/keys/k1",
         "validAfterTime": "2026-01-01T00:00:00Z", "keyType": "USER_MANAGED",
         "validBeforeTime": expires.strftime("%Y-%m-%dT%H:%M:%SZ"), "disabled": disabled}]})
    got = run(options(fake, services=("iam",), as_of=AS_OF))
    [key] = got.one("user", f"serviceAccount:{KEYS_SA}").attributes["access_keys"]
    assert key["active"] is (not disabled and expires > AS_OF)  # not the wall clock


@settings(max_examples=25)
@given(code=st.sampled_from(sorted(DENIALS)))
def test_any_refusal_stops_os_config(fake: FakeGoogle, code: str) -> None:
    # Google answers 403 with these ErrorInfo reasons (a 401 makes google-auth refresh
    # the token first: a different path).
    fake.seen.clear()
    seed_compute(fake)
    zone = f"/osconfig/v1/projects/{PROJECT}/locations/asia-northeast1-a/instances/-"
    fake.deny("GET", f"{zone}/inventories", reason=code)
    got = run(options(fake, services=("compute",)))
    assert got.error("osconfig.inventories.list").code == code
    assert [p for p in fake.paths() if p.startswith("/osconfig")] == [f"{zone}/inventories"]


JOB_STATES = st.sampled_from(["SUCCEEDED", "SUCCEEDED_REBOOT_REQUIRED", "FAILED", "TIMED_OUT"])


@settings(max_examples=25)
@given(jobs=st.lists(st.tuples(st.integers(min_value=0, max_value=60), st.booleans(),
                               JOB_STATES), min_size=1, max_size=4, unique_by=lambda j: j[0]))
def test_only_jobs_that_patched_date_a_patch(fake: FakeGoogle,
                                             jobs: list[tuple[int, bool, str]]) -> None:
    seed_compute(fake)
    base = f"/osconfig/v1/projects/{PROJECT}"
    for zone in ("asia-northeast1-a", "asia-northeast1-b"):
        for kind in ("inventories", "vulnerabilityReports"):
            fake.get(f"{base}/locations/{zone}/instances/-/{kind}", {})
    start = datetime(2026, 10, 1, tzinfo=UTC)
    listed = []
    for day, dry, state in jobs:
        name = f"projects/{PROJECT}/patchJobs/j{day}"
        listed.append({"name": name, "dryRun": dry,
                       "createTime": (start + timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ")})
        fake.get(f"/osconfig/v1/{name}/instanceDetails", {"patchJobInstanceDetails": [
            {"name": f"projects/{PROJECT}/zones/asia-northeast1-a/instances/web-1",
             "instanceSystemId": "9001", "state": state}]})
    fake.get(f"{base}/patchJobs", {"patchJobs": listed})
    got = run(options(fake, services=("compute",)))
    web = got.one("host", f"{SELF}/zones/asia-northeast1-a/instances/web-1").attributes
    patched = [start + timedelta(days=d) for d, dry, s in jobs
               if not dry and s.startswith("SUCCEEDED")]
    assert web.get("last_patched") == (max(patched) if patched else None)
    assert COMPUTE  # the estate's compute routes answered every call
