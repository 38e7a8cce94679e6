"""``mamori scan`` and NOT_ASSESSED end to end: listed and not gated by default; exit 3
with ``--require-assessed`` or ``gate.require_assessed``; decided once the source that
could tell (an HR inventory) is given. The real command runs in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from mamori.checks.reporting import report_schema_text
from tests.checks.test_cli import RULE, mamori

OWNED = """\
id: T-OWN-1
title: {en: Every account has an owner in HR, ja: HR に所有者がいる}
remediation: {en: Assign an owner., ja: 所有者を割り当てる。}
severity: high
causes: [insider]
resource: user
assert: {attr: hr_matched, eq: true}
"""
USERS = """\
- {type: user, id: u-ok, name: 佐藤, enabled: true, console_access: true, mfa: true}
- {type: user, id: u-two, name: 鈴木, enabled: true, console_access: true, mfa: true}
"""
PEOPLE = """\
- {type: person, id: p-1, employment: active, accounts: [u-ok]}
- {type: person, id: p-2, employment: active, accounts: [U-TWO]}
"""
ARGS = ("--rules", "rules", "--no-builtin-rules", "--as-of", "2026-11-29")


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    for folder in ("inv", "hr", "rules"):
        (tmp_path / folder).mkdir()
    (tmp_path / "inv" / "users.yaml").write_text(USERS, encoding="utf-8")
    (tmp_path / "hr" / "people.yaml").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "rules" / "mfa.yaml").write_text(RULE, encoding="utf-8")
    (tmp_path / "rules" / "owned.yaml").write_text(OWNED, encoding="utf-8")
    return tmp_path


def test_not_assessed_is_listed_not_gated_and_validates(estate: Path) -> None:
    proc = mamori("scan", "--inventory", "inv", *ARGS, "--format", "console,json",
                  "--out", "out", cwd=estate)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Not assessed — NOT_ASSESSED" in proc.stdout
    assert "insider misuse — not assessed: needs hr_matched (give an HR inventory" \
        in proc.stdout
    assert "2 finding(s) NOT_ASSESSED, not gated" in proc.stdout
    doc = json.loads((estate / "out" / "mamori-report.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads(report_schema_text()))
    assert doc["summary"]["by_status"] == {"pass": 2, "fail": 0, "error": 0, "waived": 0,
                                           "not_assessed": 2}
    insider = next(c for c in doc["coverage"] if c["cause"] == "insider")
    assert insider["checked"] is False and insider["rules_not_assessed"] == 1


@pytest.mark.parametrize("how", ["flag", "config"])
def test_require_assessed_makes_it_exit_3(estate: Path, how: str) -> None:
    extra: list[str] = ["--require-assessed"]
    if how == "config":
        (estate / "mamori.yaml").write_text("version: 1\ngate: {require_assessed: true}\n",
                                            encoding="utf-8")
        extra = []
    proc = mamori("scan", "--inventory", "inv", *ARGS, "--allow-incomplete", *extra,
                  cwd=estate)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "2 finding(s) NOT_ASSESSED and --require-assessed is set (needs hr_matched" \
        in proc.stdout


def test_the_source_that_could_tell_decides_it(estate: Path) -> None:
    proc = mamori("scan", "--inventory", "inv", "--inventory", "hr", *ARGS,
                  "--require-assessed", "--format", "json", "--out", "out", cwd=estate)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads((estate / "out" / "mamori-report.json").read_text(encoding="utf-8"))
    owned = {f["resource"]["id"]: f["status"] for f in doc["findings"]
             if f["rule_id"] == "T-OWN-1"}
    assert owned == {"u-ok": "PASS", "u-two": "PASS"}  # joined without regard to case
    assert doc["run"]["require_assessed"] is True


def test_a_run_that_assessed_nothing_is_exit_3_even_when_incomplete_is_allowed(
        estate: Path) -> None:
    (estate / "rules" / "mfa.yaml").unlink()
    proc = mamori("scan", "--inventory", "inv", *ARGS, "--allow-incomplete", cwd=estate)
    assert proc.returncode == 3
    assert "nothing was evaluated: every finding (2) is NOT_ASSESSED" in proc.stdout
