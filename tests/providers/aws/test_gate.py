"""The gate on a clean AWS account, end to end: the real ``mamori scan`` command.

A clean account (tests/providers/aws/clean.py) exits 0: every decidable verdict PASS (or
not applicable), and what no AWS API can tell is NOT_ASSESSED naming the source that
could. The same account with one listing refused (a 403 from the proxy in front of
moto) exits 3 and shows the refused call.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mamori.providers.aws.observes import OBSERVES
from tests.providers.aws.clean import CLEAN_ACCOUNT, CLEAN_ROLE, CleanAccount
from tests.providers.aws.proxy import Answer, action, running

DENIED = Answer(403, b"<?xml version='1.0' encoding='UTF-8'?><Response><Errors><Error>"
                     b"<Code>UnauthorizedOperation</Code><Message>You are not authorized to "
                     b"perform this operation.</Message></Error></Errors>"
                     b"<RequestID>0ab1c2d3</RequestID></Response>", "text/xml")


@pytest.fixture(scope="module")
def clean(scenario: Any) -> CleanAccount:
    return CleanAccount(scenario.url)


def scan(endpoint: str, out: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    proc = subprocess.run(
        [sys.executable, "-m", "mamori.checks.cli", "scan", "--aws-role-arn", CLEAN_ROLE,
         "--aws-endpoint-url", endpoint, "--region", "us-east-1", "--aws-max-attempts", "2",
         "--format", "console,json", "--out", str(out), *extra],
        capture_output=True, text=True, env=dict(os.environ), timeout=300, check=False)
    report = json.loads((out / "mamori-report.json").read_text(encoding="utf-8"))
    return proc.returncode, report, proc.stdout + proc.stderr


def test_a_clean_account_passes_with_what_no_api_can_tell_not_assessed(
        scenario: Any, clean: CleanAccount, tmp_path: Path) -> None:
    with running(scenario.url, *clean.ssm_rules()) as proxy:
        code, report, output = scan(proxy.url, tmp_path)
    findings = report["findings"]
    assert {f["resource"]["account"] for f in findings} == {CLEAN_ACCOUNT}
    status = Counter(f["status"] for f in findings)
    bad = [(f["rule_id"], f["resource"]["name"], f["status"], f["message"]) for f in findings
           if f["status"] in ("FAIL", "ERROR")]
    assert bad == [] and report["errors"] == [], output
    assert code == 0, output
    assert status["PASS"] > 40 and status["NOT_ASSESSED"] > 0
    judged = {f["resource"]["type"] for f in findings}
    assert judged == {"account", "user", "role", "policy", "bucket", "volume", "host",
                      "firewall_rule", "database"}  # every type the provider emits
    not_assessed = {(f["rule_id"], f["resource"]["type"]): f["message"] for f in findings
                    if f["status"] == "NOT_ASSESSED"}
    # The facts the declaration puts out of AWS's reach, and only those.
    assert {("MAM-IAM-006", "user"), ("MAM-IAM-008", "user"), ("MAM-IAM-009", "user"),
            ("MAM-HOST-005", "host"), ("MAM-DB-003", "database"),
            ("MAM-ACC-007", "account")} <= set(not_assessed)
    for f in findings:
        if f["status"] == "NOT_ASSESSED":
            rtype = f["resource"]["type"]
            assert f["needs"] and all(
                OBSERVES.unobservable(rtype, attr) is not None and source
                for attr, source in f["needs"].items()), f
    assert "HR inventory" in not_assessed[("MAM-IAM-008", "user")]
    assert "host inventory" in not_assessed[("MAM-HOST-005", "host")]
    assert "not visible to EC2" in not_assessed[("MAM-HOST-005", "host")]
    assert "database inventory" in not_assessed[("MAM-DB-003", "database")]
    assert "NOT_ASSESSED" in output or "not assessed" in output.lower()
    text = json.dumps(report) + output
    assert "Clean-Account-Pw-9" not in text and "not-a-real-pw-5" not in text


def test_the_same_account_with_one_listing_refused_exits_3(
        scenario: Any, clean: CleanAccount, tmp_path: Path) -> None:
    with running(scenario.url, *clean.ssm_rules(), action("DescribeVolumes", DENIED)) as proxy:
        code, report, output = scan(proxy.url, tmp_path)
    assert code == 3, output
    [error] = report["errors"]
    assert (error["operation"], error["code"], error["account"]) == (
        "ec2:DescribeVolumes", "UnauthorizedOperation", CLEAN_ACCOUNT)
    assert error["resource_types"] == ["volume"]
    assert "ec2:DescribeVolumes" in output and "UnauthorizedOperation" in output
    errors = [f for f in report["findings"] if f["status"] == "ERROR"]
    assert errors and all(f["resource"]["type"] in ("volume", "host") for f in errors)
    assert not [f for f in report["findings"] if f["status"] == "FAIL"]


def test_require_assessed_makes_the_out_of_reach_facts_fail_the_gate(
        scenario: Any, clean: CleanAccount, tmp_path: Path) -> None:
    with running(scenario.url, *clean.ssm_rules()) as proxy:
        code, _, output = scan(proxy.url, tmp_path, "--require-assessed")
    assert code == 3, output
