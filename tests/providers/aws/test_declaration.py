"""The AWS declaration (providers/aws/observes.py) agrees with what the provider emits.

The estate is the moto scenario collected (conftest.py) plus EC2 through the proxy that
answers Systems Manager's calls (moto does not implement them), so that every attribute
the declaration claims is emitted at least once.
"""

from __future__ import annotations

from typing import Any

from mamori.checks.observability import conformance
from mamori.checks.vocabulary import VOCABULARY
from mamori.providers.aws.observes import OBSERVES
from mamori.providers.registry import observability
from tests.providers.aws.proxy import running
from tests.providers.aws.test_ssm import ssm_rules


def test_the_declaration_matches_the_estate(scenario: Any, collected: Any,
                                            collect_with: Any) -> None:
    with running(scenario.url, *ssm_rules(scenario.ids["web"])) as proxy:
        managed = collect_with(services=["ec2"], regions=["us-east-1"], endpoint_url=proxy.url)
    assert conformance(OBSERVES, [*collected.resources, *managed.resources]) == []


def test_every_emitted_type_is_fully_classified(collected: Any) -> None:
    emitted = {r.type for r in collected.resources}
    assert emitted == set(OBSERVES.types())
    for rtype in emitted:
        known = OBSERVES.supplies.get(rtype, frozenset()) | set(OBSERVES.elsewhere.get(rtype, {}))
        assert known == set(VOCABULARY[rtype]), rtype


def test_out_of_reach_facts_name_their_source() -> None:
    assert observability("aws") is OBSERVES  # the registry hands the engine this one
    expected = {("user", "employment"): "HR inventory", ("user", "hr_matched"): "HR inventory",
                ("host", "default_credentials"): "host inventory",
                ("database", "default_credentials"): "database inventory",
                ("user", "email"): "mamori:email", ("account", "mfa_enforced"): "inventory"}
    for (rtype, attr), source in expected.items():
        found = OBSERVES.unobservable(rtype, attr)
        assert found is not None and source in found.source, (rtype, attr)
    # What an AWS API shows is never declared out of reach.
    assert OBSERVES.unobservable("bucket", "shared_key_access") is None
    assert OBSERVES.unobservable("database", "public") is None
