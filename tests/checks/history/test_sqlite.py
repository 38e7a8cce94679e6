"""The SQLite store: round trip, migration from version 1, prune, concurrent writers."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mamori.checks.history.interface import CauseCounts, FindingRecord, HistoryError, RunRecord
from mamori.checks.history.migrations import CURRENT, V1
from mamori.checks.history.sqlite import SqliteStore
from mamori.checks.history.store import open_store
from tests.checks.history.conftest import Estate, host

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def run(day: int, scope: str = "s1", started: datetime | None = None) -> RunRecord:
    at = T0 + timedelta(days=day)
    return RunRecord(as_of=at, started=started or at, finished=at, providers=("files: x",),
                     accounts=("onprem:dc1",), scope_key=scope, ruleset_hash="sha256:ab",
                     tool_version="0.1.0", exit_code=1, resources=1,
                     counts={"FAIL": 1})


def rec(fp: str, status: str = "FAIL", first: datetime | None = T0) -> FindingRecord:
    return FindingRecord(fp, "MAM-HOST-001", status, "high", "host", f"id-{fp}", "n",
                         "onprem", "dc1", ("vulnerability", "external_attack"), "new", first)


def test_round_trip(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "sub" / "h.db") as store:
        assert store.schema_version() == CURRENT
        run_id = store.record(run(0), [rec("a"), rec("b", "PASS", None)],
                              [CauseCounts("vulnerability", 1, 1, 0, 0, True)])
        assert store.findings(run_id) == [rec("a"), rec("b", "PASS", None)]
        previous = store.previous_run("s1", T0)
        assert previous is not None and previous.id == run_id and previous.as_of == T0
        assert store.previous_run("other", T0) is None
        assert store.previous_run("s1", T0 - timedelta(days=1)) is None
        counts = store.cause_counts([run_id])[run_id]
        assert counts == [CauseCounts("vulnerability", 1, 1, 0, 0, True)]
        assert counts[0].pass_rate == 0.5


def test_prune_keeps_the_latest_run_of_each_scope(tmp_path: Path) -> None:
    old = datetime(2020, 1, 1, tzinfo=UTC)
    with open_store(tmp_path / "h.db") as store:
        ids = [store.record(run(d, started=old + timedelta(days=d)), [rec("a")], [])
               for d in range(3)]
        other = store.record(run(0, "s2", started=old), [rec("a")], [])
        assert store.prune(datetime(2021, 1, 1, tzinfo=UTC)) == 2
        assert {r.id for r in store.runs()} == {ids[2], other}
        assert store.findings(ids[0]) == []


def test_migrates_a_version_1_store(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO schema_version VALUES (1)")
        for statement in V1:
            conn.execute(statement.format(pk="INTEGER PRIMARY KEY AUTOINCREMENT"))
        conn.execute("INSERT INTO runs VALUES (1, ?, ?, ?, '[\"files\"]', '[]', 's1', 'h', "
                     "'0.0.9', 1, 2)", (T0.isoformat(),) * 3)
        conn.executemany("INSERT INTO findings VALUES (1, ?, 'R', ?, 'high', 'host', ?, '', "
                         "'onprem', '', 'vulnerability,external_attack')",
                         [("a", "FAIL", "h1"), ("b", "PASS", "h2")])
    with SqliteStore(path) as store:
        assert store.schema_version() == CURRENT
        (old,) = store.runs()
        assert old.tool_version == "0.0.9" and old.counts == {"FAIL": 1, "PASS": 1}
        counts = {c.cause: c for c in store.cause_counts([1])[1]}
        assert counts["vulnerability"].pass_rate == 0.5
        assert {f.fingerprint: f.change for f in store.findings(1)} == {"a": None, "b": None}
        store.record(run(1), [rec("a")], [])  # and the migrated store takes new runs
        assert len(store.runs()) == 2


def test_unusable_path_is_a_history_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(HistoryError, match="history sqlite"):
        SqliteStore(tmp_path / "file" / "h.db")
    (tmp_path / "junk.db").write_bytes(b"not a database" * 100)
    with pytest.raises(HistoryError):
        SqliteStore(tmp_path / "junk.db")


_WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from mamori.checks.history.interface import FindingRecord, RunRecord
from mamori.checks.history.sqlite import SqliteStore
path, who = sys.argv[1], sys.argv[2]
store = SqliteStore(__import__("pathlib").Path(path))
t = datetime(2026, 11, 1, tzinfo=UTC)
for i in range(40):
    run = RunRecord(t + timedelta(minutes=i), t, t, ("files",), (), who, "h", "0", 0, 1)
    findings = [FindingRecord(f"{who}-{i}-{n}", "R", "FAIL", "high", "host", str(n), "",
                              "onprem", "", ("vulnerability",)) for n in range(200)]
    store.record(run, findings, [])
store.close()
"""


def test_two_processes_writing_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(path), who],
                              stderr=subprocess.PIPE, text=True) for who in ("one", "two")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        per_scope = dict(conn.execute("SELECT scope_key, COUNT(*) FROM runs GROUP BY 1"))
        findings = conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0]
    assert per_scope == {"one": 40, "two": 40}
    assert findings == 2 * 40 * 200


def test_two_scans_at_once_on_one_history(estate: Estate) -> None:
    estate.write(host("h-a", "2026-10-25", 2), host("h-b", "2026-08-01", 0))
    procs = [subprocess.Popen(
        [sys.executable, "-m", "mamori.checks.cli", "scan", "--inventory",
         str(estate.inventory), "--as-of", day, "--history", str(estate.db), "--format",
         "json", "--out", str(estate.root / day), "-q"],
        stderr=subprocess.PIPE, text=True, cwd=estate.root) for day in ("2026-11-01",
                                                                          "2026-11-02")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1, err
        assert "not recorded" not in err
    with sqlite3.connect(estate.db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 2
        per_run = conn.execute("SELECT run_id, COUNT(*) FROM findings GROUP BY 1").fetchall()
    assert len(per_run) == 2 and per_run[0][1] == per_run[1][1] > 0
    assert json.loads((estate.root / "2026-11-02" / "mamori-report.json").read_text())["drift"]
