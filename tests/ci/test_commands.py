"""The CI kit's commands end to end, in a subprocess, with the documented exit codes."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
import yaml

from tests.ci.conftest import NEW_USER, USERS, mamori, mamori_with_inventory_command, write

WAIVERS = """\
waivers:
  - rule: MAM-IAM-*
    resource: web-*
    reason: replaced in Q1
    owner: alice
    ticket: SEC-1
    expires: {expires}
"""
# Built-in rules; the telework cause keeps to the MFA rules, which these users decide.
SCOPE = ("--cause", "telework", "--as-of", "2026-11-29")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write(tmp_path / "inv" / "users.yaml", USERS)
    return tmp_path


# --- baseline create ---------------------------------------------------------------------

def test_baseline_create_writes_the_current_failures(repo: Path) -> None:
    proc = mamori("baseline", "create", "--inventory", "inv", *SCOPE, "--output", "b.json",
                  cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert "wrote b.json: 2 finding(s)" in proc.stderr
    doc = json.loads((repo / "b.json").read_text(encoding="utf-8"))
    assert doc["mamori_baseline"] == 1 and doc["as_of"].startswith("2026-11-29")
    assert [(e["rule_id"], e["resource_id"], e["status"]) for e in doc["findings"]] == [
        ("MAM-IAM-001", "old-web-1", "FAIL"), ("MAM-IAM-001", "web-1", "FAIL")]


def test_baseline_create_leaves_out_waived_findings(repo: Path) -> None:
    write(repo / "w.yaml", WAIVERS.format(expires="2026-12-31"))
    proc = mamori("baseline", "create", "--inventory", "inv", *SCOPE, "--waivers", "w.yaml",
                  "-o", "b.json", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((repo / "b.json").read_text(encoding="utf-8"))
    assert [e["resource_id"] for e in doc["findings"]] == ["old-web-1"]


def test_baseline_create_with_a_bad_waiver_file_is_exit_2(repo: Path) -> None:
    write(repo / "w.yaml", WAIVERS.format(expires="someday"))
    proc = mamori("baseline", "create", "--inventory", "inv", *SCOPE, "--waivers", "w.yaml",
                  "-o", "b.json", cwd=repo)
    assert proc.returncode == 2
    assert "w.yaml:7: waivers[0].expires" in proc.stderr
    assert not (repo / "b.json").exists()


def test_baseline_create_without_inputs_is_exit_2(repo: Path) -> None:
    proc = mamori("baseline", "create", "-o", "b.json", cwd=repo)
    assert proc.returncode == 2 and "nothing to scan" in proc.stderr


# --- mamori scan --waivers/--baseline ------------------------------------------------------

@cache
def _scan_has_gate_inputs() -> bool:
    proc = mamori("scan", "--help", cwd=Path.cwd())
    return "--baseline" in proc.stdout and "--waivers" in proc.stdout


needs_scan_options = pytest.mark.skipif(
    not _scan_has_gate_inputs(),
    reason="`mamori scan` has no --waivers/--baseline yet (integration step for cli.py)")


@needs_scan_options
def test_scan_with_baseline_gates_only_new_failures(repo: Path) -> None:
    made = mamori("baseline", "create", "--inventory", "inv", *SCOPE, "-o", "b.json", cwd=repo)
    assert made.returncode == 0, made.stderr
    assert mamori("scan", "--inventory", "inv", *SCOPE, cwd=repo).returncode == 1
    same = mamori("scan", "--inventory", "inv", *SCOPE, "--baseline", "b.json", cwd=repo)
    assert same.returncode == 0, same.stdout + same.stderr
    write(repo / "inv" / "users.yaml", USERS + NEW_USER)
    grown = mamori("scan", "--inventory", "inv", *SCOPE, "--baseline", "b.json", cwd=repo)
    assert grown.returncode == 1
    assert "new-1" in grown.stdout


@needs_scan_options
def test_scan_reports_stale_baseline_entries(repo: Path) -> None:
    mamori("baseline", "create", "--inventory", "inv", *SCOPE, "-o", "b.json", cwd=repo)
    write(repo / "inv" / "users.yaml", USERS.replace("old-web-1, enabled: true, "
                                                     "console_access: true, mfa: false",
                                                     "old-web-1, enabled: true, "
                                                     "console_access: true, mfa: true"))
    proc = mamori("scan", "--inventory", "inv", *SCOPE, "--baseline", "b.json", cwd=repo)
    assert proc.returncode == 0
    assert "stale baseline entry MAM-IAM-001 on onprem:old-web-1" in proc.stderr


@needs_scan_options
@pytest.mark.parametrize("expires", ["2026-11-28", "2026-11-29", "2026-11-30"])
def test_scan_with_waivers_at_the_expiry_boundary(repo: Path, expires: str) -> None:
    # web-* does not match old-web-1, so exit 1 always; web-1 shows the boundary.
    write(repo / "w.yaml", WAIVERS.format(expires=expires))
    proc = mamori("scan", "--inventory", "inv", *SCOPE, "--waivers", "w.yaml", cwd=repo)
    assert proc.returncode == 1
    waived = "waived by alice" in proc.stdout
    assert waived is (expires >= "2026-11-29")
    assert ("expired waiver" in proc.stderr) is (expires < "2026-11-29")


@needs_scan_options
@pytest.mark.parametrize(("expires", "code"), [("2026-11-28", 1), ("2026-11-29", 0),
                                                ("2026-11-30", 0)])
def test_scan_exit_code_follows_the_waiver_expiry(repo: Path, expires: str, code: int) -> None:
    write(repo / "w.yaml", WAIVERS.format(expires=expires).replace("web-*", "'*web-1'"))
    proc = mamori("scan", "--inventory", "inv", *SCOPE, "--waivers", "w.yaml", cwd=repo)
    assert proc.returncode == code, proc.stdout + proc.stderr


@needs_scan_options
@pytest.mark.parametrize("text", [
    "waivers:\n  - rule: A\n    resource: b\n    reason: r\n    owner: o\n    ticket: t\n",
    WAIVERS.format(expires="2026-13-01"),
    WAIVERS.format(expires="2026-12-31") + "    expiry: 2026-12-31\n",
])
def test_scan_with_an_invalid_waiver_file_is_exit_2(repo: Path, text: str) -> None:
    write(repo / "w.yaml", text)
    proc = mamori("scan", "--inventory", "inv", *SCOPE, "--waivers", "w.yaml", cwd=repo)
    assert proc.returncode == 2
    assert "w.yaml:" in proc.stderr and "waiver error" in proc.stderr


@needs_scan_options
def test_scan_with_a_corrupt_baseline_is_exit_2(repo: Path) -> None:
    write(repo / "b.json", '{"mamori_baseline": 1, "findings": [')
    proc = mamori("scan", "--inventory", "inv", *SCOPE, "--baseline", "b.json", cwd=repo)
    assert proc.returncode == 2 and "b.json:1" in proc.stderr


# --- ci init -----------------------------------------------------------------------------

@pytest.mark.parametrize(("system", "target"), [
    ("github", ".github/workflows/mamori.yml"),
    ("gitlab", ".gitlab/mamori.gitlab-ci.yml"),
    ("pre-commit", ".pre-commit-config.yaml"),
])
def test_ci_init_writes_then_refuses_to_overwrite(tmp_path: Path, system: str,
                                                  target: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    proc = mamori("ci", "init", system, cwd=tmp_path / "sub")  # finds the git root
    assert proc.returncode == 0, proc.stderr
    written = tmp_path / target
    text = written.read_text(encoding="utf-8")
    assert "@MAMORI_" not in text
    assert isinstance(yaml.safe_load(text), dict)

    written.write_text("# mine\n", encoding="utf-8")
    again = mamori("ci", "init", system, cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    assert written.read_text(encoding="utf-8") == "# mine\n"

    forced = mamori("ci", "init", system, "--force", cwd=tmp_path)
    assert forced.returncode == 0 and written.read_text(encoding="utf-8") == text


def test_ci_init_dir_option(tmp_path: Path) -> None:
    proc = mamori("ci", "init", "github", "--dir", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / ".github" / "workflows" / "mamori.yml").is_file()


def test_ci_init_unknown_system_is_exit_2(tmp_path: Path) -> None:
    assert mamori("ci", "init", "jenkins", cwd=tmp_path).returncode == 2


# --- inventory validate ------------------------------------------------------------------

def test_inventory_validate_ok(repo: Path) -> None:
    proc = mamori_with_inventory_command("inventory", "validate", "inv/users.yaml", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert "ok: 3 record(s)" in proc.stdout


def test_inventory_validate_names_file_line_and_key(repo: Path) -> None:
    write(repo / "inv" / "users.yaml", USERS + "- {type: user, id: x, mfa_enabled: true}\n")
    proc = mamori_with_inventory_command("inventory", "validate", "inv", cwd=repo)
    assert proc.returncode == 2
    assert "inv/users.yaml:4" in proc.stderr and "mfa_enabled" in proc.stderr
