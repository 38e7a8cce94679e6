"""Which subscriptions to collect: the ones named, or every one the identity can list.

Subscriptions are keyed by id. Display names are only labels: two subscriptions both
called "Production" stay two subscriptions. Disabled and deleted subscriptions cannot
be read and are skipped (reported through ``progress``); warned and past-due ones are
collected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mamori.providers.azure.errors import FAILED, Scope

#: Everything Resource Manager yields; a failed subscription listing makes them ERROR.
ARM_TYPES: tuple[str, ...] = ("bucket", "role", "firewall_rule", "volume", "host", "database")

_READABLE_STATES = frozenset({"enabled", "warned", "pastdue"})


@dataclass(frozen=True)
class Subscription:
    """One subscription: id (the key), display name, tenant and state."""

    id: str
    name: str = ""
    tenant_id: str = ""
    state: str = ""

    @property
    def readable(self) -> bool:
        """True unless Azure says the subscription is disabled or deleted."""
        return not self.state or self.state.lower() in _READABLE_STATES


def resolve(client: Any, wanted: tuple[str, ...], scope: Scope) -> list[Subscription]:
    """The subscriptions to collect, in a stable order (by id).

    With ``wanted`` ids each is read on its own; one that cannot be read is still
    collected (every call will then fail and say so, rather than silently shrink the
    scan). Without, the identity's listing is used; when it fails, nothing is.
    """
    if wanted:
        ids = dict.fromkeys(w.lower() for w in wanted)
        return [_named(client, sub_id, scope) for sub_id in ids]
    listed = scope.items("Microsoft.Resources/subscriptions/read", client.subscriptions.list,
                         resource_types=ARM_TYPES)
    if listed is FAILED:
        return []
    found = {s.id: s for s in map(_subscription, listed) if s.id}
    return [found[key] for key in sorted(found)]


def _named(client: Any, sub_id: str, scope: Scope) -> Subscription:
    item = scope.call("Microsoft.Resources/subscriptions/read", client.subscriptions.get,
                      sub_id)
    if item is FAILED or not isinstance(item, dict):
        return Subscription(id=sub_id)
    found = _subscription(item)
    return found if found.id else Subscription(id=sub_id)


def _subscription(item: dict[str, Any]) -> Subscription:
    sub_id = str(item.get("subscriptionId") or str(item.get("id", "")).rsplit("/", 1)[-1])
    return Subscription(id=sub_id.lower(), name=str(item.get("displayName") or ""),
                        tenant_id=str(item.get("tenantId") or ""),
                        state=str(item.get("state") or ""))
