"""Google Cloud (google) resources of a plan.

- ``google_storage_bucket`` (+ ``google_storage_bucket_iam_member`` / ``_iam_binding`` /
  ``_iam_policy`` and ``google_storage_bucket_acl`` joined by ``bucket``): ``bucket``.
  Public via ``allUsers``/``allAuthenticatedUsers`` members (``iam:allUsers``) or a
  public ACL (``acl:allUsers:READER``), unless ``public_access_prevention`` is
  ``enforced``. An organisation policy that enforces prevention is not in the plan and
  is not assumed. GCS encrypts everything at rest; ``customer_managed_key`` from
  ``encryption.default_kms_key_name``.
- ``google_compute_firewall``: one ``firewall_rule`` per ``allow``/``deny`` block;
  disabled rules produce nothing. An ingress rule without source ranges, tags or service
  accounts admits ``0.0.0.0/0`` (GCP's default). Egress destinations go in ``sources``.
- ``google_project_iam_member`` / ``_iam_binding`` granting ``roles/owner`` or
  ``roles/editor`` to a ``user:`` member: a ``user`` with ``admin_direct`` true.
- ``google_sql_database_instance``: ``database``; public when IPv4 is enabled and an
  authorized network is the internet; always encrypted at rest; ``admin_username`` is
  the engine's built-in administrator (``root``, ``postgres``, ``sqlserver``).
- ``google_compute_disk``: ``volume``, always encrypted at rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from mamori.checks.model import Resource
from mamori.checks.network import covers_internet, has_ports
from mamori.checks.tri import tri_any
from mamori.providers.terraform.common import (
    Mapper,
    cidrs,
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

KEYS = ("name", "id")
_PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
_ADMIN_ROLES = ("roles/owner", "roles/editor")
_DEFAULT_ADMIN = {"mysql": "root", "postgres": "postgres", "sqlserver": "sqlserver"}


def _member_reasons(members: Any) -> list[str] | None:
    if members is UNKNOWN or (isinstance(members, list) and UNKNOWN in members):
        return None
    items = members if isinstance(members, list) else [members]
    return [f"iam:{m}" for m in items if m in _PUBLIC_MEMBERS]


def _policy_reasons(document: Any) -> list[str] | None:
    """Public members of an IAM policy document; None when it cannot be read."""
    if document is UNKNOWN:
        return None
    if not document:
        return []
    try:
        parsed = json.loads(document, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return None
    bindings = parsed.get("bindings", []) if isinstance(parsed, dict) else None
    if not isinstance(bindings, list):
        return None
    reasons: list[str] = []
    for binding in bindings:
        members = binding.get("members", []) if isinstance(binding, dict) else None
        if not isinstance(members, list):
            return None
        reasons += _member_reasons([str(m) for m in members]) or []
    return reasons


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _bucket_reasons(res: TfResource, index: Index) -> tuple[list[str], bool]:
    found: list[list[str] | None] = []
    found += [_member_reasons(m.get("member"))
              for m in index.children("google_storage_bucket_iam_member", "bucket", res, KEYS)]
    found += [_member_reasons(m.get("members"))
              for m in index.children("google_storage_bucket_iam_binding", "bucket", res, KEYS)]
    found += [_policy_reasons(p.get("policy_data"))
              for p in index.children("google_storage_bucket_iam_policy", "bucket", res, KEYS)]
    for acl in index.children("google_storage_bucket_acl", "bucket", res, KEYS):
        predefined, entities = acl.get("predefined_acl"), acl.get("role_entity")
        if predefined is UNKNOWN or entities is UNKNOWN:
            found.append(None)
            continue
        reasons = ["acl:allUsers:READER"] if predefined in ("publicRead", "publicReadWrite") \
            else []
        reasons += [f"acl:{e.split(':', 1)[1]}:{e.split(':', 1)[0]}"
                    for e in entities or [] if isinstance(e, str) and e.endswith(_PUBLIC_MEMBERS)]
        found.append(reasons)
    unknown = None in found or bool(index.unresolved(
        "google_storage_bucket_iam_member", "bucket", res, KEYS))
    return sorted({r for reasons in found for r in reasons or []}), unknown


def storage_bucket(res: TfResource, index: Index) -> Iterator[Resource]:
    """A ``google_storage_bucket`` with its IAM and ACL resources as one ``bucket``."""
    attributes: dict[str, Any] = {}
    reasons, unknown = _bucket_reasons(res, index)
    prevention = res.get("public_access_prevention")
    enforced = None if prevention is UNKNOWN and res.set_in_config(
        "public_access_prevention") else prevention == "enforced"
    raw = {"public_via_blocked": reasons if enforced else []}
    if enforced:
        attributes["public"], attributes["public_via"] = False, []
    elif reasons and enforced is False:
        attributes["public"], attributes["public_via"] = True, reasons
    elif not reasons and not unknown:
        attributes["public"], attributes["public_via"] = False, []
    key = dig(first_block(res.values, "encryption"), "default_kms_key_name")
    customer = bool(key) if key is not UNKNOWN else (True if any(
        r.startswith("google_kms_crypto_key.")
        for r in res.refs.get("encryption.default_kms_key_name", ())) else None)
    attributes["encryption"] = {"enabled": True}
    put(attributes["encryption"], "customer_managed_key", customer)
    put(attributes, "versioning",
        known_bool(dig(first_block(res.values, "versioning"), "enabled"), False))
    log_bucket = dig(first_block(res.values, "logging"), "log_bucket")
    put(attributes, "access_logging", None if log_bucket is UNKNOWN else bool(log_bucket))
    yield make(res, "bucket", attributes, index, raw=raw)


def _gcp_ports(res: TfResource, path: tuple[str | int, ...], protocol: str | None,
               ports: Any) -> list[list[int]] | None:
    if protocol is None:
        return None
    if protocol == "all":
        return [[0, 65535]]
    if not has_ports(protocol):
        return []  # icmp, esp, ah: no ports
    if ports is UNKNOWN or (isinstance(ports, list) and any(p is UNKNOWN for p in ports)):
        return None
    if not ports:
        return [[0, 65535]]  # tcp/udp/sctp without ports: every port
    return [port_text(res, text, *path, "ports", i) for i, text in enumerate(map(str, ports))]


def _firewall_sources(res: TfResource, direction: str) -> list[str] | None:
    if direction == "egress":
        return cidrs(res, ("destination_ranges",), res.get("destination_ranges"))
    ranges = res.get("source_ranges")
    if ranges is UNKNOWN and not res.set_in_config("source_ranges"):
        ranges = None
    found = cidrs(res, ("source_ranges",), ranges)
    if found == [] and not res.get("source_tags") and not res.get("source_service_accounts"):
        return ["0.0.0.0/0"]  # GCP's default source for an ingress rule
    return found


def firewall(res: TfResource, index: Index) -> Iterator[Resource]:
    """One ``firewall_rule`` per allow/deny block of a ``google_compute_firewall``."""
    if known_bool(res.get("disabled"), False) is True:
        return
    written = res.get("direction")
    if isinstance(written, str) and written.upper() not in ("INGRESS", "EGRESS"):
        raise problem(res, f"expected INGRESS or EGRESS, found {written!r}", "direction")
    direction = "egress" if isinstance(written, str) and written.upper() == "EGRESS" \
        else "ingress"
    sources = _firewall_sources(res, direction)
    seen: set[str] = set()
    for action in ("allow", "deny"):
        for i, entry in enumerate(blocks(res.values, action) or []):
            proto = protocol_of(res, dig(entry, "protocol"), action, i, "protocol")
            attributes: dict[str, Any] = {"direction": direction, "action": action}
            put(attributes, "protocol", proto)
            put(attributes, "ports", _gcp_ports(res, (action, i), proto, dig(entry, "ports")))
            put(attributes, "sources", sources)
            ports = dig(entry, "ports")
            label = ",".join(map(str, ports)) if isinstance(ports, list) else "?"
            suffix = f"#{action}/{proto}/{label}"
            if suffix in seen:
                suffix += f"~{i}"
            seen.add(suffix)
            yield make(res, "firewall_rule", attributes, index, suffix=suffix)


def project_iam(res: TfResource, index: Index) -> Iterator[Resource]:
    """Owner/editor granted to ``user:`` members as ``user`` resources."""
    if res.get("role") not in _ADMIN_ROLES:
        return
    members = res.get("members") if "members" in res.values else [res.get("member")]
    for member in members if isinstance(members, list) else []:
        if isinstance(member, str) and member.startswith("user:"):
            suffix = "" if "member" in res.values else f"#{member}"
            yield make(res, "user", {"admin": True, "admin_direct": True, "access_keys": []},
                       index, name=member.removeprefix("user:"), suffix=suffix,
                       raw={"role": res.get("role"), "project": known_str(res.get("project"))})


def _engine(version: Any) -> str | None:
    text = known_str(version)
    return text.split("_")[0].lower() if text else None


def sql_instance(res: TfResource, index: Index) -> Iterator[Resource]:
    """A ``google_sql_database_instance`` as a ``database``."""
    engine = _engine(res.get("database_version"))
    attributes: dict[str, Any] = {"encrypted": True}
    put(attributes, "engine", engine)
    put(attributes, "admin_username", _DEFAULT_ADMIN.get(engine or ""))
    ip = first_block(first_block(res.values, "settings"), "ip_configuration")
    ipv4 = known_bool(dig(ip, "ipv4_enabled"), True) if ip is not UNKNOWN else None
    networks = blocks(ip, "authorized_networks") if isinstance(ip, dict) else []
    values = None if networks is None else cidrs(
        res, ("settings", 0, "ip_configuration", 0, "authorized_networks"),
        [dig(n, "value") for n in networks])
    internet = None if values is None else covers_internet(values)
    put(attributes, "public", False if ipv4 is False else tri_any([internet]) and ipv4)
    if known_str(res.get("root_password")):
        attributes["default_credentials"] = False
    yield make(res, "database", attributes, index)


def compute_disk(res: TfResource, index: Index) -> Iterator[Resource]:
    """A ``google_compute_disk`` as a ``volume`` (always encrypted at rest)."""
    attached = index.children("google_compute_attached_disk", "disk", res,
                              ("id", "name", "self_link"))
    yield make(res, "volume", {"encrypted": True,
                               "attached_to": attached[0].address if attached else ""}, index)


MAPPERS: dict[str, Mapper] = {
    "google_storage_bucket": storage_bucket,
    "google_compute_firewall": firewall,
    "google_project_iam_member": project_iam,
    "google_project_iam_binding": project_iam,
    "google_sql_database_instance": sql_instance,
    "google_compute_disk": compute_disk,
}
