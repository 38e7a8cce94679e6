"""The ``account`` resource: root MFA, password policy, public access block, audit log.

Without a custom password policy AWS enforces its default one (at least 8
characters, three character classes), so ``password_policy.min_length`` is then 8,
not absent: the length really enforced is known. ``raw.password_policy_custom`` says
which case it is. ``password_policy.customer_configurable`` is true: IAM lets the account
set its own password policy (``UpdateAccountPasswordPolicy``), a platform fact that needs
no call. ``mfa_enforced`` (MFA required at every sign-in, account-wide) is not an IAM
setting and is never set here (declared out of reach in ``observes.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.aws.cloudtrail import audit_log
from mamori.providers.aws.common import resource
from mamori.providers.aws.errors import FAILED, NOT_CONFIGURED, Scope
from mamori.providers.aws.s3 import block_all
from mamori.providers.aws.session import GLOBAL, Account

TYPES = ("account",)
AWS_DEFAULT_MIN_LENGTH = 8


def collect(account: Account) -> Iterator[Resource | CollectionError]:
    """One ``account`` resource, then what could not be read for it."""
    scope = Scope(account.id, GLOBAL)
    iam = account.clients.get("iam", account.home_region)
    attributes: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    summary = scope.call("iam:GetAccountSummary", iam.get_account_summary)
    if summary is not FAILED:
        attributes["root_mfa"] = summary.get("SummaryMap", {}).get("AccountMFAEnabled") == 1
    _password_policy(iam, scope, attributes, raw)
    if (blocked := block_all(account.public_access_block)) is not None:
        attributes["public_access_block"] = blocked
    if audit := audit_log(account, scope):
        attributes["audit_log"] = audit
    aliases = scope.call("iam:ListAccountAliases", iam.list_account_aliases)
    names = [] if aliases is FAILED else aliases.get("AccountAliases", [])
    attributes["raw"] = raw
    yield resource("account", account.id, name=str(names[0]) if names else account.id,
                   account=account.id, region=GLOBAL, source="aws:sts:GetCallerIdentity",
                   attributes=attributes)
    yield from scope.drain()


def _password_policy(iam: Any, scope: Scope, attributes: dict[str, Any],
                     raw: dict[str, Any]) -> None:
    policy: dict[str, Any] = {"customer_configurable": True}
    attributes["password_policy"] = policy
    answer = scope.call("iam:GetAccountPasswordPolicy", iam.get_account_password_policy,
                        not_configured=frozenset({"NoSuchEntity"}))
    if answer is FAILED:
        return
    if answer is NOT_CONFIGURED:
        raw["password_policy_custom"] = False
        policy["min_length"] = AWS_DEFAULT_MIN_LENGTH
        return
    raw["password_policy_custom"] = True
    length = answer.get("PasswordPolicy", {}).get("MinimumPasswordLength")
    if isinstance(length, int) and not isinstance(length, bool):
        policy["min_length"] = length
    else:
        scope.invalid("iam:GetAccountPasswordPolicy", "the policy has no minimum length")
