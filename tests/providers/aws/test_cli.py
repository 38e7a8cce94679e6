"""``mamori scan --aws`` end to end: the real command in a subprocess against moto."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def test_scan_aws_from_the_command_line(scenario: Any, tmp_path: Path) -> None:
    env = dict(os.environ)  # the moto fixture put the test credentials/config here
    proc = subprocess.run(
        [sys.executable, "-m", "mamori.checks.cli", "scan", "--aws-profile", "main",
         "--aws-endpoint-url", scenario.url, "--region", "us-east-1", "--format", "json",
         "--out", str(tmp_path), "-q"],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    # public buckets and admin ports open to the internet: failures at or above 'low'
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((tmp_path / "mamori-report.json").read_text(encoding="utf-8"))
    assert [p.split()[0] for p in doc["run"]["providers"]] == ["aws"]
    status = {(f["rule_id"], f["resource"]["name"]): f["status"] for f in doc["findings"]}
    assert status[("MAM-STO-001", "policy-public")] == "FAIL"
    assert status[("MAM-STO-001", "acl-public-blocked")] == "PASS"
    assert status[("MAM-VOL-001", "loose-volume")] == "FAIL"
    assert all(f["resource"]["region"] in ("us-east-1", "global") for f in doc["findings"])
    # nothing secret reaches the report
    text = json.dumps(doc)
    assert not any(secret in text for secret in scenario.secrets)


def _options_from(*args: str) -> Any:
    import click
    from click.testing import CliRunner

    from mamori.checks.cli_clouds import cloud_options, clouds_from_flags

    seen: list[Any] = []

    @click.command()
    @cloud_options
    def probe(**flags: Any) -> None:
        seen.extend(clouds_from_flags(flags, None))

    result = CliRunner().invoke(probe, list(args))
    return result, seen


def test_retry_and_timeout_flags_become_options() -> None:
    result, clouds = _options_from("--aws-max-attempts", "3", "--aws-connect-timeout", "2.5",
                                   "--aws-read-timeout", "20", "--aws-call-timeout", "45")
    assert result.exit_code == 0, result.output
    [(name, options)] = clouds  # a limit alone selects AWS, like any --aws-* flag
    assert name == "aws"
    assert (options.max_attempts, options.connect_timeout, options.read_timeout,
            options.call_timeout) == (3, 2.5, 20.0, 45.0)
    _, defaults = _options_from("--aws")
    assert (defaults[0][1].max_attempts, defaults[0][1].call_timeout) == (8, 120.0)


def test_a_bad_limit_is_a_usage_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mamori.checks.cli", "scan", "--aws-call-timeout", "0",
         "--out", str(tmp_path), "-q"],
        capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert "call_timeout must be a number of seconds above 0" in proc.stderr
    assert "Traceback" not in proc.stderr
