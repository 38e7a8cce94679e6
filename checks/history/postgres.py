"""The PostgreSQL history store (``--history postgresql://user@host/db``), psycopg 3.

Same schema and SQL as SQLite (:mod:`~mamori.checks.history.sql`). Writers serialise on
a transaction-scoped advisory lock, so concurrent scans and a concurrent first-time
migration are safe; each run is one transaction. Passwords never appear in messages:
prefer ``PGPASSWORD`` or ``~/.pgpass`` over a password in the URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from mamori.checks.history.interface import HistoryError
from mamori.checks.history.sql import SqlStore

#: Arbitrary key of the advisory lock that serialises mamori's writers.
LOCK_KEY = 0x6D616D6F


def redact_url(url: str) -> str:
    """``postgresql://user@host:port/db`` without the password or query."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user}{parts.hostname or ''}{port}{parts.path}"


class PostgresStore(SqlStore):
    """History in a PostgreSQL database (tables are created on first use)."""

    dialect = "postgres"

    def __init__(self, url: str, connect_timeout: int = 10) -> None:
        self.label = f"postgresql: {redact_url(url)}"
        try:
            import psycopg
        except ModuleNotFoundError as exc:
            raise HistoryError("a postgresql:// history needs psycopg: "
                               "pip install 'mamori[postgres]'") from exc
        self._errors: tuple[type[Exception], ...] = (psycopg.Error,)
        try:
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=connect_timeout,
                                         application_name="mamori")
            self._migrate()
        except psycopg.Error as exc:
            raise HistoryError(f"history {self.label}: {_first_line(exc)}") from exc

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _cursor(self) -> Any:
        return self._conn.cursor()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            with self._conn.transaction():
                self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                yield
        except self._errors as exc:
            raise HistoryError(f"history {self.label}: {_first_line(exc)}") from exc

    def _read_version(self) -> int:
        row = self._conn.execute("SELECT to_regclass('schema_version')").fetchone()
        if row is None or row[0] is None:
            return 0
        version = self._conn.execute("SELECT version FROM schema_version").fetchone()
        return 0 if version is None else int(version[0])

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
