"""The scan's history steps when the store fails: the run and its exit code survive."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from mamori.checks.history.interface import (
    CauseCounts,
    FindingRecord,
    HistoryError,
    RunRecord,
)
from mamori.checks.history.nightly import Nightly, NightlyOptions
from mamori.checks.history.sqlite import SqliteStore
from mamori.ci.gate import ExitCode, GatePolicy, decide
from tests.ci.conftest import finding, result


class BrokenOnWrite(SqliteStore):
    def record(self, run: RunRecord, findings: Sequence[FindingRecord],
               causes: Sequence[CauseCounts]) -> int:
        raise HistoryError("history sqlite: disk I/O error")


def test_failed_write_is_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "h.db"
    night = Nightly.open(NightlyOptions(history=str(db)))
    monkeypatch.setattr("mamori.checks.history.store.open_store",
                        lambda target: BrokenOnWrite(Path(target)))
    r = night.compare(result(finding("R", "x")))
    verdict = decide(r, night.policy(GatePolicy()))
    out = night.record(r, verdict)
    assert verdict.exit_code is ExitCode.FAILED
    assert [n.kind for n in out.notices] == ["history_failed"]
    assert "disk I/O error" in out.notices[0].message and night.store is None


def test_unreadable_history_falls_back_to_the_full_gate(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    night = Nightly.open(NightlyOptions(history=str(tmp_path / "h.db"), fail_on_new=True))

    def down(target: str) -> SqliteStore:
        raise HistoryError("history postgresql: connection refused")
    monkeypatch.setattr("mamori.checks.history.store.open_store", down)
    r = night.compare(result(finding("R", "x")))
    assert r.drift is None and [n.kind for n in r.notices] == ["history_failed"]
    policy = night.policy(GatePolicy())
    assert policy.only_changes is None  # nothing is "new" without a history: gate all
    assert decide(r, policy).exit_code is ExitCode.FAILED
    assert night.record(r, decide(r, policy)) is r


def test_bad_store_fails_before_the_scan(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_bytes(b"garbage" * 200)
    with pytest.raises(HistoryError):
        Nightly.open(NightlyOptions(history=str(tmp_path / "junk.db")))


def test_notify_urls_must_be_http(tmp_path: Path) -> None:
    from mamori.checks.errors import UsageError

    with pytest.raises(UsageError, match="--notify"):
        Nightly.open(NightlyOptions(notify=("file:///etc/passwd",)))
    assert Nightly.open(NightlyOptions(notify=("https://hooks.example/x",))).store is None
