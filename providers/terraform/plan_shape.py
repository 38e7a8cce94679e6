"""The shape of a ``terraform show -json`` plan, as far as mamori reads it.

Checked once, before mapping (see :mod:`shape`): the sections mamori walks
(``resource_changes``, ``planned_values``, ``prior_state``, ``configuration``) must have
the kinds Terraform's JSON output format documents, every resource entry names its
``address``, ``type`` and ``name`` as text, ``change.actions`` are Terraform's action
words, ``before``/``after``/``values`` are objects, configuration ``references`` are
lists of text. Resource attribute values are checked per resource type by
:mod:`attributes` when the instances are built. Beyond kinds:

- an address must be a resource address (``module.a["k"].aws_s3_bucket.b[0]``) whose
  last part is the entry's own ``type.name``: mamori's resource ids are addresses, so
  a hand-edited one must not collide with another resource or an inline rule id;
- no two managed entries of one section may share an address (deposed objects aside).

``timestamp`` must be an RFC 3339 date-time: users and keys the plan creates are dated
by it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from mamori.providers.terraform.shape import (
    ANY,
    KEY,
    STR,
    TIMESTAMP,
    Arr,
    Either,
    Enum,
    Lazy,
    Map,
    Obj,
    Path,
    PlanProblem,
    Spec,
)

ACTIONS = Enum(frozenset({"no-op", "create", "read", "update", "delete", "forget"}))
MODE = Enum(frozenset({"managed", "data"}))
VALUES = Obj(expected="an object of attribute values")

_KEY = r'\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]'
_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
MODULE_ADDRESS = re.compile(rf"^(?:module\.{_NAME}(?:{_KEY})?)(?:\.module\.{_NAME}(?:{_KEY})?)*$")
_RESOURCE_ADDRESS = re.compile(
    rf"^(?:(?:module\.{_NAME}(?:{_KEY})?\.)*)(?:data\.)?({_NAME})\.({_NAME})(?:{_KEY})?$")

_EXPRESSION = Obj({"references": Arr(STR, null_items=False)})


def _expressions() -> Spec:
    return EXPRESSIONS


# An argument's expression, or a nested block's expressions (a list of them, or one).
EXPRESSIONS = Map(Either((Arr(Lazy(_expressions)), _EXPRESSION)))

_CHANGE = Obj({"actions": Arr(ACTIONS, min_items=1, null_items=False), "before": VALUES,
               "after": VALUES, "after_unknown": Obj()}, required=("actions",))
_RESOURCE_CHANGE = Obj({
    "address": STR, "type": STR, "name": STR, "mode": MODE, "index": KEY,
    "module_address": STR, "previous_address": STR, "deposed": STR, "provider_name": STR,
    "change": _CHANGE}, required=("address", "type", "name", "change"))
_STATE_RESOURCE = Obj({"address": STR, "type": STR, "name": STR, "mode": MODE, "index": KEY,
                       "provider_name": STR, "values": VALUES},
                      required=("address", "type", "name"))


def _state_module() -> Spec:
    return STATE_MODULE


STATE_MODULE = Obj({"address": STR, "resources": Arr(_STATE_RESOURCE, null_items=False),
                    "child_modules": Arr(Lazy(_state_module), null_items=False)})
_STATE = Obj({"root_module": STATE_MODULE, "outputs": Map(ANY)})

_CONFIG_RESOURCE = Obj({"address": STR, "type": STR, "name": STR, "mode": MODE,
                        "provider_config_key": STR, "expressions": EXPRESSIONS,
                        "count_expression": _EXPRESSION, "for_each_expression": _EXPRESSION},
                       required=("type", "name"))


def _config_module() -> Spec:
    return CONFIG_MODULE


_MODULE_CALL = Obj({"source": STR, "expressions": EXPRESSIONS, "module": Lazy(_config_module),
                    "count_expression": _EXPRESSION, "for_each_expression": _EXPRESSION})
CONFIG_MODULE = Obj({"resources": Arr(_CONFIG_RESOURCE, null_items=False),
                     "module_calls": Map(_MODULE_CALL, null_values=False),
                     "outputs": Map(Obj({"expression": _EXPRESSION})), "variables": Map(ANY)})

PLAN = Obj({
    "format_version": STR, "terraform_version": STR, "timestamp": TIMESTAMP,
    "planned_values": _STATE, "resource_changes": Arr(_RESOURCE_CHANGE, null_items=False),
    "prior_state": Obj({"values": _STATE}),
    "configuration": Obj({"provider_config": Map(Obj({"name": STR, "expressions": EXPRESSIONS}),
                                                 null_values=False),
                          "root_module": CONFIG_MODULE}),
    "variables": Map(ANY), "output_changes": Map(ANY),
})


def check_plan(document: Mapping[str, Any]) -> None:
    """Raise PlanProblem at the first place ``document`` leaves the plan's shape."""
    PLAN.check(document, ())
    changes = document.get("resource_changes") or []
    _check_entries(((("resource_changes", i), rc) for i, rc in enumerate(changes)
                    if not rc.get("deposed")), "resource_changes")
    for section in ("planned_values", "prior_state"):
        root: Any = document.get(section) or {}
        if section == "prior_state":
            root = root.get("values") or {}
        _check_entries(_state_entries(root.get("root_module"), (*_root(section), "root_module")),
                       section)
    for i, rc in enumerate(changes):
        module = rc.get("module_address")
        if module is not None and not MODULE_ADDRESS.match(module):
            raise PlanProblem(f"not a module address: {module!r}",
                              ("resource_changes", i, "module_address"))


def _root(section: str) -> Path:
    return (section, "values") if section == "prior_state" else (section,)


def _state_entries(module: Any, path: Path) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    if not isinstance(module, dict):
        return
    for i, res in enumerate(module.get("resources") or []):
        yield (*path, "resources", i), res
    for i, child in enumerate(module.get("child_modules") or []):
        yield from _state_entries(child, (*path, "child_modules", i))


def _check_entries(entries: Iterator[tuple[Path, Mapping[str, Any]]], section: str) -> None:
    seen: dict[str, Path] = {}
    for path, entry in entries:
        address = entry["address"]
        match = _RESOURCE_ADDRESS.match(address)
        if match is None or (match.group(1), match.group(2)) != (entry["type"], entry["name"]):
            raise PlanProblem(f"not the address of a {entry['type']}.{entry['name']} "
                              f"resource: {address!r}", (*path, "address"))
        if address in seen and entry.get("mode", "managed") == "managed":
            raise PlanProblem(f"address {address!r} appears twice in {section}",
                              (*path, "address"))
        seen[address] = path
