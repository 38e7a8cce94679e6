"""IAM users and roles as ``user`` and ``role`` resources.

Calls are kept few: ``GetAccountAuthorizationDetails`` (paged) brings every user,
group, role and customer-managed policy with their documents, so admin rights are
worked out without per-user policy calls; the credential report brings console
access, MFA and last use for every user in one download. Per-user calls remain only
for access key ids (``ListAccessKeys``, for users the report shows with keys) and
for users the report does not cover (created after it was generated, or when the
report itself is denied), which fall back to ``GetLoginProfile``, ``ListMFADevices``,
``GetUser`` and ``GetAccessKeyLastUsed``. AWS regenerates the report at most every
four hours, so its last-use dates may be that old.

``enabled`` is "can authenticate": a console password or an active access key.
``last_active`` is the latest password or key use, ``"never"`` when there is none.
``guest`` is false for every IAM user: an IAM user is an identity of the account itself
(outside parties come in through roles). IAM keeps no e-mail address or employee number;
they are read from the user's tags ``mamori:email`` and ``mamori:employee-id`` when an
organisation sets them (for the HR join), and are absent otherwise.

Customer-managed policies (the same GetAccountAuthorizationDetails answer, filter
``LocalManagedPolicy``: the policies ``ListPolicies Scope=Local`` lists, with every
version's document) are ``policy`` resources: ``admin`` when the default version allows
``*`` on ``*``, ``attached`` when ``AttachmentCount`` is above 0.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.aws.common import batches, resource, tag_map, utc
from mamori.providers.aws.errors import AWS_ERRORS, FAILED, NOT_CONFIGURED, Outcome, Scope
from mamori.providers.aws.policy import grants_admin, is_admin_policy_arn, role_attributes
from mamori.providers.aws.session import GLOBAL, Account
from mamori.providers.runner import CollectedTask, Task

TYPES = ("user", "role", "policy")
USER_BATCH = 25
SOURCE = "aws:iam:GetAccountAuthorizationDetails"
_NEVER_USED = frozenset({"N/A", "no_information", "not_supported"})
#: User tags an organisation may set for the HR join (keys compared without case).
EMAIL_TAGS = ("mamori:email", "mamori-email", "mamori_email")
EMPLOYEE_ID_TAGS = ("mamori:employee-id", "mamori:employee_id", "mamori-employee-id",
                    "mamori_employee_id")

Item = Resource | CollectionError | CollectedTask
LastUsed = datetime | str  # a datetime or "never"


@dataclass
class Directory:
    """What GetAccountAuthorizationDetails says, with admin rights precomputed."""

    users: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    policies: list[dict[str, Any]] = field(default_factory=list)
    policy_admin: dict[str, bool] = field(default_factory=dict)
    group_admin: dict[str, bool] = field(default_factory=dict)

    def managed_admin(self, attached: list[dict[str, Any]]) -> bool:
        """True when one of the attached managed policies grants admin."""
        return any(is_admin_policy_arn(str(p.get("PolicyArn", "")))
                   or self.policy_admin.get(str(p.get("PolicyArn")), False) for p in attached)


def collect(account: Account, report_wait: float) -> Iterator[Item]:
    """Roles straight away; users in batches handed to other workers."""
    scope = Scope(account.id, GLOBAL)
    iam = account.clients.get("iam", account.home_region)
    directory = _directory(iam, scope)
    yield from scope.drain()
    if directory is None:
        return
    for kind, details, build in (("role", directory.roles, _role),
                                 ("policy", directory.policies, _policy)):
        for detail in details:
            found = scope.isolated(f"read {kind} {detail.get('Arn', '?')}", (kind,),
                                   partial(build, account, detail, directory))
            if found is not None:
                yield found
    yield from scope.drain()
    report = credential_report(iam, report_wait)
    for batch in batches(directory.users, USER_BATCH):
        yield Task(f"account {account.id} iam users {batch[0]['UserName']}…",
                   partial(_collect_users, account, batch, directory, report),
                   ("user",), account.id, GLOBAL)


def _directory(iam: Any, scope: Scope) -> Directory | None:
    directory = Directory()
    groups: list[dict[str, Any]] = []
    policies: list[dict[str, Any]] = []
    try:
        paginator = iam.get_paginator("get_account_authorization_details")
        for page in paginator.paginate(Filter=["User", "Role", "Group", "LocalManagedPolicy"]):
            directory.users += page.get("UserDetailList", [])
            directory.roles += page.get("RoleDetailList", [])
            groups += page.get("GroupDetailList", [])
            policies += page.get("Policies", [])
    except AWS_ERRORS as exc:
        scope.record("iam:GetAccountAuthorizationDetails", exc, TYPES)
        return None
    directory.policies = policies
    for policy in policies:
        versions = [v for v in policy.get("PolicyVersionList", []) if v.get("IsDefaultVersion")]
        directory.policy_admin[str(policy.get("Arn"))] = any(
            grants_admin(v.get("Document", {})) for v in versions)
    for group in groups:
        directory.group_admin[str(group.get("GroupName"))] = directory.managed_admin(
            group.get("AttachedManagedPolicies", [])) or any(
            grants_admin(p.get("PolicyDocument", {})) for p in group.get("GroupPolicyList", []))
    return directory


def credential_report(iam: Any, wait: float) -> dict[str, dict[str, str]] | None:
    """Rows of the credential report by user ARN; None if it cannot be had.

    Failures are not recorded: every user it would have covered is read one by one
    instead, and those calls record their own failures.
    """
    quiet = Scope("", GLOBAL)
    deadline = time.monotonic() + wait
    while True:
        state = quiet.call("iam:GenerateCredentialReport", iam.generate_credential_report)
        if state is FAILED:
            return None
        if state.get("State") == "COMPLETE":
            break
        if time.monotonic() > deadline:
            return None
        time.sleep(1.0)
    answer = quiet.call("iam:GetCredentialReport", iam.get_credential_report)
    if answer is FAILED:
        return None
    content = answer.get("Content", b"")
    text = content.decode("utf-8") if isinstance(content, bytes) else str(content)
    return {row["arn"]: row for row in csv.DictReader(io.StringIO(text)) if row.get("arn")}


def _role(account: Account, detail: dict[str, Any], directory: Directory) -> Resource:
    admin = directory.managed_admin(detail.get("AttachedManagedPolicies", [])) or any(
        grants_admin(p.get("PolicyDocument", {})) for p in detail.get("RolePolicyList", []))
    attributes = role_attributes(admin, detail.get("AssumeRolePolicyDocument") or {},
                                 account.id)
    attributes["admin_direct"] = admin  # a role belongs to no group: all it has is its own
    return resource(
        "role", str(detail["Arn"]), name=str(detail["RoleName"]), account=account.id,
        region=GLOBAL, source=SOURCE, tags=tag_map(detail.get("Tags")), attributes=attributes)


def _policy(account: Account, detail: dict[str, Any], directory: Directory) -> Resource:
    policy_arn = str(detail["Arn"])
    attributes: dict[str, Any] = {"customer_managed": True}
    if any(v.get("IsDefaultVersion") for v in detail.get("PolicyVersionList", [])):
        attributes["admin"] = directory.policy_admin.get(policy_arn, False)
    count = detail.get("AttachmentCount")
    if isinstance(count, int) and not isinstance(count, bool):
        attributes["attached"] = count > 0
    attributes["raw"] = {"default_version": str(detail.get("DefaultVersionId", "")),
                         "attachment_count": count, "path": str(detail.get("Path", ""))}
    name = str(detail.get("PolicyName") or policy_arn.rsplit("/", 1)[-1])
    return resource("policy", policy_arn, name=name, account=account.id, region=GLOBAL,
                    source=SOURCE, attributes=attributes)


def _collect_users(account: Account, batch: list[dict[str, Any]], directory: Directory,
                   report: dict[str, dict[str, str]] | None) -> Iterator[Item]:
    iam = account.clients.get("iam", account.home_region)
    for detail in batch:
        scope = Scope(account.id, GLOBAL, f"user {detail['UserName']}")
        row = (report or {}).get(str(detail["Arn"]))
        found = scope.isolated(f"read user {detail['UserName']}", ("user",),
                               partial(_user, account, iam, detail, directory, row, scope))
        if found is not None:
            yield found
        yield from scope.drain()


def _user(account: Account, iam: Any, detail: dict[str, Any], directory: Directory,
          row: dict[str, str] | None, scope: Scope) -> Resource:
    name = str(detail["UserName"])
    direct = directory.managed_admin(detail.get("AttachedManagedPolicies", [])) or any(
        grants_admin(p.get("PolicyDocument", {})) for p in detail.get("UserPolicyList", []))
    via_group = any(directory.group_admin.get(str(g), False) for g in detail.get("GroupList", []))
    attributes: dict[str, Any] = {"admin": direct or via_group, "admin_direct": direct,
                                  "guest": False}
    tags = tag_map(detail.get("Tags"))
    _set(attributes, "email", _tag(tags, EMAIL_TAGS))
    _set(attributes, "employee_id", _tag(tags, EMPLOYEE_ID_TAGS))
    if (created := utc(detail.get("CreateDate"))) is not None:
        attributes["created"] = created
    console, mfa, password_used = _report_facts(row) if row else _called_facts(iam, name, scope)
    keys = _access_keys(iam, name, row, scope)
    _set(attributes, "console_access", console)
    _set(attributes, "mfa", mfa)
    _set(attributes, "access_keys", keys)
    _set(attributes, "enabled", _enabled(console, keys))
    _set(attributes, "last_active", _last_active(password_used, keys))
    return resource("user", str(detail["Arn"]), name=name, account=account.id, region=GLOBAL,
                    source=SOURCE, tags=tags, attributes=attributes)


def _tag(tags: dict[str, str], names: tuple[str, ...]) -> str | None:
    """The first non-blank value of one of ``names`` (any case), stripped; else None."""
    lowered = {k.lower(): v for k, v in tags.items()}
    for name in names:
        value = lowered.get(name, "").strip()
        if value:
            return value
    return None


def _set(attributes: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:  # unknown stays absent, never guessed
        attributes[key] = value


def _report_date(text: str | None) -> LastUsed | None:
    if text is None:
        return None
    if text in _NEVER_USED:
        return "never"
    return utc(text)


def _report_facts(row: dict[str, str]) -> tuple[bool, bool, LastUsed | None]:
    return (row.get("password_enabled") == "true", row.get("mfa_active") == "true",
            _report_date(row.get("password_last_used")))


def _called_facts(iam: Any, name: str,
                  scope: Scope) -> tuple[bool | None, bool | None, LastUsed | None]:
    login = scope.call("iam:GetLoginProfile", iam.get_login_profile, UserName=name,
                       not_configured=frozenset({"NoSuchEntity"}))
    console = None if login is FAILED else login is not NOT_CONFIGURED
    devices = scope.call("iam:ListMFADevices", iam.list_mfa_devices, UserName=name)
    mfa = None if devices is FAILED else bool(devices.get("MFADevices"))
    user = scope.call("iam:GetUser", iam.get_user, UserName=name)
    used: LastUsed | None = None
    if user is not FAILED:
        used = utc(user.get("User", {}).get("PasswordLastUsed")) or "never"
    return console, mfa, used


def _access_keys(iam: Any, name: str, row: dict[str, str] | None,
                 scope: Scope) -> list[dict[str, Any]] | None:
    if row is not None and all(row.get(f"access_key_{n}_last_rotated", "N/A") == "N/A"
                               for n in (1, 2)):
        return []  # the report says the user has no keys: no call needed
    listed = scope.call("iam:ListAccessKeys", iam.list_access_keys, UserName=name)
    if isinstance(listed, Outcome):
        return None
    keys = []
    for meta in listed.get("AccessKeyMetadata", []):
        key: dict[str, Any] = {"id": str(meta["AccessKeyId"]),
                               "active": meta.get("Status") == "Active"}
        created = utc(meta.get("CreateDate"))
        if created is not None:
            key["created"] = created
        last_used = _slot_last_used(row, created) if row else None
        if last_used is None:
            last_used = _key_last_used(iam, key["id"], scope)
        _set(key, "last_used", last_used)
        keys.append(key)
    return keys


def _slot_last_used(row: dict[str, str], created: datetime | None) -> LastUsed | None:
    """The report's last use of the key created at ``created`` (matched to the second)."""
    if created is None:
        return None
    found = set()
    for n in (1, 2):
        rotated = utc(row.get(f"access_key_{n}_last_rotated"))
        if rotated is not None and abs((rotated - created).total_seconds()) < 1:
            found.add(_report_date(row.get(f"access_key_{n}_last_used_date")))
    return found.pop() if len(found) == 1 else None


def _key_last_used(iam: Any, key_id: str, scope: Scope) -> LastUsed | None:
    answer = scope.call("iam:GetAccessKeyLastUsed", iam.get_access_key_last_used,
                        AccessKeyId=key_id)
    if answer is FAILED:
        return None
    return utc(answer.get("AccessKeyLastUsed", {}).get("LastUsedDate")) or "never"


def _enabled(console: bool | None, keys: list[dict[str, Any]] | None) -> bool | None:
    if console or any(k.get("active") for k in keys or ()):
        return True
    return None if console is None or keys is None else False


def _last_active(password: LastUsed | None,
                 keys: list[dict[str, Any]] | None) -> LastUsed | None:
    if password is None or keys is None or any("last_used" not in k for k in keys):
        return None
    dates = [d for d in [password, *(k["last_used"] for k in keys)] if isinstance(d, datetime)]
    return max(dates) if dates else "never"
