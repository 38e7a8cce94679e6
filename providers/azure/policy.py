"""Azure Policy: is anonymous blob access blocked for a whole subscription?

Azure has no account-wide switch like S3's account-level Block Public Access. The
subscription-wide block is an Azure Policy assignment, at the subscription or above it
(management group, root), of one of Microsoft's built-in definitions:

- ``4fa4b6c0-31ca-4c0d-b10d-24b96f62a751`` "Storage account public access should be
  disallowed" with effect ``Deny`` (its default effect is ``Audit``, which blocks nothing);
- ``13502221-8df0-4414-9937-de9c5c4e396b`` "Configure your Storage account public access
  to be disallowed" with effect ``Modify`` (its default), which rewrites
  ``allowBlobPublicAccess`` to false on every create and update.

Assigned directly or through an initiative (policy set): the effect is the assignment's
``effect`` parameter, an initiative member's literal effect or the initiative parameter it
names (the assignment's value, else the initiative's default), else the definition's
default. An assignment proves the block only when it is enforced (``enforcementMode``
``Default``), excludes nothing of the subscription (``notScopes``; a management-group
notScope may contain it, so it does not prove either) and no policy exemption names it
(exemptions are read when a candidate exists; any exemption of the assignment, at any
scope inside the subscription, means the block is not subscription-wide; an expired
one too, since the provider does not judge dates). Custom definitions are not evaluated.

A Deny or Modify assignment stops new anonymous access; it does not change storage
accounts that already allow it. The tenant ``account`` therefore combines this with the
accounts' own ``allowBlobPublicAccess`` (``mamori.providers.azure.account``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mamori.checks.model import CollectionError
from mamori.providers.azure import clients
from mamori.providers.azure.arm import props, subscription_scope
from mamori.providers.azure.errors import FAILED, Scope
from mamori.providers.azure.options import AzureOptions
from mamori.providers.azure.subscriptions import Subscription

DENY_PUBLIC = "4fa4b6c0-31ca-4c0d-b10d-24b96f62a751"
MODIFY_PUBLIC = "13502221-8df0-4414-9937-de9c5c4e396b"
#: built-in definition → (the effect that blocks, the definition's default effect)
BLOCKING: dict[str, tuple[str, str]] = {DENY_PUBLIC: ("deny", "audit"),
                                        MODIFY_PUBLIC: ("modify", "modify")}
ASSIGNMENTS_API = "2023-04-01"
EXEMPTIONS_API = "2022-07-01-preview"
_PARAMETER = re.compile(r"^\[parameters\('([^']+)'\)\]$")


@dataclass(frozen=True)
class PolicyFacts:
    """Whether policy blocks anonymous blob access subscription-wide (None: unknown)."""

    subscription: str
    blocks_public_access: bool | None
    via: tuple[str, ...] = ()  # the assignments that prove it


@dataclass(frozen=True)
class _Candidate:
    assignment: str  # id
    reference: str  # initiative member reference id ("" for a direct assignment)


def collect(sub: Subscription, credential: Any,
            options: AzureOptions) -> Iterator[PolicyFacts | CollectionError]:
    """The subscription's policy facts, then its collection errors."""
    scope = Scope("subscription", sub.id)
    client = clients.subscription_client(credential, options)
    base = f"{subscription_scope(sub.id)}/providers/Microsoft.Authorization"
    assignments = scope.call("Microsoft.Authorization/policyAssignments/read",
                             clients.arm_pages, client, f"{base}/policyAssignments",
                             ASSIGNMENTS_API, options.arm_base_url, {"$filter": "atScope()"})
    if assignments is FAILED or not isinstance(assignments, list):
        yield PolicyFacts(sub.id, None)
        yield from scope.drain()
        return
    candidates, uncertain = _candidates(sub.id, assignments, client, scope)
    exemptions: Any = []
    if candidates:
        exemptions = scope.call("Microsoft.Authorization/policyExemptions/read",
                                clients.arm_pages, client, f"{base}/policyExemptions",
                                EXEMPTIONS_API, options.arm_base_url)
    if exemptions is FAILED or not isinstance(exemptions, list):
        yield PolicyFacts(sub.id, None)
    else:
        proven = [c.assignment for c in candidates if not _exempted(c, exemptions)]
        blocks = True if proven else (None if uncertain else False)
        yield PolicyFacts(sub.id, blocks, tuple(sorted(set(proven))))
    yield from scope.drain()


