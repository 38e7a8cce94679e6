"""A bounded thread pool that streams what its tasks yield, in completion order.

Shared by the cloud providers. A task is a named generator of resources, collection
errors and further tasks (a bucket listing hands out per-bucket batches, for example).
New tasks go to the same pool without any worker waiting on another, so the pool cannot
deadlock. The caller consumes one stream; if it stops early, the workers stop at their
next item.

A bug in a task (an exception that is not a cloud failure, which the collectors already
turned into records) does not abort the scan: it becomes a ``CollectionError`` with code
``InternalError`` for the task's resource types, so those findings are ERROR, never PASS.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from mamori.checks.model import CollectionError, Resource

#: What tasks yield besides further tasks: resources and collection errors, plus any
#: provider-internal records (Azure's role assignments, kept for a merge at the end).
T = TypeVar("T")

_QUEUE_SIZE = 10_000  # bounds memory when the consumer is slower than the workers
_PUT_POLL = 0.1  # seconds between checks for an abandoned stream


@dataclass(frozen=True)
class Task(Generic[T]):
    """One unit of concurrent work: ``run()`` yields items and further tasks.

    ``account`` is the AWS account, Azure subscription or GCP project the task covers.
    """

    label: str
    run: Callable[[], Iterable[T | Task[T]]]
    resource_types: tuple[str, ...] = ()
    account: str = ""
    region: str = ""


#: The task of a provider that yields only resources and collection errors.
CollectedTask = Task[Resource | CollectionError]


@dataclass(frozen=True)
class _Done:
    task: Task[Any]
    resources: int
    errors: int


@dataclass(frozen=True)
class RunnerConfig:
    """Who runs the tasks: the provider's name and how it cleans error messages."""

    provider: str
    scrub: Callable[[str], str]
    max_workers: int
    progress: Callable[[str], None] | None = None


def run_tasks(tasks: Iterable[Task[T]], config: RunnerConfig) -> Iterator[T | CollectionError]:
    """Run ``tasks`` (and the tasks they hand out) on ``config.max_workers`` threads."""
    results: queue.Queue[T | CollectionError | Task[T] | _Done] = queue.Queue(_QUEUE_SIZE)
    stop = threading.Event()

    def put(item: T | CollectionError | Task[T] | _Done) -> None:
        while not stop.is_set():
            try:
                results.put(item, timeout=_PUT_POLL)
                return
            except queue.Full:
                continue

    def work(task: Task[T]) -> None:
        resources = errors = 0
        try:
            for item in task.run():
                if stop.is_set():
                    return
                resources += isinstance(item, Resource)
                errors += isinstance(item, CollectionError)
                put(item)
        except Exception as exc:  # a bug: keep the scan going, fail closed
            errors += 1
            put(internal_error(task, exc, config))
        put(_Done(task, resources, errors))

    pool = ThreadPoolExecutor(max_workers=config.max_workers,
                              thread_name_prefix=f"mamori-{config.provider}")
    pending = 0
    try:
        for task in tasks:
            pool.submit(work, task)
            pending += 1
        while pending:
            item = results.get()
            if isinstance(item, Task):
                pool.submit(work, item)
                pending += 1
            elif isinstance(item, _Done):
                pending -= 1
                if config.progress is not None:
                    config.progress(_progress_line(item, config.provider))
            else:
                yield item
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)


def _progress_line(done: _Done, provider: str) -> str:
    line = f"{provider}: {done.task.label}: {done.resources} resources"
    return line + (f", {done.errors} errors" if done.errors else "")


def internal_error(task: Task[T], exc: Exception, config: RunnerConfig) -> CollectionError:
    """The record of a bug in ``task``: its resource types become ERROR."""
    return CollectionError(
        provider=config.provider, operation=task.label, scope=task.label, code="InternalError",
        message=config.scrub(f"{type(exc).__name__}: {exc}"),
        resource_types=task.resource_types, account=task.account, region=task.region)
