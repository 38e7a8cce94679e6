"""Accounts, regions and clients: everything that touches credentials lives here.

Each target (a named profile, a role to assume, or boto3's default chain) becomes
one ``Account`` with its id from STS, the regions to collect, and a thread-safe cache
of clients. Credentials stay inside boto3 sessions; nothing here logs or returns them.

Assumed roles use botocore's refreshable credentials, so a scan longer than the
role's session duration renews them instead of failing half-way.

Custom endpoints (``endpoint_url``, for tests and S3-compatible storage): every client
points at it; S3 uses path-style addressing; and S3 Control requests, which botocore
sends to ``<account-id>.<endpoint host>`` (a name that does not resolve for
``127.0.0.1`` or a private host), have that account-id label removed by a
``before-sign`` hook, so the request is signed for the host it really goes to.

Every client is bounded: botocore's own connect/read timeouts and adaptive retries
(``max_attempts``) per request, a ``before-parse`` hook that refuses HTML pages and
non-JSON bodies (:func:`~mamori.providers.aws.errors.check_response`), and a per-call
deadline (``call_timeout``, :class:`Bounded`) over the whole call with its retries, so
a server that accepts the connection and never answers holds up one call, not the scan.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from mamori.providers.aws.errors import FAILED, CallTimeout, Outcome, check_response
from mamori.providers.aws.options import AwsOptions

_boto3: Any = importlib.import_module("boto3")
_botocore_config: Any = importlib.import_module("botocore.config")
_botocore_credentials: Any = importlib.import_module("botocore.credentials")
_botocore_session: Any = importlib.import_module("botocore.session")

#: Region label of account-wide (global) resources such as IAM users and roles.
GLOBAL = "global"
DEFAULT_HOME_REGION = "us-east-1"


@dataclass(frozen=True)
class Target:
    """Where one account's credentials come from (never the credentials themselves)."""

    label: str
    profile: str | None = None
    role_arn: str | None = None


def targets(options: AwsOptions) -> list[Target]:
    """The targets named by the options; boto3's default chain when none is named."""
    found = [Target(f"profile {p}", profile=p) for p in options.profiles]
    found += [Target(f"role {arn}", role_arn=arn) for arn in options.role_arns]
    return found or [Target("default credentials")]


def client_config(options: AwsOptions, **extra: Any) -> Any:
    """botocore Config: adaptive retries for throttling, timeouts, a pool per worker."""
    return _botocore_config.Config(
        # total_max_attempts counts the first attempt (botocore's max_attempts does not).
        retries={"mode": "adaptive", "total_max_attempts": options.max_attempts},
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        max_pool_connections=max(10, options.max_workers),
        user_agent_extra="mamori",
        **extra,
    )


def open_session(target: Target, options: AwsOptions) -> Any:
    """A boto3 session for ``target``; raises botocore errors (the caller records them)."""
    if target.profile is not None:
        return _boto3.Session(profile_name=target.profile)
    base = _boto3.Session()
    if target.role_arn is None:
        return base
    return _assumed_session(base, target.role_arn, options)


def home_region(session: Any) -> str:
    """Region for global services and region discovery: the profile's, else us-east-1."""
    region = session.region_name
    return str(region) if region else DEFAULT_HOME_REGION


def _assumed_session(base: Any, role_arn: str, options: AwsOptions) -> Any:
    region = home_region(base)
    sts = bounded(base.client("sts", region_name=region, endpoint_url=options.endpoint_url,
                              config=client_config(options)), options.call_timeout)

    def refresh() -> dict[str, str]:
        kwargs = {"RoleArn": role_arn, "RoleSessionName": options.role_session_name}
        if options.external_id is not None:
            kwargs["ExternalId"] = options.external_id
        creds = sts.assume_role(**kwargs)["Credentials"]
        return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"], "expiry_time": creds["Expiration"].isoformat()}

    credentials = _botocore_credentials.RefreshableCredentials.create_from_metadata(
        metadata=refresh(), refresh_using=refresh, method="sts-assume-role")
    core = _botocore_session.Session()
    # botocore has no public setter for a session's credentials; this is the
    # pattern its own assume-role provider relies on.
    core._credentials = credentials
    return _boto3.Session(botocore_session=core, region_name=region)


