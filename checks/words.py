"""What the words people write in ledgers and spreadsheets mean.

Shared by the inventory readers (which turn a cell into a typed value) and the typed-value
checker (which verifies values that claim to be typed already, e.g. a snapshot), so that
both agree on which words mean yes, no and "not on file".
"""

from __future__ import annotations

import unicodedata

from mamori.checks.text import strip_invisible

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "on", "はい", "有", "有り", "あり", "○", "◯"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "off", "いいえ", "無", "無し", "なし", "×",
                         "✕"})
#: Words that mean "not on file" for an on-file attribute (a certificate, a verifier).
NOT_ON_FILE_WORDS = FALSE_WORDS | frozenset({
    "none", "nil", "null", "-", "--", "—", "―", "ー", "–", "n/a", "na", "n.a.", "#n/a",
    "tbd", "tba", "todo", "pending", "unknown", "never", "?", "x", "missing", "not on file",
    "not available", "not yet", "ない", "未", "未定", "未取得", "未提出", "未発行", "未確認",
    "不明", "該当なし", "なし。", "無し。",
})


def fold(text: str) -> str:
    """``text`` as words are matched: NFKC (ＹＥＳ → yes), case-folded, invisible characters
    and surrounding space removed, inner runs of space collapsed."""
    folded = unicodedata.normalize("NFKC", strip_invisible(text)).casefold()
    return " ".join(folded.split())


def on_file_text(text: str) -> bool | str:
    """An on-file cell: False when it says nothing is on file (blank included), True for
    a bare yes, else the reference as written (trimmed)."""
    reference = strip_invisible(text)
    word = fold(reference)
    if not word or word in NOT_ON_FILE_WORDS:
        return False
    if word in TRUE_WORDS:
        return True
    return reference
