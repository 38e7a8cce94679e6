"""Command-line flags of the cloud providers and the options they become.

Kept apart from cli.py so each cloud's flags sit together. Flags are plain data here;
no SDK is imported until the provider itself runs. Giving any flag of a cloud selects
that cloud (``--aws-profile prod`` implies ``--aws``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

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
]


def cloud_options(func: F) -> F:
    """Add every cloud provider's flags to a click command."""
    for decls, attrs in reversed(_AWS_FLAGS):
        func = click.option(*decls, **attrs)(func)
    return func


def clouds_from_flags(flags: dict[str, Any], progress: Progress) -> list[tuple[str, Any]]:
    """(provider name, options) for each cloud the flags select."""
    clouds: list[tuple[str, Any]] = []
    aws = _aws(flags, progress)
    if aws is not None:
        clouds.append(("aws", aws))
    return clouds


def _aws(flags: dict[str, Any], progress: Progress) -> Any:
    chosen = (flags["aws"] or flags["aws_profiles"] or flags["aws_role_arns"]
              or flags["aws_endpoint_url"])
    if not chosen:
        return None
    from mamori.providers.aws import AwsOptions

    return AwsOptions(profiles=flags["aws_profiles"], role_arns=flags["aws_role_arns"],
                      external_id=flags["aws_external_id"],
                      regions=flags["aws_regions"] or None,
                      endpoint_url=flags["aws_endpoint_url"], progress=progress)
