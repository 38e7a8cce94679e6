"""``mamori`` never passes on nothing and never clobbers an input, end to end.

Each case runs the real command in a subprocess and checks the documented exit code
(README, docs/ci.md) and a message naming what is wrong.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.checks.test_cli import INVENTORY, RULE, mamori


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    (tmp_path / "inv").mkdir()
    (tmp_path / "hr").mkdir()
    (tmp_path / "rules").mkdir()
    (tmp_path / "inv" / "users.yaml").write_text(INVENTORY, encoding="utf-8")
    (tmp_path / "rules" / "mfa.yaml").write_text(RULE, encoding="utf-8")
    return tmp_path


RULES = ("--rules", "rules", "--no-builtin-rules", "--as-of", "2026-11-29")
CLEAN = INVENTORY.replace("mfa: false", "mfa: true")


# --- no rule: usage error (exit 2) ---------------------------------------------------------

@pytest.mark.parametrize(("args", "needle"), [
    (["--no-builtin-rules"], "no rule to run"),
    (["--rules", "hr"], "hr: rule error: no rule in this folder"),
    (["--rules", "rules", "--no-builtin-rules", "--cause", "physical"],
     "1 of no cause asked for (--cause physical)"),
])
def test_no_rule_selected_is_exit_2(estate: Path, args: list[str], needle: str) -> None:
    proc = mamori("scan", "--inventory", "inv", *args, cwd=estate)
    assert proc.returncode == 2 and needle in proc.stderr


def test_rules_validate_needs_a_rule(estate: Path) -> None:
    (estate / "rules" / "mfa.yaml").rename(estate / "rules" / "mfa.YAML")
    assert mamori("rules", "validate", "rules", cwd=estate).stdout == "ok: 1 rule(s) valid\n"
    proc = mamori("rules", "validate", "hr", cwd=estate)
    assert proc.returncode == 2 and "no rule in this folder" in proc.stderr
    assert "0 rule(s)" not in proc.stdout


# --- inputs that yield nothing: exit 3 ---------------------------------------------------

def test_an_input_that_yielded_nothing_is_exit_3_and_in_every_report(estate: Path) -> None:
    (estate / "inv" / "users.yaml").write_text(CLEAN, encoding="utf-8")
    proc = mamori("scan", "--inventory", "inv", "--inventory", "hr", *RULES,
                  "--format", "console,json,markdown,html", "--out", "out", cwd=estate)
    assert proc.returncode == 3, proc.stderr
    assert "mamori: --inventory hr: no resources read" in proc.stderr
    assert "--inventory hr: no resources read" in proc.stdout
    doc = json.loads((estate / "out" / "mamori-report.json").read_text(encoding="utf-8"))
    assert [(n["kind"], n["source"]) for n in doc["gate_notes"]] == [
        ("input_empty", "--inventory hr")]
    assert doc["run"]["exit_code"] == 3
    for name in ("mamori-report.md", "mamori-report.html"):
        assert "--inventory hr" in (estate / "out" / name).read_text(encoding="utf-8")
    allowed = mamori("scan", "--inventory", "inv", "--inventory", "hr", *RULES,
                     "--allow-incomplete", cwd=estate)
    assert allowed.returncode == 0, allowed.stdout


@pytest.mark.parametrize("extra", [[], ["--allow-incomplete"], ["--fail-on", "none"]])
def test_nothing_read_is_exit_3_whatever_the_options(estate: Path, extra: list[str]) -> None:
    proc = mamori("scan", "--inventory", "hr", *RULES, *extra, cwd=estate)
    assert proc.returncode == 3
    assert "nothing was evaluated: no resource was read" in proc.stdout


def test_resources_no_rule_checks_is_exit_3(estate: Path) -> None:
    (estate / "inv" / "hosts.csv").write_text("id,os\nh1,linux\n", encoding="utf-8")
    proc = mamori("scan", "--inventory", "inv/hosts.csv", *RULES, "--allow-incomplete",
                  cwd=estate)
    assert proc.returncode == 3
    assert "1 resource(s) read" in proc.stdout and "(user)" in proc.stdout


def test_baseline_create_of_nothing_writes_nothing(estate: Path) -> None:
    proc = mamori("baseline", "create", "--inventory", "hr", *RULES, "-o", "b.json",
                  cwd=estate)
    assert proc.returncode == 3 and "nothing was evaluated" in proc.stderr
    assert not (estate / "b.json").exists()


# --- inputs that are not regular files: exit 2 in bounded time -----------------------------

@pytest.mark.parametrize("make", ["fifo", "zero", "loop", "stdin"])
def test_odd_inventory_entries_are_exit_2_quickly(estate: Path, make: str) -> None:
    target = estate / "inv" / "hosts.csv"
    if make == "fifo":
        os.mkfifo(target)
    elif make == "zero":
        target.symlink_to("/dev/zero")
    elif make == "loop":
        target.symlink_to("hosts.csv")
    else:
        target.symlink_to("/dev/stdin")  # a pipe: subprocess gives the child no stdin data
    proc = mamori("scan", "--inventory", "inv", *RULES, cwd=estate)  # timeout: 120 s
    assert proc.returncode == 2
    assert "inv/hosts.csv: inventory error: cannot read" in proc.stderr


@pytest.mark.parametrize("option", ["--config", "--waivers", "--baseline", "--rules"])
def test_a_fifo_given_as_any_input_is_exit_2(estate: Path, option: str) -> None:
    os.mkfifo(estate / "pipe.yaml")
    proc = mamori("scan", "--inventory", "inv", *RULES, option, "pipe.yaml", cwd=estate)
    assert proc.returncode == 2 and "named pipe" in proc.stderr


# --- outputs never clobber or hide inputs ------------------------------------------------

@pytest.mark.parametrize(("args", "needle"), [
    (["--format", "json", "--out", "."], "--out . contains the input --inventory inv"),
    (["--format", "json", "--out", "rules/out"], "inside the input folder --rules rules"),
    (["--save-inventory", "rules/mfa.yaml"], "is inside the input folder --rules rules"),
    (["--format", "csv", "--out", "inv/users.yaml"], "is a regular file, not a folder"),
    (["--history", "inv/h.db"], "--history inv/h.db is inside the input folder"),
])
def test_outputs_onto_inputs_are_refused_and_nothing_is_written(
        estate: Path, args: list[str], needle: str) -> None:
    before = {p: p.read_bytes() for p in estate.rglob("*") if p.is_file()}
    proc = mamori("scan", "--inventory", "inv", *RULES, *args, cwd=estate)
    assert proc.returncode == 2 and needle in proc.stderr
    assert {p: p.read_bytes() for p in estate.rglob("*") if p.is_file()} == before


def test_the_config_is_an_input_too(estate: Path) -> None:
    (estate / "mamori.yaml").write_text("gate: {fail_on: high}\n", encoding="utf-8")
    proc = mamori("scan", "--inventory", "inv", *RULES, "--save-inventory", "mamori.yaml",
                  cwd=estate)
    assert proc.returncode == 2 and "is the input --config" in proc.stderr


@pytest.mark.parametrize(("args", "needle"), [
    (["--format", "json", "--out", "inv/users.yaml/x"], "is a regular file, not a folder"),
    (["--save-inventory", "no/such/snap.jsonl"], "its folder no/such does not exist"),
])
def test_bad_output_paths_are_exit_2_before_the_scan(estate: Path, args: list[str],
                                                     needle: str) -> None:
    os.mkfifo(estate / "hr" / "hosts.csv")  # collecting would fail on this: it never starts
    proc = mamori("scan", "--inventory", "inv", "--inventory", "hr", *RULES, *args,
                  cwd=estate)
    assert proc.returncode == 2 and needle in proc.stderr and "named pipe" not in proc.stderr


def test_baseline_output_onto_the_waivers_is_refused(estate: Path) -> None:
    (estate / "w.yaml").write_text("waivers: []\n", encoding="utf-8")
    proc = mamori("baseline", "create", "--inventory", "inv", *RULES, "--waivers", "w.yaml",
                  "-o", "w.yaml", cwd=estate)
    assert proc.returncode == 2 and "is the input --waivers w.yaml" in proc.stderr
    assert (estate / "w.yaml").read_text(encoding="utf-8") == "waivers: []\n"


def test_plan_out_around_the_plan_is_refused(estate: Path) -> None:
    (estate / "plan").mkdir()
    (estate / "plan" / "tfplan.json").write_text("{}", encoding="utf-8")
    proc = mamori("plan", "plan/tfplan.json", "--format", "json", "--out", "plan", cwd=estate)
    assert proc.returncode == 2
    assert "--out plan contains the input PLAN_JSON plan/tfplan.json" in proc.stderr


def test_waivers_matching_every_loaded_rule_are_refused(estate: Path) -> None:
    (estate / "w.yaml").write_text(
        "waivers:\n  - {rule: 'T-*', resource: '*', reason: r, owner: o, ticket: t,"
        " expires: 2099-01-01}\n", encoding="utf-8")
    proc = mamori("scan", "--inventory", "inv", *RULES, "--waivers", "w.yaml", cwd=estate)
    assert proc.returncode == 2
    assert "w.yaml:2: waivers[0].rule: waiver error: this waiver would cover every" in proc.stderr


def test_the_json_report_with_an_empty_input_note_matches_the_schema(estate: Path) -> None:
    import jsonschema

    from mamori.checks.reporting import report_schema_text

    proc = mamori("scan", "--inventory", "inv", "--inventory", "hr", *RULES, "--format", "json",
                  "--out", "out", cwd=estate)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((estate / "out" / "mamori-report.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads(report_schema_text()))
