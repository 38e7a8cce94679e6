"""Compute Engine → ``firewall_rule``, ``volume`` and ``host`` resources (REST v1).

Firewall rules (``compute.firewalls.list``):

- disabled rules are skipped: a disabled rule admits nothing;
- ``direction`` INGRESS/EGRESS → ingress/egress; ``allowed`` → action allow, ``denied``
  → deny;
- one resource per protocol of the rule (id = selfLink when the rule has a single
  protocol, ``selfLink#protocol`` otherwise), so each resource has one ``protocol``,
  normalised to mamori's closed vocabulary (``6``/``17``/``1``/``132`` become
  tcp/udp/icmp/sctp, ``58`` icmpv6, ``all`` stays all); a protocol outside it (``ipip``,
  ``4``) leaves ``protocol`` and ``ports`` absent (rules that need them give ERROR) and
  is kept as ``x_protocol``;
- ``ports``: ``"22"`` → [22, 22], ``"20-30"`` → [20, 30]; none listed = every port
  [[0, 65535]] for tcp/udp/sctp/all; [] for protocols without ports (icmp, esp…);
  a malformed list leaves ``ports`` absent;
- ``sources``: the normalized ``sourceRanges`` of an ingress rule; an ingress rule
  with no source range, tag or service account admits any address (0.0.0.0/0, as
  Google documents); source tags / service accounts are internal and kept as
  ``x_source_tags`` / ``x_source_service_accounts``. Egress rules have no sources
  (their ``destinationRanges`` are ``x_destinations``).

Disks (``compute.disks.aggregatedList``) → ``volume``: ``encrypted`` is always true
(Compute Engine encrypts every disk at rest); ``customer_managed_key`` when
``diskEncryptionKey.kmsKeyName`` names a Cloud KMS key (CMEK) or the disk uses a
customer-supplied key (CSEK: ``sha256`` / ``rsaEncryptedKey``, the customer holds the
key itself; ``x_customer_supplied_key`` tells them apart); ``attached_to`` is the first
instance using the disk ("" when unattached).

Instances (``compute.instances.aggregatedList``) → ``host``: ``internet_facing`` when a
network interface has an access config (an external IPv4; its ``natIP`` is empty
while an ephemeral-IP instance is stopped) or an IPv6 access config; ``disk_encrypted``
true; OS and patch state from OS Config where available (osconfig.py). The instance
metadata (startup scripts, SSH keys) is never copied into ``raw``.

Aggregated lists use ``returnPartialSuccess``: a zone Google could not reach becomes a
``CollectionError`` for that zone's resource type.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.checks.network import ProtocolError, has_ports, is_protocol, normalize_protocol
from mamori.providers.gcp import osconfig
from mamori.providers.gcp.errors import FAILED, Outcome, Recorder
from mamori.providers.gcp.projects import ProjectContext
from mamori.providers.gcp.values import (
    GLOBAL,
    labels,
    last_segment,
    make_resource,
    normalize_cidr,
    parse_ports,
    without,
)

ALL_PORTS = [[0, 65535]]
_FULL_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def collect_firewalls(ctx: ProjectContext) -> Iterator[Resource | CollectionError]:
    """Every enabled firewall rule of the project, one resource per protocol."""
    rec = Recorder(ctx.project_id)
    path = f"compute/v1/projects/{ctx.project_id}/global/firewalls"
    rules = rec.call("compute.firewalls.list", rec.scope(), ctx.rest.all_items, "compute",
                     path, "items", resource_types=("firewall_rule",))
    if rules is not FAILED:
        for rule in rules:
            if not rule.get("disabled"):
                yield from firewall_resources(ctx.project_id, rule)
    yield from rec.drain()


def firewall_resources(project: str, rule: Mapping[str, Any]) -> list[Resource]:
    """The ``firewall_rule`` resources of one enabled rule."""
    action, entries = ("allow", rule.get("allowed")) if rule.get("allowed") else (
        "deny", rule.get("denied"))
    # Keyed by the vocabulary name, or by the text Google sent for one outside it.
    by_protocol: dict[str, list[list[int]] | None] = {}
    for entry in entries or ():
        raw = str(entry.get("IPProtocol") or "all").strip()
        protocol = _protocol(raw) or raw
        ports = _ports(protocol, entry.get("ports"))
        known = by_protocol.get(protocol, [])
        by_protocol[protocol] = None if known is None or ports is None else known + ports
    name = str(rule.get("name"))
    link = str(rule.get("selfLink") or f"https://www.googleapis.com/compute/v1/projects/"
                                       f"{project}/global/firewalls/{name}")
    common = _firewall_common(rule, action)
    return [make_resource(
        "firewall_rule", link if len(by_protocol) == 1 else f"{link}#{protocol}", name=name,
        project=project, region=GLOBAL, source=f"compute.googleapis.com/compute/v1/projects/"
        f"{project}/global/firewalls/{name}",
        attributes={**common, **_protocol_attrs(protocol),
                    **({} if ports is None else {"ports": ports})})
        for protocol, ports in sorted(by_protocol.items())]


def _protocol_attrs(protocol: str) -> dict[str, str]:
    if is_protocol(protocol):
        return {"protocol": protocol}
    return {"x_protocol": protocol}  # outside the vocabulary: rules needing it ERROR


def _firewall_common(rule: Mapping[str, Any], action: str) -> dict[str, Any]:
    ingress = str(rule.get("direction") or "INGRESS").upper() == "INGRESS"
    attrs: dict[str, Any] = {
        "direction": "ingress" if ingress else "egress", "action": action,
        "x_priority": rule.get("priority", 1000),
        "x_network": last_segment(rule.get("network")),
        "x_target_tags": list(rule.get("targetTags") or ()),
        "x_target_service_accounts": list(rule.get("targetServiceAccounts") or ()),
        "raw": dict(rule)}
    if ingress:
        ranges = [normalize_cidr(str(r)) for r in rule.get("sourceRanges") or ()]
        tags = list(rule.get("sourceTags") or ())
        accounts = list(rule.get("sourceServiceAccounts") or ())
        # Google: an ingress rule without any source applies to every IPv4 source.
        attrs["sources"] = ranges or ([] if tags or accounts else ["0.0.0.0/0"])
        attrs.update(x_source_tags=tags, x_source_service_accounts=accounts)
    else:
        attrs["sources"] = []
        attrs["x_destinations"] = [normalize_cidr(str(r))
                                   for r in rule.get("destinationRanges") or ()]
    return attrs


def _protocol(value: str) -> str | None:
    """The vocabulary name of an ``IPProtocol``; None for one outside the vocabulary."""
    try:
        return normalize_protocol(value)
    except ProtocolError:
        return None


def _ports(protocol: str, values: Any) -> list[list[int]] | None:
    if not is_protocol(protocol):
        return None  # what an unknown protocol opens is unknown
    if not has_ports(protocol):
        return []
    if not values:
        return [list(r) for r in ALL_PORTS]
    return parse_ports(values)


def collect_disks(ctx: ProjectContext) -> Iterator[Resource | CollectionError]:
    """Every persistent disk of the project as a ``volume``."""
    rec = Recorder(ctx.project_id)
    disks = aggregated(ctx, rec, "disks", "volume")
    if disks is not FAILED:
        yield from (disk_resource(ctx.project_id, d) for d in disks)
    yield from rec.drain()


def disk_resource(project: str, disk: Mapping[str, Any]) -> Resource:
    """One ``volume`` resource."""
    key = disk.get("diskEncryptionKey") or {}
    users = [str(u) for u in disk.get("users") or ()]
    name = str(disk.get("name"))
    location = last_segment(disk.get("zone") or disk.get("region"))
    supplied = bool(key.get("sha256") or key.get("rsaEncryptedKey"))
    attrs = {"encrypted": True, "attached_to": users[0] if users else "",
             "customer_managed_key": bool(key.get("kmsKeyName")) or supplied,
             "x_attached_to": users, "x_customer_supplied_key": supplied,
             "x_status": disk.get("status"), "raw": dict(disk)}
    if key.get("kmsKeyName"):
        attrs["x_kms_key_name"] = str(key["kmsKeyName"])
    return make_resource("volume", str(disk.get("selfLink") or name), name=name,
                         project=project, region=location, attributes=attrs,
                         source=_source(project, disk, "disks"), tags=labels(disk.get("labels")))


def collect_instances(ctx: ProjectContext) -> Iterator[Resource | CollectionError]:
    """Every VM instance of the project as a ``host``, with OS Config data when present."""
    rec = Recorder(ctx.project_id)
    instances = aggregated(ctx, rec, "instances", "host")
    if instances is not FAILED:
        patch = osconfig.host_state(ctx, rec, instances)
        for instance in instances:
            yield instance_resource(ctx.project_id, instance,
                                    patch.get(str(instance.get("id")), {}))
    yield from rec.drain()


def instance_resource(project: str, instance: Mapping[str, Any],
                      extra: Mapping[str, Any]) -> Resource:
    """One ``host`` resource; ``extra`` holds OS Config attributes."""
    nics = instance.get("networkInterfaces") or ()
    external = [str(c.get("natIP")) for n in nics for c in n.get("accessConfigs") or ()
                if c.get("natIP")]
    external += [str(c.get("externalIpv6")) for n in nics
                 for c in n.get("ipv6AccessConfigs") or () if c.get("externalIpv6")]
    accounts = instance.get("serviceAccounts") or ()
    name = str(instance.get("name"))
    attrs = {
        "internet_facing": any(n.get("accessConfigs") or n.get("ipv6AccessConfigs")
                               for n in nics),
        "disk_encrypted": True, "x_external_ips": external,
        "x_status": instance.get("status"),
        "x_machine_type": last_segment(instance.get("machineType")),
        "x_service_accounts": [str(a.get("email")) for a in accounts],
        "x_full_api_access": any(_FULL_SCOPE in (a.get("scopes") or ()) for a in accounts),
        **extra, "raw": without(instance, "metadata")}
    return make_resource("host", str(instance.get("selfLink") or name), name=name,
                         project=project, region=last_segment(instance.get("zone")),
                         attributes=attrs, source=_source(project, instance, "instances"),
                         tags=labels(instance.get("labels")))


def aggregated(ctx: ProjectContext, rec: Recorder, kind: str,
               rtype: str) -> list[dict[str, Any]] | Outcome:
    """Every item of ``aggregated/{kind}``; unreachable zones are recorded per zone."""
    operation = f"compute.{kind}.aggregatedList"
    path = f"compute/v1/projects/{ctx.project_id}/aggregated/{kind}"
    pages = rec.call(operation, rec.scope(), lambda: list(ctx.rest.pages(
        "compute", path, {"returnPartialSuccess": "true"})), resource_types=(rtype,))
    if pages is FAILED:
        return FAILED
    found: list[dict[str, Any]] = []
    for page in pages:
        for scope_name, scoped in (page.get("items") or {}).items():
            found += scoped.get(kind) or []
            warning = scoped.get("warning") or {}
            if warning.get("code") == "UNREACHABLE":
                _unreachable(rec, operation, scope_name, rtype, warning.get("message"))
        for scope_name in page.get("unreachables") or ():
            _unreachable(rec, operation, str(scope_name), rtype, None)
    return found


def _unreachable(rec: Recorder, operation: str, scope_name: str, rtype: str,
                 message: Any) -> None:
    region = last_segment(scope_name)
    rec.add(operation, rec.scope(scope_name), "UNREACHABLE",
            str(message or f"{scope_name} could not be reached"), (rtype,), region)


def _source(project: str, item: Mapping[str, Any], kind: str) -> str:
    location = item.get("zone") or item.get("region")
    prefix = "zones" if item.get("zone") else "regions"
    return (f"compute.googleapis.com/compute/v1/projects/{project}/{prefix}/"
            f"{last_segment(location)}/{kind}/{item.get('name')}")
