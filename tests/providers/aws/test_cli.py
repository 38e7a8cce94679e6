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
