"""The ``azure`` provider: subscriptions through Resource Manager, the tenant through Graph.

``AzureProvider(AzureOptions(...)).collect()`` streams resources and collection
errors. Work runs on a bounded thread pool, one task per subscription × service
(storage, network, compute, sql, role assignments, Activity Log export, policy) plus one
for Entra ID; the identities (``user``, ``role``) and the tenant ``account`` are yielded
last, once every subscription's results are in, because admin rights and the account's
facts are merged across them.

Importing this module imports no Azure SDK: the service modules import it inside
their functions, so a missing extra shows up only when the provider runs (the
registry then says ``pip install 'mamori[azure]'``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.azure import (
    account,
    activity,
    authorization,
    clients,
    compute,
    graph,
    identity,
    network,
    policy,
    sql,
    storage,
)
from mamori.providers.azure.activity import AuditFacts
from mamori.providers.azure.authorization import RbacResult
from mamori.providers.azure.errors import PROVIDER, Scope, scrub
from mamori.providers.azure.graph import Directory
from mamori.providers.azure.graph_client import GraphClient
from mamori.providers.azure.options import AzureOptions
from mamori.providers.azure.policy import PolicyFacts
from mamori.providers.azure.subscriptions import Subscription, resolve
from mamori.providers.interface import Collected, Provider
from mamori.providers.runner import RunnerConfig, Task, run_tasks

__all__ = ["AzureOptions", "AzureProvider"]

IDENTITY_TYPES: tuple[str, ...] = ("user", "role", "account")

Item = Resource | CollectionError | RbacResult | Directory | AuditFacts | PolicyFacts
_SERVICES: dict[str, tuple[Callable[..., Iterable[Item]], tuple[str, ...]]] = {
    "storage": (storage.collect, storage.RESOURCE_TYPES),
    "network": (network.collect, network.RESOURCE_TYPES),
    "compute": (compute.collect, compute.RESOURCE_TYPES),
    "sql": (sql.collect, sql.RESOURCE_TYPES),
    # Facts of the tenant account, per subscription (merged at the end).
    "monitor": (activity.collect, ("account",)),
    "policy": (policy.collect, ("account",)),
}


class _Gathered:
    """What the tasks handed back besides resources and errors."""

    def __init__(self) -> None:
        self.rbac: list[RbacResult] = []
        self.directory: Directory | None = None
        self.audit: dict[str, AuditFacts] = {}
        self.policy: dict[str, PolicyFacts] = {}
        self.storage = account.StorageView()

    def keep(self, item: RbacResult | Directory | AuditFacts | PolicyFacts) -> None:
        """Keep an internal record for the merge at the end."""
        if isinstance(item, RbacResult):
            self.rbac.append(item)
        elif isinstance(item, Directory):
            self.directory = item
        elif isinstance(item, AuditFacts):
            self.audit[item.subscription] = item
        else:
            self.policy[item.subscription] = item


class AzureProvider(Provider):
    """Collects from the subscriptions and the Entra ID tenant an identity can read."""

    name = "azure"

    def __init__(self, options: AzureOptions | None = None) -> None:
        self.options = options or AzureOptions()

    def describe(self) -> str:
        """``azure (2 subscriptions)`` or ``azure (all subscriptions)``."""
        count = len(self.options.subscriptions)
        scope = f"{count} subscription{'s' * (count != 1)}" if count else "all subscriptions"
        return f"azure ({scope})"

    def collect(self) -> Iterator[Collected]:
        """Resources and collection errors, streamed as subscriptions are read."""
        options = self.options
        clients.require_sdk()
        credential = clients.make_credential(options)
        tenant_scope = Scope("tenant", "")
        subs = self._subscriptions(credential, tenant_scope)
        listing_failed = bool(tenant_scope.errors) and not options.subscriptions
        yield from tenant_scope.drain()
        graph_client = GraphClient(credential, options) if options.wants("graph") else None
        gathered = _Gathered()
        tasks = self._tasks(credential, subs, graph_client)
        config = RunnerConfig(PROVIDER, scrub, options.max_workers, options.progress)
        for item in run_tasks(tasks, config):
            if isinstance(item, Resource | CollectionError):
                gathered.storage.see(item)
                yield item
            else:
                gathered.keep(item)
        if options.wants("graph") or options.wants("authorization"):
            readable = options.wants("authorization") and not listing_failed
            found = list(_identities(graph_client, gathered, readable, subs, options))
            self._progress(_progress_line("identities", found))
            yield from found

    def _subscriptions(self, credential: Any, scope: Scope) -> list[Subscription]:
        if not any(self.options.wants(s) for s in (*_SERVICES, "authorization")):
            return []
        client = clients.subscription_client(credential, self.options)
        subs = resolve(client, self.options.subscriptions, scope)
        readable = [s for s in subs if s.readable]
        for skipped in (s for s in subs if not s.readable):
            self._progress(f"azure: subscription {skipped.id} skipped ({skipped.state})")
        return readable

    def _tasks(self, credential: Any, subs: list[Subscription],
               graph_client: GraphClient | None) -> list[Task[Item]]:
        options = self.options
        tasks: list[Task[Item]] = []
        for sub in subs:
            for service, (fn, types) in _SERVICES.items():
                if options.wants(service):
                    tasks.append(Task(f"subscription {sub.id} {service}",
                                       _bind(fn, sub, credential, options), types, sub.id))
            if options.wants("authorization"):
                tasks.append(Task(f"subscription {sub.id} authorization",
                                   _rbac_task(sub, credential, options), ("role",), sub.id))
        if graph_client is not None:
            tasks.append(Task("tenant graph", _graph_task(graph_client), ("user", "account")))
        return tasks

    def _progress(self, line: str) -> None:
        if self.options.progress is not None:
            self.options.progress(line)


def _bind(fn: Callable[..., Iterable[Item]], sub: Subscription, credential: Any,
          options: AzureOptions) -> Callable[[], Iterable[Item]]:
    return lambda: fn(sub, credential, options)


def _rbac_task(sub: Subscription, credential: Any,
               options: AzureOptions) -> Callable[[], Iterable[Item]]:
    def run() -> Iterator[Item]:
        scope = Scope("subscription", sub.id)
        result = authorization.collect(sub, credential, options, scope)
        yield from scope.drain()
        yield result
    return run


def _graph_task(client: GraphClient) -> Callable[[], Iterable[Item]]:
    def run() -> Iterator[Item]:
        scope = Scope("tenant", "")
        directory = graph.collect(client, scope)
        yield from _relabel(scope, directory.tenant_id)
        yield directory
    return run


def _relabel(scope: Scope, tenant_id: str) -> Iterator[CollectionError]:
    """Errors of a tenant scope, labelled with the tenant id once it is known."""
    for error in scope.drain():
        yield CollectionError(
            provider=error.provider, operation=error.operation,
            scope=f"tenant {tenant_id}".strip(), code=error.code, message=error.message,
            resource_types=error.resource_types, account=tenant_id)


def _progress_line(label: str, items: Sequence[object]) -> str:
    resources = sum(isinstance(i, Resource) for i in items)
    errors = sum(isinstance(i, CollectionError) for i in items)
    line = f"azure: {label}: {resources} resources"
    return line + (f", {errors} errors" if errors else "")


def _identities(client: GraphClient | None, gathered: _Gathered, rbac_readable: bool,
                subs: list[Subscription], options: AzureOptions) -> Iterator[Collected]:
    """Users, service principals and the tenant account, admin rights merged."""
    directory = gathered.directory
    tenant_id = _tenant_id(directory, subs)
    scope = Scope("tenant", tenant_id)
    inputs = identity.Inputs(tenant_id=tenant_id, directory=directory, rbac=gathered.rbac,
                             rbac_readable=rbac_readable)
    if client is not None:
        groups = identity.groups_to_expand(gathered.rbac, directory)
        inputs.groups = graph.expand_groups(client, scope, groups)
        wanted = identity.service_principal_ids(inputs)
        inputs.objects = graph.lookup_objects(client, scope, wanted) if wanted else {}
    try:
        yield from identity.resources(inputs)
        if directory is not None and tenant_id != identity.UNKNOWN_TENANT:
            yield account.tenant(account.TenantFacts(
                tenant_id=tenant_id, directory=directory, groups=inputs.groups,
                subscriptions=[s.id for s in subs],
                audit=gathered.audit if options.wants("monitor") else None,
                policy=gathered.policy if options.wants("policy") else None,
                storage=gathered.storage if options.wants("storage") else None))
    except Exception as exc:  # a bug: keep the scan going, fail closed
        scope.record("identity merge", exc, IDENTITY_TYPES)
    yield from scope.drain()


def _tenant_id(directory: Directory | None, subs: list[Subscription]) -> str:
    """The tenant: from Graph, else the subscriptions' single tenant, else unknown."""
    if directory is not None and directory.tenant_id:
        return directory.tenant_id
    tenants = {s.tenant_id for s in subs if s.tenant_id}
    return tenants.pop() if len(tenants) == 1 else identity.UNKNOWN_TENANT

