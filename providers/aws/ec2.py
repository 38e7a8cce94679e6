"""EC2: EBS volumes (``volume``), instances (``host``), security groups (``firewall_rule``).

Each permission of a security group (one protocol and port range, with all its
sources) is one ``firewall_rule``. ``sources`` holds the IPv4 and IPv6 CIDRs, for
egress the destinations; security-group references and prefix lists are not CIDRs
and are kept under ``raw``. ``protocol`` is normalised to mamori's closed vocabulary
(``-1`` → all, ``6`` → tcp, ``50`` → esp...); a protocol outside it (e.g. ``4``, IP in IP)
leaves ``protocol`` absent, so rules that need it give ERROR, and the value AWS sent is
kept as ``raw.ip_protocol``. ``ports`` is ``[[from, to]]`` for tcp/udp, ``[[0, 65535]]``
for all traffic and for sctp (AWS documents that other protocols than tcp, udp and icmp
open every port), and empty for ICMP and the port-less protocols.

Volumes: ``customer_managed_key`` when encrypted with a key KMS reports as customer
managed (:mod:`mamori.providers.aws.kms`); an unencrypted volume has none (false).

Hosts: ``internet_facing`` from a public IPv4 address; ``disk_encrypted`` when every
attached EBS volume is encrypted; OS, ``last_patched`` and
``missing_critical_patches`` from Systems Manager for the instances it manages, and
absent for the others (nothing is known about their patches).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from functools import partial
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.checks.network import ProtocolError, has_ports, normalize_protocol
from mamori.providers.aws.common import arn, batches, name_tag, resource, tag_map, utc
from mamori.providers.aws.errors import Outcome, Scope
from mamori.providers.aws.kms import KeyCache, key_cache
from mamori.providers.aws.reach import PermissionView
from mamori.providers.aws.session import Account

HOST_TYPES = ("volume", "host")
RULE_TYPES = ("firewall_rule",)
_SSM_BATCH = 50  # DescribeInstancePatchStates takes at most 50 instance ids

Item = Resource | CollectionError


def collect_hosts(account: Account, region: str) -> Iterator[Item]:
    """Volumes, then instances with what SSM knows about their patches."""
    scope = Scope(account.id, region)
    ec2 = account.clients.get("ec2", region)
    volumes = list(scope.pages("ec2:DescribeVolumes", ec2, "describe_volumes", "Volumes",
                               resource_types=("volume",)))
    volumes_ok = not scope.errors
    keys = key_cache(account)
    for volume in volumes:
        found = scope.isolated(f"read volume {volume.get('VolumeId')}", ("volume",),
                               partial(_volume, account, region, volume, keys, scope))
        if found is not None:
            yield found
    instances = [i for r in scope.pages("ec2:DescribeInstances", ec2, "describe_instances",
                                        "Reservations", resource_types=("host",))
                 for i in r.get("Instances", [])
                 if i.get("State", {}).get("Name") != "terminated"]
    ssm_scope = Scope(account.id, region)
    ssm = _ssm_facts(account, region, [str(i["InstanceId"]) for i in instances], ssm_scope)
    scope.errors += ssm_scope.errors
    for instance in instances:
        host = scope.isolated(f"read host {instance.get('InstanceId')}", ("host",), partial(
            _host, account, region, instance, volumes if volumes_ok else None, ssm))
        if host is not None:
            yield host
    yield from scope.drain()


def _volume(account: Account, region: str, volume: dict[str, Any], keys: KeyCache,
            scope: Scope) -> Resource:
    tags = tag_map(volume.get("Tags"))
    volume_id = str(volume["VolumeId"])
    attached = [str(a["InstanceId"]) for a in volume.get("Attachments", [])
                if a.get("InstanceId")]
    encrypted = volume.get("Encrypted") is True
    attributes: dict[str, Any] = {"encrypted": encrypted,
                                  "attached_to": attached[0] if attached else ""}
    customer = (keys.customer_managed(volume.get("KmsKeyId"), region,
                                      scope.child(f"volume {volume_id}"))
                if encrypted and volume.get("KmsKeyId") else None if encrypted else False)
    if customer is not None:
        attributes["customer_managed_key"] = customer
    return resource("volume", arn("ec2", region, account.id, f"volume/{volume_id}"),
                    name=name_tag(tags, volume_id), account=account.id, region=region,
                    source="aws:ec2:DescribeVolumes", tags=tags, attributes=attributes)


def _ssm_facts(account: Account, region: str, instance_ids: list[str],
               scope: Scope) -> dict[str, dict[str, Any]] | None:
    """Per managed instance: SSM inventory and patch state. None if SSM failed.

    ``scope`` is this lookup's own: an error in it means SSM could not be read.
    """
    if not instance_ids:
        return {}
    ssm = account.clients.get("ssm", region)
    wanted = set(instance_ids)
    facts = {str(i["InstanceId"]): {"info": i}
             for i in scope.pages("ssm:DescribeInstanceInformation", ssm,
                                  "describe_instance_information", "InstanceInformationList",
                                  resource_types=())
             if i.get("InstanceId") in wanted}
    if scope.errors:
        return None
    for batch in batches(sorted(facts), _SSM_BATCH):
        answer = scope.call("ssm:DescribeInstancePatchStates",
                            ssm.describe_instance_patch_states, InstanceIds=batch)
        if isinstance(answer, Outcome):
            continue  # patch attributes stay absent for this batch
        for state in answer.get("InstancePatchStates", []):
            facts[str(state["InstanceId"])]["patch"] = state
    return facts


def _host(account: Account, region: str, instance: dict[str, Any],
          volumes: list[dict[str, Any]] | None, ssm: dict[str, dict[str, Any]] | None
          ) -> Resource:
    instance_id = str(instance["InstanceId"])
    tags = tag_map(instance.get("Tags"))
    attributes: dict[str, Any] = {"internet_facing": bool(instance.get("PublicIpAddress"))}
    os_name = _ec2_os(instance)
    managed = (ssm or {}).get(instance_id, {})
    info = managed.get("info", {})
    if info.get("PlatformType"):
        os_name = str(info["PlatformType"]).lower()
    if os_name:
        attributes["os"] = os_name
    if info.get("PlatformVersion"):
        attributes["os_version"] = str(info["PlatformVersion"])
    patch = managed.get("patch", {})
    if (patched := utc(patch.get("OperationEndTime"))) is not None:
        attributes["last_patched"] = patched
    if isinstance(patch.get("CriticalNonCompliantCount"), int):
        attributes["missing_critical_patches"] = patch["CriticalNonCompliantCount"]
    if (encrypted := _disk_encrypted(instance_id, volumes)) is not None:
        attributes["disk_encrypted"] = encrypted
    return resource("host", arn("ec2", region, account.id, f"instance/{instance_id}"),
                    name=name_tag(tags, instance_id), account=account.id, region=region,
                    source="aws:ec2:DescribeInstances", tags=tags, attributes=attributes)


def _ec2_os(instance: dict[str, Any]) -> str:
    platform = str(instance.get("Platform") or instance.get("PlatformDetails") or "").lower()
    if "windows" in platform:
        return "windows"
    return "linux" if platform and ("linux" in platform or "unix" in platform) else ""


def _disk_encrypted(instance_id: str, volumes: list[dict[str, Any]] | None) -> bool | None:
    if volumes is None:
        return None
    mine = [v for v in volumes
            if any(a.get("InstanceId") == instance_id for a in v.get("Attachments", []))]
    return all(v.get("Encrypted") for v in mine) if mine else None


def collect_rules(account: Account, region: str) -> Iterator[Item]:
    """Every permission of every security group in ``region`` as a firewall rule."""
    scope = Scope(account.id, region)
    ec2 = account.clients.get("ec2", region)
    for group in scope.pages("ec2:DescribeSecurityGroups", ec2, "describe_security_groups",
                             "SecurityGroups", resource_types=RULE_TYPES):
        for direction, key in (("ingress", "IpPermissions"), ("egress", "IpPermissionsEgress")):
            for permission in group.get(key, []):
                rule = scope.isolated(f"read security group {group.get('GroupId')}",
                                      RULE_TYPES, partial(_rule, account, region, group,
                                                          direction, permission))
                if rule is not None:
                    yield rule
    yield from scope.drain()


def _rule(account: Account, region: str, group: dict[str, Any], direction: str,
          permission: dict[str, Any]) -> Resource:
    group_id = str(group["GroupId"])
    raw_protocol = str(permission.get("IpProtocol", "-1"))
    protocol = _protocol(raw_protocol)
    ports = _ports(protocol, permission)
    low, high = permission.get("FromPort", "all"), permission.get("ToPort", "all")
    sources = [_cidr(r["CidrIp"]) for r in permission.get("IpRanges", []) if "CidrIp" in r]
    sources += [_cidr(r["CidrIpv6"]) for r in permission.get("Ipv6Ranges", [])
                if "CidrIpv6" in r]
    raw = {"security_group": group_id, "group_name": group.get("GroupName", ""),
           "ip_protocol": raw_protocol,
           "vpc": group.get("VpcId", ""),
           "referenced_groups": [str(p.get("GroupId")) for p in
                                 permission.get("UserIdGroupPairs", [])],
           "prefix_lists": [str(p.get("PrefixListId")) for p in
                            permission.get("PrefixListIds", [])]}
    shown = protocol or raw_protocol.lower()
    suffix = f"{direction}/{shown}/{low}-{high}"
    attributes: dict[str, Any] = {"direction": direction, "sources": list(dict.fromkeys(sources)),
                                  "action": "allow", "raw": raw}
    if protocol is not None:
        attributes["protocol"] = protocol
    if ports is not None:
        attributes["ports"] = ports
    return resource(
        "firewall_rule", arn("ec2", region, account.id, f"security-group/{group_id}/{suffix}"),
        name=f"{group.get('GroupName', group_id)} {direction} {shown} {low}-{high}",
        account=account.id, region=region, source="aws:ec2:DescribeSecurityGroups",
        tags=tag_map(group.get("Tags")), attributes=attributes)


def permission_view(permission: dict[str, Any]) -> PermissionView:
    """(protocol, ports, CIDR sources, has prefix-list sources) of one permission, as the
    firewall rules read them; used to judge a database's security groups."""
    protocol = _protocol(str(permission.get("IpProtocol", "-1")))
    sources = [_cidr(r["CidrIp"]) for r in permission.get("IpRanges", []) if "CidrIp" in r]
    sources += [_cidr(r["CidrIpv6"]) for r in permission.get("Ipv6Ranges", [])
                if "CidrIpv6" in r]
    return protocol, _ports(protocol, permission), sources, bool(permission.get("PrefixListIds"))


def _protocol(value: str) -> str | None:
    """The vocabulary name of an ``IpProtocol``; None for one outside the vocabulary."""
    try:
        return normalize_protocol(value)
    except ProtocolError:
        return None


def _ports(protocol: str | None, permission: dict[str, Any]) -> list[list[int]] | None:
    if protocol is None:
        return None  # what an unknown protocol opens is unknown
    if protocol in ("tcp", "udp"):
        low, high = permission.get("FromPort"), permission.get("ToPort")
        if not isinstance(low, int) or not isinstance(high, int) or low < 0:
            return [[0, 65535]]
        return [[low, high]]
    # all traffic, and sctp: AWS opens every port for protocols other than tcp/udp/icmp.
    return [[0, 65535]] if has_ports(protocol) else []


def _cidr(text: str) -> str:
    """A normalized network (``10.0.0.5/8`` → ``10.0.0.0/8``; IPv6 compressed)."""
    return str(ipaddress.ip_network(text.strip(), strict=False))
