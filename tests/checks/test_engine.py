"""Evaluation: three-valued logic, ERROR naming what is missing, evidence, masking."""

from datetime import UTC, date, datetime
from typing import Any

from mamori.checks.engine import Engine
from mamori.checks.findings import Finding
from mamori.checks.model import CollectionError, DataClass, Resource, Status
from mamori.checks.ruleset import compile_rule, load_rules
from tests.checks.conftest import WriteRule

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)


def run(write_rule: WriteRule, body: str, resource: str, **attrs: Any) -> Finding | None:
    [spec] = load_rules([write_rule(body, resource=resource)])
    engine = Engine([compile_rule(spec, AS_OF)])
    res = Resource(type=resource, id="r1", provider="onprem", attributes=attrs)
    found = list(engine.evaluate(res))
    return found[0] if found else None


MFA_RULE = """\
when: {all: [{attr: enabled, eq: true}, {attr: console_access, eq: true}]}
assert: {attr: mfa, eq: true}
"""


def test_pass_fail_and_not_applicable(write_rule: WriteRule) -> None:
    f = run(write_rule, MFA_RULE, "user", enabled=True, console_access=True, mfa=True)
    assert f is not None and f.status is Status.PASS
    f = run(write_rule, MFA_RULE, "user", enabled=True, console_access=True, mfa=False)
    assert f is not None and f.status is Status.FAIL
    assert f.evidence == {"enabled": True, "console_access": True, "mfa": False}
    assert run(write_rule, MFA_RULE, "user", enabled=False, console_access=True) is None


def test_absent_attribute_is_error_naming_it(write_rule: WriteRule) -> None:
    f = run(write_rule, MFA_RULE, "user", enabled=True, console_access=True)
    assert f is not None and f.status is Status.ERROR
    assert f.missing == ("mfa",)
    assert "mfa" in f.message


def test_unknown_when_is_error_but_false_part_decides(write_rule: WriteRule) -> None:
    f = run(write_rule, MFA_RULE, "user", enabled=True, mfa=True)  # console_access unknown
    assert f is not None and f.status is Status.ERROR
    assert f.missing == ("console_access",)
    # all(false, unknown) is false: the rule does not apply, whatever the unknown part.
    assert run(write_rule, MFA_RULE, "user", enabled=False) is None


def test_any_true_beats_unknown(write_rule: WriteRule) -> None:
    body = "assert: {any: [{attr: mfa, eq: true}, {attr: console_access, eq: false}]}\n"
    f = run(write_rule, body, "user", console_access=False)
    assert f is not None and f.status is Status.PASS
    f = run(write_rule, body, "user", console_access=True)
    assert f is not None and f.status is Status.ERROR


def test_not_of_unknown_is_unknown(write_rule: WriteRule) -> None:
    f = run(write_rule, "assert: {not: {attr: admin, eq: true}}\n", "user")
    assert f is not None and f.status is Status.ERROR


def test_exists_is_never_unknown(write_rule: WriteRule) -> None:
    body = "assert: {attr: verified_by, exists: true}\n"
    f = run(write_rule, body, "media_disposal")
    assert f is not None and f.status is Status.FAIL
    f = run(write_rule, body, "media_disposal", verified_by="総務部 山田")
    assert f is not None and f.status is Status.PASS


def test_wrong_kind_is_error(write_rule: WriteRule) -> None:
    f = run(write_rule, "assert: {attr: screen_lock_minutes, lte: 15}\n", "endpoint",
            screen_lock_minutes="fifteen")
    assert f is not None and f.status is Status.ERROR
    assert "wrong kind" in f.message


KEYS = """\
assert:
  attr: access_keys
  none:
    all:
      - {attr: active, eq: true}
      - {attr: created, older_than_days: 90}
"""


def test_quantifier_over_objects(write_rule: WriteRule) -> None:
    fresh = {"id": "k1", "active": True, "created": date(2026, 9, 1)}
    old_inactive = {"id": "k2", "active": False, "created": date(2020, 1, 1)}
    old_active = {"id": "k3", "active": True, "created": date(2026, 8, 30)}
    f = run(write_rule, KEYS, "user", access_keys=[fresh, old_inactive])
    assert f is not None and f.status is Status.PASS
    f = run(write_rule, KEYS, "user", access_keys=[fresh, old_active])
    assert f is not None and f.status is Status.FAIL
    f = run(write_rule, KEYS, "user", access_keys=[])
    assert f is not None and f.status is Status.PASS  # no keys: nothing to rotate
    f = run(write_rule, KEYS, "user", access_keys=[{"id": "k4", "active": True}])
    assert f is not None and f.status is Status.ERROR
    assert f.missing == ("access_keys[0].created",)


def test_quantifier_over_scalars(write_rule: WriteRule) -> None:
    body = "assert: {attr: sources, none: {cidr_contains: ['0.0.0.0/0', '::/0']}}\n"
    f = run(write_rule, body, "firewall_rule", sources=["10.0.0.0/8", "::/0"])
    assert f is not None and f.status is Status.FAIL
    f = run(write_rule, body, "firewall_rule", sources=["10.0.0.0/8"])
    assert f is not None and f.status is Status.PASS


