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
the blob service with a read/write/delete (or all/audit) log category enabled.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from mamori.checks.model import Resource
from mamori.providers.azure import clients
from mamori.providers.azure.arm import props, resource_group, tags
from mamori.providers.azure.errors import FAILED, PROVIDER, Scope
from mamori.providers.azure.options import AzureOptions
from mamori.providers.azure.subscriptions import Subscription
from mamori.providers.interface import Collected

RESOURCE_TYPES: tuple[str, ...] = ("bucket",)

_PUBLIC_LEVELS = frozenset({"blob", "container"})
_CLOSED_NETWORK = frozenset({"disabled", "securedbyperimeter"})
_LOG_CATEGORIES = frozenset({"storageread", "storagewrite", "storagedelete"})
_LOG_GROUPS = frozenset({"alllogs", "audit"})
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
    attrs.update(_extras(p))
    return Resource(type="bucket", id=arm_id, name=name, provider=PROVIDER, account=sub.id,
                    region=str(account.get("location", "")), tags=tags(account),
                    source=arm_id, attributes=attrs)


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
    settings = answer.get("value") or []
    return {"access_logging": any(_logs_enabled(s) for s in settings)}


def _logs_enabled(setting: Mapping[str, Any]) -> bool:
    for log in props(setting).get("logs") or []:
        if not isinstance(log, Mapping) or log.get("enabled") is not True:
            continue
        category = str(log.get("category") or "").lower()
        group = str(log.get("categoryGroup") or "").lower()
        if category in _LOG_CATEGORIES or group in _LOG_GROUPS:
            return True
    return False


def _extras(p: Mapping[str, Any]) -> dict[str, Any]:
    """Provider-specific facts for custom rules and evidence (``x_`` attributes)."""
    out: dict[str, Any] = {}
    pairs = (("x_https_only", "supportsHttpsTrafficOnly"),
             ("x_min_tls_version", "minimumTlsVersion"),
             ("x_allow_blob_public_access", "allowBlobPublicAccess"),
             ("x_public_network_access", "publicNetworkAccess"),
             ("x_shared_key_access", "allowSharedKeyAccess"))
    for key, field in pairs:
        if p.get(field) is not None:
            out[key] = p[field]
    return out
