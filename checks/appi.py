"""APPI (個人情報保護法) classification of findings on resources holding personal data.

A leak of personal data must be reported to the PPC and the people notified when
(施行規則7条): 1号 要配慮個人情報; 2号 data whose misuse can cause financial loss
(payment data); 3号 a leak for an improper purpose (unauthorised access, insiders),
whatever the number of people; 4号 more than 1,000 people. Deadlines: 速報 概ね3〜5日,
確報 30日 (60日 for 3号). See shared/reference/domain.md §1.
"""

from __future__ import annotations

from mamori.checks.findings import Appi, RuleInfo
from mamori.checks.model import Cause, DataClass, Resource

PERSONAL = frozenset({DataClass.PERSONAL, DataClass.SENSITIVE_PERSONAL, DataClass.PAYMENT})
THRESHOLD_PEOPLE = 1000

REASON_SENSITIVE = "要配慮個人情報 / sensitive personal data (規則7条1号)"
REASON_PAYMENT = "財産的被害のおそれ / payment data (規則7条2号)"
REASON_PEOPLE = "本人の数が1,000人超 / more than 1,000 people (規則7条4号)"
NOTE_IMPROPER = ("不正アクセス・内部不正による漏えいは人数に関わらず報告対象 / a leak through "
                 "unauthorised access or insider misuse is reportable whatever the number "
                 "(規則7条3号)")
NOTE_UNKNOWN_PEOPLE = "本人の数が不明 / number of people unknown"
NOTE_UNKNOWN_DATA = ("保有データの区分が不明 (タグを読めなかった) / what data it holds is unknown "
                     "(its labels could not be read)")
NOTE_ENCRYPTION = ("高度な暗号化がないため報告免除を受けられない / without strong encryption "
                   "the APPI exemption from reporting does not apply")
DEADLINES = ("速報: 概ね3〜5日以内 / preliminary report: within about 3-5 days; "
             "確報: 30日以内 (不正目的は60日以内) / final report: 30 days (60 for 3号)")


def holds_personal_data(resource: Resource) -> bool | None:
    """True when the resource is labelled with personal, sensitive or payment data;
    None when its labels could not be read."""
    if resource.data_classes is None:
        return None
    return any(d in PERSONAL for d in resource.data_classes)


def classify(rule: RuleInfo, resource: Resource, reads: tuple[str, ...]) -> Appi | None:
    """The APPI view of a non-passing finding, or None if no personal data is held."""
    held = holds_personal_data(resource)
    if held is None:  # never "not personal data" when nobody could tell
        return Appi(reportable=None, reasons=(), notes=(NOTE_UNKNOWN_DATA, DEADLINES),
                    personal_data=None)
    if not held or resource.data_classes is None:
        return None
    reasons = []
    if DataClass.SENSITIVE_PERSONAL in resource.data_classes:
        reasons.append(REASON_SENSITIVE)
    if DataClass.PAYMENT in resource.data_classes:
        reasons.append(REASON_PAYMENT)
    if resource.records is not None and resource.records > THRESHOLD_PEOPLE:
        reasons.append(REASON_PEOPLE)
    notes = []
    reportable: bool | None = bool(reasons)
    if not reasons and resource.records is None:
        reportable = None
        notes.append(NOTE_UNKNOWN_PEOPLE)
    if Cause.EXTERNAL_ATTACK in rule.causes or Cause.INSIDER in rule.causes:
        notes.append(NOTE_IMPROPER)
    if any("encrypt" in attr for attr in reads):
        notes.append(NOTE_ENCRYPTION)
    if reportable is not False:
        notes.append(DEADLINES)
    return Appi(reportable=reportable, reasons=tuple(reasons), notes=tuple(notes))