def _candidates(sub: str, assignments: list[Any], client: Any,
                scope: Scope) -> tuple[list[_Candidate], bool]:
    """Enforced assignments covering the whole subscription with a blocking effect; and
    whether an initiative that might hold one could not be read."""
    found: list[_Candidate] = []
    uncertain = False
    for assignment in assignments:
        if not isinstance(assignment, Mapping):
            continue
        p = props(assignment)
        if not _covers(sub, p) or str(p.get("enforcementMode") or "Default").lower() != \
                "default":
            continue
        assignment_id = str(assignment.get("id") or "")
        definition = str(p.get("policyDefinitionId") or "")
        values = _values(p.get("parameters"))
        if "/policysetdefinitions/" in definition.lower():
            members = _initiative(client, scope, definition, values)
            if members is None:
                uncertain = True
                continue
            found += [_Candidate(assignment_id, ref) for ref in members]
        elif _blocks(_guid(definition), values.get("effect")):
            found.append(_Candidate(assignment_id, ""))
    return found, uncertain


def _guid(definition_id: str) -> str:
    return definition_id.rstrip("/").rsplit("/", 1)[-1].lower()


def _blocks(guid: str, effect: Any) -> bool:
    if guid not in BLOCKING:
        return False
    blocking, default = BLOCKING[guid]
    return str(effect if isinstance(effect, str) and effect else default).lower() == blocking


def _values(parameters: Any) -> dict[str, Any]:
    """``{"effect": {"value": "Deny"}}`` → ``{"effect": "Deny"}``."""
    if not isinstance(parameters, Mapping):
        return {}
    return {str(k): v.get("value") for k, v in parameters.items() if isinstance(v, Mapping)}


def _covers(sub: str, p: Mapping[str, Any]) -> bool:
    """Assigned at the subscription or above, and nothing of the subscription excluded."""
    mine = subscription_scope(sub).lower()
    where = str(p.get("scope") or "").rstrip("/").lower()
    if where != mine and where.startswith("/subscriptions/"):
        return False  # a resource group or another subscription
    for excluded in p.get("notScopes") or []:
        text = str(excluded).rstrip("/").lower()
        if not text.startswith("/subscriptions/") or text == mine or \
                text.startswith(mine + "/"):
            return False
    return True


def _initiative(client: Any, scope: Scope, set_id: str,
                values: Mapping[str, Any]) -> list[str] | None:
    """Reference ids of the initiative's members that block; None when unreadable."""
    answer = scope.call("Microsoft.Authorization/policySetDefinitions/read", clients.arm_get,
                        client, set_id, ASSIGNMENTS_API)
    if answer is FAILED or not isinstance(answer, Mapping):
        return None
    p = props(answer)
    defaults = {str(k): v.get("defaultValue") for k, v in (p.get("parameters") or {}).items()
                if isinstance(v, Mapping)}
    found: list[str] = []
    for member in p.get("policyDefinitions") or []:
        if not isinstance(member, Mapping):
            continue
        effect = _values(member.get("parameters")).get("effect")
        named = _PARAMETER.match(effect) if isinstance(effect, str) else None
        if named:
            effect = values.get(named[1], defaults.get(named[1]))
        if _blocks(_guid(str(member.get("policyDefinitionId") or "")), effect):
            found.append(str(member.get("policyDefinitionReferenceId") or ""))
    return found


def _exempted(candidate: _Candidate, exemptions: list[Any]) -> bool:
    for exemption in exemptions:
        p = props(exemption) if isinstance(exemption, Mapping) else {}
        if str(p.get("policyAssignmentId") or "").lower() != candidate.assignment.lower():
            continue
        references = [str(r) for r in p.get("policyDefinitionReferenceIds") or []]
        if not references or not candidate.reference or candidate.reference in references:
            return True
    return False
