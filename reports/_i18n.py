"""Fixed wording of the human-readable reports, in English and Japanese.

Only the words renderers add live here; rule titles, remediation and cause labels come
with the data. Engine messages and the gate's reason stay in English (they are what logs
and tickets quote).
"""

from __future__ import annotations

from mamori.checks.findings import Appi
from mamori.checks.model import Waiver
from mamori.checks.summary import CauseCoverage

_MESSAGES: dict[str, tuple[str, str]] = {
    "title": ("compliance scan report", "コンプライアンス検査レポート"),
    "as_of": ("as of", "評価基準日時"),
    "run": ("run", "実行"),
    "providers": ("providers", "プロバイダ"),
    "accounts": ("accounts", "アカウント"),
    "resources": ("resources", "リソース数"),
    "ruleset": ("ruleset", "ルールセット"),
    "none": ("none", "なし"),
    "summary": ("Summary by cause", "漏洩要因別の集計"),
    "label": ("label", "要因"),
    "totals": ("findings", "検査結果"),
    "not_checked": ("not checked", "未確認"),
    "partly": ("checked; no inventory of type {types}",
               "確認済み（種別 {types} のインベントリなし）"),
    "no_rule": ("no rule for this cause is enabled", "この要因のルールが有効になっていません"),
    "no_inventory": ("no inventory of type {types}", "種別 {types} のインベントリがありません"),
    "no_match": ("no resource matched the rules' conditions",
                 "ルールの条件に合うリソースがありません"),
    "failures": ("Failures", "不合格"),
    "error": ("Could not be decided — ERROR", "判定不能 — ERROR"),
    "waived": ("Waived — WAIVED", "リスク受容 — WAIVED"),
    "waiver": ("waived by {owner} until {expires} ({ticket}): {reason}",
               "{owner} がリスク受容 ({expires} まで、{ticket}): {reason}"),
    "below": ("below the fail-on threshold '{fail_on}'", "判定基準 '{fail_on}' 未満"),
    "collection": ("Collection errors", "収集エラー"),
    "missing": ("missing", "欠けている属性"),
    "types": ("affected types", "影響する種別"),
    "more": ("… and {count} more for {rule} (see the JSON or CSV report)",
             "… ほか {count} 件 ({rule}、JSON または CSV レポートを参照)"),
    "verdict": ("Result: exit {code} — {reason}", "結果: 終了コード {code} — {reason}"),
    "gate": ("gate: --fail-on {fail_on}, --allow-incomplete: {allow}",
             "判定条件: --fail-on {fail_on}、--allow-incomplete: {allow}"),
    "yes": ("yes", "はい"),
    "no": ("no", "いいえ"),
    "appi_true": ("APPI: report due", "個人情報保護法: 報告対象"),
    "appi_none": ("APPI: reportability unknown", "個人情報保護法: 報告要否不明"),
    "appi_false": ("APPI: personal data, not reportable",
                   "個人情報保護法: 個人データ（報告対象外）"),
}


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    en, ja = _MESSAGES[key]
    return (ja if lang == "ja" else en).format(**values)


def not_checked_reason(cov: CauseCoverage, lang: str) -> str:
    """Why a cause was not checked (same cases as ``CauseCoverage.reason_not_checked``)."""
    if lang != "ja":
        return cov.reason_not_checked()
    if cov.rules == 0:
        return t("no_rule", lang)
    if cov.missing_types:
        return t("no_inventory", lang, types=", ".join(cov.missing_types))
    return t("no_match", lang)


def appi_tag(appi: Appi | None, lang: str) -> str:
    """A short APPI note for a failing finding; empty when no personal data."""
    if appi is None:
        return ""
    key = {True: "appi_true", None: "appi_none", False: "appi_false"}[appi.reportable]
    text = t(key, lang)
    return f"{text} ({'; '.join(appi.reasons)})" if appi.reasons else text


def waiver_note(waiver: Waiver, lang: str) -> str:
    """Who accepted the risk, until when, and why."""
    return t("waiver", lang, owner=waiver.owner, expires=waiver.expires.isoformat(),
             ticket=waiver.ticket, reason=waiver.reason)
