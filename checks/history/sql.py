"""What the SQLite and PostgreSQL stores share: the SQL, written once with ``?`` params.

Subclasses provide a connection, a write transaction and the placeholder style; this
class turns records into rows and back. Times are stored as ISO 8601 text in UTC.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from mamori.checks.history.interface import (
    CauseCounts,
    FindingRecord,
    HistoryStore,
    RunRecord,
)
from mamori.checks.history.migrations import CURRENT, migrate

_RUN_COLUMNS = ("id, as_of, started, finished, providers, accounts, scope_key, ruleset_hash, "
                "tool_version, exit_code, resources, counts")
_CAUSE_COLUMNS = "run_id, cause, passed, failed, errored, waived, checked, not_assessed"
_FINDING_COLUMNS = ("fingerprint, rule_id, status, severity, resource_type, resource_id, "
                    "resource_name, provider, account, causes, change, first_seen")


def to_text(value: datetime | None) -> str | None:
    """A datetime as sortable UTC ISO text (naive values are taken as UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def from_text(value: str | None) -> datetime | None:
    """Back from :func:`to_text`."""
    return None if value is None else datetime.fromisoformat(value)


def _run(row: Sequence[Any]) -> RunRecord:
    return RunRecord(id=int(row[0]), as_of=datetime.fromisoformat(row[1]),
                     started=datetime.fromisoformat(row[2]),
                     finished=datetime.fromisoformat(row[3]),
                     providers=tuple(json.loads(row[4])), accounts=tuple(json.loads(row[5])),
                     scope_key=row[6], ruleset_hash=row[7], tool_version=row[8],
                     exit_code=int(row[9]), resources=int(row[10]),
                     counts=json.loads(row[11] or "{}"))


def _finding(row: Sequence[Any]) -> FindingRecord:
    return FindingRecord(fingerprint=row[0], rule_id=row[1], status=row[2], severity=row[3],
                         resource_type=row[4], resource_id=row[5], resource_name=row[6],
                         provider=row[7], account=row[8],
                         causes=tuple(filter(None, row[9].split(","))), change=row[10],
                         first_seen=from_text(row[11]))


class SqlStore(HistoryStore):
    """The SQL of the history store; subclasses bind it to a driver."""

    dialect: str = ""

    @abstractmethod
    def _cursor(self) -> Any:
        """A DB-API cursor."""

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Any]:
        """A write transaction that serialises writers (commit on success)."""

    def _sql(self, sql: str) -> str:
        """Adapt ``?`` placeholders to the driver's style."""
        return sql

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        cur = self._cursor()
        cur.execute(self._sql(sql), tuple(params))
        return list(cur.fetchall()) if cur.description is not None else []

    def _read_version(self) -> int:
        """0 for an empty database."""
        raise NotImplementedError

    def _migrate(self) -> None:
        """Bring the schema to :data:`CURRENT` (once, under the write lock)."""
        if self._read_version() == CURRENT:
            return
        with self._transaction():
            migrate(self._execute, self.dialect, self._read_version())

    def schema_version(self) -> int:
        """The version recorded in ``schema_version``."""
        return self._read_version()

    def record(self, run: RunRecord, findings: Sequence[FindingRecord],
               causes: Sequence[CauseCounts]) -> int:
        """Insert the run, its findings and its cause counts in one transaction."""
        with self._transaction():
            rows = self._execute(
                "INSERT INTO runs (as_of, started, finished, providers, accounts, scope_key, "
                "ruleset_hash, tool_version, exit_code, resources, counts) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (to_text(run.as_of), to_text(run.started), to_text(run.finished),
                 json.dumps(list(run.providers)), json.dumps(list(run.accounts)),
                 run.scope_key, run.ruleset_hash, run.tool_version, run.exit_code,
                 run.resources, json.dumps(dict(run.counts))))
            run_id = int(rows[0][0])
            self._insert_findings(run_id, findings)
            for c in causes:
                self._execute(f"INSERT INTO run_causes ({_CAUSE_COLUMNS}) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              (run_id, c.cause, c.passed, c.failed, c.errored, c.waived,
                               int(c.checked), c.not_assessed))
        return run_id

    def _insert_findings(self, run_id: int, findings: Sequence[FindingRecord]) -> None:
        sql = self._sql(f"INSERT INTO findings (run_id, {_FINDING_COLUMNS}) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        rows = [(run_id, f.fingerprint, f.rule_id, f.status, f.severity, f.resource_type,
                 f.resource_id, f.resource_name, f.provider, f.account, ",".join(f.causes),
                 f.change, to_text(f.first_seen)) for f in findings]
        self._cursor().executemany(sql, rows)

    def previous_run(self, scope_key: str, as_of: datetime) -> RunRecord | None:
        """Latest run of the scope at or before ``as_of`` (ties: the later start)."""
        rows = self._execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE scope_key = ? AND "
                             "as_of <= ? ORDER BY as_of DESC, started DESC, id DESC LIMIT 1",
                             (scope_key, to_text(as_of)))
        return _run(rows[0]) if rows else None

    def findings(self, run_id: int) -> list[FindingRecord]:
        """Every finding of the run."""
        rows = self._execute(f"SELECT {_FINDING_COLUMNS} FROM findings WHERE run_id = ?",
                             (run_id,))
        return [_finding(r) for r in rows]

    def runs(self, scope_key: str | None = None, limit: int | None = None) -> list[RunRecord]:
        """Runs newest first."""
        where, params = ("WHERE scope_key = ? ", [scope_key]) if scope_key else ("", [])
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        rows = self._execute(f"SELECT {_RUN_COLUMNS} FROM runs {where}"
                             f"ORDER BY as_of DESC, started DESC, id DESC{tail}", params)
        return [_run(r) for r in rows]

    def cause_counts(self, run_ids: Sequence[int]) -> dict[int, list[CauseCounts]]:
        """Per-cause counts of the runs, by run id."""
        out: dict[int, list[CauseCounts]] = {int(i): [] for i in run_ids}
        for chunk in _chunks(list(out), 500):
            marks = ", ".join("?" for _ in chunk)
            rows = self._execute(f"SELECT {_CAUSE_COLUMNS} FROM run_causes "
                                 f"WHERE run_id IN ({marks})", chunk)
            for r in rows:
                out[int(r[0])].append(CauseCounts(r[1], int(r[2]), int(r[3]), int(r[4]),
                                                  int(r[5]), bool(r[6]), int(r[7])))
        return out

    def prune(self, before: datetime) -> int:
        """Delete old runs; each scope's latest run stays so drift can continue."""
        with self._transaction():
            rows = self._execute(
                "SELECT id FROM runs r WHERE started < ? AND id <> (SELECT id FROM runs l "
                "WHERE l.scope_key = r.scope_key ORDER BY as_of DESC, started DESC, id DESC "
                "LIMIT 1)", (to_text(before),))
            ids = [int(r[0]) for r in rows]
            for chunk in _chunks(ids, 500):
                marks = ", ".join("?" for _ in chunk)
                for table, key in (("findings", "run_id"), ("run_causes", "run_id"),
                                   ("runs", "id")):
                    self._execute(f"DELETE FROM {table} WHERE {key} IN ({marks})", chunk)
        return len(ids)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
