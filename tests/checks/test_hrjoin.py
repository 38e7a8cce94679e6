"""The HR join decides what only HR knows, for users of every provider (docs/hr-join.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from mamori.checks.config import Config
from mamori.checks.errors import InventoryError
from mamori.checks.hrjoin import HR_SOURCE, build_index, join, with_hr_facts
from mamori.checks.model import Resource, Status
from mamori.checks.observability import Elsewhere, declared
from mamori.checks.scan import ScanRequest, run_scan
from mamori.providers.files.provider import FilesProvider

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)


def person(pid: str, **attrs: Any) -> Resource:
    return Resource(type="person", id=pid, provider="onprem", source=f"hr.csv:row {pid[-1]}",
                    attributes=attrs)


def user(uid: str, provider: str = "aws", name: str = "", **attrs: Any) -> Resource:
    return Resource(type="user", id=uid, name=name or uid, provider=provider,
                    attributes=attrs)


PEOPLE = [
    person("E1", employment="active", emails=["Tanaka@Acme.example"]),
    person("E2", employment="active", left_on=date(2026, 10, 31), employee_id="00042"),
    person("E3", employment="leaver", accounts=["ACME\\kobayashi"]),
    person("E4", employment="active", left_on=date(2027, 3, 31), emails=["mori@acme.example"]),
]


@pytest.mark.parametrize(("account", "employment", "matched"), [
    # e-mail in the id, case and width folded: the active person
    (user("ｔａｎａｋａ@acme.example"), "active", True),
    # GCP writes principals as user:<email>
    (user("user:tanaka@acme.example", provider="gcp"), "active", True),
    # employee id: the record says active, but left_on is before as_of
    (user("u2", employee_id="00042"), "leaver", True),
    # another sign-in name listed on the person
    (user("acme\\KOBAYASHI", provider="onprem"), "leaver", True),
    # leaving next year: still active today
    (user("u4", email="MORI@acme.example"), "active", True),
    # nobody owns it
    (user("ci-deploy"), "unknown", False),
])
def test_join(account: Resource, employment: str, matched: bool) -> None:
    joined = join(account, build_index(PEOPLE), AS_OF)
    assert joined.attributes["hr_matched"] is matched
    assert joined.attributes["employment"] == employment


def test_a_leaver_stays_a_leaver_whatever_hr_says() -> None:
    # The account's own record says leaver; HR still lists the person as active.
    joined = join(user("u", email="tanaka@acme.example", employment="leaver"),
                  build_index(PEOPLE), AS_OF)
    assert joined.attributes["employment"] == "leaver"


def test_an_unmatched_account_keeps_its_own_status() -> None:
    joined = join(user("g", employment="contractor"), build_index(PEOPLE), AS_OF)
    assert (joined.attributes["hr_matched"], joined.attributes["employment"]) == (
        False, "contractor")


def test_one_key_claimed_by_two_people_is_an_input_error() -> None:
    with pytest.raises(InventoryError, match=r"belongs to two people: E1 .* and E9"):
        build_index([*PEOPLE, person("E9", emails=["tanaka@acme.example"])])


def test_keys_can_be_limited() -> None:
    index = build_index(PEOPLE, keys=("employee_id",))
    assert join(user("tanaka@acme.example"), index, AS_OF).attributes["hr_matched"] is False
    assert join(user("u2", employee_id="00042"), index, AS_OF).attributes["hr_matched"]


def test_without_hr_records_hr_matched_is_out_of_every_providers_reach() -> None:
    hr = Elsewhere("x", "y")
    base = declared("aws", {"user": ["enabled"]}, {"user": {"employment": hr}})
    lookup = with_hr_facts(lambda p: base if p == "aws" else None, joined=False)
    for provider in ("aws", "onprem"):
        found = lookup(provider)
        assert found is not None and found.unobservable("user", "hr_matched") == HR_SOURCE
    aws = lookup("aws")
    assert aws is not None and aws.unobservable("user", "employment") == hr
    assert with_hr_facts(lambda p: base, joined=True)("aws") is base


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_a_scan_joins_users_of_any_input_to_hr_records_of_any_input(tmp_path: Path) -> None:
    hr, it = tmp_path / "hr", tmp_path / "it"
    hr.mkdir()
    it.mkdir()
    # Users come first on the command line, HR second: the join waits for HR.
    _write(it, "users.csv", "id,enabled,email\nsato,yes,sato@acme.example\nold,yes,\n")
    _write(hr, "people.csv", "id,employment,left_on,emails,accounts\n"
                             "E1,退職,2026/10/31,sato@acme.example,\nE2,在籍,,,old\n")
    result = run_scan(ScanRequest(providers=[FilesProvider([it]), FilesProvider([hr])],
                                  config=Config(), as_of=AS_OF))
    verdict = {(f.rule.id, f.resource.id): f.status for f in result.findings
               if f.resource.type == "user"}
    assert verdict[("MAM-IAM-006", "sato")] is Status.FAIL  # a leaver still enabled
    assert ("MAM-IAM-006", "old") not in verdict  # active: the rule does not apply
