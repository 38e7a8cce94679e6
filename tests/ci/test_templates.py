"""The CI templates and the top-level .pre-commit-hooks.yaml: shape, names that must agree."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from mamori.ci.commands import TEMPLATES, render_template
from tests.ci.conftest import mamori, mamori_with_inventory_command

ROOT = Path(__file__).resolve().parents[2]


def hooks() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {h["id"]: h for h in data}


def template(system: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(render_template(system))
    return data


def report_file(fmt: str) -> str:
    """The file `--out mamori-report` gets for a format, from the renderer itself."""
    from mamori.reports.registry import renderer_class

    try:
        cls = renderer_class(fmt)
    except ImportError:
        pytest.skip(f"the {fmt} renderer is not there yet")
    return f"mamori-report/mamori-report.{cls.extension}"


def test_every_system_has_a_packaged_template() -> None:
    for system in TEMPLATES:
        text = render_template(system)
        assert "@MAMORI_" not in text and text.startswith("# mamori")


def test_hooks_file_declares_the_two_hooks() -> None:
    found = hooks()
    assert set(found) == {"mamori-validate-rules", "mamori-validate-inventory"}
    assert found["mamori-validate-rules"]["entry"] == "mamori rules validate"
    assert found["mamori-validate-inventory"]["entry"] == "mamori inventory validate"
    for hook in found.values():
        assert hook["language"] == "python" and hook["name"]


def test_hook_entries_are_real_commands(tmp_path: Path) -> None:
    rules = mamori("rules", "validate", "--help", cwd=tmp_path)
    inventory = mamori_with_inventory_command("inventory", "validate", "--help", cwd=tmp_path)
    assert rules.returncode == 0 and inventory.returncode == 0, inventory.stderr


def test_rules_hook_passes_on_a_built_in_rule(tmp_path: Path) -> None:
    rule = next((ROOT / "rules" / "library").rglob("*.yaml"))
    proc = mamori("rules", "validate", rule, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(("hook", "path", "selected"), [
    ("mamori-validate-rules", "rules/iam.yaml", True),
    ("mamori-validate-rules", "security/rules/net.yml", True),
    ("mamori-validate-rules", "docs/rules.md", False),
    ("mamori-validate-rules", "config/app.yaml", False),
    ("mamori-validate-inventory", "inventory/hosts.csv", True),
    ("mamori-validate-inventory", "site/inventory/users.yaml", True),
    ("mamori-validate-inventory", "inventory/mamori.yaml", False),
    ("mamori-validate-inventory", "inventory/README.md", False),
])
def test_hook_file_patterns(hook: str, path: str, selected: bool) -> None:
    # pre-commit selects with re.search on `files` and skips `exclude` matches.
    spec = hooks()[hook]
    chosen = re.search(spec["files"], path) is not None
    if "exclude" in spec and re.search(spec["exclude"], path):
        chosen = False
    assert chosen is selected


def test_pre_commit_template_uses_the_repository_hooks() -> None:
    repos = template("pre-commit")["repos"]
    assert len(repos) == 1 and repos[0]["rev"].startswith("v")
    assert repos[0]["repo"].startswith("https://")
    assert {h["id"] for h in repos[0]["hooks"]} == set(hooks())


def test_github_workflow_plan_job() -> None:
    wf = template("github")
    job = wf["jobs"]["plan"]
    assert job["permissions"]["security-events"] == "write"
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    uses = [s.get("uses", "") for s in job["steps"]]
    assert "terraform show -json" in runs and "mamori plan tfplan.json" in runs
    assert '"$GITHUB_STEP_SUMMARY"' in runs
    assert any(u.startswith("hashicorp/setup-terraform@") for u in uses)
    assert report_file("markdown") in runs


def test_github_workflow_uploads_the_sarif_file_mamori_writes() -> None:
    steps = template("github")["jobs"]["plan"]["steps"]
    upload = next(s for s in steps
                  if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == report_file("sarif")


def test_github_workflow_nightly_scan_job() -> None:
    wf: dict[Any, Any] = template("github")
    triggers = wf["on"] if "on" in wf else wf[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["schedule"][0]["cron"] and "pull_request" in triggers
    job = wf["jobs"]["nightly-scan"]
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    assert "mamori scan --inventory" in runs and "schedule" in job["if"]


def test_gitlab_jobs_publish_junit() -> None:
    ci = template("gitlab")
    for name in ("mamori-plan", "mamori-scan"):
        job = ci[name]
        assert job["artifacts"]["reports"]["junit"] == report_file("junit")
        assert job["artifacts"]["when"] == "always"
        script = "\n".join(_flatten(job["script"]))
        assert "junit" in script and "--out mamori-report" in script
    assert "mamori plan tfplan.json" in "\n".join(_flatten(ci["mamori-plan"]["script"]))


def _flatten(items: list[Any]) -> list[str]:
    out: list[str] = []
    for item in items:
        out += _flatten(item) if isinstance(item, list) else [str(item)]
    return out


GATE_INPUTS = {"--waivers", "--baseline"}


def _options_used(command: str) -> set[str]:
    """Options the templates pass to ``mamori COMMAND`` (continuation lines joined)."""
    used: set[str] = set()
    for system in ("github", "gitlab"):
        text = render_template(system).replace("\\\n", " ")
        text = re.sub(r"\n\s+--", " --", text)  # GitLab's folded plain scalars
        for line in text.splitlines():
            if f"mamori {command} " in line:
                used |= set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", line.split(
                    f"mamori {command} ", 1)[1]))
    return used


@pytest.mark.parametrize("command", ["plan", "scan"])
def test_templates_use_only_existing_options(tmp_path: Path, command: str) -> None:
    # --waivers/--baseline are checked by test_commands once cli.py wires them in.
    help_text = mamori(command, "--help", cwd=tmp_path).stdout
    used = _options_used(command) - GATE_INPUTS
    assert used and not {o for o in used if o not in help_text}

