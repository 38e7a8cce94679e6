"""OS and patch state of VM instances from VM Manager (OS Config API v1), where available.

Only instances running the OS Config agent have this data; for the others the
attributes stay absent (the host rules give ERROR, never PASS):

- ``os`` / ``os_version``: the instance inventory's ``osInfo.shortName`` / ``version``
  (``inventories.list`` per zone, BASIC view);
- ``missing_critical_patches``: the number of distinct available updates that fix a
  CRITICAL vulnerability in the instance's vulnerability report
  (``vulnerabilityReports.list`` per zone); critical vulnerabilities without an
  available fix are not counted (there is no patch to miss);
- ``last_patched``: the creation time of the newest patch job (``patchJobs.list``,
  newest ``PATCH_JOBS_SCANNED`` jobs) in which the instance's state is SUCCEEDED or
  SUCCEEDED_REBOOT_REQUIRED. The job's start is used, not its end, so the date is
  never later than the patching. A dry-run job (``dryRun: true``) installs nothing
  (Google: the agent "reports that it has finished without running any updates"), so
  it is skipped, whatever its instances' states. Patching by other means
  (unattended-upgrades, images) is not seen.

When the API is disabled or denied for the project (any denial code, errors.DENIALS,
e.g. ``IAM_PERMISSION_DENIED``), one ``CollectionError`` is recorded and no further
OS Config call is made for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from mamori.providers.gcp.errors import FAILED, Recorder, is_denial
from mamori.providers.gcp.projects import ProjectContext
from mamori.providers.gcp.values import last_segment, parse_time

PATCH_JOBS_SCANNED = 20
_PATCHED = frozenset({"SUCCEEDED", "SUCCEEDED_REBOOT_REQUIRED"})
API = "osconfig"


class _Calls:
    """OS Config calls of one project that stop after a denial."""

    def __init__(self, ctx: ProjectContext, rec: Recorder) -> None:
        self.ctx, self.rec, self.stopped = ctx, rec, False

    def items(self, operation: str, scope: str, path: str, key: str,
              params: Mapping[str, Any] | None = None) -> list[Any] | None:
        if self.stopped:
            return None
        answer = self.rec.call(operation, scope, self.ctx.rest.all_items, API, path, key,
                               params)
        if answer is FAILED:
            self.stopped = is_denial(self.rec.errors[-1].code)
            return None
        return list(answer)


def host_state(ctx: ProjectContext, rec: Recorder,
               instances: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """OS Config attributes per instance id (numeric, as a string)."""
    if not instances:
        return {}
    ids = _instance_ids(instances)
    state: dict[str, dict[str, Any]] = defaultdict(dict)
    calls = _Calls(ctx, rec)
    for zone in sorted({last_segment(i.get("zone")) for i in instances}):
        base = f"v1/projects/{ctx.project_id}/locations/{zone}/instances/-"
        scope = rec.scope(f"zone {zone}")
        for item in calls.items("osconfig.inventories.list", scope, f"{base}/inventories",
                                "inventories", {"view": "BASIC"}) or ():
            _add_os(state, ids, zone, item)
        for report in calls.items("osconfig.vulnerabilityReports.list", scope,
                                  f"{base}/vulnerabilityReports",
                                  "vulnerabilityReports") or ():
            _add_vulnerabilities(state, ids, zone, report)
    for iid, when in _last_patched(calls, ids).items():
        state[iid]["last_patched"] = when
    return dict(state)


def _instance_ids(instances: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], str]:
    """(zone, numeric id or name) → numeric id: OS Config names use either."""
    ids: dict[tuple[str, str], str] = {}
    for instance in instances:
        zone, iid = last_segment(instance.get("zone")), str(instance.get("id"))
        ids[(zone, iid)] = iid
        ids[(zone, str(instance.get("name")))] = iid
    return ids


def _owner(ids: Mapping[tuple[str, str], str], zone: str, name: Any) -> str | None:
    # projects/{number}/locations/{zone}/instances/{id}/inventory (or /vulnerabilityReport)
    parts = str(name or "").split("/")
    instance = parts[parts.index("instances") + 1] if "instances" in parts[:-1] else ""
    return ids.get((zone, instance))


def _add_os(state: dict[str, dict[str, Any]], ids: Mapping[tuple[str, str], str],
            zone: str, inventory: Mapping[str, Any]) -> None:
    iid = _owner(ids, zone, inventory.get("name"))
    info = inventory.get("osInfo") or {}
    if iid is None:
        return
    if info.get("shortName"):
        state[iid]["os"] = str(info["shortName"])
    if info.get("version"):
        state[iid]["os_version"] = str(info["version"])


def _add_vulnerabilities(state: dict[str, dict[str, Any]],
                         ids: Mapping[tuple[str, str], str], zone: str,
                         report: Mapping[str, Any]) -> None:
    iid = _owner(ids, zone, report.get("name"))
    if iid is None:
        return
    fixes = {str(item) for v in report.get("vulnerabilities") or ()
             if str((v.get("details") or {}).get("severity")).upper() == "CRITICAL"
             for item in v.get("availableInventoryItemIds") or ()}
    state[iid]["missing_critical_patches"] = len(fixes)


def _last_patched(calls: _Calls, ids: Mapping[tuple[str, str], str]) -> dict[str, datetime]:
    project = calls.ctx.project_id
    jobs = calls.items("osconfig.patchJobs.list", calls.rec.scope(),
                       f"v1/projects/{project}/patchJobs", "patchJobs") or []
    real = [j for j in jobs if not j.get("dryRun")]  # a dry run patches nothing
    dated = sorted(((w, j) for j in real if (w := parse_time(j.get("createTime")))),
                   key=lambda pair: pair[0], reverse=True)
    wanted, found = set(ids.values()), dict[str, datetime]()
    for when, job in dated[:PATCH_JOBS_SCANNED]:
        if not wanted - found.keys():
            break  # every instance already has its newest patch date
        details = calls.items("osconfig.patchJobs.instanceDetails.list",
                              calls.rec.scope(f"patch job {last_segment(job.get('name'))}"),
                              f"v1/{job.get('name')}/instanceDetails",
                              "patchJobInstanceDetails") or ()
        for detail in details:
            iid = _patched_instance(ids, detail)
            if iid is not None and iid not in found:
                found[iid] = when
    return found


def _patched_instance(ids: Mapping[tuple[str, str], str],
                      detail: Mapping[str, Any]) -> str | None:
    if detail.get("state") not in _PATCHED:
        return None
    system_id = str(detail.get("instanceSystemId") or "")
    if system_id in ids.values():
        return system_id
    parts = str(detail.get("name") or "").split("/")  # projects/p/zones/z/instances/name
    if len(parts) >= 6:
        return ids.get((parts[3], parts[5]))
    return None
