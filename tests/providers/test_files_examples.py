"""The bundled ACME estate loads cleanly, covers every type, and mixes pass/fail/unknown."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from mamori.checks.model import DataClass, Resource
from mamori.checks.vocabulary import RESOURCE_TYPES
from mamori.providers.files.provider import FilesProvider

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "acme"


@pytest.fixture(scope="module")
def estate() -> list[Resource]:
    items = list(FilesProvider([EXAMPLES]).collect())
    assert all(isinstance(item, Resource) for item in items)
    return [item for item in items if isinstance(item, Resource)]


def by_id(estate: list[Resource], type_: str, id_: str) -> Resource:
    [found] = [r for r in estate if r.type == type_ and r.id == id_]
    return found


def test_every_type_has_3_to_10_records(estate: list[Resource]) -> None:
    counts = Counter(r.type for r in estate)
    assert set(counts) == set(RESOURCE_TYPES)
    assert all(3 <= n <= 10 for n in counts.values()), counts


def test_clouds_and_on_prem(estate: list[Resource]) -> None:
    assert {r.provider for r in estate} == {"aws", "azure", "onprem"}


def test_formats_and_encodings_are_all_used() -> None:
    suffixes = Counter(p.suffix for p in EXAMPLES.rglob("*") if p.is_file())
    assert suffixes[".yaml"] >= 5 and suffixes[".csv"] >= 4 and suffixes[".json"] >= 1
    assert (EXAMPLES / "users.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (EXAMPLES / "onprem" / "hosts.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (EXAMPLES / "onprem" / "endpoints.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    people = (EXAMPLES / "hr" / "people.csv").read_bytes()
    assert "田中".encode("cp932") in people
    with pytest.raises(UnicodeDecodeError):
        people.decode("utf-8")


def test_customer_database(estate: list[Resource]) -> None:
    db = by_id(estate, "database", "acme-customer-db")
    assert db.name == "顧客DB (customer database)"
    assert db.records == 52000
    assert db.data_classes == (DataClass.PERSONAL, DataClass.PAYMENT)


def test_values_from_the_shift_jis_hr_export(estate: list[Resource]) -> None:
    person = by_id(estate, "person", "E1002")
    assert person.name == "鈴木 彩香"
    assert person.source.endswith("examples/acme/hr/people.csv:row 3")
    assert person.attributes == {"employment": "active",  # 在籍
                                 "emails": ["suzuki.ayaka@acme-shoji.co.jp"],
                                 "accounts": ["suzuki.ayaka"],
                                 "training_completed": date(2025, 10, 1),
                                 "phishing_drill_failed": True,
                                 "x_department": "営業部", "x_office": "東京本社"}
    leaver = by_id(estate, "person", "E1004").attributes
    assert (leaver["training_completed"], leaver["employment"], leaver["left_on"]) == (
        "never", "leaver", date(2026, 7, 31))  # never, 退職, 2026/07/31
    assert by_id(estate, "person", "E2004").attributes["employment"] == "contractor"  # 契約社員


def test_mix_of_pass_fail_and_unknown(estate: list[Resource]) -> None:
    # open admin ports from the internet and a well-scoped rule
    ssh = by_id(estate, "firewall_rule", "sg-0b22c33d44e55f66a/ssh-in")
    assert ssh.attributes["ports"] == [[22, 22]]
    assert ssh.attributes["sources"] == ["0.0.0.0/0"]
    assert by_id(estate, "firewall_rule", "nsg-acme-hr/allow-rdp").attributes["ports"] == [
        [3389, 3389]]
    assert "sources" not in by_id(estate, "firewall_rule", "osk-rt01/filter-200").attributes
    # a leaver still enabled, with an unused key; a user whose MFA is unknown
    leaver = by_id(estate, "user", "yamamoto.kenji")
    assert (leaver.attributes["employment"], leaver.attributes["enabled"]) == ("leaver", True)
    assert leaver.attributes["access_keys"][0]["last_used"] == "never"
    assert "mfa" not in by_id(estate, "user", "dev-sandbox").attributes
    # hosts: はい/いいえ and 有/無 cells, an unknown patch date
    assert by_id(estate, "host", "tky-dc01").attributes["disk_encrypted"] is True
    legacy = by_id(estate, "host", "osk-legacy01").attributes
    assert (legacy["default_credentials"], legacy["os_version"]) == (True, "6.10")
    assert "last_patched" not in legacy
    # physical and supply chain
    assert by_id(estate, "facility", "osk-branch-rack").attributes["access_control"] == "key"
    assert by_id(estate, "facility", "tky-colo-dc").attributes["access_control"] == "ic_card"
    # a blank certificate cell in the disposal ledger: nothing on file
    assert by_id(estate, "media_disposal", "DSP-2026-002").attributes["certificate"] is False
    assert by_id(estate, "vendor", "V-002").attributes["last_assessment"] == "never"
