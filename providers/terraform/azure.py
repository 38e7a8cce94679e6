"""Azure (azurerm) resources of a plan.

- ``azurerm_storage_account`` (+ ``azurerm_storage_container`` joined by
  ``storage_account_name``/``storage_account_id``): ``bucket``. Public when the account
  allows public nested items (``allow_nested_items_to_be_public``, default true; the
  v2 ``allow_blob_public_access``, default false) *and* a container's
  ``container_access_type`` is ``blob`` or ``container`` (``public_via``
  ``container:NAME:blob``). Azure Storage encrypts all data and cannot be turned off, so
  ``encryption.enabled`` is true; the customer key comes from ``customer_managed_key`` or
  ``azurerm_storage_account_customer_managed_key``. ``access_logging``: a
  ``azurerm_monitor_diagnostic_setting`` that targets the account.
- ``azurerm_network_security_rule`` and inline ``security_rule`` entries of
  ``azurerm_network_security_group``: ``firewall_rule``. ``*``, ``Internet`` and ``Any``
  sources are the internet (``0.0.0.0/0`` and ``::/0``); other service tags are not CIDRs
  and are kept under ``raw``.
- ``azurerm_role_assignment`` of Owner, Contributor, User Access Administrator or Role
  Based Access Control Administrator to a user (``principal_type`` ``User``, or a
  reference to an ``azuread_user``): a ``user`` with ``admin`` and ``admin_direct`` true.
  Assignments to groups, service principals and managed identities are the reviewed
  path and produce nothing.
- ``azurerm_managed_disk``: ``volume``, always encrypted at rest (platform SSE).
- ``azurerm_mssql_server``: ``database`` (engine ``sqlserver``); public when public network
  access is on and its ``azurerm_mssql_firewall_rule`` ranges together admit the whole
  internet (0.0.0.0–255.255.255.255, in one rule or several); TDE is on by default, so
  ``encrypted`` is true; ``default_credentials`` false with Entra-only authentication,
  else absent.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from mamori.checks.model import Resource
from mamori.checks.network import has_ports
from mamori.providers.terraform.common import (
    INTERNET,
    Mapper,
    cidrs,
    covers_range,
    make,
    port_text,
    problem,
    protocol_of,
    put,
)
from mamori.providers.terraform.joins import Index
from mamori.providers.terraform.modules import TfResource
from mamori.providers.terraform.values import (
    UNKNOWN,
    blocks,
    dig,
    first_block,
    known_bool,
    known_str,
)

_ADMIN_ROLES = {"owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
                "contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
                "user access administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
                "role based access control administrator":
                    "f58310d9-a9f6-439a-9e8d-f62e7b41a168"}
_INTERNET_TAGS = {"*", "internet", "any", "0.0.0.0/0", "0.0.0.0", "::/0"}
_DIRECTIONS = {"inbound": "ingress", "outbound": "egress"}


def _containers(res: TfResource, index: Index) -> list[TfResource]:
    by_name = index.children("azurerm_storage_container", "storage_account_name", res, ("name",))
    by_id = index.children("azurerm_storage_container", "storage_account_id", res, ("id",))
    return list({c.address: c for c in [*by_name, *by_id]}.values())


def _allows_public(res: TfResource) -> bool | None:
    if "allow_nested_items_to_be_public" in res.values:
        return known_bool(res.get("allow_nested_items_to_be_public"), True)
    return known_bool(res.get("allow_blob_public_access"), False)


def storage_account(res: TfResource, index: Index) -> Iterator[Resource]:
    """An ``azurerm_storage_account`` with its containers as one ``bucket``."""
    attributes: dict[str, Any] = {}
    reasons: list[str] = []
    unknown = False
    for container in _containers(res, index):
        access = container.get("container_access_type")
        if access is UNKNOWN:
            unknown = True
        elif access in ("blob", "container"):
            reasons.append(f"container:{container.get('name')}:{access}")
    allowed = _allows_public(res)
    raw = {"public_via_blocked": reasons if allowed is False else []}
    if allowed is False or (not unknown and not reasons):
        attributes["public"], attributes["public_via"] = False, []
    elif allowed is True and reasons:
        attributes["public"], attributes["public_via"] = True, sorted(reasons)
    cmk = first_block(res.values, "customer_managed_key")
    if cmk is UNKNOWN and not res.set_in_config("customer_managed_key"):
        cmk = None
    customer = None if cmk is UNKNOWN else bool(cmk) or bool(index.children(
        "azurerm_storage_account_customer_managed_key", "storage_account_id", res, ("id",)))
    attributes["encryption"] = {"enabled": True}
    put(attributes["encryption"], "customer_managed_key", customer)
    props = res.get("blob_properties")
    if props is UNKNOWN and not res.set_in_config("blob_properties"):
        props = None
    put(attributes, "versioning",
        known_bool(dig(first_block({"p": props}, "p"), "versioning_enabled"), False))
    attributes["access_logging"] = bool(index.children(
        "azurerm_monitor_diagnostic_setting", "target_resource_id", res, ("id",)))
    yield make(res, "bucket", attributes, index, raw=raw)


def _listed(single: Any, many: Any) -> list[Any] | None:
    """The values of a ``…_range``/``…_ranges`` pair; None when any is unknown."""
    values = ([single] if single not in (None, "") else []) + (many if isinstance(many, list)
                                                                 else [])
    if single is UNKNOWN or many is UNKNOWN or any(v is UNKNOWN for v in values):
        return None
    return values


def _port_ranges(res: TfResource, path: tuple[str | int, ...], single: Any,
                 many: Any) -> list[list[int]] | None:
    values = _listed(single, many)
    if values is None:
        return None
    return [port_text(res, str(value), *path, "destination_port_range") for value in values]


def _sources(res: TfResource, path: tuple[str | int, ...], single: Any,
             many: Any) -> tuple[list[str] | None, list[str]]:
    values = _listed(single, many)
    if values is None:
        return None, []
    found: list[str] = []
    tags: list[str] = []
    for value in map(str, values):
        if value.lower() in _INTERNET_TAGS:
            found += list(INTERNET)
        elif value[:1].isdigit() or ":" in value:
            found += cidrs(res, (*path, "source_address_prefix"), value) or []
        else:
            tags.append(value)
    return sorted(set(found)), tags


def _nsg_rule(res: TfResource, index: Index, entry: Any, suffix: str,
              path: tuple[str | int, ...] = ()) -> Resource:
    attributes: dict[str, Any] = {}
    direction = dig(entry, "direction")
    if isinstance(direction, str):
        if direction.lower() not in _DIRECTIONS:
            raise problem(res, f"expected Inbound or Outbound, found {direction!r}",
                          *path, "direction")
        attributes["direction"] = _DIRECTIONS[direction.lower()]
    access = dig(entry, "access")
    if isinstance(access, str):
        if access.lower() not in ("allow", "deny"):
            raise problem(res, f"expected Allow or Deny, found {access!r}", *path, "access")
        attributes["action"] = access.lower()
    protocol = protocol_of(res, dig(entry, "protocol"), *path, "protocol")
    put(attributes, "protocol", protocol)
    ports = _port_ranges(res, path, dig(entry, "destination_port_range"),
                         dig(entry, "destination_port_ranges"))
    if protocol is not None and not has_ports(protocol):
        ports = []  # ICMP, ESP, AH: the port ranges do not apply
    put(attributes, "ports", ports)
    sources, tags = _sources(res, path, dig(entry, "source_address_prefix"),
                             dig(entry, "source_address_prefixes"))
    put(attributes, "sources", sources)
    name = known_str(dig(entry, "name")) or res.address
    return make(res, "firewall_rule", attributes, index, suffix=suffix, name=name,
                raw={"service_tags": tags, "priority": dig(entry, "priority")})


def security_rule(res: TfResource, index: Index) -> Iterator[Resource]:
    """An ``azurerm_network_security_rule`` as a ``firewall_rule``."""
    yield _nsg_rule(res, index, res.values, "")


def security_group(res: TfResource, index: Index) -> Iterator[Resource]:
    """The inline ``security_rule`` entries of an ``azurerm_network_security_group``."""
    entries = blocks(res.values, "security_rule")
    if entries is None and res.set_in_config("security_rule"):
        yield _nsg_rule(res, index, {}, "#security_rule/unknown")
    seen: set[str] = set()
    for i, entry in enumerate(entries or []):
        name = known_str(dig(entry, "name")) or str(i)
        suffix = f"#security_rule/{name}"
        if suffix in seen:
            suffix += f"~{i}"  # a repeated name must not merge two rules into one id
        seen.add(suffix)
        yield _nsg_rule(res, index, entry, suffix, ("security_rule", i))


def _is_admin_role(res: TfResource) -> bool:
    name = known_str(res.get("role_definition_name"))
    if name and name.lower() in _ADMIN_ROLES:
        return True
    role_id = known_str(res.get("role_definition_id")) or ""
    return any(role_id.lower().endswith(guid) for guid in _ADMIN_ROLES.values())


def role_assignment(res: TfResource, index: Index) -> Iterator[Resource]:
    """A direct admin role assignment to a user as a ``user``."""
    if not _is_admin_role(res):
        return
    kind = known_str(res.get("principal_type"))
    refs = [r.split(".")[0] for r in res.refs.get("principal_id", ())]
    users = index.parents(res, "principal_id", "azuread_user", ("object_id", "id"))
    if kind not in (None, "User") or any(r in refs for r in (
            "azuread_group", "azuread_service_principal", "azurerm_user_assigned_identity")):
        return
    attributes: dict[str, Any] = {"admin": True, "access_keys": []}
    if kind == "User" or users or "azuread_user" in refs:
        attributes["admin_direct"] = True
    name = known_str(res.get("principal_id")) or res.address
    if users:
        put(attributes, "enabled", known_bool(users[0].get("account_enabled"), True))
        name = known_str(users[0].get("user_principal_name")) or name
    yield make(res, "user", attributes, index, name=name,
               raw={"scope": known_str(res.get("scope")),
                    "role": known_str(res.get("role_definition_name"))})


def managed_disk(res: TfResource, index: Index) -> Iterator[Resource]:
    """An ``azurerm_managed_disk`` as a ``volume`` (always encrypted at rest)."""
    attached = index.children("azurerm_virtual_machine_data_disk_attachment",
                              "managed_disk_id", res, ("id",))
    attributes: dict[str, Any] = {"encrypted": True,
                                  "attached_to": attached[0].address if attached else ""}
    yield make(res, "volume", attributes, index,
               raw={"disk_encryption_set_id": known_str(res.get("disk_encryption_set_id"))})


def _admitted(rules: list[TfResource]) -> bool | None:
    """Whether the firewall rules together admit every IPv4 address (None: unknown)."""
    ranges: list[tuple[int, int]] = []
    unknown = False
    for rule in rules:
        start, end = rule.get("start_ip_address"), rule.get("end_ip_address")
        if start is UNKNOWN or end is UNKNOWN:
            unknown = True
            continue
        try:
            ranges.append((int(ipaddress.IPv4Address(str(start))),
                           int(ipaddress.IPv4Address(str(end)))))
        except ValueError:
            raise problem(rule, f"expected IPv4 addresses, found {start!r}-{end!r}",
                          "start_ip_address") from None
    if covers_range(ranges, 0, 2 ** 32 - 1):
        return True  # the whole internet, in one rule or several
    return None if unknown else False


def mssql_server(res: TfResource, index: Index) -> Iterator[Resource]:
    """An ``azurerm_mssql_server`` as a ``database``."""
    attributes: dict[str, Any] = {"engine": "sqlserver", "encrypted": True}
    put(attributes, "admin_username", known_str(res.get("administrator_login")))
    network = known_bool(res.get("public_network_access_enabled"), True)
    rules = index.children("azurerm_mssql_firewall_rule", "server_id", res, ("id",))
    open_ = _admitted(rules)
    put(attributes, "public", False if network is False else
        (None if network is None and open_ is not False else open_))
    ad_only = known_bool(dig(first_block(res.values, "azuread_administrator"),
                             "azuread_authentication_only"), False)
    if ad_only is True:
        attributes["default_credentials"] = False
    yield make(res, "database", attributes, index)


MAPPERS: dict[str, Mapper] = {
    "azurerm_storage_account": storage_account,
    "azurerm_network_security_rule": security_rule,
    "azurerm_network_security_group": security_group,
    "azurerm_role_assignment": role_assignment,
    "azurerm_managed_disk": managed_disk,
    "azurerm_mssql_server": mssql_server,
}
