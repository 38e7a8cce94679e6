"""Projects and what several collectors share about them (Resource Manager v3).

- ``discover``: every ACTIVE project the identity can see (``projects.search``), used
  when no ``--project`` is given.
- ``ProjectContext``: one project's shared, computed-once facts: its IAM policy (read
  by the IAM collector and, for Data Access audit logs, by the storage collector) and
  its organisation's domain (``organizations.get`` → ``displayName``, which Google
  documents as the Workspace / Cloud Identity primary domain).
- ``Directory``: lookups shared by all projects (folders walked up to their
  organisation, other projects' organisations, the IAM policies of folders and
  organisations for inherited audit configs), cached so each is asked once.

A value computed once records its failure once, into the recorder of the task that
asked first; later askers get ``FAILED`` (or ``None`` for "unknown") without a second
record.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from mamori.providers.gcp.errors import FAILED, Outcome, Recorder
from mamori.providers.gcp.rest import Rest

if TYPE_CHECKING:
    from mamori.providers.gcp.provider import GcpOptions
    from mamori.providers.gcp.workspace import Workspace

T = TypeVar("T")
CRM = "cloudresourcemanager"
_MAX_DEPTH = 12  # folders nest at most 10 deep under an organisation


class Memo:
    """Values computed at most once per key across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._values: dict[str, Any] = {}

    def get(self, key: str, compute: Callable[[], T]) -> T:
        """The value for ``key``, computing it on the first call only."""
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            if key not in self._values:
                self._values[key] = compute()
            value: T = self._values[key]
            return value


@dataclass(frozen=True)
class ProjectInfo:
    """A project to collect: its id, and its number and parent when already known."""

    project_id: str
    number: str | None = None
    parent: str | None = None  # organizations/N, folders/N, or "" for no parent
    known: bool = False  # number and parent come from the search answer


def discover(rest: Rest) -> list[ProjectInfo]:
    """ACTIVE projects the identity can see; raises the API's error on failure."""
    found = []
    for project in rest.items(CRM, "v3/projects:search", "projects"):
        if project.get("state") != "ACTIVE" or not project.get("projectId"):
            continue
        number = str(project.get("name", "")).removeprefix("projects/") or None
        found.append(ProjectInfo(str(project["projectId"]), number,
                                 str(project.get("parent") or ""), known=True))
    return sorted(found, key=lambda p: p.project_id)


class Directory:
    """Folder, organisation and project lookups shared by every project of a scan."""

    def __init__(self, rest: Rest) -> None:
        self.rest = rest
        self._memo = Memo()

    def project(self, project_id: str, rec: Recorder) -> dict[str, Any] | Outcome:
        """``projects.get`` (number, parent, labels), once per project."""
        return self._memo.get(f"project:{project_id}", lambda: rec.call(
            "cloudresourcemanager.projects.get", rec.scope(), self.rest.get, CRM,
            f"v3/projects/{project_id}"))

    def organization_of(self, parent: str, rec: Recorder) -> str | Outcome | None:
        """The organisation id above ``parent``; None when there is none."""
        for _ in range(_MAX_DEPTH):
            kind, _, ident = parent.partition("/")
            if kind == "organizations":
                return ident
            if kind != "folders":
                return None
            folder = self._folder(ident, rec)
            if folder is FAILED:
                return FAILED
            parent = str(folder.get("parent") or "")
        return None

    def _folder(self, ident: str, rec: Recorder) -> dict[str, Any] | Outcome:
        return self._memo.get(f"folder:{ident}", lambda: rec.call(
            "cloudresourcemanager.folders.get", f"folder {ident}", self.rest.get, CRM,
            f"v3/folders/{ident}"))

    def ancestors(self, parent: str, rec: Recorder) -> list[str] | Outcome:
        """``folders/N`` … ``organizations/N`` above a project whose parent is ``parent``."""
        found: list[str] = []
        for _ in range(_MAX_DEPTH):
            kind, _, ident = parent.partition("/")
            if kind not in ("folders", "organizations") or not ident:
                return found
            found.append(parent)
            if kind == "organizations":
                return found
            folder = self._folder(ident, rec)
            if folder is FAILED:
                return FAILED
            parent = str(folder.get("parent") or "")
        return found

    def policy_of(self, node: str, rec: Recorder) -> dict[str, Any] | Outcome:
        """The IAM policy of a folder or organisation (``folders/N``), once per node."""
        kind = node.partition("/")[0]
        return self._memo.get(f"policy:{node}", lambda: rec.call(
            f"cloudresourcemanager.{kind}.getIamPolicy", node, self.rest.post, CRM,
            f"v3/{node}:getIamPolicy", {"options": {"requestedPolicyVersion": 3}}))

    def organization_domain(self, org: str, rec: Recorder) -> str | Outcome:
        """The primary domain of organisation ``org`` (its display name), lowercased."""
        answer = self._memo.get(f"org:{org}", lambda: rec.call(
            "cloudresourcemanager.organizations.get", f"organization {org}",
            self.rest.get, CRM, f"v3/organizations/{org}"))
        if answer is FAILED:
            return FAILED
        return str(answer.get("displayName") or "").lower()

    def project_organization(self, project_id: str, rec: Recorder) -> str | Outcome | None:
        """The organisation of any project (e.g. the home of a foreign service account)."""
        answer = self.project(project_id, rec)
        if answer is FAILED:
            return FAILED
        return self.organization_of(str(answer.get("parent") or ""), rec)


