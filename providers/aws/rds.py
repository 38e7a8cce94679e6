"""RDS DB instances and DB clusters as ``database`` resources.

``public`` is RDS's ``PubliclyAccessible`` (the instance has a public address; its
security groups may still filter). Aurora clusters do not carry that flag themselves:
a cluster is public when any of its member instances is. ``default_credentials`` is
not something the API can tell, so it is never set here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.aws.common import resource, tag_map
from mamori.providers.aws.errors import Scope
from mamori.providers.aws.session import Account

TYPES = ("database",)

Item = Resource | CollectionError


def collect(account: Account, region: str) -> Iterator[Item]:
    """DB instances, then DB clusters."""
    scope = Scope(account.id, region)
    rds = account.clients.get("rds", region)
    instances = list(scope.pages("rds:DescribeDBInstances", rds, "describe_db_instances",
                                 "DBInstances", resource_types=TYPES))
    instances_ok = not scope.errors
    for instance in instances:
        yield _instance(account, region, instance)
    public_members = {str(i.get("DBInstanceIdentifier")) for i in instances
                      if i.get("PubliclyAccessible")}
    for cluster in scope.pages("rds:DescribeDBClusters", rds, "describe_db_clusters",
                               "DBClusters", resource_types=TYPES):
        yield _cluster(account, region, cluster, public_members if instances_ok else None)
    yield from scope.drain()


def _common(item: dict[str, Any]) -> dict[str, Any]:
    attributes: dict[str, Any] = {"encrypted": bool(item.get("StorageEncrypted")),
                                  "engine": str(item.get("Engine", ""))}
    if item.get("MasterUsername"):
        attributes["admin_username"] = str(item["MasterUsername"])
    return attributes


def _instance(account: Account, region: str, instance: dict[str, Any]) -> Resource:
    attributes = _common(instance)
    attributes["public"] = bool(instance.get("PubliclyAccessible"))
    name = str(instance["DBInstanceIdentifier"])
    return resource("database", str(instance["DBInstanceArn"]), name=name,
                    account=account.id, region=region, source="aws:rds:DescribeDBInstances",
                    tags=tag_map(instance.get("TagList")), attributes=attributes)


def _cluster(account: Account, region: str, cluster: dict[str, Any],
             public_members: set[str] | None) -> Resource:
    attributes = _common(cluster)
    members = {str(m.get("DBInstanceIdentifier")) for m in cluster.get("DBClusterMembers", [])}
    flag = cluster.get("PubliclyAccessible")
    if flag or (public_members is not None and members & public_members):
        attributes["public"] = True
    elif public_members is not None:
        attributes["public"] = bool(flag)
    name = str(cluster["DBClusterIdentifier"])
    return resource("database", str(cluster["DBClusterArn"]), name=name,
                    account=account.id, region=region, source="aws:rds:DescribeDBClusters",
                    tags=tag_map(cluster.get("TagList")), attributes=attributes)
