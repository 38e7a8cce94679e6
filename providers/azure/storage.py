"""Storage accounts → ``bucket`` resources (management plane only).

One ``bucket`` per storage account: encryption, versioning and logging are account
settings, and anonymous access needs both the account and a container to allow it.
The containers that make an account public are named in ``public_via``
(``container:<name>:Blob`` or ``container:<name>:Container``).

``public`` is decided in this order, from facts only:

1. ``allowBlobPublicAccess`` is ``false`` → not public: the account-level block
   neutralises every container setting (containers are not even listed);
2. public network access ``Disabled`` (or ``SecuredByPerimeter``), or a network rule
   set whose default action is ``Deny`` → not public from the internet;
3. otherwise (``true``, or unset as on accounts created before the secure default)
   the containers are listed: public when one allows ``Blob`` or ``Container``
   access. When that listing fails, ``public`` and ``public_via`` stay absent.

``encryption.*`` come from the account's ``encryption`` object only (Azure always
encrypts, but the value is said only when the API says it); the customer-managed key
is ``keySource: Microsoft.Keyvault``. ``versioning`` is the blob service's
``isVersioningEnabled``; ``access_logging`` is an Azure Monitor diagnostic setting on
the blob service with a read/write/delete (or all/audit) log category enabled
(``x_read_logged``: the ``StorageRead`` category, or the all/audit group, is among them).

Account settings, each as the storage REST reference documents its default:

- ``tls_required``: ``supportsHttpsTrafficOnly`` (absent when the answer has none);
- ``min_tls_version``: ``minimumTlsVersion`` ``TLS1_0``/``TLS1_1``/``TLS1_2`` → ``1.0``/
  ``1.1``/``1.2``; unset means TLS 1.0 ("the default interpretation is TLS 1.0");
- ``shared_key_access``: ``allowSharedKeyAccess``; unset ("null, which is equivalent to
  true") means account keys and SAS still authorise requests;
- ``public_access_block``: ``allowBlobPublicAccess`` is ``false``, the account-wide block of
  anonymous access (unset or true: not blocked; the built-in Azure Policy treats unset as
  non-compliant too);
- ``acl_enabled``: true for a hierarchical-namespace account (Data Lake Storage Gen2, where
  POSIX ACLs on directories and files grant access); false otherwise: blob storage has no
  per-object ACLs, access is granted by RBAC, keys, SAS and the container access level;
- ``public_write``: false, a platform fact: anonymous access is read-only (Put Blob and every
  other write need an authorised request).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from mamori.checks.model import Resource
from mamori.providers.azure import clients
from mamori.providers.azure.arm import props, resource, resource_group
from mamori.providers.azure.errors import FAILED, Scope
from mamori.providers.azure.options import AzureOptions
from mamori.providers.azure.subscriptions import Subscription
from mamori.providers.interface import Collected

RESOURCE_TYPES: tuple[str, ...] = ("bucket",)

_PUBLIC_LEVELS = frozenset({"blob", "container"})
_CLOSED_NETWORK = frozenset({"disabled", "securedbyperimeter"})
_LOG_CATEGORIES = frozenset({"storageread", "storagewrite", "storagedelete"})
_LOG_GROUPS = frozenset({"alllogs", "audit"})
_TLS = re.compile(r"^TLS(\d)_(\d)$", re.IGNORECASE)
_DIAGNOSTICS_API = "2021-05-01-preview"


def collect(sub: Subscription, credential: Any, options: AzureOptions) -> Iterator[Collected]:
    """``bucket`` resources of one subscription, then its collection errors."""
    scope = Scope("subscription", sub.id)
    client = clients.storage_client(credential, options, sub.id)
    accounts = scope.items("Microsoft.Storage/storageAccounts/read",
                           client.storage_accounts.list, resource_types=RESOURCE_TYPES)
    if accounts is not FAILED:
        for account in accounts:
            yield _bucket(account, client, scope, sub)
    yield from scope.drain()


def _bucket(account: dict[str, Any], client: Any, scope: Scope,
            sub: Subscription) -> Resource:
    arm_id = str(account.get("id", ""))
    name = str(account.get("name", ""))
    rg = resource_group(arm_id)
    p = props(account)
    attrs: dict[str, Any] = {}
    attrs.update(_public(p, client, scope, rg, name))
    attrs.update(_encryption(p))
    attrs.update(_versioning(client, scope, rg, name))
    attrs.update(_logging(client, scope, arm_id))
    attrs.update(account_settings(p))
    attrs.update(_extras(p))
    return resource("bucket", account, sub.id, attrs)


def account_settings(p: Mapping[str, Any]) -> dict[str, Any]:
    """TLS, shared-key, public-access-block, ACL and public-write facts of one account."""
    out: dict[str, Any] = {"public_write": False,  # anonymous access is read-only
                           "acl_enabled": p.get("isHnsEnabled") is True,
                           "public_access_block": p.get("allowBlobPublicAccess") is False,
                           "shared_key_access": p.get("allowSharedKeyAccess") is not False}
    if isinstance(p.get("supportsHttpsTrafficOnly"), bool):
        out["tls_required"] = p["supportsHttpsTrafficOnly"]
    version = p.get("minimumTlsVersion")
    if version is None:
        out["min_tls_version"] = "1.0"  # the documented interpretation of an unset value
    elif isinstance(version, str) and (match := _TLS.match(version)):
        out["min_tls_version"] = f"{match[1]}.{match[2]}"
    return out


def _public(p: Mapping[str, Any], client: Any, scope: Scope, rg: str,
            name: str) -> dict[str, Any]:
    if p.get("allowBlobPublicAccess") is False or _network_closed(p):
        return {"public": False, "public_via": []}
    containers = scope.items(
        "Microsoft.Storage/storageAccounts/blobServices/containers/read",
        client.blob_containers.list, rg, name)
    if containers is FAILED:
        return {}
    via = []
    for container in containers:
        level = str(props(container).get("publicAccess") or "None")
        if level.lower() in _PUBLIC_LEVELS:
            via.append(f"container:{container.get('name', '')}:{level}")
    return {"public": bool(via), "public_via": sorted(via)}


def _network_closed(p: Mapping[str, Any]) -> bool:
    access = str(p.get("publicNetworkAccess") or "").lower()
    acls = p.get("networkAcls")
    default = str(acls.get("defaultAction") or "") if isinstance(acls, Mapping) else ""
    return access in _CLOSED_NETWORK or default.lower() == "deny"


def _encryption(p: Mapping[str, Any]) -> dict[str, Any]:
    enc = p.get("encryption")
    if not isinstance(enc, Mapping):
        return {}
    out: dict[str, Any] = {}
    services = enc.get("services")
    blob = services.get("blob") if isinstance(services, Mapping) else None
    if isinstance(blob, Mapping) and isinstance(blob.get("enabled"), bool):
        out["enabled"] = blob["enabled"]
    elif enc.get("keySource"):
        out["enabled"] = True  # a key source is named: storage service encryption is on
    if enc.get("keySource"):
        out["customer_managed_key"] = str(enc["keySource"]).lower() == "microsoft.keyvault"
    return {"encryption": out} if out else {}


def _versioning(client: Any, scope: Scope, rg: str, name: str) -> dict[str, Any]:
    service = scope.call("Microsoft.Storage/storageAccounts/blobServices/read",
                         client.blob_services.get_service_properties, rg, name)
    if service is FAILED or not isinstance(service, Mapping):
        return {}
    # The documented default of an unset isVersioningEnabled is "off".
    return {"versioning": props(service).get("isVersioningEnabled") is True}


def _logging(client: Any, scope: Scope, account_id: str) -> dict[str, Any]:
    path = f"{account_id}/blobServices/default/providers/Microsoft.Insights/diagnosticSettings"
    answer = scope.call("Microsoft.Insights/diagnosticSettings/read", clients.arm_get,
                        client, path, _DIAGNOSTICS_API)
    if answer is FAILED or not isinstance(answer, Mapping):
        return {}
    settings = [s for s in answer.get("value") or [] if isinstance(s, Mapping)]
    return {"access_logging": any(_logs_enabled(s, _LOG_CATEGORIES) for s in settings),
            "x_read_logged": any(_logs_enabled(s, {"storageread"}) for s in settings)}


def _logs_enabled(setting: Mapping[str, Any], categories: frozenset[str] | set[str]) -> bool:
    for log in props(setting).get("logs") or []:
        if not isinstance(log, Mapping) or log.get("enabled") is not True:
            continue
        category = str(log.get("category") or "").lower()
        group = str(log.get("categoryGroup") or "").lower()
        if category in categories or group in _LOG_GROUPS:
            return True
    return False


def _extras(p: Mapping[str, Any]) -> dict[str, Any]:
    """Provider-specific facts for custom rules and evidence (``x_`` attributes)."""
    out: dict[str, Any] = {}
    pairs = (("x_min_tls_setting", "minimumTlsVersion"),
             ("x_allow_blob_public_access", "allowBlobPublicAccess"),
             ("x_public_network_access", "publicNetworkAccess"))
    for key, field in pairs:
        if p.get(field) is not None:
            out[key] = p[field]
    return out
