"""Managed disks → ``volume``; virtual machines → ``host``.

``volume``:

- ``encrypted``: the disk's ``encryption.type`` names an encryption at rest
  (platform key, customer key, or both), or Azure Disk Encryption is enabled
  (``encryptionSettingsCollection.enabled``). No ``encryption`` in the answer → absent.
- ``customer_managed_key``: the key is the customer's: ``encryption.type``
  ``EncryptionAtRestWithCustomerKey`` or ``...PlatformAndCustomerKeys`` (a disk encryption
  set), or Azure Disk Encryption (keys in the customer's Key Vault).
- ``attached_to``: the VM in ``managedBy``; absent for an unattached disk
  (``x_disk_state`` says ``Unattached``).

``host``: ``os`` from the OS disk's ``osType`` (``windows``/``linux``), ``os_version``
from the instance view, ``disk_encrypted`` from the OS disk's ``volume``,
``internet_facing`` from ``mamori.providers.azure.exposure`` (a public IP on a NIC, or a
public load balancer's NAT or load-balancing rule; unknown, never false, where that
cannot be decided). ``default_credentials``: false for a Linux VM whose
``osProfile.linuxConfiguration.disablePasswordAuthentication`` is true (no password can
sign in, so no vendor default password can work); otherwise absent: no ARM API shows
whether an image's default accounts still work (declared out of reach, see
``observes``). Patch facts come from the instance view's
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
from mamori.providers.azure import clients, exposure
from mamori.providers.azure.arm import parse_time, props, resource, resource_group
from mamori.providers.azure.errors import FAILED, Scope
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
        reach = exposure.collect(clients.network_client(credential, options, sub.id), scope)
        for vm in vms:
            yield _host(vm, client, scope, sub.id, encrypted, reach)
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
        attrs["customer_managed_key"] = enc_type.lower() in _CUSTOMER_KEY_TYPES or ade_on
        if enc_type:
            attrs["x_encryption_type"] = enc_type
    if disk.get("managedBy"):
        attrs["attached_to"] = str(disk["managedBy"])
    if p.get("diskState"):
        attrs["x_disk_state"] = str(p["diskState"])
    return resource("volume", disk, account, attrs)


def _host(vm: Mapping[str, Any], client: Any, scope: Scope, account: str,
          encrypted: dict[str, bool], reach: exposure.Exposure | None) -> Resource:
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
    attrs.update(_internet_facing(p, arm_id, reach))
    attrs.update(default_credentials(p))
    view = scope.call("Microsoft.Compute/virtualMachines/instanceView/read",
                      client.virtual_machines.instance_view, resource_group(arm_id), name)
    if view is not FAILED and isinstance(view, Mapping):
        attrs.update(_from_instance_view(view))
    return resource("host", vm, account, attrs)


def _internet_facing(p: Mapping[str, Any], vm_id: str,
                     reach: exposure.Exposure | None) -> dict[str, Any]:
    if reach is None:
        return {}
    refs = (p.get("networkProfile") or {}).get("networkInterfaces") or []
    if not refs and vm_id.lower() not in reach.vms:
        return {"internet_facing": False}  # no network interface at all
    facing = reach.internet_facing(vm_id)
    return {} if facing is None else {"internet_facing": facing}


def default_credentials(p: Mapping[str, Any]) -> dict[str, Any]:
    """False when password sign-in is disabled on a Linux VM; otherwise not known."""
    linux = (p.get("osProfile") or {}).get("linuxConfiguration")
    if isinstance(linux, Mapping) and linux.get("disablePasswordAuthentication") is True:
        return {"default_credentials": False}
    return {}


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
