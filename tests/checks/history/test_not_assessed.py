"""NOT_ASSESSED in the history: its own state in drift, streaks, trend, KPIs and the store.

Expectations from docs/history.md: a failure that becomes NOT_ASSESSED was not re-checked,
so it is neither resolved nor new (unconfirmed, streak kept); NOT_ASSESSED never starts a
streak; pass rates leave it out of the denominator; the store keeps it as it is.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.checks.findings import Finding, ScanResult
from mamori.checks.history.drift import compare
from mamori.checks.history.interface import CauseCounts, FindingRecord, HistoryStore, RunRecord
from mamori.checks.history.kpi import COLUMNS, write_kpis
from mamori.checks.history.migrations import CURRENT, V1, V2
from mamori.checks.history.service import finding_records, record_run, with_history
from mamori.checks.history.sqlite import SqliteStore
from mamori.checks.history.store import open_store
from mamori.checks.model import Cause, Status
from tests.checks.history.test_drift import DAY1, DAY2, before, changes, now, previous
from tests.ci.conftest import finding

DAY3 = datetime(2026, 11, 3, tzinfo=UTC)
NA = Status.NOT_ASSESSED
NEEDS = {"employment": "give an HR inventory joined by e-mail"}


def user(rid: str, status: Status = Status.FAIL) -> Finding:
    f = finding("R1", rid, status, account="a")
    return replace(f, needs=NEEDS) if status is NA else f


def records(*findings: Finding, first: datetime | None) -> list[FindingRecord]:
    """The previous run's records, with ``first_seen`` as given (None: no streak)."""
    return [replace(r, first_seen=first) for r in before(*findings)]


def test_a_failure_that_is_not_assessed_now_is_not_resolved() -> None:
    out = compare(now(user("x", NA)), previous(), before(user("x")))
    assert changes(out) == {"x": (None, DAY1)}  # no change, streak start kept
    assert out.drift is not None
    assert out.drift.totals == {"new": 0, "persisting": 0, "resolved": 0, "unconfirmed": 1}
    assert all(n["resolved"] == 0 for n in out.drift.counts.values())


@pytest.mark.parametrize(("then", "first", "status", "change", "since"), [
    (NA, DAY1, Status.FAIL, "persisting", DAY1),   # FAIL → NOT_ASSESSED → FAIL
    (NA, DAY1, Status.ERROR, "persisting", DAY1),
    (NA, DAY1, Status.PASS, "resolved", DAY1),      # FAIL → NOT_ASSESSED → PASS
    (NA, None, Status.FAIL, "new", DAY2),           # never failing: NOT_ASSESSED → FAIL
    (Status.PASS, None, NA, None, None),            # PASS → NOT_ASSESSED: nothing to say
    (NA, None, NA, None, None),
])
def test_streaks_through_not_assessed(then: Status, first: datetime | None, status: Status,
                                      change: str | None, since: datetime | None) -> None:
    out = compare(now(user("x", status)), previous(), records(user("x", then), first=first))
    assert changes(out) == {"x": (change, since)}


def test_a_not_assessed_streak_whose_resource_is_gone_is_resolved() -> None:
    out = compare(now(user("other", Status.PASS)), previous(),
                  before(user("x", NA)) + records(user("never", NA), first=None))
    assert out.drift is not None
    (gone,) = out.drift.resolved
    assert (gone.resource.id, gone.last_status, gone.first_seen) == ("x", NA, DAY1)


def result_at(as_of: datetime, *findings: Finding) -> ScanResult:
    r = now(*findings)
    return replace(r, run=replace(r.run, as_of=as_of, started=as_of, finished=as_of))


def nightly(store: HistoryStore, as_of: datetime, *findings: Finding) -> ScanResult:
    result = with_history(store, result_at(as_of, *findings))
    record_run(store, result, 0)
    return result


def check_round_trip(store: HistoryStore) -> None:
    """Three nights: FAIL, NOT_ASSESSED, FAIL again; what is stored and read back."""
    nightly(store, DAY1, user("x"), user("y", Status.PASS))
    second = nightly(store, DAY2, user("x", NA), user("y", Status.PASS))
    third = nightly(store, DAY3, user("x"), user("y", Status.PASS))
    runs = store.runs()
    assert runs[1].counts["NOT_ASSESSED"] == 1 and "NOT_ASSESSED" not in runs[2].counts
    assert runs[1].id is not None
    (stored,) = [f for f in store.findings(runs[1].id) if f.resource_id == "x"]
    assert (stored.status, stored.change, stored.first_seen) == ("NOT_ASSESSED", None, DAY1)
    assert stored in finding_records(second)
    x = next(f for f in third.findings if f.resource.id == "x")
    assert (x.change, x.first_seen) == ("persisting", DAY1)  # the streak carried through
    counts = store.cause_counts([runs[1].id])[runs[1].id]
    insider = next(c for c in counts if c.cause == Cause.INSIDER.value)
    assert (insider.passed, insider.failed, insider.not_assessed) == (1, 0, 1)
    assert insider.pass_rate == 1.0  # NOT_ASSESSED left out of the denominator
    trend = {p.run_id: p.pass_rates[Cause.INSIDER] for p in third.trend}
    assert trend == {runs[2].id: 0.5, runs[1].id: 1.0, None: 0.5}


