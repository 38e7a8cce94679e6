"""No secret reaches any output: seven formats, console, snapshot, notifications.

Resources carry one distinctive secret string in every place a secret can hide: the
vocabulary's ``password_hash``, nested ``x_`` fields, fields of list items (recorded
whole by ``some``/``none``), ``raw``, secret-named tags, and a value a rule reads with
the wrong kind (ERROR). Real rules are evaluated by the real engine, every format is
rendered through the registry, the snapshot is written by the real writer, and the
string must appear in none of them.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mamori.checks.engine import Engine
from mamori.checks.errors import InventoryError
from mamori.checks.findings import RunInfo, ScanResult
from mamori.checks.model import Resource, Status
from mamori.checks.ruleset import compile_rule, load_rules
from mamori.ci.gate import GatePolicy, decide
from mamori.ci.notify import payload, post, summary
from mamori.providers.files.provider import FilesProvider
from mamori.providers.snapshot import SnapshotWriter
from mamori.reports.interface import Report
from mamori.reports.registry import FORMATS, renderer

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)
SECRET = "Zq7SECRETvalue42xK"

RESOURCES = [
    Resource(type="network_device", id="fw-01", name="edge firewall", provider="onprem",
             tags={"owner": "net", "AdminToken": SECRET},
             attributes={"vendor": "cisco", "default_credentials": False,
                         "password_hash": f"$1$salt${SECRET}",
                         "x_snmp": {"community_secret": SECRET, "version": 2},
                         "raw": {"Config": f"enable secret 5 {SECRET}"}}),
    Resource(type="user", id="u-1", name="tanaka", provider="aws", account="111",
             attributes={"mfa": False, "access_keys": [
                 {"id": "AKIA1", "active": True, "x_secret_access_key": SECRET},
                 {"id": "AKIA2", "active": False, "x_session": {"token": SECRET}}]}),
    Resource(type="host", id="i-1", name="web", provider="aws", account="111",
             tags={"deploy_password": SECRET},
             attributes={"internet_facing": True,
                         "x_db": {"admin_password": SECRET, "port": 5432,
                                  "users": [{"name": "app", "pwd": SECRET}]},
                         "x_api_key": SECRET,
                         "raw": {"UserData": f"#!/bin/sh\nDB_PASS={SECRET}"}}),
    Resource(type="bucket", id="b-1", name="exports", provider="aws", account="111",
             tags={"sas_token": SECRET, "Name": "exports"}, attributes={"public": True}),
]

# (resource type, assertion): each fails on the resources above, so its evidence and
# message are shown everywhere; the last two cannot decide (ERROR) on purpose.
RULES = [
    ("network_device", "{attr: password_hash, not_matches: '^\\$1\\$'}"),
    ("network_device", "{attr: x_snmp, exists: false}"),
    ("network_device", "{attr: tags.AdminToken, exists: false}"),
    ("network_device", "{attr: raw.Config, not_matches: 'enable secret'}"),
    ("user", "{attr: access_keys, none: {attr: active, eq: true}}"),
    ("user", "{attr: access_keys, every: {attr: x_session, exists: false}}"),
    ("host", "{attr: x_db, exists: false}"),
    ("host", "{attr: x_db.users, none: {attr: name, eq: app}}"),
    ("host", "{attr: x_api_key, eq: nothing}"),
    ("host", "{attr: raw.UserData, exists: false}"),
    ("host", "{attr: tags, exists: false}"),
    ("bucket", "{attr: tags.sas_token, eq: other}"),
    ("bucket", "{all: [{attr: tags, exists: true}, {attr: public, eq: false}]}"),
    ("host", "{attr: x_api_key, gt: 5}"),
    ("network_device", "{attr: x_snmp.community_secret, older_than_days: 3}"),
]


def _rule_file(tmp_path: Path, index: int, rtype: str, check: str) -> Path:
    path = tmp_path / f"rule{index}.yaml"
    path.write_text(
        f"id: T-LEAK-{index}\ntitle: {{en: Leak test {index}, ja: 漏えい試験 {index}}}\n"
        "remediation: {en: Fix it., ja: 直す。}\nseverity: high\n"
        f"causes: [external_attack]\nresource: {rtype}\nassert: {check}\n",
        encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = tmp_path_factory.mktemp("rules")
    specs = load_rules([_rule_file(folder, i, t, c) for i, (t, c) in enumerate(RULES)])
    compiled = [compile_rule(spec, AS_OF) for spec in specs]
    engine = Engine(compiled)
    findings = [f for res in RESOURCES for f in engine.evaluate(res)]
    assert len(findings) == len(RULES)
    statuses = [f.status for f in findings]
    assert statuses.count(Status.ERROR) == 2 and Status.PASS not in statuses
    run = RunInfo(as_of=AS_OF, started=AS_OF, finished=AS_OF, providers=("aws", "onprem"),
                  accounts=("111",), ruleset_hash="sha256:00", tool_version="0.0.0",
                  resources=len(RESOURCES))
    result = ScanResult(run=run, rules=[rule.info for rule in compiled], findings=findings,
                        errors=[], rule_stats=engine.stats())
    return Report(result, decide(result, GatePolicy()), "en")


@pytest.mark.parametrize("name", FORMATS)
def test_no_format_shows_the_secret(report: Report, name: str) -> None:
    out = io.StringIO()
    renderer(name).render(report, out)
    text = out.getvalue()
    assert SECRET not in text
    assert "[redacted]" in text or name in ("markdown", "console")  # evidence is masked


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_console_shows_no_secret_in_either_language(report: Report, lang: str) -> None:
    out = io.StringIO()
    renderer("console").render(Report(report.result, report.verdict, lang), out)
    text = out.getvalue()
    assert SECRET not in text and "[redacted]" in text  # FAIL messages say what was masked


def test_findings_themselves_hold_no_secret(report: Report) -> None:
    for finding in report.result.findings:
        assert SECRET not in repr(finding.evidence) + finding.message
        assert SECRET not in repr(finding.resource.tags)


@pytest.mark.parametrize("style", ["json", "slack", "teams"])
def test_notifications_show_no_secret(report: Report, style: str) -> None:
    sent: list[bytes] = []

    class _Answer:
        def __enter__(self) -> _Answer:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def read(self) -> bytes:
            return b"ok"

    def opener(request: Any, timeout: float) -> _Answer:
        sent.append(request.data)
        return _Answer()

    body = payload(summary(report.result, report.verdict, "report.html"), style)
    post("http://127.0.0.1:9/hook", body, opener=opener)
    assert sent and SECRET.encode() not in sent[0]
    assert json.loads(sent[0])  # still the JSON the receiver expects


def test_snapshot_holds_no_secret(tmp_path: Path) -> None:
    path = tmp_path / "snap.jsonl"
    with SnapshotWriter(path) as writer:
        for resource in RESOURCES:
            writer.write(resource)
    text = path.read_text(encoding="utf-8")
    assert SECRET not in text
    assert text.count('{"$withheld": true}') >= 8


@pytest.mark.parametrize("value", [f"[{SECRET}]", f"{{k: {SECRET}}}", "12345678"])
def test_a_malformed_secret_is_not_echoed_in_the_error(tmp_path: Path, value: str) -> None:
    inventory = tmp_path / "network_devices.yaml"
    inventory.write_text(f"- id: fw-9\n  vendor: cisco\n  password_hash: {value}\n",
                         encoding="utf-8")
    with pytest.raises(InventoryError) as caught:
        list(FilesProvider([inventory]).collect())
    message = str(caught.value)
    assert "password_hash" in message  # says where
    assert SECRET not in message and "12345678" not in message  # never what
