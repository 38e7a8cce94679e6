"""AWS resources of a plan: security-group rules, databases, volumes, the account.

Buckets and users live in :mod:`aws_s3` and :mod:`aws_iam`. Here:

- ``aws_security_group`` inline ``ingress``/``egress`` entries, ``aws_security_group_rule``
  and ``aws_vpc_security_group_ingress_rule``/``_egress_rule``: one ``firewall_rule``
  each, ``sources`` = IPv4 + IPv6 CIDRs (group and prefix-list sources are not CIDRs and
  are kept under ``raw``), ``ports`` ``[[from, to]]``, ``[[0, 65535]]`` for all traffic,
  empty for ICMP. Inline entries get ids ``ADDRESS#ingress/tcp/22-22``.
- ``aws_db_instance`` and ``aws_rds_cluster`` (public when a member
  ``aws_rds_cluster_instance`` is publicly accessible): ``database``.
  ``default_credentials`` is false only with ``manage_master_user_password`` (Secrets
  Manager generates the password); otherwise absent, as for the live AWS provider.
- ``aws_ebs_volume`` and the root/EBS block devices of ``aws_instance``: ``volume``. An
  encryption flag left to AWS is unknown until apply unless the plan turns on
  ``aws_ebs_encryption_by_default``.
- ``aws_cloudtrail``, ``aws_s3_account_public_access_block`` and
  ``aws_iam_account_password_policy`` feed one ``account`` resource (see :func:`account`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mamori.checks.model import Resource
from mamori.checks.network import has_ports
from mamori.checks.tri import tri_all, tri_any
from mamori.providers.terraform import aws_iam, aws_iam_role, aws_s3
from mamori.providers.terraform.common import (
    Mapper,
    cidrs,
    make,
    port_range,
    problem,
    protocol_of,
    put,
)
from mamori.providers.terraform.joins import Index
from mamori.providers.terraform.modules import TfResource
from mamori.providers.terraform.values import UNKNOWN, blocks, dig, known_bool, known_str

ACCOUNT_TYPES = ("aws_cloudtrail", "aws_s3_account_public_access_block",
                 "aws_iam_account_password_policy")
_ICMP = ("icmp", "icmpv6")


def _ports(res: TfResource, path: tuple[str | int, ...], protocol: str | None, low: Any,
           high: Any) -> list[list[int]] | None:
    """``ports`` of one AWS rule: checked numbers, all ports for ``-1``, none for ICMP.

    For ICMP rules ``from_port``/``to_port`` hold the ICMP type and code (-1: any), not
    ports; other protocols without ports (ESP, GRE…) open no TCP/UDP port.
    """
    if protocol is None:
        return None
    if protocol == "all":
        return [[0, 65535]]  # AWS ignores the port numbers of an all-protocols rule
    if protocol in _ICMP:
        for attr, value in (("from_port", low), ("to_port", high)):
            if value is not None and value is not UNKNOWN and value != -1:
                port_range(res, value, value, *path, attr, limit=255, what="ICMP type/code")
        return []
    if not has_ports(protocol):
        return []
    if low is UNKNOWN or high is UNKNOWN:
        return None
    if low is None and high is None:
        return [[0, 65535]]
    first = low if low is not None else high
    last = high if high is not None else low
    return [port_range(res, first, last, *path, "from_port")]


def _rule(res: TfResource, index: Index, suffix: str, direction: str, entry: Any,
          path: tuple[str | int, ...], protocol_key: str, sources: list[str] | None,
          other: dict[str, Any]) -> Resource:
    attributes: dict[str, Any] = {"direction": direction, "action": "allow"}
    protocol = protocol_of(res, dig(entry, protocol_key), *path, protocol_key)
    put(attributes, "protocol", protocol)
    put(attributes, "ports", _ports(res, path, protocol, dig(entry, "from_port"),
                                    dig(entry, "to_port")))
    put(attributes, "sources", sources)
    return make(res, "firewall_rule", attributes, index, suffix=suffix,
                name=(known_str(res.get("name")) or res.address) + suffix, raw=other)


def security_group(res: TfResource, index: Index) -> Iterator[Resource]:
    """One ``firewall_rule`` per inline ingress/egress entry of an ``aws_security_group``."""
    seen: dict[str, int] = {}
    for direction in ("ingress", "egress"):
        entries = res.get(direction)
        if entries is UNKNOWN and res.set_in_config(direction):
            yield _rule(res, index, f"#{direction}/unknown", direction, {}, (direction,),
                        "protocol", None, {})
            continue
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            protocol = protocol_of(res, dig(entry, "protocol"), direction, i, "protocol")
            suffix = f"#{direction}/{protocol or 'unknown'}/{dig(entry, 'from_port')}-" \
                     f"{dig(entry, 'to_port')}"
            seen[suffix] = seen.get(suffix, 0) + 1
            if seen[suffix] > 1:
                suffix += f"~{seen[suffix]}"
            sources = cidrs(res, (direction, i), dig(entry, "cidr_blocks"),
                            dig(entry, "ipv6_cidr_blocks"))
            other = {"security_groups": dig(entry, "security_groups"),
                     "prefix_list_ids": dig(entry, "prefix_list_ids")}
            yield _rule(res, index, suffix, direction, entry, (direction, i), "protocol",
                        sources, {k: v for k, v in other.items() if isinstance(v, list)})


def security_group_rule(res: TfResource, index: Index) -> Iterator[Resource]:
    """An ``aws_security_group_rule`` as one ``firewall_rule``."""
    direction = res.get("type")
    sources = cidrs(res, ("cidr_blocks",), res.get("cidr_blocks"), res.get("ipv6_cidr_blocks"))
    other = {"security_group_id": known_str(res.get("security_group_id")),
             "source_security_group_id": known_str(res.get("source_security_group_id"))}
    if direction not in ("ingress", "egress"):
        raise problem(res, f"expected ingress or egress, found {direction!r}", "type")
    yield _rule(res, index, "", direction, res.values, (), "protocol", sources, other)


def vpc_rule(direction: str) -> Mapper:
    """A mapper for ``aws_vpc_security_group_{ingress,egress}_rule``."""
    def mapper(res: TfResource, index: Index) -> Iterator[Resource]:
        sources = cidrs(res, ("cidr_ipv4",), res.get("cidr_ipv4"), res.get("cidr_ipv6"))
        other = {"referenced_security_group_id": known_str(res.get("referenced_security_group_id")),
                 "prefix_list_id": known_str(res.get("prefix_list_id"))}
        yield _rule(res, index, "", direction, res.values, (), "ip_protocol", sources, other)
    return mapper


def _database(res: TfResource, index: Index, public: bool | None, user_key: str,
              name_key: str) -> Resource:
    attributes: dict[str, Any] = {}
    put(attributes, "encrypted", known_bool(res.get("storage_encrypted"), False))
    put(attributes, "public", public)
    put(attributes, "engine", known_str(res.get("engine")))
    put(attributes, "admin_username", known_str(res.get(user_key)))
    if known_bool(res.get("manage_master_user_password")) is True:
        attributes["default_credentials"] = False
    return make(res, "database", attributes, index, name=known_str(res.get(name_key)))


def db_instance(res: TfResource, index: Index) -> Iterator[Resource]:
    """An ``aws_db_instance`` as a ``database``."""
    public = known_bool(res.get("publicly_accessible"), False)
    yield _database(res, index, public, "username", "identifier")


def rds_cluster(res: TfResource, index: Index) -> Iterator[Resource]:
    """An ``aws_rds_cluster`` as a ``database``; public when a member instance is."""
    members = index.children("aws_rds_cluster_instance", "cluster_identifier", res,
                             ("cluster_identifier", "id"))
    public = tri_any(known_bool(m.get("publicly_accessible"), False) for m in members) \
        if members else None
    yield _database(res, index, public, "master_username", "cluster_identifier")


def _default_encryption(index: Index) -> bool:
    return any(known_bool(r.get("enabled"), True) is True
               for r in index.of_type("aws_ebs_encryption_by_default"))


def _encrypted(value: Any, index: Index) -> bool | None:
    flag = known_bool(value, False)
    if flag is not True and _default_encryption(index):
        return True  # with encryption by default, EC2 cannot create unencrypted volumes
    return flag


def ebs_volume(res: TfResource, index: Index) -> Iterator[Resource]:
    """An ``aws_ebs_volume`` as a ``volume``."""
    attributes: dict[str, Any] = {}
    put(attributes, "encrypted", _encrypted(res.get("encrypted"), index))
    attached = index.children("aws_volume_attachment", "volume_id", res, ("id",))
    attributes["attached_to"] = attached[0].address if attached else ""
    yield make(res, "volume", attributes, index)


def instance(res: TfResource, index: Index) -> Iterator[Resource]:
    """The root and EBS block devices of an ``aws_instance`` as ``volume`` resources."""
    roots = blocks(res.values, "root_block_device")
    for i, device in enumerate(roots if roots else [UNKNOWN]):
        flag = UNKNOWN if device is UNKNOWN else dig(device, "encrypted")
        attributes: dict[str, Any] = {"attached_to": res.address}
        put(attributes, "encrypted", _encrypted(flag, index))
        yield make(res, "volume", attributes, index, suffix="#root_block_device" +
                   (f"/{i}" if i else ""))
    for device in blocks(res.values, "ebs_block_device") or []:
        attributes = {"attached_to": res.address}
        put(attributes, "encrypted", _encrypted(dig(device, "encrypted"), index))
        yield make(res, "volume", attributes, index,
                   suffix=f"#ebs_block_device/{dig(device, 'device_name')}")


def account(index: Index) -> dict[str, Any]:
    """The ``account`` attributes the plan's account-level resources establish."""
    attributes: dict[str, Any] = {}
    trails = index.of_type("aws_cloudtrail")
    if trails:
        logging = [known_bool(t.get("enable_logging"), True) for t in trails]
        multi = [tri_all([on, known_bool(t.get("is_multi_region_trail"), False)])
                 for on, t in zip(logging, trails, strict=True)]
        audit: dict[str, Any] = {}
        put(audit, "enabled", tri_any(logging))
        put(audit, "multi_region", tri_any(multi))
        attributes["audit_log"] = audit
    blocks_ = index.of_type("aws_s3_account_public_access_block")
    if blocks_:
        flags = [known_bool(b.get(f), False) for b in blocks_ for f in aws_s3.FLAGS]
        put(attributes, "public_access_block", None if None in flags else all(flags))
    for policy in index.of_type("aws_iam_account_password_policy"):
        length = policy.get("minimum_password_length")
        if isinstance(length, int) or length is None:
            attributes["password_policy"] = {"min_length": length if length else 6}
    return attributes


MAPPERS: dict[str, Mapper] = {
    "aws_s3_bucket": aws_s3.bucket,
    "aws_iam_user": aws_iam.user,
    "aws_iam_role": aws_iam_role.role,
    "aws_security_group": security_group,
    "aws_security_group_rule": security_group_rule,
    "aws_vpc_security_group_ingress_rule": vpc_rule("ingress"),
    "aws_vpc_security_group_egress_rule": vpc_rule("egress"),
    "aws_db_instance": db_instance,
    "aws_rds_cluster": rds_cluster,
    "aws_ebs_volume": ebs_volume,
    "aws_instance": instance,
}
