"""Fixed wording of the human-readable reports, in English and Japanese.

Only the words renderers add live here; rule titles, remediation and cause labels come
with the data. Engine messages and the gate's reason stay in English (they are what logs
and tickets quote).
"""

from __future__ import annotations

from mamori.checks.appi import DEADLINES
from mamori.checks.findings import Appi
from mamori.checks.model import Waiver
from mamori.checks.summary import CauseCoverage, needs_text

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
    "not_assessed": ("Not assessed — NOT_ASSESSED (no source given can tell; not a pass)",
                     "未評価 — NOT_ASSESSED（指定した情報源では判断できない。合格ではない）"),
    "needs": ("needs", "必要な情報源"),
    "not_assessed_reason": ("not assessed: needs {needs}", "未評価: 必要な情報源 {needs}"),
    "partly_not_assessed": ("{count} finding(s) not assessed: needs {needs}",
                            "{count} 件は未評価: 必要な情報源 {needs}"),
    "waived": ("Waived — WAIVED", "リスク受容 — WAIVED"),
    "waiver": ("waived by {owner} until {expires} ({ticket}): {reason}",
               "{owner} がリスク受容 ({expires} まで、{ticket}): {reason}"),
    "below": ("below the fail-on threshold '{fail_on}'", "判定基準 '{fail_on}' 未満"),
    "collection": ("Collection errors", "収集エラー"),
    "gate_notes": ("Gate notes", "ゲートに関する注記"),
    "baselined": ("baselined: accepted in the baseline, not gated",
                  "ベースライン登録済み: 報告のみで判定には含めない"),
    "change": ("change", "変化"),
    "missing": ("missing", "欠けている属性"),
    "types": ("affected types", "影響する種別"),
    "more": ("… and {count} more for {rule} (see the JSON or CSV report)",
             "… ほか {count} 件 ({rule}、JSON または CSV レポートを参照)"),
    "verdict": ("Result: exit {code} — {reason}", "結果: 終了コード {code} — {reason}"),
    "gate": ("gate: --fail-on {fail_on}, --allow-incomplete: {allow}",
             "判定条件: --fail-on {fail_on}、--allow-incomplete: {allow}"),
    "yes": ("yes", "はい"),
    "no": ("no", "いいえ"),
    "only_changes": ("only findings that are {changes} gate",
                     "判定対象は変化が {changes} の検査結果のみ"),
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
    if cov.not_assessed:
        return t("not_assessed_reason", lang, needs=needs_text(cov.needs))
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


