"""Managed disks → ``volume``; virtual machines → ``host``.

``volume``:

- ``encrypted``: the disk's ``encryption.type`` names an encryption at rest
  (platform key, customer key, or both), or Azure Disk Encryption is enabled
  (``encryptionSettingsCollection.enabled``). No ``encryption`` in the answer → absent.
- ``x_customer_managed_key``: the key is the customer's (disk encryption set or ADE).
- ``attached_to``: the VM in ``managedBy``; absent for an unattached disk
  (``x_disk_state`` says ``Unattached``).

``host``: ``os`` from the OS disk's ``osType`` (``windows``/``linux``), ``os_version``
from the instance view, ``disk_encrypted`` from the OS disk's ``volume``,
``internet_facing`` when one of the VM's NICs has a public IP address (public load
balancers are not followed). Patch facts come from the instance view's
``patchStatus`` (Azure Update Manager's last results; the provider does not start an
``assessPatches`` run, which is a long-running write):

- ``missing_critical_patches``: ``availablePatchSummary.criticalAndSecurityPatchCount``
  of a succeeded assessment;
- ``last_patched``: the latest of the last succeeded patch installation and the last
  succeeded assessment that found nothing missing (the host was up to date then).

Without a patch status both stay absent (ERROR on the patch rules), never guessed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from mamori.checks.model import Resource
from mamori.providers.azure import clients, network
from mamori.providers.azure.arm import parse_time, props, resource_group, tags
from mamori.providers.azure.errors import FAILED, PROVIDER, Scope
from mamori.providers.azure.options import AzureOptions
from mamori.providers.azure.subscriptions import Subscription
from mamori.providers.interface import Collected

RESOURCE_TYPES: tuple[str, ...] = ("volume", "host")

_CUSTOMER_KEY_TYPES = frozenset({"encryptionatrestwithcustomerkey",
                                 "encryptionatrestwithplatformandcustomerkeys"})
_DONE = frozenset({"succeeded", "completedwithwarnings"})


def collect(sub: Subscription, credential: Any, options: AzureOptions) -> Iterator[Collected]:
    """``volume`` and ``host`` resources of one subscription, then its errors."""
    scope = Scope("subscription", sub.id)
    client = clients.compute_client(credential, options, sub.id)
    disks = scope.items("Microsoft.Compute/disks/read", client.disks.list,
                        resource_types=("volume",))
    encrypted: dict[str, bool] = {}
    if disks is not FAILED:
        for disk in disks:
            resource = volume(disk, sub.id)
            if "encrypted" in resource.attributes:
                encrypted[resource.id.lower()] = resource.attributes["encrypted"]
            yield resource
    vms = scope.items("Microsoft.Compute/virtualMachines/read", client.virtual_machines.list_all,
                      resource_types=("host",))
    if vms is not FAILED and vms:
        nics = network.public_nics(clients.network_client(credential, options, sub.id), scope)
        for vm in vms:
            yield _host(vm, client, scope, sub.id, encrypted, nics)
    yield from scope.drain()


def volume(disk: Mapping[str, Any], account: str) -> Resource:
    """One managed disk as a ``volume``."""
    p = props(disk)
    attrs: dict[str, Any] = {}
    enc = p.get("encryption")
    ade = p.get("encryptionSettingsCollection")
    ade_on = isinstance(ade, Mapping) and ade.get("enabled") is True
    enc_type = str(enc.get("type") or "") if isinstance(enc, Mapping) else ""
    if enc_type or ade_on:
        attrs["encrypted"] = bool(enc_type.lower().startswith("encryptionatrest") or ade_on)
        attrs["x_customer_managed_key"] = enc_type.lower() in _CUSTOMER_KEY_TYPES or ade_on
        if enc_type:
            attrs["x_encryption_type"] = enc_type
    if disk.get("managedBy"):
        attrs["attached_to"] = str(disk["managedBy"])
    if p.get("diskState"):
        attrs["x_disk_state"] = str(p["diskState"])
    arm_id = str(disk.get("id", ""))
    return Resource(type="volume", id=arm_id, name=str(disk.get("name", "")),
                    provider=PROVIDER, account=account, region=str(disk.get("location", "")),
                    tags=tags(disk), source=arm_id, attributes=attrs)


def _host(vm: Mapping[str, Any], client: Any, scope: Scope, account: str,
          encrypted: dict[str, bool], nics: dict[str, bool] | None) -> Resource:
    arm_id = str(vm.get("id", ""))
    name = str(vm.get("name", ""))
    p = props(vm)
    attrs: dict[str, Any] = {}
    os_disk = (p.get("storageProfile") or {}).get("osDisk") or {}
    if os_disk.get("osType"):
        attrs["os"] = str(os_disk["osType"]).lower()
    disk_id = str((os_disk.get("managedDisk") or {}).get("id") or "").lower()
    if disk_id in encrypted:
        attrs["disk_encrypted"] = encrypted[disk_id]
    attrs.update(_internet_facing(p, arm_id, nics))
    view = scope.call("Microsoft.Compute/virtualMachines/instanceView/read",
                      client.virtual_machines.instance_view, resource_group(arm_id), name)
    if view is not FAILED and isinstance(view, Mapping):
        attrs.update(_from_instance_view(view))
    return Resource(type="host", id=arm_id, name=name, provider=PROVIDER, account=account,
                    region=str(vm.get("location", "")), tags=tags(vm), source=arm_id,
                    attributes=attrs)


def _internet_facing(p: Mapping[str, Any], vm_id: str,
                     nics: dict[str, bool] | None) -> dict[str, Any]:
    if nics is None:
        return {}
    refs = (p.get("networkProfile") or {}).get("networkInterfaces") or []
    if refs and vm_id.lower() not in nics:
        return {}  # its NICs were not in the listing: cannot tell
    return {"internet_facing": nics.get(vm_id.lower(), False)}


def _from_instance_view(view: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if view.get("osVersion"):
        out["os_version"] = str(view["osVersion"])
    if view.get("osName"):
        out["x_os_name"] = str(view["osName"])
    status = view.get("patchStatus")
    if isinstance(status, Mapping):
        out.update(patch_facts(status))
    return out


def patch_facts(status: Mapping[str, Any]) -> dict[str, Any]:
    """``last_patched`` and ``missing_critical_patches`` from a VM's ``patchStatus``."""
    out: dict[str, Any] = {}
    times: list[datetime] = []
    assessment = status.get("availablePatchSummary")
    if isinstance(assessment, Mapping) and _done(assessment):
        critical = assessment.get("criticalAndSecurityPatchCount")
        if isinstance(critical, int):
            out["missing_critical_patches"] = critical
        other = assessment.get("otherPatchCount")
        assessed = parse_time(assessment.get("lastModifiedTime"))
        if critical == 0 and other == 0 and assessed is not None:
            times.append(assessed)
    install = status.get("lastPatchInstallationSummary")
    if isinstance(install, Mapping) and _done(install):
        installed = parse_time(install.get("lastModifiedTime"))
        if installed is not None:
            times.append(installed)
    if times:
        out["last_patched"] = max(times)
    return out


def _done(summary: Mapping[str, Any]) -> bool:
    return str(summary.get("status") or "").lower() in _DONE
