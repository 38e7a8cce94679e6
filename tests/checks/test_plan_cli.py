"""``mamori plan`` end to end in a subprocess, with the documented exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.providers.terraform.builder import PlanBuilder

FIXTURES = Path(__file__).resolve().parents[1] / "providers" / "terraform"
OPEN_SSH = {"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22,
            "cidr_blocks": ["0.0.0.0/0"]}
CLEAN = {"identifier": "db", "engine": "mysql", "username": "appadmin",
         "publicly_accessible": False, "storage_encrypted": True,
         "manage_master_user_password": True}


def mamori(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mamori.checks.cli", "plan", *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          timeout=120, check=False)


def write(tmp_path: Path, plan: PlanBuilder, encoding: str = "utf-8") -> Path:
    return plan.write(tmp_path / "tfplan.json", encoding)


def test_introduced_high_failure_exits_1(tmp_path: Path) -> None:
    path = write(tmp_path, PlanBuilder().add("aws_security_group_rule.ssh", after=OPEN_SSH))
    done = mamori(path, "--fail-on", "high", "--as-of", "2026-11-29", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "MAM-NET-001" in done.stdout


def test_only_unchanged_failures_exit_0_unless_all(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_security_group_rule.ssh", before=OPEN_SSH,
                             after={**OPEN_SSH, "description": "same hole"})
    path = write(tmp_path, plan)
    assert mamori(path, "--fail-on", "high", cwd=tmp_path).returncode == 0
    assert mamori(path, "--fail-on", "high", "--all", cwd=tmp_path).returncode == 1


def test_clean_plan_exits_0_and_writes_reports(tmp_path: Path) -> None:
    path = write(tmp_path, PlanBuilder().add("aws_db_instance.db", after=CLEAN), "utf-16")
    done = mamori(path, "--format", "json,sarif", "--out", tmp_path / "out",
                  "--as-of", "2026-11-29", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "mamori-report.json").read_text("utf-8"))
    assert report["run"]["exit_code"] == 0
    sarif = json.loads((tmp_path / "out" / "mamori-report.sarif").read_text("utf-8"))
    assert sarif["version"] == "2.1.0"
    # only what no plan shows (TLS enforcement, backups...): open, never fail or review
    results = sarif["runs"][0]["results"]
    assert {(r["kind"], r["properties"]["status"]) for r in results} <= {
        ("open", "NOT_ASSESSED")}
    statuses = {f["status"] for f in report["findings"]}
    assert statuses <= {"PASS", "NOT_ASSESSED"} and "PASS" in statuses


def test_require_assessed_gates_what_the_plan_cannot_show(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_iam_user.n", after={"name": "new"}).add(
        "aws_iam_user_login_profile.n", after={"user": "new"})
    path = write(tmp_path, plan)
    assert mamori(path, "--as-of", "2026-11-29", cwd=tmp_path).returncode == 0
    done = mamori(path, "--as-of", "2026-11-29", "--require-assessed", cwd=tmp_path)
    assert done.returncode == 3, done.stdout
    assert "NOT_ASSESSED and --require-assessed is set" in done.stdout
    assert "mfa (scan the live account" in done.stdout


def test_unknown_after_apply_exits_3_or_0_when_allowed(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_security_group_rule.ssh", after={
        k: v for k, v in OPEN_SSH.items() if k != "cidr_blocks"}, unknown={"cidr_blocks": True})
    path = write(tmp_path, plan)
    assert mamori(path, "--fail-on", "high", cwd=tmp_path).returncode == 3
    assert mamori(path, "--fail-on", "high", "--allow-incomplete",
                  cwd=tmp_path).returncode == 0


def test_fail_on_none_never_exits_1(tmp_path: Path) -> None:
    path = write(tmp_path, PlanBuilder().add("aws_security_group_rule.ssh", after=OPEN_SSH))
    assert mamori(path, "--fail-on", "none", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(("content", "message"), [
    (b'{"format_version": "1.2", "resource_changes": [{"address": "aws_s', "not valid JSON"),
    (b'{"hello": "world"}', "not a Terraform plan"),
    (b'{"format_version": "3.1", "resource_changes": []}', "unsupported plan format_version"),
])
def test_bad_plan_files_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "tfplan.json"
    path.write_bytes(content)
    done = mamori(path, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr and "tfplan.json" in done.stderr
    assert done.stdout == ""


def test_missing_plan_and_bad_format_exit_2(tmp_path: Path) -> None:
    assert mamori(tmp_path / "none.json", cwd=tmp_path).returncode == 2
    path = write(tmp_path, PlanBuilder().add("aws_db_instance.db", after=CLEAN))
    assert mamori(path, "--format", "pdf", cwd=tmp_path).returncode == 2


def test_tf_root_puts_file_locations_in_sarif(tmp_path: Path) -> None:
    plan = FIXTURES / "plans" / "s3_module.json"
    done = mamori(plan, "--format", "sarif", "--out", tmp_path, "--tf-root",
                  FIXTURES / "tf", cwd=FIXTURES)
    assert done.returncode == 1, done.stderr  # the new bucket is unversioned (medium)
    sarif = json.loads((tmp_path / "mamori-report.sarif").read_text("utf-8"))
    locations = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]:
                 r["locations"][0].get("physicalLocation") for r in sarif["runs"][0]["results"]}
    physical = locations["module.storage.aws_s3_bucket.this[0]"]
    assert physical["artifactLocation"]["uri"] == "tf/modules/storage/main.tf"
    assert physical["region"] == {"startLine": 3}


def test_waiver_covers_an_introduced_failure_until_it_expires(tmp_path: Path) -> None:
    path = write(tmp_path, PlanBuilder().add("aws_security_group_rule.ssh", after=OPEN_SSH))
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - rule: MAM-NET-001\n"
        "    resource: aws_security_group_rule.ssh\n"
        "    reason: bastion during migration\n"
        "    owner: infra@acme.example\n"
        "    ticket: SEC-42\n"
        "    expires: 2026-12-31\n", encoding="utf-8")
    out = tmp_path / "out"  # a folder of its own: --out may not hold the inputs
    args = ("--fail-on", "high", "--waivers", waivers, "--format", "json", "--out", out)
    done = mamori(path, *args, "--as-of", "2026-11-29", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "mamori-report.json").read_text("utf-8"))
    [net] = [f for f in report["findings"] if f["rule_id"] == "MAM-NET-001"]
    assert net["status"] == "WAIVED" and net["waiver"]["owner"] == "infra@acme.example"
    assert mamori(path, *args, "--as-of", "2027-01-01", cwd=tmp_path).returncode == 1


HOSTILE = {
    "nan": b'{"format_version": "1.2", "resource_changes": [], "x": NaN}',
    "duplicate key": b'{"format_version": "1.2", "resource_changes": [], '
                     b'"format_version": "1.1"}',
    "deep nesting": b'{"format_version": "1.2", "resource_changes": []' + b', "x": '
                    + b"[" * 5000 + b"]" * 5000 + b"}",
    "lone surrogate": b'{"format_version": "1.2", "resource_changes": [], "x": "\\ud800"}',
    "entry not an object": b'{"format_version": "1.2", "resource_changes": [7]}',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_plan_text_exits_2_without_traceback(tmp_path: Path, name: str) -> None:
    path = tmp_path / "tfplan.json"
    path.write_bytes(HOSTILE[name])
    done = mamori(path, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "tfplan.json" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(("after", "message"), [
    ({**OPEN_SSH, "from_port": 70000, "to_port": 70000}, "port 70000 is outside 0-65535"),
    ({**OPEN_SSH, "from_port": 23, "to_port": 22}, "reversed port range"),
    ({**OPEN_SSH, "from_port": True}, "expected a whole number, found a boolean"),
    ({**OPEN_SSH, "protocol": "SSH"}, "is a service, not a protocol"),
])
def test_bad_values_exit_2_naming_the_address(tmp_path: Path, after: dict[str, object],
                                              message: str) -> None:
    path = write(tmp_path, PlanBuilder().add("aws_security_group_rule.ssh", after=after))
    done = mamori(path, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert "tfplan.json" in done.stderr and "aws_security_group_rule.ssh" in done.stderr
