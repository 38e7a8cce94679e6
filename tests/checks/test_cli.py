"""The ``mamori`` command end to end, in a subprocess, with the documented exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

from mamori.checks.reporting import report_schema_text
from mamori.checks.rule_schema import rule_schema_text

INVENTORY = """\
- {type: user, id: u-ok, name: 佐藤, enabled: true, console_access: true, mfa: true,
   admin: false}
- {type: user, id: u-nomfa, name: 鈴木, enabled: true, console_access: true, mfa: false,
   admin: false}
"""
UNKNOWN_MFA = "- {type: user, id: u-unknown, enabled: true, console_access: true}\n"
RULE = """\
id: T-MFA-1
title: {en: Console users have MFA, ja: MFA}
remediation: {en: Enable MFA., ja: MFA を有効にする。}
severity: high
causes: [external_attack]
resource: user
when: {all: [{attr: enabled, eq: true}, {attr: console_access, eq: true}]}
assert: {attr: mfa, eq: true}
"""


def mamori(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mamori.checks.cli", *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          timeout=120, check=False)


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    (tmp_path / "inv").mkdir()
    (tmp_path / "rules").mkdir()
    (tmp_path / "inv" / "users.yaml").write_text(INVENTORY, encoding="utf-8")
    (tmp_path / "rules" / "mfa.yaml").write_text(RULE, encoding="utf-8")
    return tmp_path


def scan(estate: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return mamori("scan", "--inventory", "inv", "--rules", "rules", "--no-builtin-rules",
                  "--as-of", "2026-11-29", *extra, cwd=estate)


def test_fail_gives_exit_1_and_reports(estate: Path) -> None:
    proc = scan(estate, "--format", "console,json,csv", "--out", "out")
    assert proc.returncode == 1, proc.stderr
    assert "T-MFA-1" in proc.stdout and "u-nomfa" in proc.stdout
    doc = json.loads((estate / "out" / "mamori-report.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads(report_schema_text()))
    statuses = {f["resource"]["id"]: f["status"] for f in doc["findings"]}
    assert statuses == {"u-ok": "PASS", "u-nomfa": "FAIL"}
    assert doc["run"]["exit_code"] == 1
    assert "@" in doc["run"]["ran_by"]  # user@host, for the auditor
    csv_bytes = (estate / "out" / "mamori-report.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    assert "鈴木" in csv_bytes.decode("utf-8-sig")


def test_fail_below_threshold_is_not_exit_1(estate: Path) -> None:
    assert scan(estate, "--fail-on", "critical").returncode == 0
    assert scan(estate, "--fail-on", "none").returncode == 0


def test_unknown_is_exit_3_unless_allowed(estate: Path) -> None:
    (estate / "inv" / "users.yaml").write_text(UNKNOWN_MFA, encoding="utf-8")
    proc = scan(estate)
    assert proc.returncode == 3
    assert "mfa" in proc.stdout
    assert scan(estate, "--allow-incomplete").returncode == 0


def test_bad_rule_is_exit_2_with_location(estate: Path) -> None:
    (estate / "rules" / "mfa.yaml").write_text(RULE.replace("eq: true}\n", "equals: true}\n"),
                                               encoding="utf-8")
    proc = scan(estate)
    assert proc.returncode == 2
    assert "mfa.yaml:8: assert.equals" in proc.stderr


def test_inventory_typo_is_exit_2_with_location(estate: Path) -> None:
    (estate / "inv" / "users.yaml").write_text(
        INVENTORY.replace("mfa: false", "mfa_enabled: false"), encoding="utf-8")
    proc = scan(estate)
    assert proc.returncode == 2
    assert "users.yaml:3" in proc.stderr and "mfa_enabled" in proc.stderr


@pytest.mark.parametrize("args", [
    ["scan"],
    ["scan", "--inventory", "inv", "--format", "pdf"],
    ["scan", "--inventory", "inv", "--as-of", "yesterday"],
    ["scan", "--inventory", "inv", "--cause", "aliens"],
    ["rules", "show", "NO-SUCH-1"],
])
def test_usage_errors_are_exit_2(estate: Path, args: list[str]) -> None:
    proc = mamori(*args, cwd=estate)
    assert proc.returncode == 2
    assert proc.stderr.strip()


def test_snapshot_round_trip_reproduces_findings(estate: Path) -> None:
    first = scan(estate, "--save-inventory", "snap.jsonl", "--format", "json", "--out", "a")
    second = mamori("scan", "--snapshot", "snap.jsonl", "--rules", "rules",
                    "--no-builtin-rules", "--as-of", "2026-11-29", "--format", "json",
                    "--out", "b", cwd=estate)
    assert first.returncode == second.returncode == 1

    def verdicts(folder: str) -> list[tuple[str, str]]:
        doc = json.loads((estate / folder / "mamori-report.json").read_text(encoding="utf-8"))
        return sorted((f["fingerprint"], f["status"]) for f in doc["findings"])
    assert verdicts("a") == verdicts("b")


def test_rules_list_filters(estate: Path) -> None:
    proc = mamori("rules", "list", "--cause", "insider", "--resource", "user", "--format",
                  "json", cwd=estate)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows and all(r["resource"] == "user" and "insider" in r["causes"] for r in rows)


def test_rules_show_and_validate(estate: Path) -> None:
    proc = mamori("rules", "show", "MAM-IAM-001", cwd=estate)
    assert proc.returncode == 0 and "id: MAM-IAM-001" in proc.stdout
    proc = mamori("rules", "validate", "rules", cwd=estate)
    assert proc.returncode == 0 and "1 rule(s)" in proc.stdout


def test_schema_rule_is_the_shipped_schema(estate: Path) -> None:
    assert mamori("schema", "rule", cwd=estate).stdout == rule_schema_text()


def test_config_from_working_directory(estate: Path) -> None:
    (estate / "mamori.yaml").write_text("gate: {fail_on: critical}\n", encoding="utf-8")
    assert scan(estate).returncode == 0
    (estate / "mamori.yaml").write_text(textwrap.dedent("""\
        severity: {T-MFA-1: critical}
        gate: {fail_on: critical}
        """), encoding="utf-8")
    assert scan(estate).returncode == 1


def test_reports_and_snapshot_inside_the_inventory_folder_are_refused(estate: Path) -> None:
    # they would be read back as inventory by the next run: refused before scanning
    for extra in (["--format", "json", "--out", "inv/report"],
                  ["--save-inventory", "inv/snap.jsonl"]):
        proc = scan(estate, *extra)
        assert proc.returncode == 2
        assert "is inside the input folder --inventory inv" in proc.stderr
    assert sorted(p.name for p in (estate / "inv").iterdir()) == ["users.yaml"]
