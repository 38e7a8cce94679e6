"""IAM principals (``user:a@example.com``, ``allUsers``…) and whether each is an outsider.

Outside means: ``allUsers`` / ``allAuthenticatedUsers``; a user, group or domain whose
e-mail domain is neither the organisation's primary domain nor one given with
``--gcp-internal-domain`` (subdomains count as inside); a service account whose home
project belongs to another organisation. Inside: deleted principals (they cannot
authenticate), Google-managed service agents (``service-123@gcp-sa-….iam…``,
``123@cloudservices…``), and service accounts of this project or of another project
in the scan or in the same organisation. Unknown (``None``, so the attributes that
need it stay absent): no internal domain is known, a foreign project's organisation
cannot be read, workload/workforce identity federation principals, unknown formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mamori.providers.gcp.errors import FAILED, Recorder
from mamori.providers.gcp.projects import ProjectContext

PUBLIC = ("allUsers", "allAuthenticatedUsers")
_SERVICE_AGENT = re.compile(r"^(service-(org-|folder-)?)?\d+$")
_SA_DOMAIN = "gserviceaccount.com"


@dataclass(frozen=True)
class Principal:
    """One member string of an IAM binding, split into kind and e-mail."""

    member: str
    kind: str  # user, serviceAccount, group, domain, allUsers, deleted, principal, …
    email: str = ""

    @property
    def domain(self) -> str:
        """The e-mail domain (or the domain itself for ``domain:`` members)."""
        return self.email.rpartition("@")[2].lower()

    @property
    def service_agent(self) -> bool:
        """A Google-managed service agent (no user-managed keys, managed by Google)."""
        local = self.email.partition("@")[0]
        return (self.kind == "serviceAccount" and self.domain.endswith(_SA_DOMAIN)
                and _SERVICE_AGENT.match(local) is not None)

    @property
    def home_project(self) -> str | None:
        """The project id a user-managed service account lives in, when it shows."""
        local, _, domain = self.email.partition("@")
        if domain.endswith(".iam.gserviceaccount.com"):
            return domain.removesuffix(".iam.gserviceaccount.com")
        if domain == "appspot.gserviceaccount.com":
            return local
        return None


def parse(member: str) -> Principal:
    """``user:a@example.com`` → Principal("…", "user", "a@example.com")."""
    if member in PUBLIC:
        return Principal(member, member)
    kind, sep, rest = member.partition(":")
    if not sep:
        return Principal(member, "unknown")
    if kind in ("principal", "principalSet"):
        return Principal(member, kind)
    if kind == "deleted":
        return Principal(member, "deleted", rest.partition(":")[2].partition("?")[0])
    return Principal(member, kind, rest)


def outside(principal: Principal, ctx: ProjectContext, rec: Recorder) -> bool | None:
    """True when outside the organisation, False inside, None when it cannot be told."""
    kind = principal.kind
    if kind in PUBLIC:
        return True
    if kind == "deleted":
        return False
    if kind in ("user", "group", "domain"):
        return _outside_domain(principal.domain, ctx.internal_domains(rec))
    if kind == "serviceAccount":
        return _outside_service_account(principal, ctx, rec)
    return None


def _outside_domain(domain: str, internal: frozenset[str] | None) -> bool | None:
    if internal is None:
        return None
    return not any(domain == d or domain.endswith("." + d) for d in internal)


def _outside_service_account(principal: Principal, ctx: ProjectContext,
                             rec: Recorder) -> bool | None:
    if principal.service_agent:
        return False
    home = principal.home_project
    if home is None:
        # e.g. 123-compute@developer.gserviceaccount.com: the project number shows.
        number = principal.email.partition("-")[0]
        return False if number and number == ctx.number(rec) else None
    if home == ctx.project_id or home in ctx.scan_projects:
        return False
    ours = ctx.organization(rec)
    if not isinstance(ours, str):
        return None  # our organisation is unknown or absent: nothing to compare with
    theirs = ctx.directory.project_organization(home, rec)
    if theirs is FAILED:
        return None
    if theirs is None:
        return True  # a project outside any organisation is outside ours
    return theirs != ours
