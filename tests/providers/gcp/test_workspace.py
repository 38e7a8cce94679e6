"""Google accounts' sign-in facts from the Admin SDK Directory API (Cloud Identity / Workspace).

Expected values follow Google's documentation of the Directory API user resource
(isEnrolledIn2Sv, isEnforcedIn2Sv, suspended, archived, lastLoginTime with the epoch
for "never", externalIds of type organization as the Admin console's Employee ID).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.providers.gcp.conftest import PROJECT, TOKEN, Collected, FakeGoogle, options, run
from tests.providers.gcp.scenario import seed_iam, seed_resource_manager
from tests.providers.gcp.scenario_platform import (
    CUSTOMER,
    USERS,
    seed_directory,
    seed_platform,
    user,
)


@pytest.fixture
def people(fake: FakeGoogle) -> Collected:
    seed_platform(fake)
    seed_resource_manager(fake)
    seed_iam(fake)
    return run(options(fake, services=("account", "iam"), workspace_customer=CUSTOMER))


def test_directory_facts_join_the_iam_principal(people: Collected) -> None:
    alice = people.one("user", "user:alice@acme.example")
    assert alice.account == PROJECT  # one resource per project binding, not a second one
    attrs = alice.attributes
    assert (attrs["enabled"], attrs["mfa"], attrs["mfa_enforced"]) == (True, True, True)
    assert attrs["last_active"] == datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
    assert attrs["created"] == datetime(2021, 4, 1, 9, tzinfo=UTC)
    assert attrs["employee_id"] == "E1001"  # type organization, not the custom badge id
    assert (attrs["admin"], attrs["guest"], attrs["x_workspace_member"]) == (True, False, True)
    # Bound as "user:bob@eu.acme.example", listed as "Bob@EU.acme.example".
    bob = people.one("user", "user:bob@eu.acme.example").attributes
    assert (bob["mfa"], bob["mfa_enforced"], bob["email"]) == (
        False, False, "bob@eu.acme.example")
    assert len([r for r in people.resources if r.id == "user:alice@acme.example"]) == 1


def test_users_bound_nowhere_are_emitted_once_in_the_customer_account(
        people: Collected) -> None:
    carol = people.one("user", "user:carol@acme.example")
    assert (carol.account, carol.provider) == (CUSTOMER, "gcp")
    assert carol.source.startswith("admin.googleapis.com/admin/directory/v1/users/")
    # Suspended: cannot sign in; the epoch means she never signed in.
    assert (carol.attributes["enabled"], carol.attributes["last_active"]) == (False, "never")
    dave = people.one("user", "user:dave@acme.example").attributes
    assert (dave["enabled"], dave["last_active"]) == (True, "never")
    assert dave["created"] == datetime(2026, 11, 20, tzinfo=UTC)
    assert "user:alice@acme.example" not in {r.id for r in people.resources
                                              if r.account == CUSTOMER}


def test_account_wide_facts(people: Collected) -> None:
    account = people.one("account", f"projects/{PROJECT}").attributes
    assert account["root_mfa"] is True  # the one super admin, alice, is enrolled
    # Bob can sign in without 2SV enforced (carol is suspended and does not count).
    assert account["mfa_enforced"] is False


def test_paging_and_request_shape(fake: FakeGoogle, people: Collected) -> None:
    seen = [s for s in fake.seen if s.path == USERS]
    assert [s.query.get("pageToken") for s in seen] == [None, ["1"]]  # read once, paged
    assert {s.query["customer"][0] for s in seen} == {CUSTOMER}
    assert {s.headers.get("authorization") for s in seen} == {f"Bearer {TOKEN}"}


def test_root_mfa_fails_when_a_super_admin_is_not_enrolled(fake: FakeGoogle) -> None:
    seed_platform(fake)
    seed_directory(fake, [[user("root@acme.example", isAdmin=True, isEnrolledIn2Sv=False),
                           user("old-root@acme.example", isAdmin=True, suspended=True,
                                isEnrolledIn2Sv=False)]])
    seed_resource_manager(fake)
    got = run(options(fake, services=("account",), workspace_customer=CUSTOMER))
    account = got.one("account", f"projects/{PROJECT}").attributes
    assert (account["root_mfa"], account["mfa_enforced"]) == (False, True)


def test_archived_users_cannot_sign_in(fake: FakeGoogle) -> None:
    seed_platform(fake)
    seed_directory(fake, [[user("gone@acme.example", archived=True)]])
    seed_resource_manager(fake)
    seed_iam(fake)
    got = run(options(fake, services=("iam",), workspace_customer=CUSTOMER))
    assert got.one("user", "user:gone@acme.example").attributes["enabled"] is False


@pytest.mark.parametrize("reason", [None, "IAM_PERMISSION_DENIED"])
def test_a_refused_listing_is_an_error_for_users_and_accounts(fake: FakeGoogle,
                                                              reason: str | None) -> None:
    seed_platform(fake)
    fake.deny("GET", USERS, reason=reason, message="Not Authorized to access this resource")
    seed_resource_manager(fake)
    seed_iam(fake)
    got = run(options(fake, services=("account", "iam"), workspace_customer=CUSTOMER))
    error = got.error("admin.directory.users.list")
    assert (error.code, error.resource_types, error.account, error.scope) == (
        reason or "PERMISSION_DENIED", ("user", "account"), CUSTOMER,
        f"workspace customer {CUSTOMER}")
    alice = got.one("user", "user:alice@acme.example").attributes
    assert not {"mfa", "enabled", "last_active", "x_workspace_member"} & set(alice)
    assert "root_mfa" not in got.one("account", f"projects/{PROJECT}").attributes
    assert not [r for r in got.resources if r.account == CUSTOMER]


def test_without_a_customer_id_the_directory_is_never_called(fake: FakeGoogle) -> None:
    seed_platform(fake)
    seed_resource_manager(fake)
    seed_iam(fake)
    got = run(options(fake, services=("account", "iam")))
    assert not [p for p in fake.paths() if p.startswith("/admin")]
    assert got.errors == []
    assert "mfa" not in got.one("user", "user:alice@acme.example").attributes
    assert "root_mfa" not in got.one("account", f"projects/{PROJECT}").attributes


def test_impersonation_needs_delegating_credentials(fake: FakeGoogle) -> None:
    seed_platform(fake)
    seed_resource_manager(fake)
    seed_iam(fake)
    got = run(options(fake, services=("iam",), workspace_customer=CUSTOMER,
                      workspace_admin="admin@acme.example"))
    error = got.error("auth.workspace")
    assert error.code == "GoogleAuthError" and "domain-wide delegation" in error.message
    assert error.resource_types == ("user", "account")
    assert not [p for p in fake.paths() if p.startswith("/admin")]
