"""Slack and Teams renderings of the notification summary (see :mod:`mamori.ci.notify`).

Slack: an incoming-webhook message with a plain ``text`` fallback and Block Kit
``blocks``. Teams: a ``message`` with one Adaptive Card attachment (what Teams
Workflows "post to a channel when a webhook request is received" accepts). Both list
new failures first. Webhook receivers render mrkdwn, so data is kept out of markup by
escaping ``&``, ``<`` and ``>`` (Slack's rule) and avoiding links built from data; line
breaks and control characters in data are shown escaped (``\\u000a``), so a value cannot
start a line of its own in a channel.
"""

from __future__ import annotations

from typing import Any

from mamori.checks.text import printable

_VERDICT = {0: "passed", 1: "FAILED", 2: "input error", 3: "INCOMPLETE"}


def _esc(text: str) -> str:
    text = printable(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def headline(data: dict[str, Any]) -> str:
    """One line: verdict, counts and drift."""
    c = data["counts"]
    text = (f"mamori {data['as_of'][:10]}: {_VERDICT.get(data['exit_code'], '?')} "
            f"(exit {data['exit_code']}) · FAIL {c['FAIL']} · ERROR {c['ERROR']}")
    if c.get("NOT_ASSESSED"):
        text += f" · NOT_ASSESSED {c['NOT_ASSESSED']}"
    drift = data.get("drift")
    if drift:
        text += f" · new {drift['new']} · resolved {drift['resolved']}"
    return text


def _lines(data: dict[str, Any]) -> list[str]:
    """New failures first; without a history, the most urgent failures."""
    if data.get("drift"):
        items, total, title = data["new_failures"], data["new_failures_total"], "New failures"
    else:
        items, total, title = data["failures"], data["failures_total"], "Failures"
    lines = [f"*{title} ({total})*"]
    lines += [f"• [{i['severity']}] {_esc(i['rule_id'])} {_esc(i['resource'])}: "
              f"{_esc(i['message'])}" for i in items]
    if total > len(items):
        lines.append(f"… and {total - len(items)} more in the report")
    return lines


def _cause_lines(data: dict[str, Any]) -> list[str]:
    out = []
    for cause in data["by_cause"].values():
        if cause.get("not_assessed_only"):
            out.append(f"{_esc(cause['label'])}: not assessed ({cause['not_assessed']})")
            continue
        if not cause["checked"]:
            continue
        extra = f", new {cause['new']}, resolved {cause['resolved']}" if "new" in cause else ""
        if cause.get("not_assessed"):
            extra += f", not assessed {cause['not_assessed']}"
        out.append(f"{_esc(cause['label'])}: FAIL {cause['fail']}{extra}")
    return out


def _needs_lines(data: dict[str, Any]) -> list[str]:
    """What the NOT_ASSESSED findings need (never listed with the failures)."""
    needs = data.get("not_assessed") or []
    if not needs:
        return []
    return [f"*Not assessed ({data['counts'].get('NOT_ASSESSED', 0)})*",
            *(f"• {_esc(n['fact'])}: {_esc(n['source'])} ({n['findings']})" for n in needs)]


def _footer(data: dict[str, Any]) -> str:
    parts = [f"report: {_esc(data['report'])}" if data.get("report") else "",
             *(f"⚠ {_esc(n)}" for n in data.get("notices", []))]
    return " · ".join(p for p in parts if p) or "mamori"


def slack(data: dict[str, Any]) -> dict[str, Any]:
    """Slack incoming-webhook payload."""
    def section(text: str) -> dict[str, Any]:
        return {"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}
    return {"text": headline(data), "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": headline(data)[:150]}},
        section("\n".join(_lines(data))),
        section("*By cause*\n" + ("\n".join(_cause_lines(data)) or "nothing checked")),
        *([section("\n".join(_needs_lines(data)))] if _needs_lines(data) else []),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _footer(data)[:2900]}]},
    ]}


def teams(data: dict[str, Any]) -> dict[str, Any]:
    """Teams message with an Adaptive Card (schema 1.4)."""
    def block(text: str, **kw: Any) -> dict[str, Any]:
        return {"type": "TextBlock", "text": text, "wrap": True, **kw}
    body = [block(headline(data), weight="Bolder", size="Medium"),
            *(block(line) for line in _lines(data)),
            block("By cause", weight="Bolder"),
            *(block(line) for line in _cause_lines(data)),
            *(block(line) for line in _needs_lines(data)),
            block(_footer(data), isSubtle=True)]
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.4", "body": body}
    if str(data.get("report") or "").startswith(("https://", "http://")):
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open report",
                            "url": data["report"]}]
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}
