"""Builds plan documents in the ``terraform show -json`` format (format_version 1.2).

Every resource gets what Terraform writes for it: a ``resource_changes`` entry (actions,
before, after, after_unknown), a ``planned_values`` entry unless deleted, a
``prior_state`` entry when it exists before, and a ``configuration`` block with the
expressions' ``references`` (module calls included).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

_KEY = re.compile(r'\[(?:"[^"]*"|[0-9]+)\]')


class PlanBuilder:
    """Accumulates resources and renders one plan document."""

    def __init__(self, timestamp: str = "2026-11-29T00:00:00Z") -> None:
        self.timestamp = timestamp
        self.changes: list[dict[str, Any]] = []
        self.refs: dict[tuple[str, str], dict[str, Any]] = {}
        self.provider_config: dict[str, Any] = {
            "aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                    "expressions": {"region": {"constant_value": "ap-northeast-1"}}}}
        self.module_sources: dict[str, str] = {}
        self.outputs: dict[str, dict[str, list[str]]] = {}
        self.inputs: dict[str, dict[str, list[str]]] = {}

    def add(self, address: str, *, after: dict[str, Any] | None = None,
            before: dict[str, Any] | None = None, unknown: dict[str, Any] | None = None,
            refs: dict[str, list[str]] | None = None,
            previous_address: str | None = None) -> PlanBuilder:
        """Add one resource instance; actions follow from which sides are given."""
        module, rtype, name, index = split(address)
        if before is None:
            actions = ["create"]
        elif after is None:
            actions = ["delete"]
        else:
            actions = ["no-op"] if before == after and not unknown else ["update"]
        change: dict[str, Any] = {
            "address": address, "mode": "managed", "type": rtype, "name": name,
            "provider_name": provider_name(rtype),
            "change": {"actions": actions, "before": before, "after": after,
                       "after_unknown": unknown or {}, "before_sensitive": False,
                       "after_sensitive": False}}
        if module:
            change["module_address"] = module
        if index is not None:
            change["index"] = index
        if previous_address:
            change["previous_address"] = previous_address
        self.changes.append(change)
        expressions = {k: {"references": v} for k, v in (refs or {}).items()}
        for key in (after or before or {}):
            expressions.setdefault(key, {"constant_value": (after or before or {})[key]})
        self.refs[(_KEY.sub("", module), f"{rtype}.{name}")] = expressions
        return self

    def module(self, path: str, source: str) -> PlanBuilder:
        """Declare a module call's source (``module.a`` or ``module.a.module.b``)."""
        self.module_sources[path] = source
        return self

    def output(self, path: str, name: str, refs: list[str]) -> PlanBuilder:
        """Declare output ``name`` of module ``path`` with its expression's references."""
        self.outputs.setdefault(path, {})[name] = refs
        self.module_sources.setdefault(path, f"./modules/{path.split('.')[-1]}")
        return self

    def inputs_of(self, path: str, **refs: list[str]) -> PlanBuilder:
        """Declare the references of the input expressions of module call ``path``."""
        self.inputs.setdefault(path, {}).update(refs)
        self.module_sources.setdefault(path, f"./modules/{path.split('.')[-1]}")
        return self

    def document(self) -> dict[str, Any]:
        """The plan as ``terraform show -json`` prints it."""
        planned = [self._state_entry(c, c["change"]["after"]) for c in self.changes
                   if c["change"]["after"] is not None]
        prior = [self._state_entry(c, c["change"]["before"]) for c in self.changes
                 if c["change"]["before"] is not None]
        return {
            "format_version": "1.2", "terraform_version": "1.9.8",
            "timestamp": self.timestamp,
            "planned_values": {"root_module": tree(planned)},
            "resource_changes": copy.deepcopy(self.changes),
            "prior_state": {"format_version": "1.0", "terraform_version": "1.9.8",
                            "values": {"root_module": tree(prior)}},
            "configuration": {"provider_config": self.provider_config,
                              "root_module": self._config("")},
        }

    def write(self, path: Path, encoding: str = "utf-8") -> Path:
        """Write the document (``utf-16`` writes a BOM, as PowerShell does)."""
        path.write_text(json.dumps(self.document(), indent=1), encoding=encoding)
        return path

    def _state_entry(self, change: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        entry = {k: change[k] for k in ("address", "mode", "type", "name", "provider_name")}
        if "index" in change:
            entry["index"] = change["index"]
        entry["values"] = values
        entry["_module"] = change.get("module_address", "")
        return entry

    def _config(self, path: str) -> dict[str, Any]:
        resources = [{"address": key, "mode": "managed", "type": key.split(".")[0],
                      "name": key.split(".")[1],
                      "provider_config_key": provider_name(key).split("/")[-1],
                      "expressions": expressions}
                     for (module, key), expressions in self.refs.items() if module == path]
        calls: dict[str, Any] = {}
        prefix = f"{path}.module." if path else "module."
        children = {m for m, _ in self.refs if m.startswith(prefix)}
        children |= {m for m in self.module_sources if m.startswith(prefix)}
        for child in sorted(children):
            name = child[len(prefix):].split(".")[0]
            full = prefix + name
            calls[name] = {"source": self.module_sources.get(full, f"./modules/{name}"),
                           "expressions": {k: {"references": v} for k, v in
                                           self.inputs.get(full, {}).items()},
                           "module": self._config(full)}
        outputs = {k: {"expression": {"references": v}}
                   for k, v in self.outputs.get(path, {}).items()}
        return {"resources": resources, "module_calls": calls, "outputs": outputs}


def split(address: str) -> tuple[str, str, str, Any]:
    """(module address, type, name, index) of a resource instance address."""
    parts = re.findall(r'(?:[^.\["]|\["[^"]*"\]|\[[0-9]+\])+', address)
    module = ".".join(parts[:-2])
    rtype, last = parts[-2], parts[-1]
    match = re.match(r'^([^\[]+)(?:\[(?:"([^"]*)"|([0-9]+))\])?$', last)
    assert match is not None
    index: Any = match.group(2) if match.group(2) is not None else (
        int(match.group(3)) if match.group(3) is not None else None)
    return module, rtype, match.group(1), index


def provider_name(rtype: str) -> str:
    """The registry name of the provider that owns a resource type."""
    prefix = rtype.split("_")[0]
    name = {"aws": "aws", "azurerm": "azurerm", "azuread": "azuread", "google": "google"}
    return f"registry.terraform.io/hashicorp/{name.get(prefix, prefix)}"


def tree(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Nest state entries into root_module / child_modules by their module address."""
    root: dict[str, Any] = {"resources": [], "child_modules": []}
    modules: dict[str, dict[str, Any]] = {"": root}
    for entry in entries:
        module = entry.pop("_module")
        node = _module_node(modules, module)
        node["resources"].append(entry)
    return root


def _module_node(modules: dict[str, dict[str, Any]], address: str) -> dict[str, Any]:
    if address in modules:
        return modules[address]
    parent_address = address.rpartition(".module.")[0] if ".module." in address else ""
    parent = _module_node(modules, parent_address)
    node: dict[str, Any] = {"address": address, "resources": [], "child_modules": []}
    parent["child_modules"].append(node)
    modules[address] = node
    return node
