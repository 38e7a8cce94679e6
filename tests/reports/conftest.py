"""A hand-built scan result that exercises every corner of the reports.

Fixed datetimes; several causes; PASS, FAIL, ERROR, WAIVED and NOT_ASSESSED (cloud users
whose employment no source of the scan can tell); an APPI-reportable FAIL;
a collection error; hostile resource names (``<script>``, ``=HYPERLINK``); Japanese
names; a cause with no rule (supply_chain); a cause whose only rule's resource type had
no inventory (physical) and one that is only partly covered (insider).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from mamori.checks.findings import Appi, Finding, RuleInfo, RuleStats, RunInfo, ScanResult, Text
from mamori.checks.model import (
    Cause,
    CollectionError,
    DataClass,
    Resource,
    Severity,
    Status,
    Waiver,
    fingerprint,
)
from mamori.ci.gate import GatePolicy, decide
from mamori.reports.interface import Report

JST = timezone(timedelta(hours=9))
GOLDEN = Path(__file__).parent / "golden"
C = Cause


def _rule(rid: str, sev: Severity, causes: tuple[Cause, ...], rtype: str, en: str, ja: str,
          fw: dict[str, tuple[str, ...]], params: dict[str, Any] | None = None) -> RuleInfo:
    return RuleInfo(id=rid, title=Text(en, ja), severity=sev, causes=causes, frameworks=fw,
                    resource_type=rtype, source=f"builtin:{rid}.yaml",
                    remediation=Text(f"Fix {rid}.", f"{rid} を修正してください。"),
                    params=params or {})


RULES = {
    "db": _rule("db.public_access", Severity.CRITICAL, (C.EXTERNAL_ATTACK, C.HUMAN_ERROR),
                "database", "Database reachable from the internet",
                "インターネットから到達可能なデータベース",
                {"iso27001_2022": ("8.20", "8.22"), "cis_v8": ("12.2",),
                 "nist_csf_2": ("PR.AA-05",), "appi_guideline": ("10-6(3)",)}),
    "bucket": _rule("bucket.public", Severity.HIGH, (C.HUMAN_ERROR, C.EXTERNAL_ATTACK),
                    "bucket", "Bucket is publicly readable", "バケットが公開されている",
                    {"iso27001_2022": ("5.15",), "cis_v8": ("3.3",)}),
    "host": _rule("host.patched", Severity.HIGH, (C.VULNERABILITY,), "host",
                  "Host patched within the window", "パッチ適用期限内のホスト",
                  {"cis_v8": ("7.3", "7.4")}, {"patch_window_days": 30}),
    "user": _rule("user.leaver_disabled", Severity.MEDIUM, (C.INSIDER, C.HUMAN_ERROR), "user",
                  "Leavers' accounts are disabled", "退職者のアカウントが無効化されている",
                  {"nist_csf_2": ("GV.RR-04",)}),
    "media": _rule("media.disposal_certified", Severity.MEDIUM, (C.INSIDER,),
                   "media_disposal", "Media disposal has a certificate",
                   "媒体廃棄に証明書がある", {"iso27001_2022": ("7.14",)}),
    "endpoint": _rule("endpoint.disk_encrypted", Severity.MEDIUM, (C.TELEWORK,), "endpoint",
                      "Endpoint disk is encrypted", "端末のディスクが暗号化されている",
                      {"iso27001_2022": ("8.1",)}),
    "facility": _rule("facility.access_control", Severity.LOW, (C.PHYSICAL,), "facility",
                      "Server rooms have access control", "サーバ室に入退室管理がある",
                      {"iso27001_2022": ("7.2",)}),
}

AWS = {"provider": "aws", "account": "111111111111", "region": "ap-northeast-1"}
HQ = {"provider": "onprem", "account": "hq", "region": "東京本社"}
GCP = {"provider": "gcp", "account": "acme-prod", "region": "global"}
#: What the gcp provider would declare for ``employment`` (mamori.checks.observability).
HR_SOURCE = "give an HR inventory (person records) joined by e-mail (docs/hr-join.md)"
NOT_ASSESSED_MESSAGE = ("not assessed: no source of this scan can tell employment: Cloud "
                        "Identity keeps no employment status; " + HR_SOURCE)


def _res(rtype: str, rid: str, name: str, where: dict[str, str], **kw: Any) -> Resource:
    return Resource(type=rtype, id=rid, name=name, provider=where["provider"],
                    account=where["account"], region=where["region"],
                    source=kw.pop("source", f"api:{rid}"), **kw)


def _finding(rule: str, res: Resource, status: Status, message: str,
             evidence: dict[str, Any], **kw: Any) -> Finding:
    info = RULES[rule]
    return Finding(rule=info, resource=res, status=status, message=message,
                   evidence=evidence,
                   fingerprint=fingerprint(info.id, res.provider, res.account, res.id), **kw)


PERSONAL = (DataClass.PERSONAL,)


def build_findings() -> list[Finding]:
    """Findings deliberately listed out of report order."""
    return [
        _finding("user", _res("user", "u-tanaka", "田中一郎", HQ, source="hr.csv:row 4"),
                 Status.FAIL, "account of a leaver is still enabled",
                 {"employment": "leaver", "enabled": True, "password": "[redacted]"}),
        _finding("bucket", _res("bucket", "bkt-evil", '=HYPERLINK("http://evil.invalid","x")',
                                AWS), Status.FAIL, "bucket is public via acl:AllUsers:READ",
                 {"public": True, "public_via": ("acl:AllUsers:READ",)}),
        _finding("db", _res("database", "db-2", "analytics", AWS), Status.PASS,
                 "database is not public", {"public": False}),
        _finding("bucket", _res("bucket", "bkt-xss", "<script>alert(1)</script>", AWS,
                                data_classes=PERSONAL), Status.FAIL,
                 "bucket is public via policy:Principal:*",
                 {"public": True, "public_via": ["policy:Principal:*"]},
                 appi=Appi(None, (), ("number of people unknown",))),
        _finding("db", _res("database", "db-1", "顧客DB", AWS, records=12000,
                            data_classes=(DataClass.PERSONAL, DataClass.SENSITIVE_PERSONAL)),
                 Status.FAIL, "database is publicly accessible",
                 {"public": True, "engine": "postgres"},
                 appi=Appi(True, ("sensitive_personal", "records>1000"))),
        _finding("host", _res("host", "i-0web01", "web-01", AWS), Status.ERROR,
                 "attribute last_patched is absent", {}, missing=("last_patched",)),
        _finding("host", _res("host", "i-0batch", "batch-01", AWS), Status.FAIL,
                 "last patched 121 days before as_of (window 30)",
                 {"last_patched": date(2025, 12, 1), "age_days": 121}),
        _finding("host", _res("host", "i-0db", "db-host", AWS), Status.PASS,
                 "patched 3 days before as_of",
                 {"last_patched": datetime(2026, 3, 29, 2, 0, tzinfo=JST)}),
        _finding("bucket", _res("bucket", "bkt-exports", "exports-2026", AWS, records=500,
                                data_classes=PERSONAL), Status.FAIL,
                 "bucket is public via iam:allUsers", {"public": True},
                 appi=Appi(True, ("unauthorized access (不正目的)",))),
        _finding("bucket", _res("bucket", "bkt-archive", "archive", AWS), Status.WAIVED,
                 "bucket is public via acl:AllUsers:READ (waived)", {"public": True},
                 waiver=Waiver("山田太郎", "public website assets", "SEC-123",
                               datetime(2026, 6, 30, 23, 59, tzinfo=JST))),
        _finding("user", _res("user", "u-suzuki", "鈴木花子", HQ, source="hr.csv:row 5"),
                 Status.PASS, "account is enabled for an active employee",
                 {"employment": "active", "enabled": True}),
        _finding("endpoint", _res("endpoint", "pc-07", "laptop-07", HQ), Status.FAIL,
                 "disk is not encrypted", {"disk_encrypted": False}),
        _finding("user", _res("user", "user:sato@acme.example", "sato@acme.example", GCP),
                 Status.NOT_ASSESSED, NOT_ASSESSED_MESSAGE, {"enabled": True},
                 missing=("employment",), needs={"employment": HR_SOURCE}),
        _finding("user", _res("user", "user:kato@acme.example", "加藤", GCP),
                 Status.NOT_ASSESSED, NOT_ASSESSED_MESSAGE, {"enabled": True},
                 missing=("employment",), needs={"employment": HR_SOURCE}),
    ]


def build_result(findings: list[Finding] | None = None) -> ScanResult:
    run = RunInfo(
        as_of=datetime(2026, 4, 1, 9, 0, tzinfo=JST),
        started=datetime(2026, 4, 1, 9, 0, 5, tzinfo=JST),
        finished=datetime(2026, 4, 1, 9, 0, 7, tzinfo=JST),
        providers=("aws", "gcp", "onprem"), accounts=("111111111111", "acme-prod", "hq"),
        ruleset_hash="sha256:3f2a9c1b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8",
        tool_version="0.1.0", resources=13)
    seen = {"db": 2, "bucket": 4, "host": 3, "user": 4, "endpoint": 1}
    stats = {r.id: RuleStats(resources_seen=seen.get(k, 0)) for k, r in RULES.items()}
    error = CollectionError(
        provider="aws", operation="iam:ListUsers", scope="111111111111", code="AccessDenied",
        message="User: arn:aws:iam::111111111111:user/scanner is not authorized",
        resource_types=("user",), account="111111111111")
    return ScanResult(run=run, rules=list(RULES.values()),
                      findings=build_findings() if findings is None else findings,
                      errors=[error], rule_stats=stats)


def build_report(lang: str = "en", findings: list[Finding] | None = None) -> Report:
    result = build_result(findings)
    return Report(result, decide(result, GatePolicy(fail_on=Severity.HIGH)), lang)


# How some findings of build_findings() relate to a reference (resource id -> change,
# first_seen). Plan and history words are mixed on purpose: renderers show both kinds.
CHANGES: dict[str, tuple[str, datetime | None]] = {
    "bkt-exports": ("introduced", None),
    "db-1": ("persisting", datetime(2026, 2, 1, tzinfo=JST)),
    "i-0batch": ("new", None),
    "pc-07": ("unchanged", None),
}


def build_changed_report(lang: str = "en") -> Report:
    """The same scan with ``change``/``first_seen`` set on some findings and one baselined."""
    findings = []
    for f in build_findings():
        change: str | None = None
        first: datetime | None = None
        if f.resource.id in CHANGES:
            change, first = CHANGES[f.resource.id]
        findings.append(dataclasses.replace(f, change=change, first_seen=first,
                                            baselined=f.resource.id == "pc-07"))
    return build_report(lang, findings)


@pytest.fixture
def changed_report() -> Report:
    return build_changed_report("en")


@pytest.fixture
def report() -> Report:
    return build_report("en")


@pytest.fixture
def report_ja() -> Report:
    return build_report("ja")


@pytest.fixture
def make_report() -> Callable[..., Report]:
    return build_report


@pytest.fixture
def extra_finding() -> Callable[..., Finding]:
    """Build one more finding of a fixture rule (``db``, ``bucket``, ``host``...)."""
    return _finding


@pytest.fixture
def extra_resource() -> Callable[..., Resource]:
    return lambda rid, name, **kw: _res("bucket", rid, name, AWS, **kw)


@pytest.fixture
def golden() -> Callable[[str, bytes], None]:
    """Compare bytes with ``golden/NAME``; MAMORI_UPDATE_GOLDEN=1 rewrites the file."""

    def check(name: str, data: bytes) -> None:
        path = GOLDEN / name
        if os.environ.get("MAMORI_UPDATE_GOLDEN") == "1":
            path.write_bytes(data)
            return
        assert path.exists(), f"missing golden file {path}; run with MAMORI_UPDATE_GOLDEN=1"
        assert data.decode("utf-8") == path.read_bytes().decode("utf-8")

    return check


MDM_SOURCE = "give an MDM export of the endpoints (docs/inventory.md)"


def build_unassessed_cause_report(lang: str = "en") -> Report:
    """The scan with the telework cause's only finding NOT_ASSESSED: a cause that ran but
    was not assessed at all (no decided finding), which must never read as clean."""
    findings = [f for f in build_findings() if f.resource.id != "pc-07"]
    findings.append(_finding(
        "endpoint", _res("endpoint", "pc-08", "laptop-08", HQ), Status.NOT_ASSESSED,
        "not assessed: no source of this scan can tell disk_encrypted: the asset ledger "
        "keeps no encryption state; " + MDM_SOURCE, {}, missing=("disk_encrypted",),
        needs={"disk_encrypted": MDM_SOURCE}))
    return build_report(lang, findings)


@pytest.fixture
def unassessed_report() -> Report:
    return build_unassessed_cause_report("en")
