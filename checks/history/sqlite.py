"""The embedded SQLite history store (the default: ``--history mamori.db``).

Several scans may write to one file at once (two cron jobs, a CI job and a manual run):
the database runs in WAL mode (readers never block the writer), waits up to
``busy_timeout`` for the write lock instead of failing, and every run is written in one
``BEGIN IMMEDIATE`` transaction, so a run is stored whole or not at all.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mamori.checks.errors import display_path
from mamori.checks.history.interface import HistoryError
from mamori.checks.history.sql import SqlStore

#: How long a writer waits for another one before giving up (milliseconds).
BUSY_TIMEOUT_MS = 60_000


class SqliteStore(SqlStore):
    """History in one SQLite file; created (with parent folders) when missing."""

    dialect = "sqlite"

    def __init__(self, path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = path
        self.label = f"sqlite: {display_path(path)}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN IMMEDIATE/COMMIT ourselves.
            self._conn = sqlite3.connect(path, timeout=busy_timeout_ms / 1000,
                                         isolation_level=None)
            self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self._setup(time.monotonic() + busy_timeout_ms / 1000)
        except (sqlite3.Error, OSError) as exc:
            raise HistoryError(f"history {self.label}: {exc}") from exc

    def _setup(self, deadline: float) -> None:
        """WAL mode and migrations, retried while another process holds the lock.

        Switching a new file to WAL needs an exclusive lock and SQLite does not always
        call the busy handler for it, so two scans creating one store at the same moment
        would otherwise see "database is locked".
        """
        for attempt in itertools.count(1):
            try:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
                self._migrate()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(min(0.05 * attempt, 1.0))

    def _cursor(self) -> Any:
        return self._conn.cursor()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so two writers queue (busy_timeout)
        # instead of one failing with "database is locked" at its first write.
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise HistoryError(f"history {self.label}: {exc}") from exc
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        try:
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise HistoryError(f"history {self.label}: {exc}") from exc

    def _read_version(self) -> int:
        rows = self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                  "AND name = 'schema_version'").fetchall()
        if not rows:
            return 0
        row = self._conn.execute("SELECT version FROM schema_version").fetchone()
        return 0 if row is None else int(row[0])

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()
