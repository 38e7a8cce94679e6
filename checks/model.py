"""Value types shared by every part of mamori: causes, severities, statuses, resources.

These are the contracts of DESIGN.md in code. They are frozen dataclasses and enums so
that providers, the engine and the renderers can pass them around without copying.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Cause(StrEnum):
    """The seven causes of information leaks (fixed vocabulary; first = primary)."""

    EXTERNAL_ATTACK = "external_attack"
    HUMAN_ERROR = "human_error"
    INSIDER = "insider"
    VULNERABILITY = "vulnerability"
    PHYSICAL = "physical"
    TELEWORK = "telework"
    SUPPLY_CHAIN = "supply_chain"

    @property
    def label_en(self) -> str:
        """English label for reports."""
        return _CAUSE_LABELS[self][1]

    @property
    def label_ja(self) -> str:
        """Japanese label for reports."""
        return _CAUSE_LABELS[self][0]


_CAUSE_LABELS: dict[Cause, tuple[str, str]] = {
    Cause.EXTERNAL_ATTACK: ("外部からのサイバー攻撃", "external cyberattack"),
    Cause.HUMAN_ERROR: ("人為的ミスと管理不備", "human error and poor management"),
    Cause.INSIDER: ("内部不正による持ち出し", "insider misuse"),
    Cause.VULNERABILITY: ("システムの脆弱性", "system vulnerabilities"),
    Cause.PHYSICAL: ("物理的セキュリティの不足", "weak physical security"),
    Cause.TELEWORK: ("テレワーク環境のリスク", "telework risks"),
    Cause.SUPPLY_CHAIN: ("サプライチェーン経由の漏洩", "supply-chain leaks"),
}


class Severity(StrEnum):
    """How bad a failure of a rule is; ordered from most to least severe."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for critical … 4 for info: lower is more severe."""
        return _SEVERITY_ORDER.index(self)

    def at_least(self, threshold: Severity) -> bool:
        """True when this severity is as severe as ``threshold`` or more."""
        return self.rank <= threshold.rank


_SEVERITY_ORDER = list(Severity)


class Status(StrEnum):
    """The verdict of one rule on one resource. Only PASS is a pass.

    ERROR: a source that should have supplied a fact did not (denied, timed out, absent).
    NOT_ASSESSED: no source given to this scan can ever supply a fact the rule needs,
    by the providers' own declaration (mamori.checks.observability); it names the fact
    and the source that could.
    """

    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"
    WAIVED = "WAIVED"
    NOT_ASSESSED = "NOT_ASSESSED"


class DataClass(StrEnum):
    """Kinds of data a resource holds, for APPI classification."""

    PERSONAL = "personal"
    SENSITIVE_PERSONAL = "sensitive_personal"  # 要配慮個人情報
    PAYMENT = "payment"
    CONFIDENTIAL = "confidential"


class Framework(StrEnum):
    """Control frameworks a rule may map to."""

    ISO27001_2022 = "iso27001_2022"
    CIS_V8 = "cis_v8"
    NIST_CSF_2 = "nist_csf_2"
    APPI_GUIDELINE = "appi_guideline"


ENVELOPE_KEYS = frozenset(
    {"type", "id", "name", "provider", "account", "region", "tags", "data_classes",
     "records", "source"}
)


@dataclass(frozen=True, slots=True)
class Resource:
    """One normalized inventory record: an envelope plus type-specific attributes.

    An attribute the provider could not read is absent from ``attributes``; it is
    never guessed. ``attributes`` and ``tags`` must not be mutated after creation.
    """

    type: str
    id: str
    provider: str
    name: str = ""
    account: str = ""
    region: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)
    #: What data it holds; None when the provider could not read it (e.g. tags denied):
    #: unknown, so rules that depend on it are undecided and APPI reportability unknown.
    data_classes: tuple[DataClass, ...] | None = ()
    records: int | None = None
    source: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def envelope(self) -> dict[str, Any]:
        """The envelope as plain JSON-ready data (no attributes)."""
        return {
            "type": self.type,
            "id": self.id,
            "name": self.name,
            "provider": self.provider,
            "account": self.account,
            "region": self.region,
            "tags": dict(self.tags),
            "data_classes": (None if self.data_classes is None
                             else [d.value for d in self.data_classes]),
            "records": self.records,
            "source": self.source,
        }


def fingerprint(rule_id: str, provider: str, account: str, resource_id: str) -> str:
    """Stable identity of a finding across runs: built from ids, never names."""
    key = "\x1f".join((rule_id, provider, account, resource_id))
    # surrogatepass: an id from a cloud API may hold a lone surrogate; it still has an identity
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class CollectionError:
    """Something a provider could not collect. Shown in every report; gives exit 3.

    ``resource_types`` names the types whose findings become ERROR in ``scope``
    (e.g. an account and region) because the listing itself failed.
    """

    provider: str
    operation: str
    scope: str
    code: str
    message: str
    resource_types: tuple[str, ...] = ()
    account: str = ""
    region: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for reports."""
        return {
            "provider": self.provider,
            "operation": self.operation,
            "scope": self.scope,
            "code": self.code,
            "message": self.message,
            "resource_types": list(self.resource_types),
            "account": self.account,
            "region": self.region,
        }


@dataclass(frozen=True, slots=True)
class Waiver:
    """An accepted risk: hides a FAIL as WAIVED until ``expires``."""

    owner: str
    reason: str
    ticket: str
    expires: datetime

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for reports."""
        return {"owner": self.owner, "reason": self.reason, "ticket": self.ticket,
                "expires": self.expires.isoformat()}
