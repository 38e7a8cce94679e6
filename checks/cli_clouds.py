"""Command-line flags of the cloud providers and the options they become.

Kept apart from cli.py so each cloud's flags sit together. Flags are plain data here;
no SDK is imported until the provider itself runs. Giving any flag of a cloud selects
that cloud (``--aws-profile prod`` implies ``--aws``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click

from mamori.checks.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])
Progress = Callable[[str], None] | None

_AWS_FLAGS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--aws",), {"is_flag": True, "help": "Scan AWS with boto3's credential chain."}),
    (("--aws-profile", "aws_profiles"), {"multiple": True,
                                         "help": "AWS named profile (repeatable)."}),
    (("--aws-role-arn", "aws_role_arns"), {"multiple": True,
                                           "help": "Role to assume per account (repeatable)."}),
    (("--aws-external-id",), {"help": "ExternalId for the assumed roles."}),
    (("--region", "aws_regions"),
     {"multiple": True, "help": "AWS region to scan (repeatable; default: all enabled)."}),
    (("--aws-endpoint-url",), {"help": "Endpoint override (tests, S3-compatible storage)."}),
    (("--aws-max-attempts",), {"type": int, "metavar": "N",
                               "help": "Attempts per AWS call, retries included (default 8)."}),
    (("--aws-connect-timeout",), {"type": float, "metavar": "SECONDS",
                                  "help": "Seconds to open a connection (default 10)."}),
    (("--aws-read-timeout",), {"type": float, "metavar": "SECONDS",
                               "help": "Seconds to wait for a response's data (default 60)."}),
    (("--aws-call-timeout",), {"type": float, "metavar": "SECONDS",
                               "help": "Seconds one AWS call may take in all, retries "
                                       "included; then it is an error (default 120)."}),
]
#: AWS flags that become AwsOptions fields of the same name when given.
_AWS_LIMITS = {"aws_max_attempts": "max_attempts", "aws_connect_timeout": "connect_timeout",
               "aws_read_timeout": "read_timeout", "aws_call_timeout": "call_timeout"}

_GCP_FLAGS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--gcp",), {"is_flag": True, "help": "Scan GCP with Application Default Credentials."}),
    (("--project", "gcp_projects"),
     {"multiple": True, "help": "GCP project id (repeatable; default: all visible)."}),
    (("--gcp-internal-domain", "gcp_internal_domains"),
     {"multiple": True, "help": "Your own domain besides the organisation's (repeatable)."}),
    (("--gcp-service", "gcp_services"),
     {"multiple": True, "metavar": "NAME",
      "help": "Only these GCP services: account, storage, iam, compute, sql (repeatable)."}),
    (("--gcp-workspace-customer",),
     {"metavar": "ID", "help": "Cloud Identity / Workspace customer id (C0abc123 or "
                               "my_customer): read users' 2SV, last sign-in, suspension."}),
    (("--gcp-workspace-admin",),
     {"metavar": "EMAIL", "help": "Workspace admin to impersonate (domain-wide delegation; "
                                  "service-account key credentials)."}),
    (("--gcp-endpoint", "gcp_endpoints"),
     {"multiple": True, "metavar": "API=URL",
      "help": "Endpoint override, e.g. storage=http://127.0.0.1:9023 (tests)."}),
]

_AZURE_FLAGS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--azure",), {"is_flag": True, "help": "Scan Azure with DefaultAzureCredential."}),
    (("--subscription", "azure_subscriptions"),
     {"multiple": True, "help": "Azure subscription id (repeatable; default: all visible)."}),
    (("--azure-arm-url",), {"help": "ARM base URL (sovereign clouds, tests)."}),
    (("--azure-graph-url",), {"help": "Microsoft Graph base URL."}),
    (("--azure-authority",), {"help": "Entra ID authority host (sovereign clouds)."}),
]


def cloud_options(func: F) -> F:
    """Add every cloud provider's flags to a click command."""
    for decls, attrs in reversed(_AWS_FLAGS + _AZURE_FLAGS + _GCP_FLAGS):
        func = click.option(*decls, **attrs)(func)
    return func


def clouds_from_flags(flags: dict[str, Any], progress: Progress,
                      as_of: datetime | None = None) -> list[tuple[str, Any]]:
    """(provider name, options) for each cloud the flags select. ``as_of`` is the scan's
    (``--as-of``): providers that judge dates themselves judge them at it."""
    clouds: list[tuple[str, Any]] = []
    for name, build in (("aws", _aws), ("azure", _azure), ("gcp", _gcp)):
        options = build(flags, progress, as_of)
        if options is not None:
            clouds.append((name, options))
    return clouds


def _aws(flags: dict[str, Any], progress: Progress, as_of: datetime | None) -> Any:
    limits = {field: flags[flag] for flag, field in _AWS_LIMITS.items()
              if flags.get(flag) is not None}
    chosen = (flags["aws"] or flags["aws_profiles"] or flags["aws_role_arns"]
              or flags["aws_endpoint_url"] or limits)
    if not chosen:
        return None
    from mamori.providers.aws import AwsOptions

    return AwsOptions(profiles=flags["aws_profiles"], role_arns=flags["aws_role_arns"],
                      external_id=flags["aws_external_id"],
                      regions=flags["aws_regions"] or None,
                      endpoint_url=flags["aws_endpoint_url"], progress=progress, **limits)


def _gcp(flags: dict[str, Any], progress: Progress, as_of: datetime | None) -> Any:
    workspace: dict[str, Any] = {"workspace_customer": flags.get("gcp_workspace_customer"),
                                 "workspace_admin": flags.get("gcp_workspace_admin")}
    services = tuple(flags.get("gcp_services") or ())
    if not (flags["gcp"] or flags["gcp_projects"] or flags["gcp_endpoints"] or services
            or any(workspace.values())):
        return None
    from mamori.providers.gcp import GcpOptions

    endpoints: dict[str, Any] = {}
    for item in flags["gcp_endpoints"]:
        api, sep, url = item.partition("=")
        if not sep or api not in GcpOptions.ENDPOINT_FIELDS:
            known = ", ".join(GcpOptions.ENDPOINT_FIELDS)
            raise UsageError(f"--gcp-endpoint: expected API=URL with API one of {known}, "
                             f"got {item!r}")
        endpoints[GcpOptions.ENDPOINT_FIELDS[api]] = url
    return GcpOptions(projects=flags["gcp_projects"],
                      internal_domains=flags["gcp_internal_domains"],
                      services=services or None, as_of=as_of,
                      progress=progress, **workspace, **endpoints)


def _azure(flags: dict[str, Any], progress: Progress, as_of: datetime | None) -> Any:
    urls = {"arm_base_url": flags["azure_arm_url"], "graph_base_url": flags["azure_graph_url"],
            "authority": flags["azure_authority"]}
    if not (flags["azure"] or flags["azure_subscriptions"] or any(urls.values())):
        return None
    from mamori.providers.azure import AzureOptions

    given = {k: v for k, v in urls.items() if v}
    return AzureOptions(subscriptions=flags["azure_subscriptions"], progress=progress, **given)
