"""Walking a plan's modules into flat lists of resource instances, for either side.

The ``after`` side is every managed resource that exists once the plan is applied:
``resource_changes[].change.after`` merged with ``after_unknown`` (plus, for plans
without ``resource_changes``, ``planned_values``). The ``before`` side is what exists
now: ``change.before`` and, for resources the plan does not mention,
``prior_state``. A resource moved by a ``moved`` block keeps its *new* address on both
sides, so moving it is not reported as a new resource. Data sources and deposed objects
are left out. Child modules are walked to any depth; ``count``/``for_each`` instances
keep their index in the address (``module.a["x"].aws_s3_bucket.b[0]``).

Each instance carries the ``references`` of its configuration expressions, so split
resources (``aws_s3_bucket_acl.bucket = aws_s3_bucket.b.id``) can be joined to their
parent even when the joining value is unknown until apply.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from mamori.providers.terraform.attributes import check_attributes
from mamori.providers.terraform.references import References
from mamori.providers.terraform.shape import Path, PlanProblem
from mamori.providers.terraform.values import dig, merge_unknown

# An instance key in an address: [0] or ["key"] (a quoted key may contain brackets).
_INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]')

Refs = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class ConfigResource:
    """What the configuration says about one resource block (shared by its instances)."""

    refs: Refs
    provider_key: str
    keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class TfResource:
    """One managed resource instance on one side of the plan."""

    address: str
    type: str
    name: str
    index: Any
    module: str
    values: Mapping[str, Any]
    refs: Refs = field(default_factory=dict)
    provider_key: str = ""
    actions: tuple[str, ...] = ()
    provider_name: str = ""
    #: Top-level arguments the configuration sets; None when the plan has no configuration.
    configured: frozenset[str] | None = None
    #: where the values are in the plan document (``resource_changes[3].change.after``).
    origin: Path = ()

    @property
    def created(self) -> bool:
        """True when the plan creates this object (it does not exist before)."""
        return "create" in self.actions and "delete" not in self.actions

    def set_in_config(self, attr: str) -> bool:
        """Whether the configuration sets ``attr`` (True when there is no configuration)."""
        return self.configured is None or attr in self.configured

    def get(self, *path: str | int) -> Any:
        """The value at ``path``: None when absent, UNKNOWN when known only after apply."""
        return dig(self.values, *path)


def config_path(module_address: str) -> str:
    """A module instance address without instance keys (``module.a["x"]`` → ``module.a``)."""
    return _INSTANCE_KEY.sub("", module_address)


def _expression_refs(expressions: Any, prefix: str = "") -> dict[str, tuple[str, ...]]:
    refs: dict[str, tuple[str, ...]] = {}
    if not isinstance(expressions, Mapping):
        return refs
    for key, expr in expressions.items():
        path = f"{prefix}{key}"
        if isinstance(expr, Mapping) and isinstance(expr.get("references"), list):
            refs[path] = tuple(str(r) for r in expr["references"])
        elif isinstance(expr, list):
            for block in expr:
                for sub, values in _expression_refs(block, f"{path}.").items():
                    refs[sub] = refs.get(sub, ()) + values
    return refs


def configuration_index(document: Mapping[str, Any]) -> dict[tuple[str, str], ConfigResource]:
    """(module config path, ``type.name``) → references and provider of that block."""
    found: dict[tuple[str, str], ConfigResource] = {}
    root = dig(document, "configuration", "root_module")
    for path, module in _config_modules(root, ""):
        for res in module.get("resources") or []:
            if isinstance(res, Mapping) and res.get("mode", "managed") == "managed":
                key = f"{res.get('type')}.{res.get('name')}"
                expressions = res.get("expressions") or {}
                found[(path, key)] = ConfigResource(
                    _expression_refs(expressions), str(res.get("provider_config_key", "")),
                    frozenset(expressions) if isinstance(expressions, Mapping) else frozenset())
    return found


def module_sources(document: Mapping[str, Any]) -> dict[str, str]:
    """Module config path → its ``source`` as written in the calling module."""
    sources: dict[str, str] = {}
    root = dig(document, "configuration", "root_module")
    for path, module in _config_modules(root, ""):
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, Mapping):
                child = f"{path}.module.{name}" if path else f"module.{name}"
                sources[child] = str(call.get("source", ""))
    return sources


def _config_modules(module: Any, path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if not isinstance(module, Mapping):
        return
    yield path, module
    for name, call in (module.get("module_calls") or {}).items():
        child = f"{path}.module.{name}" if path else f"module.{name}"
        if isinstance(call, Mapping):
            yield from _config_modules(call.get("module"), child)


def _state_resources(module: Any, path: Path = ()) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    """Resources of a ``planned_values``/``prior_state`` module tree, depth first."""
    if not isinstance(module, Mapping):
        return
    for i, res in enumerate(module.get("resources") or []):
        if isinstance(res, Mapping) and res.get("mode", "managed") == "managed":
            yield (*path, "resources", i), res
    for i, child in enumerate(module.get("child_modules") or []):
        yield from _state_resources(child, (*path, "child_modules", i))


def _module_of(address: str, rtype: str) -> str:
    marker = f".{rtype}."
    cut = address.rfind(marker) if not address.startswith(f"{rtype}.") else -1
    return address[:cut] if cut > 0 else ""


class PlanWalker:
    """Builds the resource instances of each side from one parsed plan.

    Attribute values are checked against :mod:`attributes` as instances are built, so
    a value of the wrong kind is a PlanProblem naming its place, never a mapper's guess.
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.config = configuration_index(document)
        self.references = References(document)
        changes = document.get("resource_changes") or []
        self.changes = [(i, c) for i, c in enumerate(changes) if isinstance(c, Mapping)
                        and c.get("mode", "managed") == "managed" and not c.get("deposed")]

    def types(self) -> set[str]:
        """Every managed resource type on either side."""
        found = {str(rc.get("type")) for _, rc in self.changes}
        root = dig(self.document, "prior_state", "values", "root_module")
        return found | {str(r.get("type")) for _, r in _state_resources(root)}

    def side(self, side: str) -> list[TfResource]:
        """The instances of ``side`` ("after" or "before"), in plan order."""
        return self.after() if side == "after" else self.before()

    def after(self) -> list[TfResource]:
        """Instances that exist once the plan is applied, unknowns marked."""
        found: list[TfResource] = []
        seen: set[str] = set()
        for i, rc in self.changes:
            change = rc.get("change") or {}
            actions = tuple(change.get("actions") or ())
            seen.add(str(rc.get("address")))
            # Deleted (or forgotten) objects are gone after apply.
            after = change.get("after")
            if after is None or actions in (("delete",), ("forget",)):
                continue
            path: Path = ("resource_changes", i, "change")
            check_attributes(str(rc.get("type")), after, (*path, "after"), str(rc.get("address")))
            try:
                values = merge_unknown(after, change.get("after_unknown"),
                                       (*path, "after_unknown"))
            except PlanProblem as problem:
                problem.address, problem.origin = str(rc.get("address")), len(path)
                raise
            found.append(self._make(rc, values, actions, (*path, "after")))
        root = dig(self.document, "planned_values", "root_module")
        found += [self._state(res, path) for path, res in
                  _state_resources(root, ("planned_values", "root_module"))
                  if str(res.get("address")) not in seen]
        return found

    def before(self) -> list[TfResource]:
        """Instances that exist now, under the address they will have after the plan."""
        found: list[TfResource] = []
        seen: set[str] = set()
        for i, rc in self.changes:
            change = rc.get("change") or {}
            seen.update({str(rc.get("address")), str(rc.get("previous_address", ""))})
            if change.get("before") is not None:
                path: Path = ("resource_changes", i, "change", "before")
                check_attributes(str(rc.get("type")), change["before"], path,
                                 str(rc.get("address")))
                found.append(self._make(rc, change["before"],
                                        tuple(change.get("actions") or ()), path))
        root = dig(self.document, "prior_state", "values", "root_module")
        found += [self._state(res, path) for path, res in
                  _state_resources(root, ("prior_state", "values", "root_module"))
                  if str(res.get("address")) not in seen]
        return found

    def _state(self, res: Mapping[str, Any], path: Path) -> TfResource:
        values = res.get("values") or {}
        check_attributes(str(res.get("type")), values, (*path, "values"),
                         str(res.get("address")))
        return self._make(res, values, (), (*path, "values"))

    def _make(self, item: Mapping[str, Any], values: Any, actions: tuple[str, ...],
              origin: Path) -> TfResource:
        address = str(item.get("address", ""))
        rtype = str(item.get("type", ""))
        name = str(item.get("name", ""))
        module = str(item.get("module_address") or _module_of(address, rtype))
        config = self.config.get((config_path(module), f"{rtype}.{name}"))
        return TfResource(
            address=address, type=rtype, name=name, index=item.get("index"), module=module,
            values=values if isinstance(values, Mapping) else {},
            refs=config.refs if config else {},
            provider_key=config.provider_key if config else "", actions=actions,
            provider_name=str(item.get("provider_name", "")),
            configured=config.keys if config else None, origin=origin)
