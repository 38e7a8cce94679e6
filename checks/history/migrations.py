"""Schema versions of the history store and the steps between them.

The store keeps its version in the one-row table ``schema_version``. Opening a store
runs every step above that version, each in the store's write transaction (so two
processes opening an old store at once migrate it once). The DDL is shared by SQLite
and PostgreSQL; only the auto-increment key differs (``{pk}``). Times are stored as
ISO 8601 text in UTC, which sorts in time order on both backends.

Versions:
    1  runs and findings (the first release)
    2  findings.change and findings.first_seen, runs.counts, table run_causes
       (backfilled from the stored findings)
    3  run_causes.not_assessed (NOT_ASSESSED findings per cause; backfilled).
       ``findings.status`` is free text, so NOT_ASSESSED needs no change there.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

PK = {"sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT", "postgres": "BIGSERIAL PRIMARY KEY"}


Execute = Callable[[str, Sequence[Any]], list[Any]]


@dataclass(frozen=True)
class Migration:
    """One step: DDL statements, then an optional data step."""

    version: int
    description: str
    statements: tuple[str, ...]
    data: Callable[[Execute], None] | None = None


V1 = (
    "CREATE TABLE runs (id {pk}, as_of TEXT NOT NULL, started TEXT NOT NULL, "
    "finished TEXT NOT NULL, providers TEXT NOT NULL, accounts TEXT NOT NULL, "
    "scope_key TEXT NOT NULL, ruleset_hash TEXT NOT NULL, tool_version TEXT NOT NULL, "
    "exit_code INTEGER NOT NULL, resources INTEGER NOT NULL)",
    "CREATE INDEX runs_scope ON runs (scope_key, as_of)",
    "CREATE TABLE findings (run_id INTEGER NOT NULL, fingerprint TEXT NOT NULL, "
    "rule_id TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL, "
    "resource_type TEXT NOT NULL, resource_id TEXT NOT NULL, resource_name TEXT NOT NULL, "
    "provider TEXT NOT NULL, account TEXT NOT NULL, causes TEXT NOT NULL, "
    "PRIMARY KEY (run_id, fingerprint))",
)

V2 = (
    "ALTER TABLE findings ADD COLUMN change TEXT",
    "ALTER TABLE findings ADD COLUMN first_seen TEXT",
    "ALTER TABLE runs ADD COLUMN counts TEXT NOT NULL DEFAULT '{{}}'",
    "CREATE TABLE run_causes (run_id INTEGER NOT NULL, cause TEXT NOT NULL, "
    "passed INTEGER NOT NULL, failed INTEGER NOT NULL, errored INTEGER NOT NULL, "
    "waived INTEGER NOT NULL, checked INTEGER NOT NULL, PRIMARY KEY (run_id, cause))",
)

_COLUMNS = {"PASS": "passed", "FAIL": "failed", "ERROR": "errored", "WAIVED": "waived"}


def _backfill_v2(execute: Execute) -> None:
    """Per-cause and per-status counts of runs recorded before version 2."""
    rows = execute("SELECT run_id, status, causes FROM findings", ())
    per_cause: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    per_run: dict[int, Counter[str]] = defaultdict(Counter)
    for run_id, status, causes in rows:
        per_run[run_id][status] += 1
        for cause in filter(None, causes.split(",")):
            per_cause[(run_id, cause)][status] += 1
    for (run_id, cause), counts in per_cause.items():
        execute("INSERT INTO run_causes VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run_id, cause, *(counts[s] for s in _COLUMNS), 1))
    for run_id, counts in per_run.items():
        execute("UPDATE runs SET counts = ? WHERE id = ?", (json.dumps(dict(counts)), run_id))


V3 = ("ALTER TABLE run_causes ADD COLUMN not_assessed INTEGER NOT NULL DEFAULT 0",)


def _backfill_v3(execute: Execute) -> None:
    """NOT_ASSESSED findings per run and cause, for runs recorded before version 3."""
    rows = execute("SELECT run_id, causes FROM findings WHERE status = ?", ("NOT_ASSESSED",))
    per_cause: Counter[tuple[int, str]] = Counter()
    for run_id, causes in rows:
        for cause in filter(None, causes.split(",")):
            per_cause[(run_id, cause)] += 1
    for (run_id, cause), count in per_cause.items():
        execute("UPDATE run_causes SET not_assessed = ? WHERE run_id = ? AND cause = ?",
                (count, run_id, cause))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "runs and findings", V1),
    Migration(2, "drift columns, run counts, per-cause counts", V2, _backfill_v2),
    Migration(3, "NOT_ASSESSED counts per cause", V3, _backfill_v3),
)

#: The version a freshly opened store ends at.
CURRENT = MIGRATIONS[-1].version


def pending(version: int, target: int = CURRENT) -> list[Migration]:
    """The steps from ``version`` (0: empty store) up to ``target``."""
    return [m for m in MIGRATIONS if version < m.version <= target]


def migrate(execute: Execute, dialect: str, version: int, target: int = CURRENT) -> int:
    """Run the pending steps with ``execute`` (inside the caller's transaction)."""
    if version == 0:
        execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", ())
        execute("INSERT INTO schema_version VALUES (0)", ())
    for step in pending(version, target):
        for statement in step.statements:
            execute(statement.format(pk=PK[dialect]), ())
        if step.data is not None:
            step.data(execute)
        execute("UPDATE schema_version SET version = ?", (step.version,))
        version = step.version
    return version
