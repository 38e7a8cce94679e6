"""Which keys are secret, and masking at any depth (mamori.checks.secrets)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.checks import vocabulary as vocab
from mamori.checks.compiler import REDACTED as COMPILER_REDACTED
from mamori.checks.model import Resource
from mamori.checks.secrets import (
    RAW_HIDDEN,
    REDACTED,
    WithheldResource,
    mask_evidence,
    mask_value,
    overlapping,
    safe_resource,
    secret_name,
    secret_path,
    withheld_reads,
)

# Names a person reading them would call secrets, spelt the ways APIs and exports do.
SECRET_NAMES = [
    "password", "Password", "db_password", "dbPassword", "DB-PASSWORD", "admin password",
    "passwd", "passphrase", "pwd", "user_pwd", "secret", "client_secret", "clientSecret",
    "x_secret_access_key", "SecretAccessKey", "token", "access_token", "sasToken",
    "refresh-token", "api_key", "apiKey", "APIKey", "apikey", "private_key", "privateKey",
    "ssh_key", "credential", "credentials", "x_creds", "connection_string",
    "ConnectionString", "conn_str", "sas", "sas_url", "password_hash", "hash", "salt",
    "pin", "pin_code", "otp", "jwt", "session_cookie", "authorization", "bearer",
    "AccountKey", "shared_key", "master_key", "signing_key", "encryption_key",
    "パスワード", "管理者パスワード", "暗証番号", "秘密鍵", "サーバ秘密鍵", "APIトークン",
]
# Names that are about secrets, or merely look like them, and whose values are facts.
NOT_SECRET_NAMES = [
    "last_used", "mfa", "mfa_enabled", "password_policy", "min_length",
    "password_min_length", "password_last_changed", "token_expires_at", "secret_name",
    "secret_arn", "hash_algorithm", "key_id", "access_keys", "id", "owner", "spinner",
    "pinned", "shashank", "customer_managed_key", "encrypted", "public", "name", "tags",
    "sassy", "otpauth_enabled", "password_set", "token_type",
]


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_names_that_say_secret(name: str) -> None:
    assert secret_name(name)


@pytest.mark.parametrize("name", NOT_SECRET_NAMES)
def test_names_that_do_not(name: str) -> None:
    assert not secret_name(name)


def test_one_redaction_marker_everywhere() -> None:
    assert REDACTED == COMPILER_REDACTED


@pytest.mark.parametrize(("rtype", "path", "secret"), [
    ("network_device", "password_hash", True),   # the vocabulary marks it
    ("account", "password_policy.min_length", False),  # a number about passwords
    ("database", "default_credentials", False),  # documented yes/no, whatever its name
    ("user", "access_keys.last_used", False),
    ("user", "access_keys.x_secret_access_key", True),
    ("user", "access_keys[0].x_secret_access_key", True),
    ("host", "raw", True),
    ("host", "raw.Instances.UserData", True),  # raw: innocent names hide secrets
    ("host", "x_db.admin_password", True),
    ("host", "x_creds.user", True),  # below a secret key
    ("host", "x_db.port", False),
    ("bucket", "tags.api_token", True),
    ("bucket", "tags.owner", False),
])
def test_secret_path(rtype: str, path: str, secret: bool) -> None:
    assert secret_path(rtype, path) is secret
    assert vocab.is_secret(rtype, path) is secret


SECRET = "S3CR3T-VALUE"


def test_mask_at_any_depth_and_in_list_items() -> None:
    evidence = {
        "access_keys": [{"id": "AKIA1", "active": True, "last_used": "never",
                         "x_secret_access_key": SECRET}],
        "x_db": {"admin_password": SECRET, "port": 5432, "nested": [{"token": SECRET}],
                 "password_set": True},
        "x_api_token": SECRET,
        "x_pin": 1234,  # a number can be a secret too
        "x_token_present": True,
        "raw.UserData": SECRET,
        "raw": {"innocent": SECRET},
        "tags": {"api_token": SECRET, "owner": "net-team"},
        "tags.db_password": SECRET,
        "password_hash": SECRET,
    }
    shown = mask_evidence("user", evidence)
    assert SECRET not in repr(shown)
    assert shown["access_keys"] == [{"id": "AKIA1", "active": True, "last_used": "never",
                                     "x_secret_access_key": REDACTED}]
    assert shown["x_db"] == {"admin_password": REDACTED, "port": 5432,
                             "nested": [{"token": REDACTED}], "password_set": True}
    assert shown["x_api_token"] == shown["x_pin"] == REDACTED
    assert shown["x_token_present"] is True
    assert shown["raw.UserData"] == shown["raw"] == RAW_HIDDEN
    assert shown["tags"] == {"api_token": REDACTED, "owner": "net-team"}


def test_documented_values_are_kept_as_they_are() -> None:
    evidence = {"password_policy.min_length": 8, "default_credentials": True,
                "last_active": date(2026, 1, 1), "access_keys": ({"id": "AKIA1"},)}
    assert mask_evidence("account", evidence) == evidence
    assert mask_evidence("network_device", {"password_hash": True}) == {
        "password_hash": REDACTED}  # marked secret: hidden whatever its value


def test_safe_resource_masks_secret_tags_only() -> None:
    plain = Resource(type="bucket", id="b", provider="aws", tags={"owner": "a"})
    assert safe_resource(plain) is plain
    tagged = Resource(type="bucket", id="b", provider="aws",
                      tags={"owner": "a", "DeployToken": SECRET}, attributes={"public": True})
    safe = safe_resource(tagged)
    assert safe.tags == {"owner": "a", "DeployToken": REDACTED}
    assert safe.attributes == tagged.attributes and safe.id == tagged.id


def test_withheld_reads_overlap_both_ways() -> None:
    assert overlapping(["raw.UserData", "public"], ["raw"]) == ["raw.UserData"]
    assert overlapping(["access_keys"], ["access_keys.x_secret"]) == ["access_keys"]
    assert overlapping(["x_db.port"], ["x_db.password"]) == []
    assert overlapping(["tags.api_token"], ["tags.api_token"]) == ["tags.api_token"]
    live = Resource(type="host", id="h", provider="aws")
    assert withheld_reads(live, ["raw"]) == []
    replayed = WithheldResource(type="host", id="h", provider="aws", withheld=("raw",))
    assert withheld_reads(replayed, ["raw.x", "os"]) == ["raw.x"]


# --- properties: a value under a secret key never survives masking ----------------------

_INNOCENT_KEYS = ["a", "items", "config", "value", "data", "port", "id", "password_policy"]
_PIN = 424242


@cache
def _tree(depth: int, under_secret: bool) -> st.SearchStrategy[Any]:
    """Values whose leaves are secrets exactly when a secret-named key is above them."""
    leaves = (st.sampled_from([SECRET, _PIN]) if under_secret
              else st.one_of(st.integers(0, 99), st.sampled_from(["x", "y", ""]),
                             st.booleans(), st.none()))
    if depth == 0:
        return leaves
    def mapping(keys: list[str]) -> st.SearchStrategy[Any]:
        return st.fixed_dictionaries({}, optional={
            k: _tree(depth - 1, under_secret or secret_name(k)) for k in keys})
    return st.one_of(
        leaves,
        st.lists(_tree(depth - 1, under_secret), max_size=3),
        st.one_of(*(mapping([*_INNOCENT_KEYS[:2], k]) for k in SECRET_NAMES[::6])),
        mapping(_INNOCENT_KEYS),
    )


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list | tuple):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


@settings(max_examples=80)
@given(key=st.sampled_from(["x_a", "x_config", *("x_" + n for n in SECRET_NAMES[:10])]),
       data=st.data())
def test_no_leaf_under_a_secret_key_is_shown(key: str, data: st.DataObject) -> None:
    tree = data.draw(_tree(3, secret_name(key)))
    shown = mask_value("host", key, tree)
    leaves = _leaves(shown)
    assert SECRET not in leaves and _PIN not in leaves
    if not secret_name(key) and not _secret_keys(tree):
        assert shown == tree  # no secret key in it: shown exactly as it was


def _secret_keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [k for k, v in value.items() for k in ([k] if secret_name(k) else [])
                + _secret_keys(v)]
    if isinstance(value, list | tuple):
        return [k for v in value for k in _secret_keys(v)]
    return []


@settings(max_examples=40)
@given(tree=_tree(3, False))
def test_raw_is_never_shown(tree: Any) -> None:
    assert mask_value("host", "raw", tree) == RAW_HIDDEN
    assert mask_value("host", "raw.deep.er", tree) == RAW_HIDDEN
