"""The ``gcp`` provider: GCP projects through google-cloud-storage and Google's REST APIs.

Importing this module imports no Google SDK: ``GcpOptions`` is plain data the CLI can
build and validate first, and ``GcpProvider`` checks for the ``mamori[gcp]`` extra
when constructed (a clear ``ProviderError`` with the pip command) and imports the SDK
only in ``collect``. CLI flags map one to one:

    --gcp                              use this provider
    --project ID (repeatable)          projects (none: every project the identity lists)
    --gcp-service NAME (repeatable)    services: account, storage, iam, compute, sql
    --gcp-internal-domain DOMAIN       internal_domains (besides the organisation's)
    --gcp-workspace-customer ID        workspace_customer (Admin SDK Directory API)
    --gcp-workspace-admin EMAIL        workspace_admin (domain-wide delegation subject)
    --gcp-endpoint API=URL             <api>_endpoint (``ENDPOINT_FIELDS``), tests
    --as-of (the scan's)               as_of: key expiry is judged at this time
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from mamori.checks.errors import ProviderError
from mamori.providers.interface import Collected, Provider

#: Services the provider knows, in collection order (``account``: the project itself).
SERVICES: tuple[str, ...] = ("account", "storage", "iam", "compute", "sql")

#: Base URLs of the REST APIs; paths (``v1/projects/...``) are appended to them.
DEFAULT_ENDPOINTS: dict[str, str] = {
    "cloudresourcemanager": "https://cloudresourcemanager.googleapis.com",
    "iam": "https://iam.googleapis.com",
    "compute": "https://compute.googleapis.com",
    "sqladmin": "https://sqladmin.googleapis.com",
    "osconfig": "https://osconfig.googleapis.com",
    "policyanalyzer": "https://policyanalyzer.googleapis.com",
    "orgpolicy": "https://orgpolicy.googleapis.com",
    "logging": "https://logging.googleapis.com",
    "admin": "https://admin.googleapis.com",
}

_SDK_MODULES = ("google.auth", "google.cloud.storage", "requests")
# Project ids: 6-30 of a-z, 0-9, '-'; legacy domain-scoped ids carry "example.com:".
_PROJECT = re.compile(r"^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$")
_DOMAIN = re.compile(r"^([a-z0-9-]+\.)+[a-z0-9-]+$")
# A Workspace / Cloud Identity customer id (C0abc123) or the alias of one's own account.
_CUSTOMER = re.compile(r"^(my_customer|C[0-9A-Za-z]{4,20})$")
_EMAIL = re.compile(r"^[^@\s]+@([a-z0-9-]+\.)+[a-z0-9-]+$")


@dataclass(frozen=True)
class GcpOptions:
    """How the GCP provider collects. Every field has a safe default.

    - ``projects``: project ids; empty = every ACTIVE project the identity can list
      (Resource Manager ``projects.search``).
    - ``services``: restrict collection to some of ``SERVICES`` (None = all).
    - ``internal_domains``: e-mail domains of the organisation besides its primary
      domain (read from the organisation); identities outside them are ``guest``.
    - ``workspace_customer``: the Cloud Identity / Workspace customer id (``C0abc123``
      or ``my_customer``) whose users the Admin SDK Directory API lists (None: Google
      accounts' sign-in facts are out of reach, NOT_ASSESSED).
    - ``workspace_admin``: an administrator to impersonate through domain-wide
      delegation (the credentials must be a service-account key); None = the
      credentials call the Directory API as themselves.
    - ``as_of``: the time facts that depend on a date are judged at (a key past its
      ``validBeforeTime`` is inactive); None = the time of collection.
    - ``storage_endpoint``: Cloud Storage JSON API base URL (tests, emulators).
    - ``*_endpoint``: base URL of each REST API (None = Google's); see
      ``DEFAULT_ENDPOINTS``.
    - ``credentials``: google-auth credentials to use; None = Application Default
      Credentials with the cloud-platform scope.
    - ``max_workers``: threads across project × service (1 = sequential).
    - ``max_attempts``: attempts per REST call on throttling / transient errors.
    - ``timeout``: seconds per HTTP request.
    - ``progress``: called with one short line per finished unit of work.
    """

    projects: tuple[str, ...] = ()
    services: tuple[str, ...] | None = None
    internal_domains: tuple[str, ...] = ()
    workspace_customer: str | None = None
    workspace_admin: str | None = None
    as_of: datetime | None = None
    storage_endpoint: str | None = None
    resource_manager_endpoint: str | None = None
    iam_endpoint: str | None = None
    compute_endpoint: str | None = None
    sqladmin_endpoint: str | None = None
    osconfig_endpoint: str | None = None
    policyanalyzer_endpoint: str | None = None
    orgpolicy_endpoint: str | None = None
    logging_endpoint: str | None = None
    admin_endpoint: str | None = None
    credentials: Any = field(default=None, compare=False, repr=False)
    max_workers: int = 8
    max_attempts: int = 4
    timeout: float = 60.0
    progress: Callable[[str], None] | None = field(default=None, compare=False, repr=False)

    #: ``--gcp-endpoint SERVICE=URL`` names → field names.
    ENDPOINT_FIELDS: ClassVar[dict[str, str]] = {
        "cloudresourcemanager": "resource_manager_endpoint", "iam": "iam_endpoint",
        "compute": "compute_endpoint", "sqladmin": "sqladmin_endpoint",
        "osconfig": "osconfig_endpoint", "policyanalyzer": "policyanalyzer_endpoint",
        "orgpolicy": "orgpolicy_endpoint", "logging": "logging_endpoint",
        "admin": "admin_endpoint", "storage": "storage_endpoint"}

    def __post_init__(self) -> None:
        # Accept lists from callers; store tuples so the options stay hashable.
        object.__setattr__(self, "projects", tuple(dict.fromkeys(_tuple(self.projects))))
        if self.services is not None:
            object.__setattr__(self, "services", _tuple(self.services))
        domains = (d.strip().lower().lstrip("@") for d in _tuple(self.internal_domains))
        object.__setattr__(self, "internal_domains", tuple(dict.fromkeys(domains)))
        self._validate()

    def _validate(self) -> None:
        for project in self.projects:
            if not _PROJECT.match(project):
                raise ProviderError(f"gcp: not a project id: {project!r}")
        for domain in self.internal_domains:
            if not _DOMAIN.match(domain):
                raise ProviderError(f"gcp: not a domain name: {domain!r}")
        self._validate_workspace()
        if self.as_of is not None and self.as_of.tzinfo is None:
            raise ProviderError("gcp: as_of must carry a time zone")
        unknown = sorted(set(self.services or ()) - set(SERVICES))
        if unknown or self.services == ():
            raise ProviderError(f"gcp: unknown or no service(s) {', '.join(unknown)} "
                                f"(known: {', '.join(SERVICES)})")
        for name in self.ENDPOINT_FIELDS.values():
            url = getattr(self, name)
            if url is not None and not str(url).startswith(("http://", "https://")):
                raise ProviderError(f"gcp: {name} must be an http(s) URL: {url!r}")
        if self.max_workers < 1 or self.max_attempts < 1 or self.timeout <= 0:
            raise ProviderError("gcp: max_workers, max_attempts and timeout must be positive")

    def _validate_workspace(self) -> None:
        customer, admin = self.workspace_customer, self.workspace_admin
        if customer is not None and not _CUSTOMER.match(customer):
            raise ProviderError(f"gcp: not a Workspace customer id (C0abc123 or "
                                f"my_customer): {customer!r}")
        if admin is not None and customer is None:
            raise ProviderError("gcp: a Workspace admin to impersonate needs the customer "
                                "id too (--gcp-workspace-customer)")
        if admin is not None and not _EMAIL.match(admin.lower()):
            raise ProviderError(f"gcp: not an e-mail address: {admin!r}")

    def wants(self, service: str) -> bool:
        """True when ``service`` is to be collected."""
        return self.services is None or service in self.services

    def endpoints(self) -> dict[str, str]:
        """Base URL per REST API, defaults overridden by the ``*_endpoint`` fields."""
        return {api: getattr(self, self.ENDPOINT_FIELDS[api]) or default
                for api, default in DEFAULT_ENDPOINTS.items()}


def _tuple(values: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(values, str):
        return (values,)
    return tuple(values)


class GcpProvider(Provider):
    """Collects buckets, IAM, firewall rules, disks, VMs and Cloud SQL from GCP projects."""

    name: ClassVar[str] = "gcp"

    def __init__(self, options: GcpOptions | None = None) -> None:
        self.options = options or GcpOptions()
        _require_sdk()

    def describe(self) -> str:
        """``gcp (projects a, b)`` or ``gcp (all listable projects)``."""
        projects = ", ".join(self.options.projects) or "all listable projects"
        return f"gcp ({'projects ' if self.options.projects else ''}{projects})"

    def collect(self) -> Iterator[Collected]:
        """Resources and collection errors of every project, streamed as found."""
        collector: Any = importlib.import_module("mamori.providers.gcp.collector")
        yield from collector.collect(self.options)


def _require_sdk() -> None:
    for module in _SDK_MODULES:
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            raise ProviderError(f"provider 'gcp' needs the 'gcp' extra: "
                                f"pip install 'mamori[gcp]' (missing module: {module})")