def test_sqlite_round_trip_with_not_assessed(tmp_path: Path) -> None:
    with open_store(tmp_path / "h.db") as store:
        assert store.schema_version() == CURRENT == 3
        check_round_trip(store)


def test_a_version_2_store_migrates_and_backfills_not_assessed(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO schema_version VALUES (2)")
        for statement in (*V1, *V2):
            conn.execute(statement.format(pk="INTEGER PRIMARY KEY AUTOINCREMENT"))
        conn.execute("INSERT INTO runs VALUES (1, ?, ?, ?, '[\"gcp\"]', '[]', 's1', 'h', "
                     "'0.1.0', 0, 2, '{\"PASS\": 1, \"NOT_ASSESSED\": 1}')",
                     (DAY1.isoformat(),) * 3)
        conn.executemany("INSERT INTO findings VALUES (1, ?, 'R', ?, 'high', 'user', ?, '', "
                         "'gcp', '', 'insider', NULL, NULL)",
                         [("a", "PASS", "u1"), ("b", "NOT_ASSESSED", "u2")])
        conn.execute("INSERT INTO run_causes VALUES (1, 'insider', 1, 0, 0, 0, 1)")
    with SqliteStore(path) as store:
        assert store.schema_version() == 3
        (counts,) = store.cause_counts([1])[1]
        assert counts == CauseCounts("insider", 1, 0, 0, 0, True, 1)


def test_kpis_count_not_assessed_and_leave_it_out_of_the_rates(tmp_path: Path) -> None:
    with open_store(tmp_path / "h.db") as store:
        nightly(store, DAY1, user("x"), user("y", Status.PASS), user("z", NA), user("w", NA))
        out = io.StringIO()
        write_kpis(store, store.runs(), out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff")))
    assert COLUMNS[-1] == "not_assessed"  # appended, earlier columns keep their place
    assert (row["findings"], row["pass"], row["fail"], row["not_assessed"]) == (
        "4", "1", "1", "2")
    assert row["pass_rate"] == "0.5000" and row["pass_rate_insider"] == "0.5000"


def test_history_list_shows_the_not_assessed_column(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mamori.checks.history.commands import history

    with open_store(tmp_path / "h.db") as store:
        nightly(store, DAY1, user("x"), user("z", NA))
    shown = CliRunner().invoke(history, ["list", "--history", str(tmp_path / "h.db")])
    assert shown.exit_code == 0, shown.output
    head, _, first = shown.output.splitlines()[:3]
    assert "NOT_ASSESSED" in head.split()
    cells = first.split()
    assert cells[head.split().index("NOT_ASSESSED")] == "1"


_STATUSES = st.sampled_from([Status.PASS, Status.FAIL, Status.ERROR, Status.WAIVED, NA])


@settings(max_examples=60)
@given(st.lists(_STATUSES, min_size=1, max_size=6))
def test_a_streak_is_never_resolved_by_not_assessed(nights: list[Status]) -> None:
    """Over any sequence of nights, a finding is resolved only on a PASS night (or when
    gone), NOT_ASSESSED never gets a change, and first_seen of a persisting failure is the
    first failing night after the last PASS."""
    previous_run: RunRecord | None = None
    records: list[FindingRecord] = []
    streak_start: datetime | None = None
    for i, status in enumerate(nights):
        as_of = DAY1 + timedelta(days=i)
        result = compare(result_at(as_of, user("x", status)), previous_run, records)
        (f,) = result.findings
        failing = status in (Status.FAIL, Status.ERROR, Status.WAIVED)
        if status is NA:
            assert f.change is None and f.first_seen == streak_start
        elif failing:
            expected = "persisting" if streak_start is not None else "new"
            streak_start = streak_start or as_of
            assert (f.change, f.first_seen) == (expected, streak_start)
        else:
            assert f.change == ("resolved" if streak_start is not None else None)
            streak_start = None
        records = finding_records(result)
        previous_run = RunRecord(as_of, as_of, as_of, ("files",), ("onprem:a",), "k", "h",
                                 "0", 0, 1, id=i + 1)
