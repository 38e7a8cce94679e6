"""RDS DB instances and DB clusters as ``database`` resources.

- ``public``: reachable from the internet, from three parts (:mod:`~.reach`):
  ``PubliclyAccessible``, a subnet of the DB subnet group routing the internet to an
  internet gateway (``ec2:DescribeRouteTables``), and a VPC security group admitting
  the internet on the database port (``ec2:DescribeSecurityGroups``). The network is
  only read for publicly accessible instances. An Aurora cluster is reachable when one
  of its member instances is.
- ``tls_required``: the engine's parameter in the DB (cluster) parameter group
  (:mod:`~.rds_tls`); an Aurora member instance has its cluster's.
- ``backups_enabled``: ``BackupRetentionPeriod`` above 0 (0 turns automated backups
  off; Aurora keeps at least one day).
- ``customer_managed_key``: storage encrypted with a key KMS reports as customer
  managed (:mod:`~.kms`); unencrypted storage has none (false).
- ``default_credentials`` is not something the API can tell and is never set.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.checks.tri import Tri, tri_any
from mamori.providers.aws import rds_tls, reach
from mamori.providers.aws.common import batches, resource, tag_map
from mamori.providers.aws.ec2 import permission_view
from mamori.providers.aws.errors import Scope
from mamori.providers.aws.kms import KeyCache, key_cache
from mamori.providers.aws.session import Account

TYPES = ("database",)
_FILTER_BATCH = 100  # values per EC2 filter

Item = Resource | CollectionError


class _Network:
    """Security groups and route tables of the region, read once and only if needed.

    Its calls are recorded in its own ``scope`` (region-wide: they serve every database).
    """

    def __init__(self, account: Account, region: str, instances: list[dict[str, Any]]) -> None:
        self.scope = scope = Scope(account.id, region)
        public = [i for i in instances if i.get("PubliclyAccessible") is True]
        groups = sorted({str(g["VpcSecurityGroupId"]) for i in public
                         for g in i.get("VpcSecurityGroups") or [] if g.get("VpcSecurityGroupId")})
        vpcs = sorted({str(i["DBSubnetGroup"]["VpcId"]) for i in public
                       if (i.get("DBSubnetGroup") or {}).get("VpcId")})
        ec2 = account.clients.get("ec2", region)
        found = self._filtered(scope, ec2, "ec2:DescribeSecurityGroups",
                               "describe_security_groups", "SecurityGroups", "group-id", groups)
        self.groups = None if found is None else {str(g["GroupId"]): g for g in found}
        self.tables = self._filtered(scope, ec2, "ec2:DescribeRouteTables",
                                     "describe_route_tables", "RouteTables", "vpc-id", vpcs)

    @staticmethod
    def _filtered(scope: Scope, ec2: Any, operation: str, method: str, key: str, name: str,
                  values: list[str]) -> list[dict[str, Any]] | None:
        found: list[dict[str, Any]] = []
        before = len(scope.errors)
        for chunk in batches(values, _FILTER_BATCH):
            found += scope.pages(operation, ec2, method, key, resource_types=(),
                                 Filters=[{"Name": name, "Values": chunk}])
        return found if len(scope.errors) == before else None

    def route(self, instance: dict[str, Any]) -> Tri:
        group = instance.get("DBSubnetGroup") or {}
        subnets = [str(s["SubnetIdentifier"]) for s in group.get("Subnets") or []
                   if s.get("SubnetIdentifier")]
        if not subnets or not group.get("VpcId"):
            return None  # not told where it runs
        return reach.subnets_route_internet(subnets, str(group["VpcId"]), self.tables)

    def ingress(self, instance: dict[str, Any]) -> Tri:
        ids = [str(g.get("VpcSecurityGroupId")) for g in instance.get("VpcSecurityGroups") or []]
        if not ids or self.groups is None or any(i not in self.groups for i in ids):
            return None
        permissions = [permission_view(p) for i in ids
                       for p in self.groups[i].get("IpPermissions") or []]
        return reach.admits_internet(permissions, _port(instance))


class _Parameters:
    """Parameter groups' values, read once per group."""

    def __init__(self, account: Account, region: str) -> None:
        self._rds = account.clients.get("rds", region)
        self._account = account
        self._region = region
        self._known: dict[tuple[str, str], dict[str, str | None] | None] = {}
        self.errors: list[CollectionError] = []

    def values(self, kind: str, name: str) -> dict[str, str | None] | None:
        """name → value (None: listed without one) of a ``db`` or ``cluster`` group.

        A default group is not read: it holds the engine defaults (an empty mapping)."""
        if rds_tls.is_default_group(name):
            return {}
        if (kind, name) not in self._known:
            scope = Scope(self._account.id, self._region, f"{kind} parameter group {name}")
            operation, method, arg = (
                ("rds:DescribeDBParameters", "describe_db_parameters", "DBParameterGroupName")
                if kind == "db" else ("rds:DescribeDBClusterParameters",
                                      "describe_db_cluster_parameters",
                                      "DBClusterParameterGroupName"))
            found = {str(p["ParameterName"]): (None if p.get("ParameterValue") is None
                                               else str(p["ParameterValue"]))
                     for p in scope.pages(operation, self._rds, method, "Parameters",
                                          resource_types=(), **{arg: name})
                     if p.get("ParameterName")}
            self._known[(kind, name)] = None if scope.errors else found
            self.errors += scope.errors
        return self._known[(kind, name)]