def test_secret_attributes_are_redacted(write_rule: WriteRule) -> None:
    body = ("assert: {all: [{attr: password_hash, exists: true},"
            " {attr: default_credentials, eq: false}]}\n")
    f = run(write_rule, body, "network_device", password_hash="$8$abc$def",
            default_credentials=True)
    assert f is not None and f.status is Status.FAIL
    assert f.evidence["password_hash"] == "[redacted]"
    assert "$8$" not in f.message


def test_envelope_fields_are_reachable(write_rule: WriteRule) -> None:
    body = ("when: {attr: data_classes, contains_any: [personal, payment]}\n"
            "assert: {attr: usb_storage_blocked, eq: true}\n")
    [spec] = load_rules([write_rule(body, resource="endpoint")])
    engine = Engine([compile_rule(spec, AS_OF)])
    holder = Resource(type="endpoint", id="pc1", provider="onprem",
                      data_classes=(DataClass.PERSONAL,), attributes={"usb_storage_blocked": False})
    other = Resource(type="endpoint", id="pc2", provider="onprem",
                     attributes={"usb_storage_blocked": False})
    assert [f.status for f in engine.evaluate(holder)] == [Status.FAIL]
    assert list(engine.evaluate(other)) == []
    assert engine.stats()["T-RULE-1"].resources_seen == 2
    assert engine.stats()["T-RULE-1"].not_applicable == 1


def test_failed_listing_gives_error_findings(write_rule: WriteRule) -> None:
    [spec] = load_rules([write_rule("assert: {attr: public, eq: false}\n", resource="bucket")])
    engine = Engine([compile_rule(spec, AS_OF)])
    err = CollectionError(provider="aws", operation="s3:ListBuckets", scope="account 1",
                          code="AccessDenied", message="denied", resource_types=("bucket",),
                          account="1")
    [finding] = engine.collection_failed(err)
    assert finding.status is Status.ERROR
    assert "AccessDenied" in finding.message


def test_patch_date_after_as_of_is_error_with_the_reason(write_rule: WriteRule) -> None:
    body = "assert: {attr: last_patched, within_days: 30}\n"
    f = run(write_rule, body, "host", last_patched=date(2027, 1, 5))
    assert f is not None and f.status is Status.ERROR
    assert f.message == ("cannot decide: last_patched 2027-01-05 is after as_of 2026-11-29: a "
                         "date that cannot be true (more than 24 hours ahead)")
    assert f.evidence == {"last_patched": date(2027, 1, 5)}
    f = run(write_rule, body, "host", last_patched=date(2026, 11, 30))  # within the skew
    assert f is not None and f.status is Status.PASS


def test_impossible_date_inside_a_list_item_is_error(write_rule: WriteRule) -> None:
    future = {"id": "k1", "active": True, "created": date(2026, 1, 1),
              "last_used": date(2030, 1, 1)}
    body = ("assert: {attr: access_keys, none: {all: [{attr: active, eq: true},"
            " {attr: last_used, older_than_days: 90}]}}\n")
    f = run(write_rule, body, "user", access_keys=[future])
    assert f is not None and f.status is Status.ERROR
    assert "access_keys[0].last_used 2030-01-01 is after as_of" in f.message


def test_ignore_case_keeps_the_observed_value_in_evidence(write_rule: WriteRule) -> None:
    body = "assert: {attr: admin_username, not_in: [sa, root], ignore_case: true}\n"
    f = run(write_rule, body, "database", admin_username="SA")
    assert f is not None and f.status is Status.FAIL
    assert f.evidence == {"admin_username": "SA"}
    assert "ignoring case" in f.message
    f = run(write_rule, body, "database", admin_username="app_owner")
    assert f is not None and f.status is Status.PASS


def test_not_in_on_a_list_is_error_not_pass(write_rule: WriteRule) -> None:
    body = "assert: {attr: admin_username, not_in: [sa, root]}\n"
    f = run(write_rule, body, "database", admin_username=["sa"])
    assert f is not None and f.status is Status.ERROR
    assert "wrong kind (list) for 'not_in'" in f.message


def test_sources_union_is_judged_whole(write_rule: WriteRule) -> None:
    body = "assert: {not: {attr: sources, cidr_union_covers: ['0.0.0.0/0', '::/0']}}\n"
    f = run(write_rule, body, "firewall_rule", sources=["0.0.0.0/1", "128.0.0.0/1"])
    assert f is not None and f.status is Status.FAIL
    f = run(write_rule, body, "firewall_rule", sources=["::ffff:0.0.0.0/96"])
    assert f is not None and f.status is Status.FAIL
    f = run(write_rule, body, "firewall_rule", sources=["0.0.0.0/1"])
    assert f is not None and f.status is Status.PASS


def test_secret_reason_is_not_echoed(write_rule: WriteRule) -> None:
    body = "assert: {attr: x_api_token, within_days: 30}\n"
    f = run(write_rule, body, "host", x_api_token=date(2031, 1, 1))
    assert f is not None and f.status is Status.ERROR
    assert "2031" not in f.message
    assert "x_api_token cannot be judged by 'within_days' (secret: reason withheld)" in f.message
