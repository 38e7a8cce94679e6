"""Options of the Azure provider: which subscriptions, which clouds, how hard to try.

Plain data without the Azure SDK, so the command line can build and validate it before
any SDK is imported. CLI flags map one to one: ``--subscription`` → ``subscriptions``,
``--azure-arm-url`` → ``arm_base_url``, ``--azure-graph-url`` → ``graph_base_url``,
``--azure-authority`` → ``authority``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mamori.checks.errors import ProviderError

#: Services the provider knows, in collection order. ``graph`` is Entra ID (users,
#: directory roles, MFA registration, security defaults / conditional access);
#: ``monitor`` is the Activity Log's export (retention) and ``policy`` the Azure Policy
#: assignments that block anonymous storage access, both per subscription, for the
#: tenant ``account``.
SERVICES: tuple[str, ...] = ("storage", "authorization", "network", "compute", "sql",
                             "monitor", "policy", "graph")

PUBLIC_ARM = "https://management.azure.com"
PUBLIC_GRAPH = "https://graph.microsoft.com"

# Token audiences that differ from the ARM host (azure-mgmt-core's cloud table).
_ARM_AUDIENCE = {
    "management.usgovcloudapi.net": "https://management.core.usgovcloudapi.net",
}

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


@dataclass(frozen=True)
class AzureOptions:
    """How the Azure provider collects. Every field has a safe default.

    - ``subscriptions``: subscription ids to collect; empty = every subscription the
      identity can list. Subscriptions are keyed by id, never by display name.
    - ``arm_base_url`` / ``graph_base_url``: Resource Manager and Microsoft Graph
      endpoints (sovereign clouds such as Azure China, or tests); HTTPS only, because
      the SDKs refuse to send bearer tokens over plain HTTP.
    - ``authority``: the Entra ID login host (``login.chinacloudapi.cn``...) given to
      ``DefaultAzureCredential``; ``None`` = the public cloud.
    - ``arm_scope`` / ``graph_scope``: token scopes; ``None`` = derived from the URLs.
    - ``credential``: an ``azure.core.credentials.TokenCredential`` to use instead of
      ``DefaultAzureCredential`` (embedding, tests). Never printed.
    - ``connection_verify``: CA bundle path, or ``True`` (system CAs) / ``False``.
    - ``max_workers``: threads across subscription × service (1 = sequential).
    - ``max_retries``: retries per call on throttling (429, honouring Retry-After) and
      transient server errors; ``max_retry_wait`` caps one wait in seconds.
    - ``connect_timeout`` / ``read_timeout``: seconds per HTTP request.
    - ``services``: restrict collection to some of ``SERVICES`` (``None`` = all).
    - ``progress``: called with one short line per finished unit of work.
    """

    subscriptions: tuple[str, ...] = ()
    arm_base_url: str = PUBLIC_ARM
    graph_base_url: str = PUBLIC_GRAPH
    authority: str | None = None
    arm_scope: str | None = None
    graph_scope: str | None = None
    credential: Any = field(default=None, compare=False, repr=False)
    connection_verify: str | bool = True
    max_workers: int = 8
    max_retries: int = 4
    max_retry_wait: float = 60.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    services: tuple[str, ...] | None = None
    progress: Callable[[str], None] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Accept lists from callers; store tuples so the options stay hashable.
        object.__setattr__(self, "subscriptions", _tuple(self.subscriptions))
        if self.services is not None:
            object.__setattr__(self, "services", _tuple(self.services))
        object.__setattr__(self, "arm_base_url", self.arm_base_url.rstrip("/"))
        object.__setattr__(self, "graph_base_url", self.graph_base_url.rstrip("/"))
        self._validate()

    def _validate(self) -> None:
        for sub in self.subscriptions:
            if not _GUID.match(sub):
                raise ProviderError(f"azure: not a subscription id (GUID): {sub!r}")
        for name in ("arm_base_url", "graph_base_url"):
            url = getattr(self, name)
            if not url.startswith("https://") or not urlsplit(url).hostname:
                raise ProviderError(f"azure: {name} must be an https:// URL: {url!r}")
        unknown = sorted(set(self.services or ()) - set(SERVICES))
        if unknown:
            raise ProviderError(
                f"azure: unknown service(s) {', '.join(unknown)} "
                f"(known: {', '.join(SERVICES)})")
        if self.max_workers < 1 or self.max_retries < 0:
            raise ProviderError("azure: max_workers must be ≥ 1 and max_retries ≥ 0")

    def wants(self, service: str) -> bool:
        """True when ``service`` is to be collected."""
        return self.services is None or service in self.services

    @property
    def arm_token_scope(self) -> str:
        """The scope of Resource Manager tokens for ``arm_base_url``."""
        if self.arm_scope:
            return self.arm_scope
        host = urlsplit(self.arm_base_url).hostname or ""
        return _ARM_AUDIENCE.get(host, self.arm_base_url) + "/.default"

    @property
    def graph_token_scope(self) -> str:
        """The scope of Microsoft Graph tokens for ``graph_base_url``."""
        return self.graph_scope or self.graph_base_url + "/.default"


def _tuple(values: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(values, str):
        return (values,)
    return tuple(values)
