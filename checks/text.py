"""Text that is safe to take in and safe to print.

Two sides of one concern, kept together so they cannot drift apart:

- **input**: a value in a user's file (inventory, rule, config, waiver, baseline, plan,
  snapshot) may not hold control characters or lone surrogates. They have no business
  in an attribute, and a lone surrogate cannot even be encoded as UTF-8, so it would
  crash a report long after the file was accepted. :func:`unsafe_char` finds the first
  one and :func:`describe_char` names it for the error message (exit 2).
- **output**: values echoed to a terminal or a log (console report, error messages,
  progress lines) come from files and cloud APIs mamori does not control.
  :func:`printable` shows control characters, line breaks, bidirectional overrides and
  invisible characters escaped (``\\u001b``), so a value can neither repaint the screen
  nor forge an "ok" line.
"""

from __future__ import annotations

import re
import unicodedata

# Refused in input: C0 controls except TAB, LF and CR (which YAML, JSON and CSV use for
# layout and multi-line text), DEL, C1 controls, and UTF-16 surrogate code points.
_UNSAFE_INPUT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# Escaped on output: every control character (line breaks included), the Unicode line
# and paragraph separators, bidirectional embeddings/overrides/isolates, zero-width and
# other invisible format characters, and surrogates.
_UNSAFE_OUTPUT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff]"
)

# Characters that are invisible but are not whitespace to ``str.strip``: a cell holding
# only these is blank to a person.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def unsafe_char(text: str) -> str | None:
    """The first character of ``text`` that input may not contain, or None."""
    match = _UNSAFE_INPUT.search(text)
    return match.group() if match else None


def unsafe_position(text: str) -> int | None:
    """The index of the first character input may not contain, or None."""
    match = _UNSAFE_INPUT.search(text)
    return match.start() if match else None


def describe_char(char: str) -> str:
    """``U+001B (ESCAPE)``: how an offending character is named in messages."""
    name = unicodedata.name(char, "")
    if not name and 0xD800 <= ord(char) <= 0xDFFF:
        name = "lone surrogate"
    elif not name:
        name = "control character"
    return f"U+{ord(char):04X} ({name})"


def input_problem(text: str) -> str | None:
    """Why ``text`` is refused as input (``contains U+001B (ESCAPE)``), or None."""
    char = unsafe_char(text)
    if char is None:
        return None
    return f"contains {describe_char(char)}, which mamori does not accept in input"


def printable(text: str) -> str:
    """``text`` safe for a terminal or log line: unsafe characters shown escaped."""
    return _UNSAFE_OUTPUT.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def strip_invisible(text: str) -> str:
    """``text`` without surrounding whitespace and invisible characters (ZWSP, BOM...)."""
    return text.strip().strip(_INVISIBLE).strip()


def is_blank(text: str) -> bool:
    """True when a person would see nothing: empty, whitespace or invisible characters."""
    return not strip_invisible(text) or not any(
        not (c.isspace() or c in _INVISIBLE or unicodedata.category(c) == "Cf") for c in text)
