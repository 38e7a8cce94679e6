"""``AwsProvider``: accounts × regions × services, collected concurrently.

Order of work (all of it on one bounded thread pool, see ``runner``):

1. one task per target (profile, role, default chain): open the session, ask STS
   for the account id, find the enabled regions, read the account-level S3 public
   access block; an account reached twice (two profiles for one account) is
   collected once;
2. that task hands out the service tasks: ``account``, ``iam`` (users, roles,
   customer-managed policies) and ``s3`` once per account, ``ec2`` (hosts and volumes;
   security groups) and ``rds`` (with the network its public databases sit in) per
   region;
3. listings hand out batches (buckets, users) so that one large account does not
   keep one worker busy while others idle.

A target that cannot be opened, or whose identity STS will not tell, yields one
``CollectionError`` naming every resource type it would have produced.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial

from mamori.checks.model import CollectionError, Resource
from mamori.providers.aws import account as account_service
from mamori.providers.aws import ec2, iam, rds, s3
from mamori.providers.aws.errors import AWS_ERRORS, FAILED, PROVIDER, Scope, scrub
from mamori.providers.aws.options import SERVICES, AwsOptions
from mamori.providers.aws.session import (
    GLOBAL,
    Account,
    Clients,
    Target,
    home_region,
    open_session,
    targets,
)
from mamori.providers.interface import Collected, Provider
from mamori.providers.runner import CollectedTask, RunnerConfig, Task, run_tasks

__all__ = ["AwsOptions", "AwsProvider"]

TYPES_BY_SERVICE: dict[str, tuple[str, ...]] = {
    "account": account_service.TYPES,
    "iam": iam.TYPES,
    "s3": s3.TYPES,
    "ec2": (*ec2.HOST_TYPES, *ec2.RULE_TYPES),
    "rds": rds.TYPES,
}
REGIONAL_SERVICES = ("ec2", "rds")

Item = Resource | CollectionError | CollectedTask


class AwsProvider(Provider):
    """Collects IAM, S3, EC2, RDS and CloudTrail facts from one or more AWS accounts."""

    name = "aws"

    def __init__(self, options: AwsOptions | None = None) -> None:
        self.options = options or AwsOptions()
        self._seen: set[str] = set()
        self._seen_lock = threading.Lock()

    def describe(self) -> str:
        """One line: accounts and regions asked for (never credentials)."""
        opts = self.options
        who = ", ".join(t.label for t in targets(opts))
        regions = ", ".join(opts.regions) if opts.regions else "all enabled regions"
        return f"aws ({who}; {regions})"

    def collect(self) -> Iterator[Collected]:
        """Stream resources and collection errors from every target."""
        with self._seen_lock:
            self._seen.clear()
        tasks: list[CollectedTask] = [Task(t.label, partial(self._open, t), self._wanted_types())
                                      for t in targets(self.options)]
        config = RunnerConfig(PROVIDER, scrub, self.options.max_workers, self.options.progress)
        yield from run_tasks(tasks, config)

    def _wanted_types(self, services: tuple[str, ...] = SERVICES) -> tuple[str, ...]:
        return tuple(t for s in services if self.options.wants(s) for t in TYPES_BY_SERVICE[s])

    def _open(self, target: Target) -> Iterator[Item]:
        scope = Scope("", "", target.label)
        try:
            session = open_session(target, self.options)
        except AWS_ERRORS as exc:
            operation = "sts:AssumeRole" if target.role_arn else "session"
            scope.record(operation, exc, self._wanted_types())
            yield from scope.drain()
            return
        clients = Clients(session, self.options)
        home = home_region(session)
        sts = clients.get("sts", home)
        identity = scope.call("sts:GetCallerIdentity", sts.get_caller_identity)
        if identity is FAILED:
            scope.errors[-1] = _with_types(scope.errors[-1], self._wanted_types())
            yield from scope.drain()
            return
        account = Account(id=str(identity["Account"]), label=target.label, clients=clients,
                          home_region=home)
        with self._seen_lock:
            if account.id in self._seen:
                return  # the same account through another profile or role
            self._seen.add(account.id)
        yield from self._prepare(account)
        yield from self._service_tasks(account)

    def _prepare(self, account: Account) -> Iterator[CollectionError]:
        scope = Scope(account.id, "")
        account.regions = tuple(self.options.regions or ()) or self._regions(account, scope)
        if self.options.wants("s3") or self.options.wants("account"):
            account_scope = Scope(account.id, GLOBAL)
            account.public_access_block = s3.read_account_block(account, account_scope)
            yield from account_scope.drain()
        yield from scope.drain()

    def _regions(self, account: Account, scope: Scope) -> tuple[str, ...]:
        if not any(self.options.wants(s) for s in REGIONAL_SERVICES):
            return (account.home_region,)
        ec2_client = account.clients.get("ec2", account.home_region)
        answer = scope.call("ec2:DescribeRegions", ec2_client.describe_regions,
                            AllRegions=False)
        if answer is FAILED:
            # Collect the home region anyway; the error marks the rest as unknown.
            scope.errors[-1] = _with_types(scope.errors[-1],
                                           self._wanted_types(REGIONAL_SERVICES))
            return (account.home_region,)
        return tuple(sorted(str(r["RegionName"]) for r in answer.get("Regions", [])))

    def _service_tasks(self, account: Account) -> Iterator[CollectedTask]:
        opts, acct = self.options, account.id
        if opts.wants("account"):
            yield Task(f"account {acct} account", partial(account_service.collect, account),
                       account_service.TYPES, acct, GLOBAL)
        if opts.wants("iam"):
            yield Task(f"account {acct} iam",
                       partial(iam.collect, account, opts.credential_report_wait),
                       iam.TYPES, acct, GLOBAL)
        if opts.wants("s3"):
            yield Task(f"account {acct} s3", partial(s3.collect, account, opts.regions),
                       s3.TYPES, acct, GLOBAL)
        for region in account.regions:
            if opts.wants("ec2"):
                yield Task(f"account {acct} {region} ec2",
                           partial(ec2.collect_hosts, account, region),
                           ec2.HOST_TYPES, acct, region)
                yield Task(f"account {acct} {region} security groups",
                           partial(ec2.collect_rules, account, region),
                           ec2.RULE_TYPES, acct, region)
            if opts.wants("rds"):
                yield Task(f"account {acct} {region} rds", partial(rds.collect, account, region),
                           rds.TYPES, acct, region)


def _with_types(error: CollectionError, types: tuple[str, ...]) -> CollectionError:
    """The same error, naming the resource types it leaves uncollected."""
    return CollectionError(provider=PROVIDER, operation=error.operation, scope=error.scope,
                           code=error.code, message=error.message, resource_types=types,
                           account=error.account, region=error.region)