class Clients:
    """Clients of one session, created once per (service, region) and shared.

    botocore clients are thread-safe; creating them from one session is not, hence
    the lock.
    """

    def __init__(self, session: Any, options: AwsOptions) -> None:
        self._session = session
        self._options = options
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], Any] = {}

    def get(self, service: str, region: str) -> Any:
        """The client for ``service`` in ``region``."""
        key = (service, region)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self._create(service, region)
            return self._cache[key]

    def _create(self, service: str, region: str) -> Any:
        endpoint = self._options.endpoint_url
        extra: dict[str, Any] = {}
        if endpoint is not None and service == "s3":
            extra["s3"] = {"addressing_style": "path"}
        client = self._session.client(
            service, region_name=region, endpoint_url=endpoint,
            config=client_config(self._options, **extra))
        if endpoint is not None and service == "s3control":
            client.meta.events.register("before-sign.s3-control", _strip_account_label)
        return bounded(client, self._options.call_timeout)


_END = object()


def within(deadline: float, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, or :class:`CallTimeout` after ``deadline`` seconds.

    Python cannot stop a thread that waits on a socket, so the call runs in a thread of
    its own and is abandoned when the deadline passes (botocore's read timeout ends it
    later). The caller goes on at once.
    """
    box: list[tuple[bool, Any]] = []
    done = threading.Event()

    def run() -> None:
        try:
            box.append((True, fn(*args, **kwargs)))
        except BaseException as exc:  # handed to the caller as is
            box.append((False, exc))
        finally:
            done.set()

    threading.Thread(target=run, name="mamori-aws-call", daemon=True).start()
    if not done.wait(deadline):
        raise CallTimeout(seconds=deadline)
    ok, value = box[0]
    if ok:
        return value
    raise value


class Bounded:
    """A botocore client whose every call (and every page) finishes within a deadline."""

    def __init__(self, client: Any, deadline: float) -> None:
        self._client = client
        self._deadline = deadline

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name in ("can_paginate", "meta", "exceptions") or not callable(attr):
            return attr
        if name == "get_paginator":
            return lambda operation: _BoundedPaginator(attr(operation), self._deadline)
        deadline = self._deadline

        def call(*args: Any, **kwargs: Any) -> Any:
            return within(deadline, attr, *args, **kwargs)
        return call


class _BoundedPaginator:
    def __init__(self, paginator: Any, deadline: float) -> None:
        self._paginator = paginator
        self._deadline = deadline

    def paginate(self, **kwargs: Any) -> Iterator[Any]:
        pages = iter(self._paginator.paginate(**kwargs))
        while (page := within(self._deadline, next, pages, _END)) is not _END:
            yield page


def bounded(client: Any, deadline: float) -> Bounded:
    """``client`` with the response check and the per-call deadline."""
    client.meta.events.register("before-parse", check_response)
    return Bounded(client, deadline)


def _strip_account_label(request: Any, **_: Any) -> None:
    """Send S3 Control calls to the custom endpoint itself, not ``<account>.<host>``."""
    parts = urlsplit(request.url)
    label, _dot, rest = parts.netloc.partition(".")
    if rest and len(label) == 12 and label.isdigit():
        request.url = urlunsplit(parts._replace(netloc=rest))


@dataclass
class Account:
    """One resolved account: its id, where its credentials came from, its regions."""

    id: str
    label: str
    clients: Clients
    home_region: str
    regions: tuple[str, ...] = ()
    #: Account-level S3 public access block flags, ``NOT_CONFIGURED`` or ``FAILED``.
    public_access_block: dict[str, bool] | Outcome = FAILED
    alias: str = field(default="")
    #: What the account's KMS keys are, shared by every task (mamori.providers.aws.kms).
    keys: Any = field(default=None, repr=False)
