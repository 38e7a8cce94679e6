"""Joining split resources to their parent: by configuration reference, then by value.

Modern providers split one cloud object over several Terraform resources
(``aws_s3_bucket`` + ``aws_s3_bucket_acl`` + …). A child names its parent in one
attribute (``bucket``, ``user``, ``security_group_id``…). The join tries, in order:

1. the references of that attribute's configuration expression, followed through
   module outputs and module inputs (:mod:`references`): ``aws_s3_bucket.b.id`` names
   the block ``aws_s3_bucket.b`` in the child's own module instance,
   ``module.store.bucket_id`` whatever that module's output names; with several
   instances (``count``/``for_each``), an explicit key in the reference or the child's
   own key picks one;
2. the attribute's value, when known, against the parent's naming attributes
   (``bucket``, ``id``, ``arn``…), preferring a parent in the same module instance.

A child whose parent cannot be found joins nothing. Those whose joining value is
unknown and whose references cannot be followed to a resource outside the parent type
are remembered (:meth:`Index.unresolved`): such a child may belong to *any* parent of
the plan, so a mapper leaves the attribute it could decide absent rather than decide it
without them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from mamori.providers.terraform.modules import TfResource
from mamori.providers.terraform.references import (
    NO_KEY,
    Followed,
    References,
    module_tree,
)
from mamori.providers.terraform.values import UNKNOWN

JoinKey = tuple[str, str, str, tuple[str, ...]]


class Index:
    """All instances of one side, indexed by type, address and naming values."""

    def __init__(self, resources: Iterable[TfResource],
                 provider_regions: Mapping[str, str] | None = None,
                 timestamp: str | None = None,
                 locate: Callable[[TfResource], dict[str, Any]] | None = None,
                 references: References | None = None, account: str | None = None) -> None:
        self.resources = list(resources)
        #: the AWS account the plan targets, when the plan says (roles' "own" account).
        self.account = account
        self.references = references if references is not None else References({})
        self._tree = module_tree(r.module for r in self.resources)
        self._followed: dict[tuple[str, str], Followed | None] = {}
        #: where an instance is written (``.tf`` file and line), if a locator was given.
        self.locate = locate
        #: provider config key (``aws``, ``aws.west``) → its constant region, if any.
        self.provider_regions = dict(provider_regions or {})
        #: when the plan was made (Terraform 1.5+), for objects this plan creates.
        self.timestamp = timestamp
        self.by_type: dict[str, list[TfResource]] = defaultdict(list)
        self.by_address: dict[str, TfResource] = {}
        self._blocks: dict[tuple[str, str, str], list[TfResource]] = defaultdict(list)
        for res in self.resources:
            self.by_type[res.type].append(res)
            self.by_address[res.address] = res
            self._blocks[(res.module, res.type, res.name)].append(res)
        self._values: dict[tuple[str, str], dict[str, list[TfResource]]] = {}
        self._children: dict[JoinKey, dict[str, list[TfResource]]] = {}
        self._unresolved: dict[JoinKey, list[TfResource]] = {}
        #: results mappers compute once per plan side (what unjoinable children could do).
        self.memo: dict[Any, Any] = {}

    def of_type(self, *types: str) -> list[TfResource]:
        """Every instance of the given types."""
        return [r for t in types for r in self.by_type.get(t, ())]

    def children(self, child_type: str, attr: str, parent: TfResource,
                 keys: Sequence[str] = ("id",)) -> list[TfResource]:
        """Instances of ``child_type`` whose ``attr`` names ``parent``."""
        key = (child_type, attr, parent.type, tuple(keys))
        return self._join(key).get(parent.address, [])

    def unresolved(self, child_type: str, attr: str, parent: TfResource,
                   keys: Sequence[str] = ("id",)) -> list[TfResource]:
        """Children that may belong to ``parent``: their parent is unknown until apply."""
        key = (child_type, attr, parent.type, tuple(keys))
        self._join(key)
        return list(self._unresolved[key])

    def follow(self, res: TfResource, attr: str) -> Followed | None:
        """Where the references of ``res``'s argument ``attr`` lead; None without any."""
        cache = (res.address, attr)
        if cache not in self._followed:
            refs = res.refs.get(attr, ())
            self._followed[cache] = self.references.follow(
                refs, res.module, res.index, self._tree) if refs else None
        return self._followed[cache]

    def referenced(self, res: TfResource, attr: str, rtype: str) -> list[TfResource]:
        """The instances of ``rtype`` that ``res``'s argument ``attr`` references."""
        return self._by_reference(res, attr, rtype)

    def parents(self, child: TfResource, attr: str, parent_type: str,
                keys: Sequence[str] = ("id",)) -> list[TfResource]:
        """The instances of ``parent_type`` that ``child``'s ``attr`` names."""
        found = self._by_reference(child, attr, parent_type)
        if found:
            return found
        value = child.get(*attr.split("."))
        values = value if isinstance(value, list) else [value]
        return [p for v in values if isinstance(v, str) and v
                for p in self._by_value(parent_type, keys, v, child.module)]

    def parents_by_value(self, value: str, parent_type: str, keys: Sequence[str],
                         module: str) -> list[TfResource]:
        """Instances of ``parent_type`` whose naming attributes hold ``value``."""
        return self._by_value(parent_type, keys, value, module) if value else []

    def _join(self, key: JoinKey) -> dict[str, list[TfResource]]:
        if key in self._children:
            return self._children[key]
        child_type, attr, parent_type, keys = key
        joined: dict[str, list[TfResource]] = defaultdict(list)
        unresolved: list[TfResource] = []
        for child in self.by_type.get(child_type, ()):
            parents = self.parents(child, attr, parent_type, keys)
            for parent in parents:
                joined[parent.address].append(child)
            if not parents and _has_unknown(child.get(*attr.split("."))) \
                    and self._may_be(child, attr, parent_type):
                unresolved.append(child)
        self._children[key] = joined
        self._unresolved[key] = unresolved
        return joined

    def _by_reference(self, child: TfResource, attr: str, parent_type: str) -> list[TfResource]:
        followed = self.follow(child, attr)
        found: list[TfResource] = []
        for target in followed.targets if followed else ():
            if target.type == parent_type:
                candidates = self._blocks.get((target.module, target.type, target.name), [])
                found += _pick(candidates, target.key, target.hint)
        return list({p.address: p for p in found}.values())

    def _may_be(self, child: TfResource, attr: str, parent_type: str) -> bool:
        """Whether an unjoined child may still name a ``parent_type`` of the plan."""
        followed = self.follow(child, attr)
        if followed is None or followed.opaque:
            return True  # nothing recorded, or a part that cannot be followed
        return any(t.type == parent_type for t in followed.targets)

    def _by_value(self, parent_type: str, keys: Sequence[str], value: str,
                  module: str) -> list[TfResource]:
        matches: list[TfResource] = []
        for key in keys:
            table = self._value_table(parent_type, key)
            matches += table.get(value, [])
        if not matches:
            return []
        unique = list({p.address: p for p in matches}.values())
        local = [p for p in unique if p.module == module]
        return local or unique

    def _value_table(self, parent_type: str, key: str) -> dict[str, list[TfResource]]:
        table = self._values.get((parent_type, key))
        if table is None:
            table = defaultdict(list)
            for res in self.by_type.get(parent_type, ()):
                value = res.get(*key.split("."))
                if isinstance(value, str) and value:
                    table[value].append(res)
            self._values[(parent_type, key)] = table
        return table


def _pick(candidates: list[TfResource], key: Any, hint: Any) -> list[TfResource]:
    if key is not NO_KEY:
        return [c for c in candidates if c.index == key]
    if len(candidates) == 1:
        return candidates
    return [c for c in candidates if hint is not None and c.index == hint]


def _has_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    return isinstance(value, list) and any(v is UNKNOWN for v in value)
