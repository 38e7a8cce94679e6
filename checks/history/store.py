"""Open the history store a ``--history`` value (or the config's ``history:``) names."""

from __future__ import annotations

from pathlib import Path

from mamori.checks.history.interface import HistoryStore

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: str) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) URL."""
    return target.lower().startswith(POSTGRES_SCHEMES)


def open_store(target: str | Path) -> HistoryStore:
    """A SQLite file path or a PostgreSQL URL; HistoryError when it cannot be opened."""
    text = str(target)
    if is_postgres(text):
        from mamori.checks.history.postgres import PostgresStore  # psycopg only when asked

        return PostgresStore(text)
    from mamori.checks.history.sqlite import SqliteStore

    return SqliteStore(Path(text))
