"""``mamori history``: list runs, export the KPI sheet, prune old runs.

Loaded lazily by ``mamori.checks.cli`` (LAZY_COMMANDS). The store is ``--history``, else
``$MAMORI_HISTORY``, else ``history:`` of the config file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click
from tabulate import tabulate

from mamori.checks.config import discover
from mamori.checks.errors import UsageError
from mamori.checks.history.interface import HistoryStore, RunRecord
from mamori.checks.history.store import open_store

F = TypeVar("F", bound=Callable[..., Any])


def _store_options(func: F) -> F:
    func = click.option("--history", "target", envvar="MAMORI_HISTORY",
                        help="SQLite file or postgresql:// URL (default: config history:).")(func)
    func = click.option("--config", "config_path", type=click.Path(path_type=Path),
                        help="Organisation config (default: ./mamori.yaml if present).")(func)
    return func


def _open(target: str | None, config_path: Path | None) -> HistoryStore:
    target = target or discover(config_path, Path.cwd()).history
    if not target:
        raise UsageError("no history: give --history PATH_OR_URL (or history: in mamori.yaml)")
    if "://" not in target and not Path(target).is_file():
        raise UsageError(f"no history at {target} (it is created by `mamori scan --history`)")
    return open_store(target)


@click.group()
def history() -> None:
    """Runs recorded by `mamori scan --history`: list, export KPIs, prune."""


def _list_row(run: RunRecord) -> list[Any]:
    n = run.counts
    return [run.id, run.as_of.isoformat(), run.exit_code, run.resources,
            *(n.get(s, 0) for s in ("PASS", "FAIL", "ERROR", "WAIVED", "NOT_ASSESSED")),
            n.get("new", 0), n.get("resolved", 0), "; ".join(run.providers)[:60],
            run.scope_key]


@history.command("list")
@_store_options
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def list_runs(target: str | None, config_path: Path | None, limit: int, fmt: str) -> None:
    """List the recorded runs, newest first."""
    with _open(target, config_path) as store:
        runs = store.runs(limit=limit)
    if fmt == "json":
        click.echo(json.dumps([_run_json(r) for r in runs], indent=2, ensure_ascii=False))
        return
    headers = ["run", "as_of", "exit", "resources", "PASS", "FAIL", "ERROR", "WAIVED",
               "NOT_ASSESSED", "new", "resolved", "providers", "scope"]
    click.echo(tabulate([_list_row(r) for r in runs], headers=headers, disable_numparse=True))


def _run_json(run: RunRecord) -> dict[str, Any]:
    return {"id": run.id, "as_of": run.as_of.isoformat(), "started": run.started.isoformat(),
            "finished": run.finished.isoformat(), "providers": list(run.providers),
            "accounts": list(run.accounts), "scope_key": run.scope_key,
            "ruleset_hash": run.ruleset_hash, "tool_version": run.tool_version,
            "exit_code": run.exit_code, "resources": run.resources, "counts": dict(run.counts)}


@history.command("export")
@_store_options
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True)
@click.option("--out", "out_path", type=click.Path(path_type=Path),
              help="File to write (default: standard output).")
def export(target: str | None, config_path: Path | None, fmt: str,
           out_path: Path | None) -> None:
    """KPI sheet for auditors: one row per run (docs/history.md lists the columns)."""
    from mamori.checks.history.kpi import write_kpis

    with _open(target, config_path) as store:
        runs = store.runs()
        if out_path is None:
            write_kpis(store, runs, sys.stdout)
            return
        with out_path.open("w", encoding="utf-8", newline="") as out:
            count = write_kpis(store, runs, out)
    click.echo(f"wrote {out_path} ({count} runs)", err=True)


@history.command("prune")
@_store_options
@click.option("--keep-days", type=click.IntRange(min=0), required=True,
              help="Delete runs started more than N days ago (each scope's latest stays).")
def prune(target: str | None, config_path: Path | None, keep_days: int) -> None:
    """Delete old runs and their findings."""
    cutoff = datetime.now(UTC) - timedelta(days=keep_days)
    with _open(target, config_path) as store:
        deleted = store.prune(cutoff)
    click.echo(f"deleted {deleted} run(s) started before {cutoff.isoformat(timespec='seconds')}")
