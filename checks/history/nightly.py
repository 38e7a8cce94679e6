"""The nightly-audit steps of ``mamori scan``: history, ``--fail-on-new``, notifications.

The CLI calls them around the gate::

    nightly = Nightly.open(options)               # bad store or options: exit 2, no scan
    result = nightly.compare(result)              # drift + trend, before the gate
    verdict = decide(result, nightly.policy(policy))
    result = nightly.record(result, verdict)      # one transaction; failure -> notice
    written = write_reports(...)
    nightly.notify(result, verdict, written, ...) # failure -> notice, JSON rewritten

Neither a failed history write nor a failed notification changes the exit code: both
are printed on stderr and listed in the JSON report's ``notices``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mamori.checks.errors import UsageError
from mamori.checks.findings import GateNote, ScanResult
from mamori.checks.history.interface import HistoryError, HistoryStore
from mamori.ci.gate import GatePolicy, GateVerdict

if TYPE_CHECKING:
    from mamori.providers.interface import Provider


@dataclass(frozen=True)
class NightlyOptions:
    """The scan options of this module (``history`` already merged with the config)."""

    history: str | None = None
    fail_on_new: bool = False
    notify: tuple[str, ...] = ()
    notify_format: str = "json"
    report_url: str | None = None
    notify_timeout: float = 10.0


class Nightly:
    """History and notification steps of one scan (a no-op when none was asked for)."""

    def __init__(self, options: NightlyOptions, store: HistoryStore | None) -> None:
        self.options = options
        self.store = store
        #: The history failed before the gate: no drift, and --fail-on-new falls back.
        self.unavailable = False

    @classmethod
    def open(cls, options: NightlyOptions) -> Nightly:
        """Check the options and open the store before anything is collected."""
        if options.fail_on_new and not options.history:
            raise UsageError("--fail-on-new needs a history (--history PATH_OR_URL)")
        for url in options.notify:
            if not url.lower().startswith(("https://", "http://")):
                raise UsageError("--notify: expected an http:// or https:// webhook URL")
        if options.history:
            from mamori.checks.history.store import open_store

            # Open (and migrate) now so a bad store fails before a long collection, but
            # do not hold a database connection idle through it: reopen in compare().
            open_store(options.history).close()
        return cls(options, None)

    def outputs(self) -> list[Path]:
        """Files the history writes (a SQLite store and its WAL files): outputs that the
        CLI refuses inside an input folder (``mamori.checks.outputs``)."""
        target = self.options.history
        if not target or "://" in target:
            return []
        base = Path(target)
        return [base, *(base.with_name(base.name + s) for s in ("-wal", "-shm", "-journal"))]

    def policy(self, policy: GatePolicy) -> GatePolicy:
        """``--fail-on-new``: only new findings take part in the gate."""
        if not self.options.fail_on_new or self.unavailable:
            return policy
        return replace(policy, only_changes=frozenset({"new"}))

    def compare(self, result: ScanResult, providers: Sequence[Provider] = ()) -> ScanResult:
        """Drift and trend from the history (unchanged without one)."""
        if not self.options.history:
            return result
        from mamori.checks.history.drift import provider_scope
        from mamori.checks.history.service import with_history
        from mamori.checks.history.store import open_store

        if providers:
            result = replace(result, run=replace(result.run, scope=provider_scope(providers)))
        try:
            self.store = open_store(self.options.history)
            return with_history(self.store, result)
        except HistoryError as exc:
            # The scan itself is good: keep it, say why there is no drift, and gate on
            # everything (an unknown "new" must not let a failure through).
            self.close()
            self.unavailable = True
            note = GateNote("history_failed", "history",
                            f"no comparison and the run was not recorded: {exc}")
            return _with_notes(result, [note])

    def record(self, result: ScanResult, verdict: GateVerdict) -> ScanResult:
        """Store the run; a failure becomes a notice, never a lost report."""
        if self.store is None:
            return result
        from mamori.checks.history.service import record_run

        try:
            record_run(self.store, result, int(verdict.exit_code))
        except HistoryError as exc:
            return _with_notes(result, [GateNote("history_failed", self.store.label,
                                                 f"the run was not recorded: {exc}")])
        finally:
            self.close()
        return result

    def notify(self, result: ScanResult, verdict: GateVerdict, written: Sequence[Path],
               lang: str = "en") -> ScanResult:
        """Post to every ``--notify`` URL; failures become notices (and JSON rewritten)."""
        if not self.options.notify:
            return result
        from mamori.ci.notify import Delivery, notify

        link = self.options.report_url or _report_path(written)
        try:
            notes = notify(self.options.notify, result, verdict, self.options.notify_format,
                           link, Delivery(timeout=self.options.notify_timeout))
        except Exception as exc:  # a notification must never lose the run
            notes = [GateNote("notify_failed", "notify", f"notification failed: {exc!r}")]
        if not notes:
            return result
        result = _with_notes(result, notes)
        _rewrite_json(result, verdict, written, lang)
        return result

    def close(self) -> None:
        """Close the store (idempotent)."""
        if self.store is not None:
            self.store.close()
            self.store = None


def _with_notes(result: ScanResult, notes: Sequence[GateNote]) -> ScanResult:
    for note in notes:
        click.echo(f"mamori: {note.message}", err=True)
    return replace(result, notices=(*result.notices, *notes))


def _rewrite_json(result: ScanResult, verdict: GateVerdict, written: Sequence[Path],
                  lang: str) -> None:
    """Write the JSON report again (atomically) so it lists the failed notification."""
    from mamori.reports.interface import Report
    from mamori.reports.registry import renderer

    for path in written:
        if path.suffix == ".json":
            renderer("json").write_file(Report(result=result, verdict=verdict, lang=lang), path)


def _report_path(written: Sequence[Path]) -> str | None:
    """The HTML report if written, else the first report file, as an absolute path."""
    if not written:
        return None
    chosen = next((p for p in written if p.suffix == ".html"), written[0])
    return str(chosen.resolve())
