"""Options of the AWS provider: which accounts, regions and endpoint, and how hard to try.

Plain data without boto3, so the command line can build and validate it before the
SDK is imported. CLI flags map one to one: ``--aws-profile`` → ``profiles``,
``--aws-role-arn`` → ``role_arns``, ``--aws-external-id`` → ``external_id``,
``--region`` → ``regions``, ``--aws-endpoint-url`` → ``endpoint_url``,
``--aws-max-attempts`` → ``max_attempts``, ``--aws-connect-timeout`` →
``connect_timeout``, ``--aws-read-timeout`` → ``read_timeout``, ``--aws-call-timeout``
→ ``call_timeout``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from mamori.checks.errors import ProviderError

#: Services the provider knows, in collection order. ``account`` is the account
#: resource (root MFA, password policy, public access block, CloudTrail).
SERVICES: tuple[str, ...] = ("account", "iam", "s3", "ec2", "rds")

_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_MAX_SECONDS = 86_400  # a day: anything longer is a typo, not a timeout


@dataclass(frozen=True)
class AwsOptions:
    """How the AWS provider collects. Every field has a safe default.

    Sequences may be given as lists; they are stored as tuples (hashable options).

    - ``profiles``: named profiles of the shared config; each is one account. With no
      profile and no role, boto3's default credential chain is used.
    - ``role_arns``: roles to assume (from the default chain), one account each;
      ``external_id`` is passed with every AssumeRole when given.
    - ``regions``: regions to collect; ``None`` means every region enabled for the
      account (EC2 DescribeRegions).
    - ``endpoint_url``: one endpoint for every service (tests, S3-compatible storage).
    - ``max_workers``: threads across account × region × service (1 = sequential).
    - ``max_attempts``: botocore adaptive-retry attempts per call (throttling, 5xx,
      connection errors), the first attempt included.
    - ``connect_timeout`` / ``read_timeout``: seconds per HTTP request.
    - ``call_timeout``: seconds one call may take in all, retries included (a server
      that accepts the connection and then trickles or never answers is cut off here);
      the call then fails with ``CallTimeout`` and the scan goes on without its answer.
    - ``credential_report_wait``: seconds to wait for IAM to build the credential
      report before reading users one by one instead.
    - ``services``: restrict collection to some of ``SERVICES`` (``None`` = all).
    - ``progress``: called with one short line per finished unit of work.
    """

    profiles: Sequence[str] = ()
    role_arns: Sequence[str] = ()
    external_id: str | None = field(default=None, repr=False)
    role_session_name: str = "mamori"
    regions: Sequence[str] | None = None
    endpoint_url: str | None = None
    max_workers: int = 16
    max_attempts: int = 8
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    call_timeout: float = 120.0
    credential_report_wait: float = 30.0
    services: Sequence[str] | None = None
    progress: Callable[[str], None] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Accept lists from callers; store tuples so the options stay hashable.
        for name in ("profiles", "role_arns"):
            object.__setattr__(self, name, _tuple(getattr(self, name)))
        if self.regions is not None:
            object.__setattr__(self, "regions", _tuple(self.regions))
        if self.services is not None:
            object.__setattr__(self, "services", _tuple(self.services))
        self._validate()

    def _validate(self) -> None:
        for arn in self.role_arns:
            if not _ROLE_ARN.match(arn):
                raise ProviderError(f"aws: not an IAM role ARN: {arn!r}")
        for region in self.regions or ():
            if not _REGION.match(region):
                raise ProviderError(f"aws: not a region name: {region!r}")
        if self.regions == ():
            raise ProviderError("aws: an empty region list collects nothing")
        unknown = sorted(set(self.services or ()) - set(SERVICES))
        if unknown:
            raise ProviderError(
                f"aws: unknown service(s) {', '.join(unknown)} (known: {', '.join(SERVICES)})")
        for name in ("max_workers", "max_attempts"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ProviderError(f"aws: {name} must be a whole number of at least 1, "
                                    f"got {value!r}")
        for name in ("connect_timeout", "read_timeout", "call_timeout",
                     "credential_report_wait"):
            value = getattr(self, name)
            if (isinstance(value, bool) or not isinstance(value, int | float)
                    or not math.isfinite(value) or value <= 0 or value > _MAX_SECONDS):
                raise ProviderError(f"aws: {name} must be a number of seconds above 0 and "
                                    f"at most {_MAX_SECONDS}, got {value!r}")
        if self.external_id is not None and not self.role_arns:
            raise ProviderError("aws: an external id is only used with role ARNs to assume")
        if self.endpoint_url is not None and not self.endpoint_url.startswith(
                ("http://", "https://")):
            raise ProviderError(f"aws: endpoint URL must be http(s): {self.endpoint_url!r}")

    def wants(self, service: str) -> bool:
        """True when ``service`` is to be collected."""
        return self.services is None or service in self.services


def _tuple(values: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(values, str):
        return (values,)
    return tuple(values)
