"""Azure SQL logical servers → ``database`` resources (one per server).

- ``public``: false when ``publicNetworkAccess`` is ``Disabled``; otherwise (enabled,
  or unset as on older servers) true when a server firewall rule admits the internet:
  ``0.0.0.0``–``255.255.255.255``, or any range of at least 2^24 addresses (a /8).
  The special ``0.0.0.0``–``0.0.0.0`` rule ("allow Azure services") is not the
  internet. Firewall rules unreadable → absent.
- ``encrypted``: every user database (not ``master``) has transparent data
  encryption ``Enabled``; false as soon as one is known to be off; absent when a
  database's TDE state could not be read. A server without user databases holds no
  data unencrypted: true. Databases without TDE are named in
  ``x_unencrypted_databases``.
- ``admin_username``: ``administratorLogin``; ``engine``: ``sqlserver``.
- ``default_credentials``: false. Azure SQL has no vendor-default account or password:
  the server administrator's name and password are chosen when the server is created.
- ``customer_managed_key``: the server's TDE protector (``encryptionProtector/current``)
  has ``serverKeyType`` ``AzureKeyVault`` (false for ``ServiceManaged``); absent when it
  could not be read.
- ``tls_required``: ``minimalTlsVersion`` names a TLS version. Unset or ``None`` admits
  every TLS version *and* unencrypted connections (Microsoft: "for customers that rely on
  applications to connect by using an unencrypted connection, we recommend not setting any
  minimal TLS version"), so false.
- ``backups_enabled``: true, a platform fact: Azure SQL Database takes full, differential
  and log backups automatically for every database; they cannot be turned off.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from mamori.checks.model import Resource
from mamori.providers.azure import clients
from mamori.providers.azure.arm import props, resource, resource_group
from mamori.providers.azure.errors import FAILED, Scope
from mamori.providers.azure.options import AzureOptions
from mamori.providers.azure.subscriptions import Subscription
from mamori.providers.interface import Collected

RESOURCE_TYPES: tuple[str, ...] = ("database",)
WIDE_RANGE = 2 ** 24  # addresses admitted by one rule that count as "the internet"


def collect(sub: Subscription, credential: Any, options: AzureOptions) -> Iterator[Collected]:
    """``database`` resources of one subscription, then its collection errors."""
    scope = Scope("subscription", sub.id)
    client = clients.sql_client(credential, options, sub.id)
    servers = scope.items("Microsoft.Sql/servers/read", client.servers.list,
                          resource_types=RESOURCE_TYPES)
    if servers is not FAILED:
        for server in servers:
            yield _database(server, client, scope, sub.id)
    yield from scope.drain()


def _database(server: Mapping[str, Any], client: Any, scope: Scope, account: str) -> Resource:
    arm_id = str(server.get("id", ""))
    name = str(server.get("name", ""))
    rg = resource_group(arm_id)
    p = props(server)
    attrs: dict[str, Any] = {"engine": "sqlserver", "default_credentials": False,
                             "backups_enabled": True, "tls_required": _tls_required(p)}
    if p.get("administratorLogin"):
        attrs["admin_username"] = str(p["administratorLogin"])
    attrs.update(_public(p, client, scope, rg, name))
    attrs.update(_encrypted(client, scope, rg, name))
    attrs.update(_protector(client, scope, rg, name))
    for key, field in (("x_version", "version"), ("x_min_tls_version", "minimalTlsVersion"),
                       ("x_public_network_access", "publicNetworkAccess")):
        if p.get(field) is not None:
            attrs[key] = p[field]
    return resource("database", server, account, attrs)


def _tls_required(p: Mapping[str, Any]) -> bool:
    version = str(p.get("minimalTlsVersion") or "").strip().lower()
    return version not in ("", "none")


def _protector(client: Any, scope: Scope, rg: str, server: str) -> dict[str, Any]:
    answer = scope.call("Microsoft.Sql/servers/encryptionProtector/read",
                        client.encryption_protectors.get, rg, server, "current")
    if answer is FAILED or not isinstance(answer, Mapping):
        return {}
    key_type = str(props(answer).get("serverKeyType") or "").lower()
    if key_type not in ("azurekeyvault", "servicemanaged"):
        return {}
    return {"customer_managed_key": key_type == "azurekeyvault"}


def _public(p: Mapping[str, Any], client: Any, scope: Scope, rg: str,
            name: str) -> dict[str, Any]:
    if str(p.get("publicNetworkAccess") or "").lower() == "disabled":
        return {"public": False}
    rules = scope.items("Microsoft.Sql/servers/firewallRules/read",
                        client.firewall_rules.list_by_server, rg, name)
    if rules is FAILED:
        return {}
    wide = [f"{r.get('name', '')}:{_range_text(r)}" for r in rules if _admits_internet(r)]
    out: dict[str, Any] = {"public": bool(wide)}
    if wide:
        out["x_public_via"] = wide
    return out


def _range_text(rule: Mapping[str, Any]) -> str:
    p = props(rule)
    return f"{p.get('startIpAddress', '')}-{p.get('endIpAddress', '')}"


def _admits_internet(rule: Mapping[str, Any]) -> bool:
    p = props(rule)
    try:
        start = int(ipaddress.IPv4Address(str(p.get("startIpAddress"))))
        end = int(ipaddress.IPv4Address(str(p.get("endIpAddress"))))
    except ValueError:
        return False
    return end - start + 1 >= WIDE_RANGE


def _encrypted(client: Any, scope: Scope, rg: str, server: str) -> dict[str, Any]:
    databases = scope.items("Microsoft.Sql/servers/databases/read",
                            client.databases.list_by_server, rg, server)
    if databases is FAILED:
        return {}
    off: list[str] = []
    unknown = False
    for database in databases:
        db = str(database.get("name", ""))
        if db.lower() == "master":
            continue  # system database: TDE cannot be set on it
        state = _tde_state(client, scope, rg, server, db)
        if state is None:
            unknown = True
        elif state != "enabled":
            off.append(db)
    if off:
        return {"encrypted": False, "x_unencrypted_databases": sorted(off)}
    return {} if unknown else {"encrypted": True}


def _tde_state(client: Any, scope: Scope, rg: str, server: str, db: str) -> str | None:
    tde = scope.call("Microsoft.Sql/servers/databases/transparentDataEncryption/read",
                     client.transparent_data_encryptions.get, rg, server, db, "current")
    if tde is FAILED or not isinstance(tde, Mapping):
        return None
    p = props(tde)
    state = p.get("state") or p.get("status")  # "status" in API versions before 2021
    return str(state).lower() if state else None
