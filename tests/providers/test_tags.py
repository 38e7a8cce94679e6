"""The data-class and records tags every cloud provider and the plan mapper read."""

from __future__ import annotations

import pytest

from mamori.checks.model import DataClass
from mamori.providers.tags import data_classes, records

P, S, PAY = DataClass.PERSONAL, DataClass.SENSITIVE_PERSONAL, DataClass.PAYMENT


@pytest.mark.parametrize(("tags", "expected"), [
    ({}, ()),
    ({"mamori:data-classes": "personal,payment"}, (P, PAY)),
    ({"mamori-data-classes": "personal-payment"}, (P, PAY)),  # GCP labels: no commas
    ({"mamori:data_classes": "sensitive_personal"}, (S,)),
    ({"mamori:data-classes": "Sensitive-Personal; payment"}, (S, PAY)),
    ({"Mamori:Data-Classes": "personal"}, (P,)),
    ({"data_classes": "personal"}, (P,)),  # plans written before the prefix
    ({"mamori:data-classes": ""}, ()),
])
def test_data_classes(tags: dict[str, str], expected: tuple[DataClass, ...]) -> None:
    assert data_classes(tags) == expected


@pytest.mark.parametrize("value", ["personl", "personal,secret", "pii"])
def test_an_unknown_word_makes_the_classes_unknown_never_none(value: str) -> None:
    # A typo must not read as "no personal data": that would switch rules off silently.
    assert data_classes({"mamori:data-classes": value}) is None


@pytest.mark.parametrize(("tags", "expected"), [
    ({}, None), ({"mamori:records": "52000"}, 52000), ({"mamori-records": "52,000"}, 52000),
    ({"mamori:records": "many"}, None), ({"mamori:records": "-5"}, None),
])
def test_records(tags: dict[str, str], expected: int | None) -> None:
    assert records(tags) == expected
