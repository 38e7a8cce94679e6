"""The PostgreSQL store against a real server started here (skipped, with the reason,
when PostgreSQL's server binaries are not installed)."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from mamori.checks.history.interface import CauseCounts, HistoryError
from mamori.checks.history.migrations import CURRENT, V1
from mamori.checks.history.postgres import PostgresStore, redact_url
from mamori.checks.history.store import open_store
from tests.checks.history import pg_server
from tests.checks.history.conftest import Estate, host
from tests.checks.history.test_sqlite import T0, rec, run

psycopg = pytest.importorskip("psycopg", reason="psycopg not installed: pip install "
                              "'mamori[postgres]'")
_names = itertools.count()


@pytest.fixture(scope="session")
def pg() -> Iterator[pg_server.PgServer]:
    try:
        server = pg_server.start()
    except pg_server.Unavailable as exc:
        print(f"\nPostgreSQL tests skipped: {exc}")
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg: pg_server.PgServer) -> str:
    name = f"t{next(_names)}"
    with psycopg.connect(pg.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return pg.url(name)


def test_not_assessed_round_trip(pg_url: str) -> None:
    from tests.checks.history.test_not_assessed import check_round_trip

    with open_store(pg_url) as store:
        check_round_trip(store)


def test_round_trip_and_prune(pg_url: str) -> None:
    with open_store(pg_url) as store:
        assert isinstance(store, PostgresStore) and store.schema_version() == CURRENT
        first = store.record(run(0), [rec("a"), rec("b", "PASS", None)],
                             [CauseCounts("vulnerability", 1, 1, 0, 0, True)])
        assert store.findings(first) == [rec("a"), rec("b", "PASS", None)]
        second = store.record(run(1), [rec("a")], [])
        previous = store.previous_run("s1", T0 + timedelta(days=5))
        assert previous is not None and previous.id == second
        assert store.cause_counts([first])[first][0].pass_rate == 0.5
        assert store.prune(T0 + timedelta(days=1)) == 1
        assert [r.id for r in store.runs()] == [second]


def test_migrates_a_version_1_database(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO schema_version VALUES (1)")
        for statement in V1:
            conn.execute(statement.format(pk="BIGSERIAL PRIMARY KEY"))
        conn.execute("INSERT INTO runs (as_of, started, finished, providers, accounts, "
                     "scope_key, ruleset_hash, tool_version, exit_code, resources) VALUES "
                     "(%s, %s, %s, '[]', '[]', 's1', 'h', '0.0.9', 0, 1)",
                     (T0.isoformat(),) * 3)
        conn.execute("INSERT INTO findings VALUES (1, 'a', 'R', 'FAIL', 'high', 'host', 'h1', "
                     "'', 'onprem', '', 'vulnerability')")
    with PostgresStore(pg_url) as store:
        assert store.schema_version() == CURRENT
        assert store.runs()[0].counts == {"FAIL": 1}
        assert store.cause_counts([1])[1][0].failed == 1


def test_bad_server_is_a_history_error_without_the_password(pg: pg_server.PgServer) -> None:
    url = f"postgresql://mamori:TOPSECRET@127.0.0.1:{pg_server.free_port()}/x"
    with pytest.raises(HistoryError) as caught:
        PostgresStore(url, connect_timeout=2)
    assert "TOPSECRET" not in str(caught.value)
    assert redact_url(url) == url.replace(":TOPSECRET", "")


def test_three_nights_and_concurrent_scans(pg_url: str, tmp_path: Path) -> None:
    estate = Estate(tmp_path)
    estate.write(host("h-a", "2026-10-25", 2), host("h-b", "2026-08-01", 0))
    assert estate.scan("2026-11-01", history=pg_url).returncode == 1
    estate.write(host("h-a", "2026-10-25", 2), host("h-b", "2026-11-01", 0))
    assert estate.scan("2026-11-02", history=pg_url).returncode == 1
    assert estate.report("2026-11-02")["drift"]["totals"]["resolved"] == 1  # h-b patched
    procs = [subprocess.Popen(
        [sys.executable, "-m", "mamori.checks.cli", "scan", "--inventory",
         str(estate.inventory), "--config", str(tmp_path / "mamori.yaml"),
         "--as-of", "2026-11-03", "--history", pg_url, "--format",
         "json", "--out", str(tmp_path / f"c{i}"), "-q"], stderr=subprocess.PIPE, text=True)
        for i in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1 and "not recorded" not in err, err
    for i in range(2):
        day3 = json.loads((tmp_path / f"c{i}" / "mamori-report.json").read_text())
        assert day3["drift"]["totals"]["persisting"] == 1, day3["drift"]  # h-a, either first
    with open_store(pg_url) as store:
        assert len(store.runs()) == 4
    listing = estate.mamori("history", "list", "--history", pg_url)
    assert listing.returncode == 0 and "2026-11-02" in listing.stdout
