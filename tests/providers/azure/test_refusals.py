"""Refusals of the calls added for issue 12: the facts they would give stay absent.

As in test_failures: each test breaks one API of the canned tenant and checks that the
failure is reported and that exactly the facts it would have given are unknown, never a
guessed true/false (admin, internet exposure, customer keys).
"""

from __future__ import annotations

from tests.providers.azure import scenario as s
from tests.providers.azure import scenario_graph as g
from tests.providers.azure.azure_server import AzureServer
from tests.providers.azure.conftest import MakeOptions, by_name, collect, errors, resources

DENIED = {"error": {"code": "Authorization_RequestDenied",
                    "message": "Insufficient privileges to complete the operation."}}
ARM_DENIED = {"error": {"code": "AuthorizationFailed", "message": "no authorization"}}
DEFINITIONS = "/roleManagement/directory/roleDefinitions"


def test_unreadable_privilege_flags_leave_directory_admin_unknown(
        server: AzureServer, options: MakeOptions) -> None:
    server.fail(f"/graph/beta{DEFINITIONS}", 403, DENIED)
    server.fail(f"{s.GRAPH}{DEFINITIONS}", 403, DENIED)
    items = collect(options(services=("graph", "authorization")))
    assert {e.operation for e in errors(items)} == {f"graph:GET {DEFINITIONS}"}
    users = resources(items, "user")
    assert "admin" not in users[s.ALICE].attributes  # Global Administrator, unprovable now
    assert "admin" not in users[s.FRANK].attributes  # never "not admin" by his role names
    assert users[s.BOB].attributes["admin"] is True  # Owner: proven through RBAC
    [account] = resources(items, "account").values()
    assert "root_mfa" not in account.attributes


def test_the_flag_from_v1_is_used_when_beta_is_refused(server: AzureServer,
                                                       options: MakeOptions) -> None:
    beta = server.routes[(f"/graph/beta{DEFINITIONS}".lower(), "")]
    server.fail(f"/graph/beta{DEFINITIONS}", 403, DENIED)
    server.add(f"{s.GRAPH}{DEFINITIONS}", beta)
    items = collect(options(services=("graph",)))
    assert not errors(items)  # the refused beta call was only a first try
    users = resources(items, "user")
    assert users[s.ERIN].attributes["x_admin_via"] == ["directoryRole:Global Reader"]


def test_a_role_without_a_privilege_flag_is_a_failed_read(server: AzureServer,
                                                          options: MakeOptions) -> None:
    answer = server.routes[(f"/graph/beta{DEFINITIONS}".lower(), "")]
    answer["value"] = [d for d in answer["value"] if d["templateId"] != g.EXCHANGE_ADMIN]
    items = collect(options(services=("graph",)))
    [error] = errors(items)
    assert (error.operation, error.code) == (f"graph:GET {DEFINITIONS}",
                                             "UnknownRolePrivilege")
    assert "Exchange Administrator" in error.message
    assert "admin" not in resources(items, "user")[s.FRANK].attributes


def test_refused_load_balancer_listing_leaves_exposure_unknown(
        server: AzureServer, options: MakeOptions) -> None:
    server.fail(f"{s.sub_path(s.SUB_A)}/providers/Microsoft.Network/loadBalancers", 403,
                ARM_DENIED)
    items = collect(options(services=("compute",)))
    [error] = errors(items)
    assert error.operation == "Microsoft.Network/loadBalancers/read"
    assert by_name(items, "host", "vm1").attributes["internet_facing"] is True  # public IP
    for name in ("vm2", "vm3"):  # a public balancer might forward to them: never false
        assert "internet_facing" not in by_name(items, "host", name).attributes


def test_refused_encryption_protector_leaves_the_key_type_unknown(
        server: AzureServer, options: MakeOptions) -> None:
    server.fail(f"{s.sql_id('sql-public')}/encryptionProtector/current", 403, ARM_DENIED)
    items = collect(options(services=("sql",)))
    [error] = errors(items)
    assert error.operation == "Microsoft.Sql/servers/encryptionProtector/read"
    assert "customer_managed_key" not in by_name(items, "database", "sql-public").attributes
    assert by_name(items, "database", "sql-private").attributes["customer_managed_key"] is False


def test_refused_conditional_access_leaves_mfa_enforcement_unknown(
        server: AzureServer, options: MakeOptions) -> None:
    server.fail(f"{s.GRAPH}/identity/conditionalAccess/policies", 403, DENIED)
    items = collect(options(services=("graph",)))
    assert [e.operation for e in errors(items)] == [
        "graph:GET /identity/conditionalAccess/policies"]
    [account] = resources(items, "account").values()
    assert "mfa_enforced" not in account.attributes  # security defaults are off: unknown
    assert all("mfa_enforced" not in u.attributes for u in resources(items, "user").values())
