"""Waivers: file validation with locations, anchored globs, expiry boundary, gate effect."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mamori.checks.errors import WaiverError
from mamori.checks.model import Severity, Status
from mamori.ci.gate import ExitCode, GatePolicy, decide
from mamori.ci.waivers import (
    WaiverEntry,
    apply_waivers,
    check_against_rules,
    compile_glob,
    load_waivers,
)
from tests.ci.conftest import AS_OF, finding, result, write

ENTRY = """\
waivers:
  - rule: {rule}
    resource: {resource}
    reason: legacy system, replaced in Q1
    owner: alice@example.com
    ticket: SEC-1
    expires: {expires}
"""


def waiver_file(tmp_path: Path, rule: str = "MAM-IAM-001", resource: str = "web-1",
                expires: str = "2026-12-31", extra: str = "") -> Path:
    text = ENTRY.format(rule=rule, resource=resource, expires=expires) + extra
    return write(tmp_path / "waivers.yaml", text)


def entry(rule: str = "MAM-IAM-001", resource: str = "web-1",
          expires: date = date(2026, 12, 31), provider: str | None = None,
          account: str | None = None) -> WaiverEntry:
    from mamori.checks.errors import Location

    return WaiverEntry(rule=rule, resource=resource, reason="r", owner="alice", ticket="SEC-1",
                       expires=expires, location=Location("w.yaml", 2), provider=provider,
                       account=account)


def bad(tmp_path: Path, text: str) -> WaiverError:
    with pytest.raises(WaiverError) as info:
        load_waivers(write(tmp_path / "waivers.yaml", text))
    return info.value


# --- loading -----------------------------------------------------------------------------

def test_valid_file_loads_with_locations(tmp_path: Path) -> None:
    extra = """\
  - rule: MAM-NET-*
    resource: sg-*
    provider: aws
    account: "123456789012"
    reason: r
    owner: bob
    ticket: SEC-2
    expires: "2027-01-15"
