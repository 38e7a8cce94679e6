"""NOT_ASSESSED versus ERROR: decided by the providers' declarations, never guessed."""

from datetime import UTC, datetime
from typing import Any

import pytest

from mamori.checks.engine import Engine
from mamori.checks.findings import Finding
from mamori.checks.model import Resource, Status
from mamori.checks.observability import Elsewhere, Observability, conformance, declared
from mamori.checks.ruleset import compile_rule, load_rules
from mamori.checks.vocabulary import VOCABULARY
from tests.checks.conftest import WriteRule

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)
HR = Elsewhere("the cloud keeps no HR status", "give an HR inventory joined by e-mail")
CLOUD = declared("cloud", {"user": [a for a in VOCABULARY["user"] if a != "employment"]},
                 {"user": {"employment": HR}})

LEAVER_RULE = """\
when: {attr: employment, eq: leaver}
assert: {attr: enabled, eq: false}
"""
ANY_RULE = """\
assert: {any: [{attr: employment, eq: active}, {attr: mfa, eq: true}]}
"""


def run(write_rule: WriteRule, body: str, provider: str, **attrs: Any) -> Finding | None:
    [spec] = load_rules([write_rule(body, resource="user")])
    engine = Engine([compile_rule(spec, AS_OF)],
                    lambda name: CLOUD if name == "cloud" else None)
    found = list(engine.evaluate(Resource(type="user", id="u1", provider=provider,
                                          attributes=attrs)))
    return found[0] if found else None


def test_a_fact_the_provider_can_never_observe_is_not_assessed(write_rule: WriteRule) -> None:
    finding = run(write_rule, LEAVER_RULE, "cloud", enabled=True)
    assert finding is not None and finding.status is Status.NOT_ASSESSED
    assert finding.needs == {"employment": HR.source}
    assert "employment" in finding.message and "HR inventory" in finding.message


def test_the_same_gap_in_a_source_without_declarations_is_error(write_rule: WriteRule) -> None:
    # An on-prem inventory that leaves the column out did not tell: unknown, ERROR.
    finding = run(write_rule, LEAVER_RULE, "onprem", enabled=True)
    assert finding is not None and finding.status is Status.ERROR


def test_a_supplied_fact_that_is_absent_is_error(write_rule: WriteRule) -> None:
    # The provider says it reads mfa: absent means the read failed.
    finding = run(write_rule, "assert: {attr: mfa, eq: true}\n", "cloud")
    assert finding is not None and finding.status is Status.ERROR


def test_one_supplied_gap_among_unobservable_ones_is_error(write_rule: WriteRule) -> None:
    finding = run(write_rule, ANY_RULE, "cloud")  # employment never, mfa should have been
    assert finding is not None and finding.status is Status.ERROR
    assert set(finding.missing) == {"employment", "mfa"}


def test_decided_findings_ignore_declarations(write_rule: WriteRule) -> None:
    # mfa true decides the any() whatever employment is: PASS, not NOT_ASSESSED.
    finding = run(write_rule, ANY_RULE, "cloud", mfa=True)
    assert finding is not None and finding.status is Status.PASS


def test_a_filled_unobservable_fact_is_judged(write_rule: WriteRule) -> None:
    finding = run(write_rule, LEAVER_RULE, "cloud", employment="leaver", enabled=True)
    assert finding is not None and finding.status is Status.FAIL


def test_wrong_kind_is_error_even_when_declared_elsewhere(write_rule: WriteRule) -> None:
    finding = run(write_rule, "assert: {attr: employment, gt: 3}\n", "cloud",
                  employment="active")
    assert finding is not None and finding.status is Status.ERROR


def test_list_item_fields_count_as_their_list() -> None:
    decl = declared("p", {"user": ["enabled"]},
                    {"user": {"access_keys": HR}})
    assert decl.unobservable("user", "access_keys[0].last_used") is HR
    assert decl.unobservable("user", "enabled") is None


def _user(**attrs: Any) -> Resource:
    return Resource(type="user", id="u", provider="cloud", attributes=attrs)


def test_conformance_finds_each_kind_of_disagreement() -> None:
    decl = declared("cloud", {"user": ["enabled", "mfa"]}, {"user": {"employment": HR}})
    problems = conformance(decl, [_user(enabled=True, admin=True),
                                  Resource(type="host", id="h", provider="cloud")])
    text = "\n".join(problems)
    assert "neither supplied nor declared elsewhere" in text  # incomplete classification
    assert "user: emitted but not declared: admin" in text
    assert "user: declared supplied but never emitted: mfa" in text
    assert "host: emitted but not declared" in text


def test_conformance_of_a_complete_declaration_is_empty() -> None:
    fields = list(VOCABULARY["account"])
    decl = Observability("cloud", {"account": frozenset(fields)})
    nested = {"root_mfa": True, "public_access_block": True, "mfa_enforced": True,
              "password_policy": {"min_length": 14, "customer_configurable": True},
              "audit_log": {"enabled": True, "multi_region": True, "retention_days": 90,
                            "data_access": True}}
    assert conformance(decl, [Resource(type="account", id="a", provider="cloud",
                                       attributes=nested)]) == []


@pytest.mark.parametrize("provider", ["onprem", "other"])
def test_resources_of_other_providers_are_not_judged(provider: str) -> None:
    decl = declared("cloud", {"user": list(VOCABULARY["user"])})
    # Another provider's host is not this declaration's business.
    assert conformance(decl, [Resource(type="host", id="h", provider=provider)]) == []
