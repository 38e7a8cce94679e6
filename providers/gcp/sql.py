"""Cloud SQL instances → ``database`` resources (Cloud SQL Admin API v1).

- ``public``: the instance has a public IPv4 address (``ipConfiguration.ipv4Enabled``)
  and an authorized network covering every address (``0.0.0.0/0``). A public IP with
  no such network is reachable only through the Cloud SQL connectors / Auth Proxy with
  IAM, so it is not public (``x_public_ip`` shows it; ``x_authorized_networks`` lists
  the networks for custom rules).
- ``encrypted``: always true (Cloud SQL encrypts data at rest);
  ``customer_managed_key`` when ``diskEncryptionConfiguration.kmsKeyName`` is set (CMEK).
- ``tls_required``: ``settings.ipConfiguration.sslMode`` ENCRYPTED_ONLY or
  TRUSTED_CLIENT_CERTIFICATE_REQUIRED, or the legacy ``requireSsl`` true (SQL Server
  still uses it). Google allows only consistent pairs (ALLOW_UNENCRYPTED_AND_ENCRYPTED
  and ENCRYPTED_ONLY with ``requireSsl`` false or cleared, TRUSTED_CLIENT_CERTIFICATE_
  REQUIRED with it true or cleared), so either flag that enforces TLS decides
  (https://cloud.google.com/sql/docs/mysql/admin-api/rest/v1/instances#ipconfiguration).
- ``backups_enabled``: ``settings.backupConfiguration.enabled``;
  ``x_point_in_time_recovery`` too.
- ``engine``: mysql / postgres / sqlserver from ``databaseVersion``
  (``x_engine_version`` keeps it whole).
- ``admin_username``: Cloud SQL has no single admin field; every built-in user has
  administrative rights (``cloudsqlsuperuser`` on PostgreSQL, near-root on MySQL,
  ``sqlserver`` on SQL Server). So of the instance's BUILT_IN users (``users.list``),
  the engine's default superuser (root, postgres, sqlserver) when it exists, else the
  first by name. Users can be listed only while the instance runs: for a stopped one
  (``state`` STOPPED, or ``settings.activationPolicy`` NEVER: Google's "stop an
  instance" sets it) and other non-RUNNABLE states no call is made, nothing is an
  error, and ``admin_username`` is out of reach (observes.py), ``x_stopped`` true.
- ``default_credentials`` is not knowable from the API and stays absent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.gcp.errors import FAILED, Recorder
from mamori.providers.gcp.projects import ProjectContext
from mamori.providers.gcp.values import covers_everything, labels, make_resource, without

_ENGINES = (("POSTGRES", "postgres"), ("MYSQL", "mysql"), ("SQLSERVER", "sqlserver"))
_DEFAULT_ADMIN = {"postgres": "postgres", "mysql": "root", "sqlserver": "sqlserver"}
_TLS_MODES = frozenset({"ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"})


def collect(ctx: ProjectContext) -> Iterator[Resource | CollectionError]:
    """Every Cloud SQL instance of the project as a ``database``."""
    rec = Recorder(ctx.project_id)
    instances = rec.call("sqladmin.instances.list", rec.scope(), ctx.rest.all_items,
                         "sqladmin", f"v1/projects/{ctx.project_id}/instances", "items",
                         resource_types=("database",))
    if instances is not FAILED:
        for instance in instances:
            admin = _admin_username(ctx, rec, instance)
            yield database_resource(ctx.project_id, instance, admin)
    yield from rec.drain()


def engine(version: Any) -> str | None:
    """``POSTGRES_15`` → ``postgres``; None for an unknown family."""
    text = str(version or "").upper()
    return next((name for prefix, name in _ENGINES if text.startswith(prefix)), None)


def database_resource(project: str, instance: Mapping[str, Any],
                      admin_username: str | None) -> Resource:
    """One ``database`` resource; ``admin_username`` from ``users.list`` when read."""
    settings = instance.get("settings") or {}
    ip = settings.get("ipConfiguration") or {}
    networks = [str(n.get("value")) for n in ip.get("authorizedNetworks") or ()]
    backup = settings.get("backupConfiguration") or {}
    kms_key = (instance.get("diskEncryptionConfiguration") or {}).get("kmsKeyName")
    public_ip = bool(ip.get("ipv4Enabled"))
    attrs: dict[str, Any] = {
        "public": public_ip and any(covers_everything(n) for n in networks),
        "encrypted": True, "customer_managed_key": bool(kms_key),
        "tls_required": tls_required(ip), "backups_enabled": bool(backup.get("enabled")),
        "x_public_ip": public_ip, "x_authorized_networks": networks,
        "x_engine_version": instance.get("databaseVersion"),
        "x_point_in_time_recovery": bool(backup.get("pointInTimeRecoveryEnabled")
                                          or backup.get("binaryLogEnabled")),
        "x_state": instance.get("state"), "x_stopped": stopped(instance),
        "raw": without(instance, "serverCaCert")}
    family = engine(instance.get("databaseVersion"))
    if family:
        attrs["engine"] = family
    if admin_username is not None:
        attrs["admin_username"] = admin_username
    name = str(instance.get("name"))
    return make_resource(
        "database", str(instance.get("selfLink") or f"projects/{project}/instances/{name}"),
        name=name, project=project, region=str(instance.get("region") or ""),
        source=f"sqladmin.googleapis.com/v1/projects/{project}/instances/{name}",
        attributes=attrs, tags=labels(settings.get("userLabels")))


def tls_required(ip: Mapping[str, Any]) -> bool:
    """Whether connections must use TLS: an enforcing ``sslMode`` or ``requireSsl``."""
    return ip.get("sslMode") in _TLS_MODES or ip.get("requireSsl") is True


def stopped(instance: Mapping[str, Any]) -> bool:
    """A stopped instance: ``state`` STOPPED or activation policy NEVER."""
    policy = (instance.get("settings") or {}).get("activationPolicy")
    return instance.get("state") == "STOPPED" or policy == "NEVER"


def _admin_username(ctx: ProjectContext, rec: Recorder,
                    instance: Mapping[str, Any]) -> str | None:
    family = engine(instance.get("databaseVersion"))
    if family is None or instance.get("state") != "RUNNABLE" or stopped(instance):
        return None  # users can be listed only while the instance runs
    name = str(instance.get("name"))
    users = rec.call("sqladmin.users.list", rec.scope(f"instance {name}"), ctx.rest.all_items,
                     "sqladmin", f"v1/projects/{ctx.project_id}/instances/{name}/users",
                     "items")
    if users is FAILED:
        return None
    built_in = sorted(str(u.get("name")) for u in users
                      if u.get("type", "BUILT_IN") == "BUILT_IN" and u.get("name"))
    if _DEFAULT_ADMIN[family] in built_in:
        return _DEFAULT_ADMIN[family]
    return built_in[0] if built_in else None