"""
    entries = load_waivers(waiver_file(tmp_path, extra=extra))
    assert [e.rule for e in entries] == ["MAM-IAM-001", "MAM-NET-*"]
    assert entries[0].expires == date(2026, 12, 31)
    assert entries[1].expires == date(2027, 1, 15)
    assert (entries[1].provider, entries[1].account) == ("aws", "123456789012")
    assert entries[0].provider is None and entries[0].account is None
    assert (entries[0].location.line, entries[1].location.line) == (2, 8)


def test_empty_list_is_valid(tmp_path: Path) -> None:
    assert load_waivers(write(tmp_path / "w.yaml", "waivers: []\n")) == []


def test_missing_expires_names_file_line_and_key(tmp_path: Path) -> None:
    err = bad(tmp_path, "waivers:\n  - rule: A\n    resource: b\n    reason: r\n"
                        "    owner: o\n    ticket: t\n")
    assert "missing required key 'expires'" in err.message
    assert err.location is not None and err.location.line == 2
    assert str(err.location).endswith("waivers.yaml:2: waivers[0]")


@pytest.mark.parametrize("value", ['"2026-02-30"', "31/12/2026", "soon", '"2026-1-5"'])
def test_bad_date_is_located(tmp_path: Path, value: str) -> None:
    err = bad(tmp_path, ENTRY.format(rule="A", resource="b", expires=value))
    assert err.location is not None
    assert (err.location.line, err.location.key) == (7, "waivers[0].expires")


def test_impossible_unquoted_date_is_a_waiver_error(tmp_path: Path) -> None:
    # PyYAML itself rejects 2026-02-30; it must still be exit 2 naming the file.
    err = bad(tmp_path, ENTRY.format(rule="A", resource="b", expires="2026-02-30"))
    assert err.location is not None and err.location.file.endswith("waivers.yaml")


def test_datetime_expiry_is_refused(tmp_path: Path) -> None:
    err = bad(tmp_path, ENTRY.format(rule="A", resource="b", expires="2026-12-31T10:00:00Z"))
    assert "expected a date" in err.message


def test_unknown_key_is_located_with_suggestion(tmp_path: Path) -> None:
    err = bad(tmp_path, ENTRY.format(rule="A", resource="b", expires="2026-12-31")
              + "    expiry: 2026-12-31\n")
    assert "unknown key 'expiry'" in err.message and "did you mean 'expires'" in err.message
    assert err.location is not None
    assert (err.location.line, err.location.key) == (8, "waivers[0].expiry")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    err = bad(tmp_path, "waiver: []\n")
    assert "unknown key 'waiver'" in err.message


@pytest.mark.parametrize("text", ["", "- just a list\n", "waivers: []\n---\nwaivers: []\n"])
def test_not_one_mapping_is_an_error_not_an_empty_list(tmp_path: Path, text: str) -> None:
    assert "one YAML mapping" in bad(tmp_path, text).message


def test_blank_owner_is_refused(tmp_path: Path) -> None:
    text = ENTRY.format(rule="A", resource="b", expires="2026-12-31").replace(
        "alice@example.com", '"  "')
    err = bad(tmp_path, text)
    assert "'owner' must not be blank" in err.message
    assert err.location is not None and err.location.line == 5


def test_unquoted_numeric_account_is_refused(tmp_path: Path) -> None:
    err = bad(tmp_path, ENTRY.format(rule="A", resource="b", expires="2026-12-31")
              + "    account: 123456789012\n")
    assert "expected string" in err.message


def test_match_everything_waiver_is_refused(tmp_path: Path) -> None:
    err = bad(tmp_path, ENTRY.format(rule="'*'", resource="'*'", expires="2026-12-31"))
    assert "would cover every finding" in err.message and "match_all: true" in err.message
    assert err.location is not None
    assert (err.location.line, err.location.key) == (2, "waivers[0].rule")


# A waiver covering every finding switches the gate off: refused in every spelling,
# unless it says match_all. "Everything" per component: a rule pattern of only
# wildcard-looking characters, or one with '*' that matches every loaded rule id; a
# resource pattern of only wildcard-looking characters; no provider/account qualifier.
LOADED = ["MAM-IAM-001", "MAM-NET-001", "MAM-HOST-001"]


@pytest.mark.parametrize(("rule", "resource"), [
    ("'*'", "'*'"), ("'**'", "'*'"), ("'*?*'", "'**'"), ("'.*'", "'*'"), ("'*'", "'?'"),
    ("' * '", "'*?'"), ("'^.*$'", "'.+*'"),
])
def test_match_everything_spellings_are_refused_when_loading(tmp_path: Path, rule: str,
                                                             resource: str) -> None:
    err = bad(tmp_path, ENTRY.format(rule=rule, resource=resource, expires="2026-12-31"))
    assert "would cover every finding" in err.message


@pytest.mark.parametrize("rule", ["MAM-*", "M*", "'*-*'", "'*0*'"])
def test_a_rule_pattern_matching_every_loaded_rule_is_refused(tmp_path: Path,
                                                             rule: str) -> None:
    waivers = load_waivers(waiver_file(tmp_path, rule=rule, resource="'*'"))
    with pytest.raises(WaiverError, match="matches all 3 loaded rules") as info:
        check_against_rules(waivers, LOADED)
    assert info.value.location is not None
    assert (info.value.location.line, info.value.location.key) == (2, "waivers[0].rule")


@pytest.mark.parametrize(("rule", "resource", "extra"), [
    ("MAM-IAM-*", "'*'", ""),                       # not every loaded rule
    ("MAM-*", "web-*", ""),                         # not every resource
    ("'*'", "web-1", ""),                           # one resource, every rule
    ("MAM-*", "'*'", "    provider: aws\n"),         # narrowed by a qualifier
    ("MAM-*", "'*'", "    account: '111'\n"),
    ("'*'", "'*'", "    match_all: true\n"),         # said explicitly
    ("MAM-*", "'*'", "    match_all: true\n"),
    ("MAM-IAM-001", "'*'", ""),                     # an exact id is not a pattern
])
def test_narrower_or_explicit_waivers_are_accepted(tmp_path: Path, rule: str, resource: str,
                                                   extra: str) -> None:
    waivers = load_waivers(waiver_file(tmp_path, rule=rule, resource=resource, extra=extra))
    check_against_rules(waivers, LOADED)


def test_match_all_waiver_does_cover_every_failure(tmp_path: Path) -> None:
    waivers = load_waivers(waiver_file(tmp_path, rule="'*'", resource="'*'",
                                       extra="    match_all: true\n"))
    assert waivers[0].match_all and waivers[0].to_dict()["match_all"] is True
    res = result(finding("MAM-IAM-001", "web-1"), finding("MAM-NET-001", "sg-1"))
    assert {f.status for f in apply_waivers(res, waivers, AS_OF).result.findings} == {
        Status.WAIVED}


@pytest.mark.parametrize(("key", "value"), [("account", "'*'"), ("provider", "aws*"),
                                            ("account", "'12?'")])
def test_wildcards_in_exact_qualifiers_are_refused(tmp_path: Path, key: str, value: str) -> None:
    err = bad(tmp_path, ENTRY.format(rule="A", resource="b", expires="2026-12-31")
              + f"    {key}: {value}\n")
    assert "exact value, not a pattern" in err.message
    assert err.location is not None and err.location.key == f"waivers[0].{key}"


def test_match_all_must_be_a_boolean(tmp_path: Path) -> None:
    err = bad(tmp_path, ENTRY.format(rule="'*'", resource="'*'", expires="2026-12-31")
              + "    match_all: 'yes'\n")
    assert err.location is not None and err.location.key == "waivers[0].match_all"


def test_scan_options_check_waivers_against_the_loaded_rules(tmp_path: Path) -> None:
    from mamori.ci.scan_options import load_gate_inputs

    inputs = load_gate_inputs(waiver_file(tmp_path, rule="MAM-*", resource="'*'"), None)
    with pytest.raises(WaiverError):
        inputs.check_rules(LOADED)
    # not checked yet: apply() checks against the result's rules, never lets it through
    with pytest.raises(WaiverError):
        inputs.apply(result(finding("MAM-IAM-001", "web-1")), AS_OF)
    checked = inputs.check_rules([*LOADED, "ACME-1"])  # a custom rule it does not match
    out, _ = checked.apply(result(finding("MAM-IAM-001", "web-1")), AS_OF)
    assert out.findings[0].status is Status.WAIVED


def test_duplicate_key_is_located(tmp_path: Path) -> None:
    err = bad(tmp_path, ENTRY.format(rule="A", resource="b", expires="2026-12-31")
              + "    owner: mallory\n")
    assert "duplicate key 'owner'" in err.message
    assert err.location is not None and err.location.line == 8


def test_missing_file_is_a_waiver_error(tmp_path: Path) -> None:
    with pytest.raises(WaiverError):
        load_waivers(tmp_path / "nope.yaml")


# --- matching ----------------------------------------------------------------------------

@pytest.mark.parametrize(("pattern", "text", "expected"), [
    ("MAM-IAM-*", "MAM-IAM-001", True),
    ("MAM-IAM-*", "XMAM-IAM-1", False),          # anchored at the start
    ("MAM-IAM-00*", "MAM-IAM-001-extra", True),   # '*' spans the rest
    ("MAM-IAM-001", "MAM-IAM-0011", False),       # anchored at the end
    ("mam-iam-*", "MAM-IAM-001", False),          # case-sensitive
    ("web-*", "web-1", True),
    ("web-*", "old-web-1", False),
    ("*-web", "old-web", True),
    ("aws_s3_bucket.x[0]", "aws_s3_bucket.x[0]", True),  # brackets are literal
    ("aws_s3_bucket.x[0]", "aws_s3_bucket.x0", False),
    ("a.b", "axb", False),                        # '.' is literal
    ("a?c", "abc", False),                        # '?' is literal
])
def test_globs_are_anchored_and_literal(pattern: str, text: str, expected: bool) -> None:
    assert (compile_glob(pattern).fullmatch(text) is not None) is expected


def test_rule_and_resource_must_both_match() -> None:
    w = entry(rule="MAM-IAM-*", resource="web-*")
    assert w.matches(finding("MAM-IAM-001", "web-1"))
    assert not w.matches(finding("XMAM-IAM-1", "web-1"))
    assert not w.matches(finding("MAM-IAM-001", "old-web-1"))
    assert not w.matches(finding("MAM-NET-001", "web-1"))


def test_provider_and_account_qualifiers_are_exact() -> None:
    w = entry(provider="aws", account="111")
    assert w.matches(finding("MAM-IAM-001", "web-1", provider="aws", account="111"))
    assert not w.matches(finding("MAM-IAM-001", "web-1", provider="aws", account="222"))
    assert not w.matches(finding("MAM-IAM-001", "web-1", provider="azure", account="111"))


# --- expiry boundary ---------------------------------------------------------------------
# Decided: `expires: D` covers findings while as_of's UTC date <= D.

@pytest.mark.parametrize(("expires", "status"), [
    (AS_OF.date() - timedelta(days=1), Status.FAIL),   # expired yesterday
    (AS_OF.date(), Status.WAIVED),                     # last day: still covered
    (AS_OF.date() + timedelta(days=1), Status.WAIVED),
])
def test_expiry_boundary(expires: date, status: Status) -> None:
    outcome = apply_waivers(result(finding("MAM-IAM-001", "web-1")), [entry(expires=expires)],
                            AS_OF)
    assert outcome.result.findings[0].status is status
    assert (len(outcome.expired) == 1) is (status is Status.FAIL)


def test_last_second_of_the_day_is_still_covered() -> None:
    late = datetime(2026, 11, 29, 23, 59, 59, tzinfo=UTC)
    next_day = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    w = entry(expires=date(2026, 11, 29))
    assert w.valid_on(late) and not w.valid_on(next_day)


def test_boundary_is_the_utc_day() -> None:
    # 08:00 in Tokyo on Nov 30 is still Nov 29 in UTC: covered; 09:00 JST is Nov 30 UTC.
    jst = timezone(timedelta(hours=9))
    w = entry(expires=date(2026, 11, 29))
    assert w.valid_on(datetime(2026, 11, 30, 8, 0, tzinfo=jst))
    assert not w.valid_on(datetime(2026, 11, 30, 9, 0, tzinfo=jst))


# --- applying ----------------------------------------------------------------------------

def test_waived_finding_carries_who_and_until_when() -> None:
    outcome = apply_waivers(result(finding("MAM-IAM-001", "web-1")), [entry()], AS_OF)
    f = outcome.result.findings[0]
    assert f.status is Status.WAIVED and f.waiver is not None
    assert (f.waiver.owner, f.waiver.ticket, f.waiver.reason) == ("alice", "SEC-1", "r")
    assert f.waiver.expires == datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert outcome.waived == 1 and outcome.unused == () and outcome.expired == ()


def test_error_is_never_waived_and_the_waiver_is_unused() -> None:
    res = result(finding("MAM-IAM-001", "web-1", Status.ERROR))
    outcome = apply_waivers(res, [entry()], AS_OF)
    assert outcome.result.findings[0].status is Status.ERROR
    assert outcome.result.findings[0].waiver is None
    assert outcome.unused == (entry(),)


def test_pass_is_untouched_and_its_waiver_is_unused() -> None:
    outcome = apply_waivers(result(finding("MAM-IAM-001", "web-1", Status.PASS)), [entry()],
                            AS_OF)
    assert outcome.result.findings[0].status is Status.PASS
    assert len(outcome.unused) == 1


def test_expired_waiver_is_listed_and_counts_what_it_no_longer_hides() -> None:
    old = entry(expires=date(2026, 11, 1))
    unrelated = entry(resource="db-9", expires=date(2026, 1, 1))
    res = result(finding("MAM-IAM-001", "web-1"))
    outcome = apply_waivers(res, [old, unrelated], AS_OF)
    assert outcome.result.findings[0].status is Status.FAIL
    assert outcome.expired == (old, unrelated)
    assert outcome.reopened == (1, 0)
    assert outcome.unused == ()


def test_first_valid_match_in_file_order_wins() -> None:
    first, second = entry(resource="web-*"), entry(resource="web-1")
    outcome = apply_waivers(result(finding("MAM-IAM-001", "web-1")), [first, second], AS_OF)
    assert outcome.unused == (second,)


def test_a_valid_waiver_wins_over_an_expired_one() -> None:
    old, new = entry(expires=date(2026, 1, 1)), entry(expires=date(2027, 1, 1))
    outcome = apply_waivers(result(finding("MAM-IAM-001", "web-1")), [old, new], AS_OF)
    assert outcome.result.findings[0].status is Status.WAIVED
    assert outcome.reopened == (0,)


def test_input_result_is_not_mutated() -> None:
    res = result(finding("MAM-IAM-001", "web-1"))
    apply_waivers(res, [entry()], AS_OF)
    assert res.findings[0].status is Status.FAIL


# --- the gate ----------------------------------------------------------------------------

def gate(res_findings: list[Status], waivers: list[WaiverEntry]) -> ExitCode:
    res = result(*(finding("MAM-IAM-001", f"web-{i}", s, Severity.CRITICAL)
                   for i, s in enumerate(res_findings)))
    return decide(apply_waivers(res, waivers, AS_OF).result, GatePolicy()).exit_code


def test_gate_passes_when_every_fail_is_waived() -> None:
    assert gate([Status.FAIL], [entry(resource="web-*")]) is ExitCode.OK


def test_gate_fails_when_the_waiver_expired_yesterday() -> None:
    assert gate([Status.FAIL], [entry(resource="web-*", expires=date(2026, 11, 28))]) \
        is ExitCode.FAILED


def test_gate_fails_on_a_fail_the_waiver_does_not_name() -> None:
    assert gate([Status.FAIL, Status.FAIL], [entry(resource="web-0")]) is ExitCode.FAILED


def test_gate_stays_incomplete_when_an_error_is_waived() -> None:
    assert gate([Status.ERROR], [entry(resource="web-*")]) is ExitCode.INCOMPLETE