# Wording of the HTML, Markdown and JUnit reports. Kept apart from the console's table so
# that the HTML file can embed exactly these for its client-side language switch.
_REPORT_MESSAGES: dict[str, tuple[str, str]] = {
    "lang_switch": ("日本語", "English"),
    "tool_version": ("tool version", "ツールのバージョン"),
    "ruleset_hash": ("rule-set hash", "ルールセットのハッシュ"),
    "ran_by": ("run by", "実行者"),
    "started": ("started", "開始"),
    "finished": ("finished", "終了"),
    "verdict_title": ("Verdict", "判定"),
    "exit_code": ("exit code", "終了コード"),
    "dashboard": ("Seven causes of leaks", "情報漏洩の7つの要因"),
    "rules": ("rules", "ルール"),
    "resources_checked": ("resources checked", "検査したリソース"),
    "pass_rate": ("pass rate", "合格率"),
    "by_severity": ("Failures by severity", "重大度別の不合格"),
    "by_provider": ("Failures by provider", "プロバイダ別の不合格"),
    "no_failures": ("no failures", "不合格なし"),
    "appi_title": ("Personal data (APPI / 個人情報保護法)", "個人データ（個人情報保護法）"),
    "appi_intro": (
        "Failing resources that hold personal data. If a leak of one of them happened or is "
        "suspected, a report to the PPC and notice to the people concerned are required when "
        "it holds 要配慮個人情報 (sensitive data), payment data, data of more than 1,000 "
        "people, or the leak had an improper purpose (unauthorised access, insiders).",
        "個人データを保有する不合格リソースです。漏えい等が発生し、またはそのおそれがある場合、"
        "要配慮個人情報・財産的被害のおそれがあるデータ・1,000人を超える本人のデータを含むとき、"
        "または不正の目的によるとき（不正アクセス・内部不正）は、個人情報保護委員会への報告と"
        "本人への通知が必要です。"),
    "appi_deadlines": (
        "Deadlines, counted from when the business becomes aware of the leak (not from this "
        "scan): preliminary report (速報) within about 3–5 days; final report (確報) within "
        "30 days, 60 days when the leak had an improper purpose (規則7条3号).",
        "期限（本スキャンからではなく、事業者が漏えい等を知った時点から）: 速報は概ね3〜5日以内、"
        "確報は30日以内（不正の目的によるもの（規則7条3号）は60日以内）。"),
    "appi_deadline_short": ("deadlines: preliminary report within about 3–5 days, final "
                            "report within 30 days (60 for an improper purpose)",
                            "期限: 速報は概ね3〜5日以内、確報は30日以内（不正目的は60日以内）"),
    "appi_none_found": ("No failing resource holds personal data.",
                        "個人データを保有する不合格リソースはありません。"),
    "reportable": ("reportable", "報告対象"),
    "appi_more": ("… and {count} more, the least urgent (search the findings below, or "
                  "filter the CSV on appi_reportable)",
                  "… ほか {count} 件（緊急度の低いもの。下の検査結果を検索するか、"
                  "CSV を appi_reportable で絞り込んでください）"),
    "unknown": ("unknown", "不明"),
    "reasons": ("reasons", "理由"),
    "notes": ("notes", "注記"),
    "data_classes": ("data", "データ区分"),
    "records": ("people", "本人の数"),
    "failed_rules": ("failed rules", "不合格のルール"),
    "resource": ("resource", "リソース"),
    "location": ("location", "場所"),
    "findings_title": ("Findings", "検査結果の詳細"),
    "rules_title": ("Rules and passes", "ルールと合格"),
    "rules_intro": ("Every rule that took part, by primary cause, with its passes.",
                    "評価したすべてのルール（主要因別）と合格したリソース。"),
    "not_evaluated": ("not evaluated: no resource matched", "未評価: 対象リソースなし"),
    "show_passes": ("show passed resources", "合格したリソースを表示"),
    "status": ("status", "判定"),
    "severity": ("severity", "重大度"),
    "cause": ("cause", "要因"),
    "provider": ("provider", "プロバイダ"),
    "account": ("account", "アカウント"),
    "change": ("change", "変化"),
    "first_seen": ("first seen", "初検出"),
    "search": ("search", "検索"),
    "search_hint": ("rule, resource, message…", "ルール・リソース・メッセージ…"),
    "sort": ("sort by", "並び順"),
    "sort_priority": ("priority", "優先度"),
    "sort_resource": ("resource", "リソース"),
    "sort_status": ("status", "判定"),
    "sort_first_seen": ("first seen", "初検出"),
    "all": ("all", "すべて"),
    "reset": ("reset filters", "条件をリセット"),
    "showing": ("{shown} of {total} findings match", "{total} 件中 {shown} 件が該当"),
    "page": ("page {page} of {pages}", "{page} / {pages} ページ"),
    "prev": ("previous", "前へ"),
    "next": ("next", "次へ"),
    "no_match_filter": ("No finding matches the filters.", "条件に合う検査結果はありません。"),
    "message": ("message", "メッセージ"),
    "evidence": ("evidence", "根拠（観測値）"),
    "remediation": ("remediation", "対処方法"),
    "frameworks": ("frameworks", "フレームワーク"),
    "source": ("source", "取得元"),
    "fingerprint": ("fingerprint", "フィンガープリント"),
    "baselined": ("in baseline (not gated)", "ベースライン登録済み（判定対象外）"),
    "waiver_label": ("waiver", "リスク受容"),
    "priority": ("priority", "優先度"),
    "details": ("details", "詳細"),
    "continued": ("continued", "続き"),
    "print_note": ("Printed: the findings currently shown ({shown} of {total}).",
                   "印刷範囲: 表示中の検査結果（{total} 件中 {shown} 件）。"),
    "collection_none": ("Every provider collected everything it was asked for.",
                        "すべてのプロバイダが要求された情報を収集しました。"),
    "collection_intro": ("What could not be collected, and so could not be checked.",
                         "収集できず、そのため検査できなかったもの。"),
    "operation": ("operation", "操作"),
    "scope": ("scope", "範囲"),
    "code": ("code", "コード"),
    "top_failures": ("Top failures", "優先度の高い不合格"),
    "top_shown": ("{shown} of {total}", "{total} 件中 {shown} 件"),
    "rule": ("rule", "ルール"),
    "title_col": ("title", "タイトル"),
    "counts": ("Counts", "件数"),
    "collection_count": ("collection errors", "収集エラー"),
    "more_in_reports": ("Full details: the HTML, JSON or CSV report.",
                        "詳細は HTML・JSON・CSV レポートを参照してください。"),
    "passed_n": ("{count} passed", "{count} 件合格"),
    "more_passes": ("… and {count} more (tick PASS in the findings filters to page through "
                    "all)", "… ほか {count} 件（検査結果の絞り込みで PASS を選ぶとすべて表示）"),
    "js_off": ("The findings list needs JavaScript; the summary above is complete without it.",
               "検査結果一覧の表示には JavaScript が必要です"
               "（上の集計は JavaScript なしで完結）。"),
    "sev_critical": ("critical", "緊急"),
    "sev_high": ("high", "高"),
    "sev_medium": ("medium", "中"),
    "sev_low": ("low", "低"),
    "sev_info": ("info", "情報"),
    "change_introduced": ("introduced", "今回の変更で発生"),
    "change_fixed": ("fixed", "今回の変更で解消"),
    "change_unchanged": ("unchanged", "変化なし"),
    "change_new": ("new", "新規"),
    "change_persisting": ("persisting", "継続"),
    "change_resolved": ("resolved", "解消"),
    "drift_title": ("Changes since the previous run", "前回の実行からの変化"),
    "drift_previous": ("compared with the previous comparable run, as of {as_of}",
                       "前回の同一範囲の実行（{as_of} 時点）と比較"),
    "drift_first": ("first run of this scope in the history: every failure counts as new",
                    "この範囲で最初に記録された実行です。すべての不合格を新規として扱います"),
    "drift_unconfirmed": ("{count} earlier failure(s) could not be re-checked in this run "
                          "(account not seen, collection error, or NOT_ASSESSED now): "
                          "neither resolved nor new",
                          "以前の不合格 {count} 件は今回再確認できませんでした（アカウント未検出、"
                          "収集エラー、または今回は NOT_ASSESSED）。解消とも新規とも扱いません"),
    "new_failures": ("New failures since the previous run", "前回の実行からの新規不合格"),
    "resolved_title": ("Resolved since the previous run", "前回の実行から解消"),
    "resolved_pass": ("passes now", "今回は合格"),
    "resolved_gone": ("no longer found (resource removed or out of scope)",
                      "今回は検出されず（リソース削除または対象外）"),
    "failing_since": ("failing since {date}", "{date} から不合格"),
    "trend_title": ("Pass rate by cause, last {count} runs", "要因別の合格率（直近 {count} 回）"),
    "trend_intro": ("Share of PASS among the assessed findings of each cause, run by run "
                    "(ERROR and WAIVED are not passes; NOT_ASSESSED is left out). A gap: "
                    "the cause was not checked in that run.",
                    "各要因の評価済み検査結果に占める合格の割合の推移（ERROR と WAIVED は"
                    "合格に含めず、NOT_ASSESSED は除外）。"
                    "途切れている箇所はその回に未確認だった要因です。"),
    "not_assessed_short": ("not assessed", "未評価"),
    "not_assessed_title": ("Not assessed", "未評価"),
    "not_assessed_intro": (
        "NOT_ASSESSED: a rule needs a fact that none of the sources given to this scan can "
        "supply (by the providers' own declarations). It is never a pass; give the named "
        "source to decide it.",
        "NOT_ASSESSED: ルールが必要とする情報を、今回指定した情報源のいずれも提供できません"
        "（各プロバイダの宣言による）。合格ではありません。示された情報源を追加すると判定できます。"),
    "assessed_of": ("{assessed} of {total} rules assessed", "{total} ルール中 {assessed} 件を評価"),
    "fact": ("fact", "情報"),
    "findings_n": ("findings", "件数"),
    "notices": ("Notices", "お知らせ"),
    "total": ("total", "合計"),
    "fw_iso27001_2022": ("ISO 27001:2022", "ISO 27001:2022"),
    "fw_cis_v8": ("CIS v8", "CIS v8"),
    "fw_nist_csf_2": ("NIST CSF 2.0", "NIST CSF 2.0"),
    "fw_appi_guideline": ("APPI guideline", "個人情報保護法ガイドライン"),
}
_MESSAGES.update(_REPORT_MESSAGES)


def catalog() -> dict[str, dict[str, str]]:
    """Every report label in both languages, for the HTML file's language switch."""
    return {key: {"en": en, "ja": ja} for key, (en, ja) in sorted(_MESSAGES.items())}


# The engine states APPI reasons and notes as "日本語 / English" (mamori.checks.appi);
# reports that show one language at a time take the matching half. Other text (a custom
# rule's own wording) is shown as given.
_BILINGUAL_SEPARATOR = " / "


def appi_text(text: str, lang: str) -> str:
    """One language's half of an engine APPI string ``"日本語 / English (ref)"``."""
    if text == DEADLINES:
        return t("appi_deadline_short", lang)
    if text.count(_BILINGUAL_SEPARATOR) != 1 or ";" in text:
        return text
    ja, en = text.split(_BILINGUAL_SEPARATOR)
    ref = ""
    if en.endswith(")") and "(" in en:
        en, ref = en[:en.rindex("(")].rstrip(), " " + en[en.rindex("("):]
    return (ja if lang == "ja" else en) + ref
