"""Which Data Access audit logs a project writes, from the audit configs of IAM policies.

Google documents (https://cloud.google.com/logging/docs/audit/configure-data-access):

- Admin Activity audit logs are always written and cannot be disabled; Data Access
  audit logs (``ADMIN_READ``, ``DATA_READ``, ``DATA_WRITE``) are off by default (except
  BigQuery's) and are turned on by ``auditConfigs`` in the IAM policy of the project, a
  folder above it or the organisation;
- a project's effective configuration is the union of its own and its ancestors'
  (a child cannot turn off what a parent turned on), and an ``allServices`` entry
  applies to every service.

So a log type counts as on for a service when any level read enables it for that
service or for ``allServices``. The project's policy is always read; the folders' and
the organisation's only when the project's own configuration does not already turn
the logs on (they can only add logging). A level that cannot be read leaves the answer
unknown (``None``) unless the levels read already decide it. Exempted principals
(``exemptedMembers``) are collected for the evidence: they narrow who is logged, they
do not turn the logs off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mamori.providers.gcp.errors import FAILED, Recorder
from mamori.providers.gcp.projects import ProjectContext

ALL_SERVICES = "allServices"
STORAGE = "storage.googleapis.com"
DATA_TYPES = ("DATA_READ", "DATA_WRITE")


@dataclass(frozen=True)
class AuditConfigs:
    """Log types on per service, and exempted members per (service, log type)."""

    enabled: Mapping[str, frozenset[str]] = field(default_factory=dict)
    exempted: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    def logs(self, service: str, log_types: Iterable[str]) -> bool:
        """True when every one of ``log_types`` is on for ``service``."""
        on = self.enabled.get(service, frozenset()) | self.enabled.get(ALL_SERVICES,
                                                                       frozenset())
        return all(t in on for t in log_types)

    def exemptions(self, service: str, log_types: Iterable[str]) -> list[str]:
        """Members exempted from any of ``log_types`` for ``service`` (sorted)."""
        found: set[str] = set()
        for name in (service, ALL_SERVICES):
            for log_type in log_types:
                found |= self.exempted.get((name, log_type), frozenset())
        return sorted(found)

    def union(self, other: AuditConfigs) -> AuditConfigs:
        """Both configurations together (how Google combines the levels)."""
        enabled = {s: self.enabled.get(s, frozenset()) | other.enabled.get(s, frozenset())
                   for s in {*self.enabled, *other.enabled}}
        exempted = {k: self.exempted.get(k, frozenset()) | other.exempted.get(k, frozenset())
                    for k in {*self.exempted, *other.exempted}}
        return AuditConfigs(enabled, exempted)


def parse(policy: Mapping[str, Any]) -> AuditConfigs:
    """The ``auditConfigs`` of one IAM policy."""
    enabled: dict[str, set[str]] = {}
    exempted: dict[tuple[str, str], set[str]] = {}
    for config in policy.get("auditConfigs") or ():
        if not isinstance(config, Mapping) or not isinstance(config.get("service"), str):
            continue
        service = config["service"]
        for entry in config.get("auditLogConfigs") or ():
            log_type = entry.get("logType") if isinstance(entry, Mapping) else None
            if not isinstance(log_type, str):
                continue
            enabled.setdefault(service, set()).add(log_type)
            members = {str(m) for m in entry.get("exemptedMembers") or ()}
            exempted.setdefault((service, log_type), set()).update(members)
    return AuditConfigs({s: frozenset(t) for s, t in enabled.items()},
                        {k: frozenset(m) for k, m in exempted.items() if m})


@dataclass(frozen=True)
class Answer:
    """Whether the logs are on (None: unknown), and the configuration that was read."""

    on: bool | None
    configs: AuditConfigs


def logged(ctx: ProjectContext, rec: Recorder, service: str,
           log_types: tuple[str, ...]) -> Answer:
    """Whether the project writes ``log_types`` Data Access logs for ``service``."""
    return ctx.memo(f"audit:{service}:{','.join(log_types)}",
                    lambda: _logged(ctx, rec, service, log_types))


def _logged(ctx: ProjectContext, rec: Recorder, service: str,
            log_types: tuple[str, ...]) -> Answer:
    policy = ctx.policy(rec)
    configs = AuditConfigs() if policy is FAILED else parse(policy)
    if configs.logs(service, log_types):
        return Answer(True, configs)
    complete = policy is not FAILED
    parent = ctx.parent(rec)
    nodes = FAILED if parent is FAILED else ctx.directory.ancestors(parent, rec)
    if nodes is FAILED:
        return Answer(None, configs)
    for node in nodes:
        found = ctx.directory.policy_of(node, rec)
        if found is FAILED:
            complete = False
            continue
        configs = configs.union(parse(found))
        if configs.logs(service, log_types):
            return Answer(True, configs)
    return Answer(False if complete else None, configs)
