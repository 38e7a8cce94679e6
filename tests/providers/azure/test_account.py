"""The tenant account combined from its parts (pure: no server needed).

The weakest subscription decides; an unreadable one leaves the fact unknown, never
passed; no subscription at all leaves the subscription facts unknown (a gate that passes
on nothing is the second worst defect).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mamori.checks.model import CollectionError, Resource
from mamori.providers.azure.account import StorageView, TenantFacts, all_of, tenant
from mamori.providers.azure.activity import AuditFacts
from mamori.providers.azure.graph import Directory
from mamori.providers.azure.policy import PolicyFacts

A, B = "sub-a", "sub-b"


def _facts(subs: list[str], audit: dict[str, AuditFacts] | None = None,
           policy: dict[str, PolicyFacts] | None = None,
           storage: StorageView | None = None, synced: bool | None = None) -> TenantFacts:
    return TenantFacts(tenant_id="t", directory=Directory(tenant_id="t", synced=synced),
                       groups={}, subscriptions=subs, audit=audit, policy=policy,
                       storage=storage)


def _bucket(sub: str, blocked: bool, read_logged: bool | None) -> Resource:
    attrs = {"public_access_block": blocked}
    if read_logged is not None:
        attrs["x_read_logged"] = read_logged
    return Resource(type="bucket", id=f"{sub}/sa", provider="azure", account=sub,
                    attributes=attrs)


@given(st.lists(st.sampled_from([True, False, None])))
def test_all_of_is_three_valued_and(values: list[bool | None]) -> None:
    expected = False if False in values else (None if None in values else True)
    assert all_of(values) is expected


def test_platform_facts_hold_whatever_was_collected() -> None:
    account = tenant(_facts([]))
    assert account.attributes["password_policy"] == {"min_length": 8,
                                                     "customer_configurable": False}
    assert account.attributes["audit_log"] == {"enabled": True, "multi_region": True}
    # No subscription collected: how long logs are kept, and whether storage is blocked,
    # are unknown (ERROR), never passed on nothing.
    assert "public_access_block" not in account.attributes
    assert "mfa_enforced" not in account.attributes  # Graph's answers missing: unknown


def test_the_shortest_retention_decides_and_an_unknown_one_leaves_it_unknown() -> None:
    known = {A: AuditFacts(A, 365), B: AuditFacts(B, 90)}
    assert tenant(_facts([A, B], audit=known)).attributes["audit_log"]["retention_days"] == 90
    unknown = {A: AuditFacts(A, 365), B: AuditFacts(B, None)}
    assert "retention_days" not in tenant(_facts([A, B], audit=unknown)).attributes[
        "audit_log"]
    missing = {A: AuditFacts(A, 365)}  # B's task never reported (a bug, or cancelled)
    assert "retention_days" not in tenant(_facts([A, B], audit=missing)).attributes[
        "audit_log"]


def test_the_block_needs_policy_and_every_account_blocked() -> None:
    storage = StorageView()
    for item in (_bucket(A, True, True), _bucket(B, True, True)):
        storage.see(item)
    policy = {A: PolicyFacts(A, True, ("x",)), B: PolicyFacts(B, True, ("y",))}
    assert tenant(_facts([A, B], policy=policy, storage=storage)).attributes[
        "public_access_block"] is True
    storage.see(_bucket(B, False, True))  # an account of B still allows anonymous access
    account = tenant(_facts([A, B], policy=policy, storage=storage))
    assert account.attributes["public_access_block"] is False
    assert account.attributes["x_public_access_unblocked"] == [B]


def test_a_failed_storage_listing_leaves_block_and_read_logging_unknown() -> None:
    storage = StorageView()
    storage.see(_bucket(A, True, True))
    storage.see(CollectionError(provider="azure", operation="Microsoft.Storage/"
                                "storageAccounts/read", scope=f"subscription {B}",
                                code="AuthorizationFailed", message="no",
                                resource_types=("bucket",), account=B))
    policy = {A: PolicyFacts(A, True), B: PolicyFacts(B, True)}
    account = tenant(_facts([A, B], policy=policy, storage=storage))
    assert "public_access_block" not in account.attributes
    assert "data_access" not in account.attributes["audit_log"]


def test_read_logging_on_every_account_is_data_access_logging() -> None:
    storage = StorageView()
    storage.see(_bucket(A, True, True))
    assert tenant(_facts([A], storage=storage)).attributes["audit_log"]["data_access"] is True
    storage.see(_bucket(A, True, None))  # its diagnostic settings could not be read
    assert "data_access" not in tenant(_facts([A], storage=storage)).attributes["audit_log"]
    storage.see(_bucket(A, True, False))
    assert tenant(_facts([A], storage=storage)).attributes["audit_log"]["data_access"] is False


def test_a_synchronised_tenant_says_whose_policy_governs_synced_passwords() -> None:
    account = tenant(_facts([], synced=True))
    assert "AD DS" in account.attributes["x_password_policy_note"]
    assert account.attributes["password_policy"]["customer_configurable"] is False
    assert "x_password_policy_note" not in tenant(_facts([], synced=False)).attributes
