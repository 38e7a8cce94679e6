"""Whether a KMS key is customer managed, for buckets, volumes and databases alike.

AWS documents two kinds of KMS keys a resource may be encrypted with: *AWS managed
keys*, which a service creates in the account under an alias ``alias/aws/<service>``
(``aws/s3``, ``aws/ebs``, ``aws/rds``) and that the customer cannot manage, and
*customer managed keys*, which ``kms:DescribeKey`` reports as ``KeyManager: CUSTOMER``.
Customers cannot create aliases that begin with ``alias/aws/``, so a key that such an
alias points to is AWS managed; it is recognised from ``kms:ListAliases`` (once per
region) without a DescribeKey call. Every other key is asked with DescribeKey, once per
key. When neither call can tell, the answer is unknown (None): the attribute stays
absent, never guessed.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from mamori.providers.aws.errors import Outcome, Scope
from mamori.providers.aws.session import Account

_AWS_ALIAS = "alias/aws/"
_KEY_REFERENCE = re.compile(
    r"^(arn:aws[a-z-]*:kms:[a-z0-9-]*:\d{12}:(key|alias)/.+"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|mrk-[0-9a-fA-F]{32}|alias/.+)$")
_SHARED = threading.Lock()


def key_cache(account: Account) -> KeyCache:
    """The account's one key cache, shared by its S3, EC2 and RDS tasks."""
    with _SHARED:
        if account.keys is None:
            account.keys = KeyCache(account)
        cache: KeyCache = account.keys
        return cache


class KeyCache:
    """Customer-managed or not, asked once per key and region for one account."""

    def __init__(self, account: Account) -> None:
        self._account = account
        self._lock = threading.Lock()
        self._known: dict[tuple[str, str], bool] = {}
        self._aws_keys: dict[str, frozenset[str] | None] = {}

    def customer_managed(self, key: Any, region: str, scope: Scope) -> bool | None:
        """True for a customer managed key, False for an AWS managed one, None unknown.

        ``key`` is what the resource names: a key id, key ARN, alias name or alias ARN.
        A missing key (None, "") means the service's AWS managed key.
        """
        text = str(key or "").strip()
        if not text or _AWS_ALIAS in text or not _KEY_REFERENCE.match(text):
            return False
        key_region = _key_region(text, region)
        with self._lock:
            if (key_region, text) in self._known:
                return self._known[(key_region, text)]
        if _key_id(text) in self._aws_managed(key_region):
            customer: bool | None = False
        else:
            customer = self._describe(text, key_region, scope)
        if customer is not None:
            with self._lock:
                self._known[(key_region, text)] = customer
        return customer

    def _aws_managed(self, region: str) -> frozenset[str]:
        """Key ids that ``alias/aws/...`` aliases point to (empty when unreadable).

        Not recorded when it fails: DescribeKey still decides, and records its own failure.
        """
        with self._lock:
            if region in self._aws_keys:
                return self._aws_keys[region] or frozenset()
        quiet = Scope(self._account.id, region)
        client = self._account.clients.get("kms", region)
        aliases = list(quiet.pages("kms:ListAliases", client, "list_aliases", "Aliases",
                                   resource_types=()))
        found = None if quiet.errors else frozenset(
            str(a["TargetKeyId"]) for a in aliases
            if str(a.get("AliasName", "")).startswith(_AWS_ALIAS) and a.get("TargetKeyId"))
        with self._lock:
            self._aws_keys[region] = found
        return found or frozenset()

    def _describe(self, key: str, region: str, scope: Scope) -> bool | None:
        client = self._account.clients.get("kms", region)
        answer = scope.call("kms:DescribeKey", client.describe_key, KeyId=key)
        if isinstance(answer, Outcome):
            return None
        manager = str(answer.get("KeyMetadata", {}).get("KeyManager"))
        if manager not in ("CUSTOMER", "AWS"):
            scope.invalid("kms:DescribeKey", f"KeyManager {manager[:20]!r} is neither "
                                             "CUSTOMER nor AWS")
            return None
        return manager == "CUSTOMER"


def _key_region(key: str, default: str) -> str:
    parts = key.split(":")
    return parts[3] if key.startswith("arn:") and len(parts) > 3 and parts[3] else default


def _key_id(key: str) -> str:
    """The key id of a key ARN (``arn:...:key/<id>``) or of a bare id."""
    return key.rsplit(":key/", 1)[-1] if key.startswith("arn:") else key