@dataclass
class ProjectContext:
    """One project being collected, with its shared computed-once facts."""

    info: ProjectInfo
    options: GcpOptions
    credentials: Any = field(repr=False)
    rest: Rest = field(repr=False)
    directory: Directory = field(repr=False)
    scan_projects: frozenset[str] = frozenset()
    workspace: Workspace | None = field(default=None, repr=False)
    _memo: Memo = field(default_factory=Memo, repr=False)

    @property
    def project_id(self) -> str:
        """The project id (the ``account`` of every resource)."""
        return self.info.project_id

    def policy(self, rec: Recorder) -> dict[str, Any] | Outcome:
        """The project's IAM policy (version 3, with conditions and audit configs)."""
        return self._memo.get("policy", lambda: rec.call(
            "cloudresourcemanager.projects.getIamPolicy", rec.scope(), self.rest.post, CRM,
            f"v3/projects/{self.project_id}:getIamPolicy",
            {"options": {"requestedPolicyVersion": 3}}, resource_types=("user", "role")))

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A per-project value computed once (the organisation policy, audit configs…)."""
        return self._memo.get(key, compute)

    def parent(self, rec: Recorder) -> str | Outcome:
        """``organizations/N``, ``folders/N`` or "" (no parent)."""
        if self.info.known:
            return self.info.parent or ""
        answer = self.directory.project(self.project_id, rec)
        if answer is FAILED:
            return FAILED
        return str(answer.get("parent") or "")

    def number(self, rec: Recorder) -> str | None:
        """The project number, when known or readable."""
        if self.info.known:
            return self.info.number
        answer = self.directory.project(self.project_id, rec)
        if answer is FAILED:
            return None
        return str(answer.get("name", "")).removeprefix("projects/") or None

    def organization(self, rec: Recorder) -> str | Outcome | None:
        """The organisation id above the project; None when the project has none."""
        parent = self.parent(rec)
        if parent is FAILED:
            return FAILED
        return self.directory.organization_of(parent, rec)

    def internal_domains(self, rec: Recorder) -> frozenset[str] | None:
        """The organisation's domain plus ``--gcp-internal-domain``; None = unknown."""
        return self._memo.get("domains", lambda: self._internal_domains(rec))

    def _internal_domains(self, rec: Recorder) -> frozenset[str] | None:
        domains = set(self.options.internal_domains)
        org = self.organization(rec)
        if isinstance(org, str):
            domain = self.directory.organization_domain(org, rec)
            if isinstance(domain, str) and domain:
                domains.add(domain)
        return frozenset(domains) or None
