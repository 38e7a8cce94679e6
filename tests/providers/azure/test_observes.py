"""The azure declaration agrees with what the provider emits on its test estates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mamori.checks.model import Resource
from mamori.checks.observability import conformance
from mamori.checks.vocabulary import VOCABULARY
from mamori.providers.azure.observes import OBSERVES
from mamori.providers.registry import observability
from tests.providers.azure import clean, scenario
from tests.providers.azure.azure_server import AzureServer
from tests.providers.azure.conftest import (
    client_secret_credential,
    collect,
    options_for,
    running_server,
)


def _estate(certificate: tuple[Path, Path], estate: Callable[[AzureServer], None],
            tenant: str) -> list[Resource]:
    with running_server(certificate, estate, tenant) as srv:
        credential = client_secret_credential(srv, certificate)
        found = collect(options_for(srv, certificate, credential)())
    return [r for r in found if isinstance(r, Resource)]


def test_the_declaration_matches_both_estates(certificate: tuple[Path, Path]) -> None:
    resources = (_estate(certificate, scenario.install, scenario.TENANT)
                 + _estate(certificate, clean.install, clean.TENANT))
    assert conformance(OBSERVES, resources) == []
    # Every type the provider emits is declared, and nothing else.
    assert {r.type for r in resources} == set(OBSERVES.types())


def test_every_vocabulary_attribute_of_an_emitted_type_is_classified() -> None:
    assert OBSERVES.undeclared() == {}
    for rtype in OBSERVES.types():
        supplied = OBSERVES.supplies.get(rtype, frozenset())
        elsewhere = set(OBSERVES.elsewhere.get(rtype, {}))
        assert not supplied & elsewhere, rtype  # one classification per attribute
        assert supplied | elsewhere <= set(VOCABULARY[rtype]), rtype


def test_what_is_out_of_reach_names_a_source() -> None:
    for rtype, attrs in OBSERVES.elsewhere.items():
        for attr, where in attrs.items():
            assert where.reason and where.source, (rtype, attr)
    employment = OBSERVES.unobservable("user", "employment")
    assert employment is not None and "HR inventory" in employment.source
    defaults = OBSERVES.unobservable("host", "default_credentials")
    assert defaults is not None and "not visible to ARM" in defaults.reason
    assert defaults.source.startswith("give a host inventory")


def test_the_registry_serves_this_declaration() -> None:
    assert observability("azure") is OBSERVES
