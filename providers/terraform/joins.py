"""Joining split resources to their parent: by configuration reference, then by value.

Modern providers split one cloud object over several Terraform resources
(``aws_s3_bucket`` + ``aws_s3_bucket_acl`` + …). A child names its parent in one
attribute (``bucket``, ``user``, ``security_group_id``…). The join tries, in order:

1. the references of that attribute's configuration expression: ``aws_s3_bucket.b.id``
   names the block ``aws_s3_bucket.b`` in the child's own module instance; with several
   instances (``count``/``for_each``), an explicit key in the reference or the child's
   own key picks one;
2. the attribute's value, when known, against the parent's naming attributes
   (``bucket``, ``id``, ``arn``…), preferring a parent in the same module instance.

A child whose parent cannot be found joins nothing. Those whose joining value is
unknown are remembered (:meth:`Index.unresolved`), so a mapper can leave an attribute
absent rather than decide it without them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from mamori.providers.terraform.modules import TfResource
from mamori.providers.terraform.values import UNKNOWN

_REF = re.compile(r'^([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[("(?:[^"\\]|\\.)*"|[0-9]+)\])?')

JoinKey = tuple[str, str, str, tuple[str, ...]]


class Index:
    """All instances of one side, indexed by type, address and naming values."""

    def __init__(self, resources: Iterable[TfResource],
                 provider_regions: Mapping[str, str] | None = None,
                 timestamp: str | None = None,
                 locate: Callable[[TfResource], dict[str, Any]] | None = None) -> None:
        self.resources = list(resources)
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
        """Children in ``parent``'s module whose parent is unknown until apply."""
        key = (child_type, attr, parent.type, tuple(keys))
        self._join(key)
        return [c for c in self._unresolved[key] if c.module == parent.module]

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
            if not parents and _has_unknown(child.get(*attr.split("."))):
                unresolved.append(child)
        self._children[key] = joined
        self._unresolved[key] = unresolved
        return joined

    def _by_reference(self, child: TfResource, attr: str, parent_type: str) -> list[TfResource]:
        found: list[TfResource] = []
        for ref in child.refs.get(attr, ()):
            match = _REF.match(ref)
            if match is None or match.group(1) != parent_type:
                continue
            candidates = self._blocks.get((child.module, parent_type, match.group(2)), [])
            found += _pick(candidates, match.group(3), child.index)
        return list({p.address: p for p in found}.values())

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


def _pick(candidates: list[TfResource], explicit: str | None,
          child_index: Any) -> list[TfResource]:
    if explicit is not None:
        wanted = explicit.strip('"') if explicit.startswith('"') else int(explicit)
        return [c for c in candidates if c.index == wanted]
    if len(candidates) == 1:
        return candidates
    return [c for c in candidates if child_index is not None and c.index == child_index]


def _has_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    return isinstance(value, list) and any(v is UNKNOWN for v in value)
