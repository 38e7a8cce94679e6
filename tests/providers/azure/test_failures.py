"""Refusals, throttling past retries and timeouts: a CollectionError, attributes absent.

Each test breaks one API of the canned tenant and checks that the failure is reported
with its operation and scope, that exactly the facts it would have given are absent
(never a True/False guess), and that everything else is still collected.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.providers.azure import scenario as s
from tests.providers.azure.azure_server import TOKEN, AzureServer
from tests.providers.azure.conftest import (
    MakeOptions,
    by_name,
    collect,
    errors,
    resources,
)

DENIED = {"error": {"code": "Authorization_RequestDenied",
                    "message": "Insufficient privileges to complete the operation."}}
ARM_DENIED = {"error": {"code": "AuthorizationFailed",
                        "message": "The client does not have authorization to perform action."}}
THROTTLED = {"error": {"code": "TooManyRequests", "message": "Rate limit exceeded"}}


def test_refused_mfa_report_leaves_mfa_absent(server: AzureServer, options: MakeOptions) -> None:
    server.fail(f"{s.GRAPH}/reports/authenticationMethods/userRegistrationDetails", 403, DENIED)
    items = collect(options(services=("graph",)))
    [error] = errors(items)
    assert error.operation == "graph:GET /reports/authenticationMethods/userRegistrationDetails"
    assert error.code == "Authorization_RequestDenied"
    assert error.scope == f"tenant {s.TENANT}"
    assert error.account == s.TENANT
    users = resources(items, "user")
    assert len(users) == 6
    assert all("mfa" not in u.attributes for u in users.values())
    assert all("enabled" in u.attributes for u in users.values())  # the rest is there
    [account] = resources(items, "account").values()
    assert "root_mfa" not in account.attributes
    assert account.attributes["mfa_enforced"] is True


def test_refused_role_assignments_leave_admin_unknown(server: AzureServer,
                                                      options: MakeOptions) -> None:
    server.fail(f"{s.sub_path(s.SUB_A)}/providers/Microsoft.Authorization/roleAssignments",
                403, ARM_DENIED)
    items = collect(options(services=("graph", "authorization")))
    [error] = errors(items)
    assert error.operation == "Microsoft.Authorization/roleAssignments/read"
    assert error.resource_types == ("role",)
    assert error.account == s.SUB_A
    users = resources(items, "user")
    assert "admin" not in users[s.BOB].attributes  # Owner could not be seen: unknown
    assert "admin" not in users[s.FRANK].attributes
    assert users[s.ALICE].attributes["admin"] is True  # Global Administrator is proven
    assert not resources(items, "role")  # the service principals were not seen


def test_throttling_past_retries_is_an_error(server: AzureServer, options: MakeOptions) -> None:
    server.fail(f"{s.sub_path(s.SUB_A)}/providers/Microsoft.Sql/servers", 429, THROTTLED,
                headers={"Retry-After": "0"})
    items = collect(options(services=("sql",), max_retries=1))
    [error] = errors(items)
    assert error.operation == "Microsoft.Sql/servers/read"
    assert error.code == "TooManyRequests"
    assert error.resource_types == ("database",)
    assert not resources(items, "database")
    assert len(server.requests_to(f"/subscriptions/{s.SUB_A}/providers/microsoft.sql")) == 2


def test_graph_throttling_past_retries_is_an_error(server: AzureServer,
                                                  options: MakeOptions) -> None:
    server.fail(f"{s.GRAPH}/directoryRoles", 429, THROTTLED, headers={"Retry-After": "0"})
    items = collect(options(services=("graph", "authorization"), max_retries=1))
    [error] = errors(items)
    assert error.operation == "graph:GET /directoryRoles"
    assert error.code == "TooManyRequests"
    users = resources(items, "user")
    assert users[s.BOB].attributes["admin"] is True  # proven by RBAC
    assert "admin" not in users[s.FRANK].attributes  # a directory role might exist
    assert "admin" not in users[s.ALICE].attributes


def test_timeout_is_an_error(server: AzureServer, options: MakeOptions) -> None:
    server.fail(f"{s.sub_path(s.SUB_A)}/providers/Microsoft.Compute/disks", 200, {"value": []},
                delay=1.5)
    items = collect(options(services=("compute",), max_retries=0, read_timeout=0.5))
    [error] = errors(items)
    assert error.operation == "Microsoft.Compute/disks/read"
    assert error.resource_types == ("volume",)
    assert error.code in ("ServiceResponseError", "ServiceResponseTimeoutError")
    assert not resources(items, "volume")
    assert "disk_encrypted" not in by_name(items, "host", "vm1").attributes


def test_refused_sign_in_activity_falls_back_without_last_active(
        server: AzureServer, options: MakeOptions) -> None:
    server.fail(f"{s.GRAPH}/users", 403, {"error": {
        "code": "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
        "message": "Neither tenant is B2C or tenant doesn't have premium license"}},
        query_contains="signInActivity")
    items = collect(options(services=("graph",)))
    [error] = errors(items)
    assert error.operation == "graph:GET /users?$select=signInActivity"
    users = resources(items, "user")
    assert len(users) == 6
    assert all("last_active" not in u.attributes for u in users.values())
    assert users[s.ALICE].attributes["mfa"] is True


def test_refused_subscription_listing_errors_every_arm_type(server: AzureServer,
                                                            options: MakeOptions) -> None:
    server.fail("/subscriptions", 403, ARM_DENIED)
    items = collect(options())
    listing = [e for e in errors(items) if e.operation == "Microsoft.Resources/subscriptions/read"]
    assert len(listing) == 1
    assert set(listing[0].resource_types) >= {"bucket", "firewall_rule", "volume", "host",
                                              "database", "role"}
    assert not [r for r in resources(items).values() if r.type not in ("user", "account")]
    users = resources(items, "user")
    assert users[s.ALICE].attributes["admin"] is True
    assert "admin" not in users[s.FRANK].attributes  # subscriptions unknown: not "false"


def test_named_subscriptions_only(server: AzureServer, options: MakeOptions) -> None:
    items = collect(options(subscriptions=(s.SUB_B.upper(),), services=("storage",)))
    assert not errors(items)
    [bucket] = resources(items, "bucket").values()
    assert bucket.account == s.SUB_B
    assert not server.requests_to(s.SUB_A)
    assert not server.requests_to("/graph/")


def test_unusable_credential_gives_errors_not_resources(
        server: AzureServer, certificate: tuple[Path, Path], options: MakeOptions) -> None:
    from azure.identity import ClientSecretCredential

    wrong = ClientSecretCredential("00000000-0000-4000-8000-000000000000", "client", "secret",
                                   authority=server.url, disable_instance_discovery=True,
                                   connection_verify=str(certificate[0]))
    items = collect(options(credential=wrong))
    assert not resources(items)
    assert errors(items)
    assert {e.code for e in errors(items)} <= {"ClientAuthenticationError", "HTTP404"}


def test_token_never_logged_or_yielded(server: AzureServer, options: MakeOptions,
                                       caplog: pytest.LogCaptureFixture) -> None:
    server.fail(f"{s.GRAPH}/directoryRoles", 403, DENIED)
    server.fail(f"{s.sub_path(s.SUB_A)}/providers/Microsoft.Compute/disks", 403, ARM_DENIED)
    with caplog.at_level(logging.DEBUG):
        items = collect(options())
    assert errors(items)
    assert TOKEN not in repr(items)
    assert TOKEN not in caplog.text
    assert "not-a-real-secret" not in caplog.text


def test_graph_next_link_to_another_host_is_refused(server: AzureServer,
                                                    options: MakeOptions) -> None:
    first = server.routes[(f"{s.GRAPH}/users".lower(), "")]
    first["@odata.nextLink"] = "https://graph.example.invalid/v1.0/users?$skiptoken=p2"
    items = collect(options(services=("graph",)))
    codes = {e.operation: e.code for e in errors(items)}
    assert codes["graph:GET /users"] == "UnexpectedNextLink"
    assert not resources(items, "user")  # half a listing is not passed off as the whole
