"""Drift across nightly runs of the real CLI: appearing, persisting, resolving, reappearing.

The estate (hosts h-a … h-d, rules MAM-HOST-001 "patched within 30 days" and
MAM-HOST-003 "no missing critical patch"):

    day        h-a                h-b                 h-c               h-d
    11-01      001 PASS 003 FAIL  001 FAIL 003 PASS   PASS PASS         —
    11-02      003 FAIL           001 PASS (patched)  003 FAIL          001 FAIL (new host)
    11-03      003 FAIL           001 FAIL again      003 PASS          removed

Expected values below come from this table, not from the program's output.
"""

from __future__ import annotations

import csv
import io
import sqlite3

from tests.checks.history.conftest import NO_CRITICAL, PATCHED, Estate, changes, host

DAY1, DAY2, DAY3 = "2026-11-01", "2026-11-02", "2026-11-03"


def run_three(estate: Estate, *extra: str) -> list[int]:
    codes = []
    estate.write(host("h-a", "2026-10-25", 2), host("h-b", "2026-08-01", 0),
                 host("h-c", "2026-10-30", 0))
    codes.append(estate.scan(DAY1, *extra).returncode)
    estate.write(host("h-a", "2026-10-25", 2), host("h-b", "2026-11-01", 0),
                 host("h-c", "2026-10-30", 1), host("h-d", "2026-06-01", 0))
    codes.append(estate.scan(DAY2, *extra).returncode)
    estate.write(host("h-a", "2026-10-25", 2), host("h-b", "2026-08-01", 0),
                 host("h-c", "2026-10-30", 0))
    codes.append(estate.scan(DAY3, *extra).returncode)
    return codes


def test_first_run_counts_every_failure_as_new(estate: Estate) -> None:
    estate.write(host("h-a", "2026-10-25", 2), host("h-b", "2026-08-01", 0))
    proc = estate.scan(DAY1)
    assert proc.returncode == 1, proc.stderr
    report = estate.report(DAY1)
    assert report["drift"]["previous"] is None
    assert report["drift"]["totals"] == {"new": 2, "persisting": 0, "resolved": 0,
                                         "unconfirmed": 0}
    seen = changes(report)
    assert seen[(NO_CRITICAL, "h-a")] == ("FAIL", "new", DAY1)
    assert seen[(PATCHED, "h-a")] == ("PASS", None, None)


def test_three_nights(estate: Estate) -> None:
    assert run_three(estate) == [1, 1, 1]

    day2 = estate.report(DAY2)
    assert day2["drift"]["previous"]["as_of"].startswith(DAY1)
    assert day2["drift"]["totals"] == {"new": 2, "persisting": 1, "resolved": 1,
                                       "unconfirmed": 0}
    seen = changes(day2)
    assert seen[(NO_CRITICAL, "h-a")] == ("FAIL", "persisting", DAY1)
    assert seen[(PATCHED, "h-b")] == ("PASS", "resolved", DAY1)
    assert seen[(NO_CRITICAL, "h-c")] == ("FAIL", "new", DAY2)
    assert seen[(PATCHED, "h-d")] == ("FAIL", "new", DAY2)

    day3 = estate.report(DAY3)
    assert day3["drift"]["totals"] == {"new": 1, "persisting": 1, "resolved": 2,
                                       "unconfirmed": 0}
    seen = changes(day3)
    assert seen[(NO_CRITICAL, "h-a")] == ("FAIL", "persisting", DAY1)  # unbroken since day 1
    assert seen[(PATCHED, "h-b")] == ("FAIL", "new", DAY3)  # reappearing counts as new
    assert seen[(NO_CRITICAL, "h-c")] == ("PASS", "resolved", DAY2)
    gone = day3["drift"]["resolved_gone"]
    assert [(g["rule_id"], g["resource"]["id"], g["first_seen"][:10]) for g in gone] == [
        (PATCHED, "h-d", DAY2)]
    # per cause: both rules are filed under vulnerability and external_attack only
    for cause, counts in day3["drift"]["by_cause"].items():
        expected = ({"new": 1, "persisting": 1, "resolved": 2}
                    if cause in ("vulnerability", "external_attack")
                    else {"new": 0, "persisting": 0, "resolved": 0})
        assert counts == expected, cause
    assert [p["as_of"][:10] for p in day3["trend"]] == [DAY1, DAY2, DAY3]
    # pass rate of vulnerability: day 1 4/6, day 2 5/8, day 3 4/6
    rates = [p["pass_rate"]["vulnerability"] for p in day3["trend"]]
    assert rates == [4 / 6, 5 / 8, 4 / 6]


def test_other_reports_show_the_drift(estate: Estate) -> None:
    run_three(estate)
    out = estate.root / f"report-{DAY3}"
    rows = list(csv.DictReader(io.StringIO(
        (out / "mamori-report.csv").read_text(encoding="utf-8-sig"))))
    by_key = {(r["rule_id"], r["resource_id"]): r for r in rows}
    assert by_key[(PATCHED, "h-b")]["change"] == "new"
    assert by_key[(PATCHED, "h-d")]["status"] == ""  # gone: no verdict this run
    assert by_key[(PATCHED, "h-d")]["change"] == "resolved"
    md = (out / "mamori-report.md").read_text(encoding="utf-8")
    assert "Changes since the previous run" in md and "| **1** | **1** | **2** |" in md
    html = (out / "mamori-report.html").read_text(encoding="utf-8")
    assert 'id="history"' in html and "<polyline" in html and "srv-h-d" in html


