"""Run history: a results store (SQLite or PostgreSQL), drift between runs, trend, retention.

See docs/history.md. ``open_store(target)`` picks the backend from the target (a path or a
``postgresql://`` URL); :mod:`mamori.checks.history.drift` compares a scan with the
previous comparable run; :mod:`mamori.checks.history.commands` is ``mamori history``.
"""
