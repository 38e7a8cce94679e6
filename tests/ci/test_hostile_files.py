"""Property: any waivers or baseline file loads, or is a located WaiverError, never a crash.

Files come from random structures around the real keys (so checks past the schema are
reached: blank texts, dates, match-everything patterns, fingerprints) with hostile
scalars: NaN and infinities, huge integers, control characters, lone surrogates, wrong
kinds, deep nesting, duplicate keys in raw text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from mamori.checks.errors import WaiverError
from mamori.checks.model import fingerprint
from mamori.ci.baseline import load_baseline
from mamori.ci.waivers import check_against_rules, load_waivers

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**18, max_value=10**80),
    st.floats(allow_nan=True),
    st.sampled_from(["*", "**", "*?*", ".*", "M*", "MAM-*", "web-*", "", "  ", "\u200b",
                     "\x1b]0;x\x07", "a\nb", "2026-12-31", "2026-02-30", "2026-12-31T10:00:00Z",
                     "FAIL", "ERROR", "PASS", "0" * 32, "onprem"]),
    st.text(max_size=10),
)
TREE = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.one_of(st.text(max_size=6), st.integers(), st.booleans()), inner,
                    max_size=3)), max_leaves=10)
WAIVER_KEYS = ["rule", "resource", "provider", "account", "reason", "owner", "ticket",
               "expires", "match_all"]
GOOD_WAIVER = {"rule": "MAM-IAM-001", "resource": "web-1", "reason": "r", "owner": "o",
               "ticket": "T-1", "expires": "2026-12-31"}
WAIVER = st.builds(lambda changes, drop: {**{k: v for k, v in GOOD_WAIVER.items()
                                              if k not in drop}, **changes},
                   st.dictionaries(st.sampled_from([*WAIVER_KEYS, "expiry"]), TREE, max_size=3),
                   st.sets(st.sampled_from(WAIVER_KEYS), max_size=2))
WAIVERS_FILE = st.one_of(st.fixed_dictionaries({"waivers": st.lists(WAIVER, max_size=3)}),
                         st.dictionaries(st.sampled_from(["waivers", "x"]), TREE, max_size=2),
                         TREE)
ENTRY_KEYS = ["fingerprint", "rule_id", "provider", "account", "resource_id", "status"]


def good_entry() -> dict[str, Any]:
    return {"fingerprint": fingerprint("R-1", "onprem", "", "a"), "rule_id": "R-1",
            "provider": "onprem", "account": "", "resource_id": "a", "status": "FAIL"}


ENTRY = st.builds(lambda changes, drop: {**{k: v for k, v in good_entry().items()
                                             if k not in drop}, **changes},
                  st.dictionaries(st.sampled_from([*ENTRY_KEYS, "extra"]), TREE, max_size=2),
                  st.sets(st.sampled_from(ENTRY_KEYS), max_size=1))
BASELINE_FILE = st.one_of(
    st.builds(lambda entries, top: {"mamori_baseline": 1, "findings": entries, **top},
              st.lists(ENTRY, max_size=3),
              st.dictionaries(st.sampled_from(["mamori_baseline", "created", "as_of", "x"]),
                              TREE, max_size=2)),
    TREE)
RAW = st.text(alphabet=st.sampled_from(list('{}[]:,"- \n\\0aN1e\x1b\ud800')), max_size=60)


def deep(depth: int, key: str) -> dict[str, Any]:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return {key: value}


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


def waivers_hold(path: Path) -> None:
    try:
        check_against_rules(load_waivers(path), ["MAM-IAM-001", "MAM-NET-001"])
    except WaiverError as exc:
        assert exc.location is not None and exc.location.file.endswith(path.name)


def baseline_holds(path: Path) -> None:
    try:
        load_baseline(path)
    except WaiverError as exc:
        assert exc.location is not None and exc.location.file.endswith(path.name)


@given(WAIVERS_FILE)
def test_any_waivers_structure(tmp_path: Path, data: Any) -> None:
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except (yaml.YAMLError, UnicodeEncodeError):
        return
    waivers_hold(write(tmp_path / "waivers.yaml", text))


@given(st.one_of(RAW, st.integers(100, 3000).map(lambda n: "waivers: " + "[" * n)))
def test_any_waivers_text(tmp_path: Path, text: str) -> None:
    waivers_hold(write(tmp_path / "waivers.yaml", text))


@given(BASELINE_FILE)
def test_any_baseline_structure(tmp_path: Path, data: Any) -> None:
    try:
        text = json.dumps(data, allow_nan=True)
    except (TypeError, ValueError):  # non-text keys
        return
    baseline_holds(write(tmp_path / "baseline.json", text))


@given(st.one_of(RAW, st.integers(100, 100_000).map(lambda n: json.dumps(deep(1, "x"))[:-2]
                                                    + "[" * n + "]" * n + "]}")))
def test_any_baseline_text(tmp_path: Path, text: str) -> None:
    baseline_holds(write(tmp_path / "baseline.json", text))