def collect(account: Account, region: str) -> Iterator[Item]:
    """DB instances, then DB clusters."""
    scope = Scope(account.id, region)
    rds = account.clients.get("rds", region)
    instances = list(scope.pages("rds:DescribeDBInstances", rds, "describe_db_instances",
                                 "DBInstances", resource_types=TYPES))
    instances_ok = not scope.errors
    clusters = list(scope.pages("rds:DescribeDBClusters", rds, "describe_db_clusters",
                                "DBClusters", resource_types=TYPES))
    network = _Network(account, region, instances)
    params, keys = _Parameters(account, region), key_cache(account)
    cluster_tls = {str(c.get("DBClusterIdentifier")): _cluster_tls(c, params) for c in clusters}
    reachable: dict[str, Tri] = {}
    for instance in instances:
        name = str(instance.get("DBInstanceIdentifier"))
        item_scope = scope.child(f"database {name}")
        found = item_scope.isolated(f"read database {name}", TYPES, partial(
            _instance, account, region, instance, network, params, keys, item_scope,
            cluster_tls))
        if found is not None:
            reachable[name] = found.attributes.get("public")
            yield found
        yield from item_scope.drain()
    for cluster in clusters:
        name = str(cluster.get("DBClusterIdentifier"))
        item_scope = scope.child(f"database cluster {name}")
        built = item_scope.isolated(f"read database cluster {name}", TYPES, partial(
            _cluster, account, region, cluster, reachable if instances_ok else None, keys,
            item_scope, cluster_tls.get(name)))
        if built is not None:
            yield built
        yield from item_scope.drain()
    yield from scope.drain()
    yield from network.scope.drain()
    yield from params.errors


def _port(item: dict[str, Any]) -> int | None:
    for value in ((item.get("Endpoint") or {}).get("Port"), item.get("DbInstancePort"),
                  item.get("Port")):
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 65535:
            return value
    return None


def _common(item: dict[str, Any], keys: KeyCache, region: str,
            scope: Scope) -> dict[str, Any]:
    encrypted = item.get("StorageEncrypted") is True
    attributes: dict[str, Any] = {"encrypted": encrypted, "engine": str(item.get("Engine", ""))}
    if item.get("MasterUsername"):
        attributes["admin_username"] = str(item["MasterUsername"])
    retention = item.get("BackupRetentionPeriod")
    if isinstance(retention, int) and not isinstance(retention, bool):
        attributes["backups_enabled"] = retention > 0
    customer = (keys.customer_managed(item.get("KmsKeyId"), region, scope)
                if encrypted and item.get("KmsKeyId") else None if encrypted else False)
    if customer is not None:
        attributes["customer_managed_key"] = customer
    return attributes


def _set(attributes: dict[str, Any], key: str, value: Tri) -> None:
    if value is not None:
        attributes[key] = value


def _instance(account: Account, region: str, instance: dict[str, Any], network: _Network,
              params: _Parameters, keys: KeyCache, scope: Scope,
              cluster_tls: dict[str, Tri]) -> Resource:
    attributes = _common(instance, keys, region, scope)
    flag = instance.get("PubliclyAccessible")
    accessible: Tri = flag if isinstance(flag, bool) else None
    evidence: dict[str, Any] = {"x_publicly_accessible": accessible, "x_port": _port(instance)}
    route = ingress = None
    if accessible:
        route, ingress = network.route(instance), network.ingress(instance)
        evidence.update(x_internet_route=route, x_internet_ingress=ingress)
    _set(attributes, "public", reach.reachable(accessible, route, ingress))
    cluster = instance.get("DBClusterIdentifier")
    if cluster:
        _set(attributes, "tls_required", cluster_tls.get(str(cluster)))
    else:
        _set(attributes, "tls_required", _instance_tls(instance, params))
    attributes.update({k: v for k, v in evidence.items() if v is not None})
    name = str(instance["DBInstanceIdentifier"])
    return resource("database", str(instance["DBInstanceArn"]), name=name,
                    account=account.id, region=region, source="aws:rds:DescribeDBInstances",
                    tags=tag_map(instance.get("TagList")), attributes=attributes)


def _instance_tls(instance: dict[str, Any], params: _Parameters) -> Tri:
    groups = instance.get("DBParameterGroups") or []
    if len(groups) != 1 or not groups[0].get("DBParameterGroupName"):
        return None
    group = groups[0]
    return rds_tls.tls_required(
        str(instance.get("Engine", "")), str(instance.get("EngineVersion", "")),
        params.values("db", str(group["DBParameterGroupName"])),
        group.get("ParameterApplyStatus") == "in-sync")


def _cluster_tls(cluster: dict[str, Any], params: _Parameters) -> Tri:
    name = cluster.get("DBClusterParameterGroup")
    if not name:
        return None
    members = cluster.get("DBClusterMembers") or []
    in_sync = all(m.get("DBClusterParameterGroupStatus") == "in-sync" for m in members)
    return rds_tls.tls_required(str(cluster.get("Engine", "")),
                                str(cluster.get("EngineVersion", "")),
                                params.values("cluster", str(name)), in_sync)


def _cluster(account: Account, region: str, cluster: dict[str, Any],
             reachable: dict[str, Tri] | None, keys: KeyCache, scope: Scope,
             tls: Tri) -> Resource:
    attributes = _common(cluster, keys, region, scope)
    members = [str(m.get("DBInstanceIdentifier")) for m in cluster.get("DBClusterMembers") or []]
    if reachable is not None:
        # A member not in the instance listing is one we know nothing about.
        _set(attributes, "public", tri_any(reachable.get(m) for m in members))
    _set(attributes, "tls_required", tls)
    name = str(cluster["DBClusterIdentifier"])
    return resource("database", str(cluster["DBClusterArn"]), name=name,
                    account=account.id, region=region, source="aws:rds:DescribeDBClusters",
                    tags=tag_map(cluster.get("TagList")), attributes=attributes)
