"""Baselines: file content, validation with locations, matching, stale entries, gate."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mamori.checks.errors import WaiverError
from mamori.checks.findings import Finding
from mamori.checks.model import Status, fingerprint
from mamori.ci.baseline import (
    Baseline,
    BaselineEntry,
    apply_baseline,
    baseline_from,
    load_baseline,
    write_baseline,
)
from mamori.ci.gate import ExitCode, GatePolicy, decide
from tests.ci.conftest import finding, result, write


def accepted(*findings_: Finding) -> Baseline:
    """A baseline of the FAIL/ERROR findings of a result, through the file format."""
    res = result(*findings_)
    doc = baseline_from(res)
    entries = tuple(BaselineEntry(e["fingerprint"], e["rule_id"], e["resource_id"],
                                  Status(e["status"]), e["provider"], e["account"])
                    for e in doc["findings"])
    return Baseline(entries=entries, source="b.json")


def test_document_records_fail_and_error_sorted_and_unique() -> None:
    res = result(finding("R-2", "b"), finding("R-1", "z", Status.ERROR),
                 finding("R-1", "a"), finding("R-1", "p", Status.PASS),
                 finding("R-1", "w", Status.WAIVED), finding("R-1", "a"))
    doc = baseline_from(res)
    assert doc["mamori_baseline"] == 1
    assert doc["as_of"] == "2026-11-29T00:00:00+00:00"
    rows = [(e["rule_id"], e["resource_id"], e["status"]) for e in doc["findings"]]
    assert rows == [("R-1", "a", "FAIL"), ("R-1", "z", "ERROR"), ("R-2", "b", "FAIL")]
    assert doc["findings"][0]["fingerprint"] == finding("R-1", "a").fingerprint


def test_write_then_load_round_trips(tmp_path: Path) -> None:
    res = result(finding("R-1", "a"), finding("R-1", "b", Status.ERROR, provider="aws",
                                              account="111"))
    path = tmp_path / "sub" / "baseline.json"
    assert write_baseline(res, path) == 2
    loaded = load_baseline(path)
    assert {(e.rule_id, e.resource_id, e.status, e.provider, e.account)
            for e in loaded.entries} == {("R-1", "a", Status.FAIL, "onprem", ""),
                                         ("R-1", "b", Status.ERROR, "aws", "111")}
    assert loaded.as_of == "2026-11-29T00:00:00+00:00"


def bad(tmp_path: Path, text: str) -> WaiverError:
    with pytest.raises(WaiverError) as info:
        load_baseline(write(tmp_path / "baseline.json", text))
    return info.value


def valid_text(**change: object) -> str:
    entry: dict[str, object] = {"fingerprint": finding("R-1", "a").fingerprint, "rule_id": "R-1",
             "provider": "onprem", "account": "", "resource_id": "a", "status": "FAIL"}
    entry.update(change)
    return json.dumps({"mamori_baseline": 1, "created": "x", "as_of": "y",
                       "findings": [entry]}, indent=2)


def test_truncated_json_names_the_line(tmp_path: Path) -> None:
    err = bad(tmp_path, valid_text()[:-30])
    assert "invalid JSON" in err.message
    assert err.location is not None and err.location.line is not None


def test_unknown_key_names_line_and_key(tmp_path: Path) -> None:
    err = bad(tmp_path, valid_text(rule="R-1"))
    assert "unknown key 'rule'" in err.message
    assert err.location is not None
    assert (err.location.line, err.location.key) == (13, "findings[0].rule")  # last line


def test_wrong_version_is_refused(tmp_path: Path) -> None:
    err = bad(tmp_path, valid_text().replace('"mamori_baseline": 1', '"mamori_baseline": 2'))
    assert err.location is not None and err.location.key == "mamori_baseline"
    assert err.location.line == 2


def test_bad_status_is_refused(tmp_path: Path) -> None:
    err = bad(tmp_path, valid_text(status="PASS"))
    assert "not one of" in err.message


def test_hand_edited_fingerprint_is_refused(tmp_path: Path) -> None:
    err = bad(tmp_path, valid_text(resource_id="b"))
    assert "fingerprint does not match" in err.message
    assert err.location is not None and err.location.line == 7  # "fingerprint": ...


@pytest.mark.parametrize("field", ["rule_id", "provider", "account", "resource_id"])
def test_every_id_of_the_fingerprint_is_checked(tmp_path: Path, field: str) -> None:
    # each of the four ids changed alone: the entry would accept another finding
    err = bad(tmp_path, valid_text(**{field: "other"}))
    assert "fingerprint does not match" in err.message
    assert err.location is not None and err.location.key == "findings[0].fingerprint"


@pytest.mark.parametrize("missing", ["provider", "account"])
def test_an_entry_must_name_provider_and_account(tmp_path: Path, missing: str) -> None:
    # without them the fingerprint cannot be checked against what the entry says
    entry = json.loads(valid_text())["findings"][0]
    del entry[missing]
    err = bad(tmp_path, json.dumps({"mamori_baseline": 1, "findings": [entry]}))
    assert f"missing required key '{missing}'" in err.message


@pytest.mark.parametrize("text", [
    '{"mamori_baseline": NaN, "findings": []}',
    '{"mamori_baseline": 1, "created": Infinity, "findings": []}',
    '{"mamori_baseline": 1, "findings": [-Infinity]}',
])
def test_nan_and_infinity_are_refused(tmp_path: Path, text: str) -> None:
    err = bad(tmp_path, text)
    assert "is not a number JSON allows" in err.message
    assert err.location is not None and err.location.line == 1


def test_deep_nesting_is_refused_not_a_crash(tmp_path: Path) -> None:
    err = bad(tmp_path, '{"mamori_baseline": 1, "findings": ' + "[" * 100_000 + "]" * 100_000
              + "}")
    assert err.location is not None and err.location.file.endswith("baseline.json")


def test_huge_integer_is_refused_not_a_crash(tmp_path: Path) -> None:
    bad(tmp_path, '{"mamori_baseline": ' + "9" * 5000 + ', "findings": []}')


def test_control_characters_are_refused(tmp_path: Path) -> None:
    entry = {"rule_id": "R-1", "provider": "onprem", "account": "",
             "resource_id": "a\u001b]0;owned\u0007", "status": "FAIL"}
    entry["fingerprint"] = fingerprint("R-1", "onprem", "", "a\x1b]0;owned\x07")
    err = bad(tmp_path, json.dumps({"mamori_baseline": 1, "findings": [entry]}))
    assert "U+001B" in err.message
    assert err.location is not None and err.location.key == "findings[0].resource_id"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "baseline.json"
    os.mkfifo(fifo)
    with pytest.raises(WaiverError, match="named pipe"):
        load_baseline(fifo)


def test_duplicate_key_is_refused_with_line(tmp_path: Path) -> None:
    text = valid_text().replace('"rule_id": "R-1",', '"rule_id": "R-1", "rule_id": "R-9",')
    err = bad(tmp_path, text)
    assert "duplicate key 'rule_id'" in err.message
    assert err.location is not None and err.location.line == 8  # "rule_id": ...


@pytest.mark.parametrize("text", ["", "[]", "{}", '{"mamori_baseline": 1}'])
def test_empty_or_partial_file_is_an_error_not_an_empty_baseline(tmp_path: Path,
                                                                  text: str) -> None:
    bad(tmp_path, text)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(WaiverError):
        load_baseline(tmp_path / "none.json")


def test_matching_fail_is_baselined_error_is_not() -> None:
    base = accepted(finding("R-1", "a"), finding("R-1", "e", Status.ERROR))
    now = result(finding("R-1", "a"), finding("R-1", "e", Status.ERROR), finding("R-1", "n"))
    outcome = apply_baseline(now, base)
    flags = {f.resource.id: f.baselined for f in outcome.result.findings}
    assert flags == {"a": True, "e": False, "n": False}
    assert outcome.baselined == 1 and outcome.stale == ()


def test_error_entry_does_not_accept_a_later_fail() -> None:
    base = accepted(finding("R-1", "e", Status.ERROR))
    outcome = apply_baseline(result(finding("R-1", "e")), base)
    assert not outcome.result.findings[0].baselined


def test_fixed_and_removed_findings_are_stale() -> None:
    base = accepted(finding("R-1", "fixed"), finding("R-1", "gone"), finding("R-1", "still"),
                    finding("R-1", "err", Status.ERROR))
    now = result(finding("R-1", "fixed", Status.PASS), finding("R-1", "still"),
                 finding("R-1", "err", Status.PASS))
    stale = apply_baseline(now, base).stale
    assert sorted(e.resource_id for e in stale) == ["err", "fixed", "gone"]


def test_entries_of_rules_that_did_not_run_are_not_stale() -> None:
    base = accepted(finding("R-1", "a"), finding("R-OTHER", "a"))
    stale = apply_baseline(result(finding("R-1", "a", Status.PASS)), base).stale
    assert [e.rule_id for e in stale] == ["R-1"]


def test_gate_ignores_baselined_fails_but_not_new_ones() -> None:
    base = accepted(finding("R-1", "a"))
    old_only = apply_baseline(result(finding("R-1", "a")), base).result
    assert decide(old_only, GatePolicy()).exit_code is ExitCode.OK
    with_new = apply_baseline(result(finding("R-1", "a"), finding("R-1", "b")), base).result
    assert decide(with_new, GatePolicy()).exit_code is ExitCode.FAILED


def test_gate_still_incomplete_on_a_baselined_error() -> None:
    base = accepted(finding("R-1", "e", Status.ERROR))
    res = apply_baseline(result(finding("R-1", "e", Status.ERROR)), base).result
    assert decide(res, GatePolicy()).exit_code is ExitCode.INCOMPLETE