def test_fail_on_new_gates_only_new_failures(estate: Estate) -> None:
    codes = run_three(estate, "--fail-on-new", "--fail-on", "high")
    assert codes == [1, 1, 1]
    # a fourth night identical to the third: nothing new, the persisting FAILs don't gate
    assert estate.scan("2026-11-04", "--fail-on-new", "--fail-on", "high").returncode == 0
    assert estate.report("2026-11-04")["run"]["only_changes"] == ["new"]
    assert estate.scan("2026-11-05", "--fail-on", "high").returncode == 1


def test_fail_on_new_needs_a_history(estate: Estate) -> None:
    estate.write(host("h-a", "2026-10-25", 2))
    proc = estate.mamori("scan", "--inventory", str(estate.inventory), "--fail-on-new", "-q")
    assert proc.returncode == 2 and "--history" in proc.stderr


def test_runs_are_recorded_without_evidence(estate: Estate) -> None:
    run_three(estate)
    with sqlite3.connect(estate.db) as conn:
        runs = conn.execute("SELECT as_of, exit_code, providers, accounts FROM runs "
                            "ORDER BY as_of").fetchall()
        columns = [r[1] for r in conn.execute("PRAGMA table_info(findings)")]
    assert [(r[0][:10], r[1]) for r in runs] == [(DAY1, 1), (DAY2, 1), (DAY3, 1)]
    assert '"onprem:dc1"' in runs[0][3]
    assert "evidence" not in columns and "message" not in columns


def test_history_list_and_export(estate: Estate) -> None:
    run_three(estate)
    listing = estate.mamori("history", "list", "--history", str(estate.db))
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.index(DAY3) < listing.stdout.index(DAY1)  # newest first
    export = estate.mamori("history", "export", "--format", "csv", "--history", str(estate.db))
    assert export.returncode == 0, export.stderr
    assert export.stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(export.stdout.lstrip("\ufeff"))))
    assert [r["as_of"][:10] for r in rows] == [DAY1, DAY2, DAY3]
    # findings per audit, FAILs, incidents (new critical/high FAIL), patch compliance
    assert [r["findings"] for r in rows] == ["6", "8", "6"]
    assert [r["fail"] for r in rows] == ["2", "3", "2"]
    assert [r["incident_proxy_new_critical_high"] for r in rows] == ["2", "2", "1"]
    assert [r["patch_compliance_rate"] for r in rows] == ["0.6667", "0.6250", "0.6667"]
    assert [r["pass_rate_vulnerability"] for r in rows] == ["0.6667", "0.6250", "0.6667"]
    assert [r["pass_rate_physical"] for r in rows] == ["", "", ""]
    assert [r["resolved"] for r in rows] == ["0", "1", "2"]


def test_history_from_the_config_file(estate: Estate) -> None:
    estate.write(host("h-a", "2026-10-25", 2))
    conf = estate.root / "conf"
    conf.mkdir()
    (conf / "mamori.yaml").write_text("version: 1\nhistory: data/audit.db\n", encoding="utf-8")
    args = ["scan", "--inventory", str(estate.inventory), "--config", str(conf / "mamori.yaml"),
            "--format", "json", "--out", str(estate.root / "out"), "-q"]
    assert estate.mamori(*args).returncode == 1
    assert (conf / "data" / "audit.db").is_file()  # relative to the config file
    listing = estate.mamori("history", "list", "--config", str(conf / "mamori.yaml"))
    assert listing.returncode == 0 and "2026" in listing.stdout
    missing = estate.mamori("history", "list", "--history", str(estate.root / "nope.db"))
    assert missing.returncode == 2 and "no history" in missing.stderr


def test_history_inside_the_inventory_folder_is_refused_before_scanning(estate: Estate) -> None:
    # it would be read back as inventory next run: refused, and no database is created
    estate.write(host("h-a", "2026-10-25", 2))
    db = estate.inventory / "history.db"
    proc = estate.scan(DAY1, history=str(db))
    assert proc.returncode == 2
    assert "--history" in proc.stderr and "inside the input folder --inventory" in proc.stderr
    assert not db.exists()


def test_history_prune_keeps_the_latest_run(estate: Estate) -> None:
    run_three(estate)
    proc = estate.mamori("history", "prune", "--keep-days", "0", "--history", str(estate.db))
    assert proc.returncode == 0 and proc.stdout.startswith("deleted 2 run(s)"), proc.stderr
    with sqlite3.connect(estate.db) as conn:
        assert [r[0][:10] for r in conn.execute("SELECT as_of FROM runs")] == [DAY3]
    # the streak survives pruning: first_seen is carried in the kept run
    estate.write(host("h-a", "2026-10-25", 2))
    assert estate.scan("2026-11-04").returncode == 1
    assert changes(estate.report("2026-11-04"))[(NO_CRITICAL, "h-a")] == (
        "FAIL", "persisting", DAY1)
