"""One GCP scan: credentials, projects, then every collector of every project in parallel.

Imported by ``GcpProvider.collect`` only, so the Google SDK is imported on first use.
Units of work (run on ``max_workers`` threads): per project, one task per collector
(account, storage, iam, compute firewalls, compute disks, compute instances, sql); the
storage task hands out bucket batches. With a Workspace customer id, one more task
for the scan emits the Directory users no project binds and reports the listing's
failures (workspace.py); the listing itself is read once, by whichever task asks first.
Failures that stop everything (no credentials, the project listing denied, no project
visible) become one ``CollectionError`` for every resource type asked for, so nothing
is reported as PASS.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.gcp import account, compute, iam, sql, storage, workspace
from mamori.providers.gcp.errors import FAILED, Outcome, Recorder, scrub
from mamori.providers.gcp.projects import Directory, ProjectContext, ProjectInfo, discover
from mamori.providers.gcp.provider import GcpOptions
from mamori.providers.gcp.rest import Rest
from mamori.providers.gcp.values import PROVIDER
from mamori.providers.interface import Collected
from mamori.providers.runner import CollectedTask, RunnerConfig, Task, run_tasks

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
Collector = Callable[[ProjectContext], Iterator[Any]]

#: service → (label, collector, resource types it produces)
COLLECTORS: dict[str, tuple[tuple[str, Collector, tuple[str, ...]], ...]] = {
    "account": (("account", account.collect, ("account",)),),
    "storage": (("storage", storage.collect, ("bucket",)),),
    "iam": (("iam", iam.collect, ("user", "role")),),
    "compute": (("compute firewalls", compute.collect_firewalls, ("firewall_rule",)),
                ("compute disks", compute.collect_disks, ("volume",)),
                ("compute instances", compute.collect_instances, ("host",))),
    "sql": (("sql", sql.collect, ("database",)),),
}

Item = Resource | CollectionError | CollectedTask


def resource_types(options: GcpOptions) -> tuple[str, ...]:
    """The resource types the options ask for."""
    return tuple(t for service, entries in COLLECTORS.items() if options.wants(service)
                 for _, _, types in entries for t in types)


def collect(options: GcpOptions) -> Iterator[Collected]:
    """Resources and collection errors of every project, streamed as found."""
    rec = Recorder("")
    types = resource_types(options)
    credentials = _credentials(options, rec, types)
    if credentials is FAILED:
        yield from rec.drain()
        return
    rest = Rest(credentials, options.endpoints(), timeout=options.timeout,
                max_attempts=options.max_attempts)
    projects = _projects(options, rest, rec, types)
    yield from rec.drain()
    if projects is FAILED:
        return
    directory = Directory(rest)
    scanned = frozenset(p.project_id for p in projects)
    ws = (workspace.Workspace(options, credentials) if options.workspace_customer
          and (options.wants("iam") or options.wants("account")) else None)
    contexts = [ProjectContext(info, options, credentials, rest, directory, scanned, ws)
                for info in projects]
    tasks = [task for ctx in contexts for task in _tasks(options, ctx)]
    if ws is not None:
        tasks.append(Task(f"workspace {ws.customer}: directory users",
                          partial(workspace.collect, ws, contexts, users=options.wants("iam")),
                          resource_types=("user",), account=ws.customer))
    config = RunnerConfig(PROVIDER, scrub, options.max_workers, options.progress)
    yield from run_tasks(tasks, config)


def _credentials(options: GcpOptions, rec: Recorder, types: tuple[str, ...]) -> Any:
    if options.credentials is not None:
        return options.credentials
    auth: Any = importlib.import_module("google.auth")
    found = rec.call("auth.default", "application default credentials", auth.default,
                     scopes=list(SCOPES), resource_types=types)
    return FAILED if found is FAILED else found[0]


def _projects(options: GcpOptions, rest: Rest, rec: Recorder,
              types: tuple[str, ...]) -> list[ProjectInfo] | Outcome:
    if options.projects:
        return [ProjectInfo(p) for p in options.projects]
    found = rec.call("cloudresourcemanager.projects.search", "all projects", discover, rest,
                     resource_types=types)
    if found is FAILED:
        return FAILED
    if not found:
        rec.add("cloudresourcemanager.projects.search", "all projects", "NO_PROJECTS",
                "the credentials can see no ACTIVE project; name projects with --project",
                types)
        return FAILED
    projects: list[ProjectInfo] = found
    return projects


def _tasks(options: GcpOptions, ctx: ProjectContext) -> Iterator[CollectedTask]:
    for service, entries in COLLECTORS.items():
        if not options.wants(service):
            continue
        for label, collector, types in entries:
            yield Task(f"project {ctx.project_id}: {label}", _bind(collector, ctx),
                       resource_types=types, account=ctx.project_id)


def _bind(collector: Collector, ctx: ProjectContext) -> Callable[[], Iterator[Item]]:
    return lambda: collector(ctx)
