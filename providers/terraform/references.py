"""Following configuration references to the resources they name, across modules.

A plan's ``configuration`` section records, for every argument, the ``references`` of
its expression (``bucket = module.store.bucket_id`` → ``["module.store.bucket_id",
"module.store"]``), for every module call the references of its input expressions, and
for every module the references of its outputs. :class:`References` follows them:

- ``aws_s3_bucket.b.id`` / ``aws_s3_bucket.b[0]`` / ``aws_s3_bucket.b["k"]``: the block
  ``aws_s3_bucket.b`` in the referring module instance (with the instance key, if given);
- ``module.x.out`` / ``module.x["k"].out``: output ``out`` of that child module instance,
  whose own references are followed inside it (without a key, the only instance, or the
  one whose key is the referrer's own ``count.index``/``each.key``);
- ``var.v`` inside a module: the expression the calling module binds to ``v``, followed
  in the caller (the module instance's key stands for ``each.key``/``count.index``
  there); a root variable, a default, a constant, ``data.*``, ``path.*`` and
  ``terraform.*`` name no managed resource of the plan;
- ``local.*``, ``self``, ``each.value``, a bare ``module.x`` and anything unparsable
  cannot be followed (the configuration section does not record locals): the result
  says so (``opaque``), and a join that depends on it stays unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from mamori.providers.terraform.values import dig

#: Hops through module outputs and inputs followed before giving up (a cycle guard).
MAX_HOPS = 32

_KEY = r'\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]'
_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_RESOURCE = re.compile(rf"^({_NAME})\.({_NAME})({_KEY})?")
_MODULE = re.compile(rf"^module\.({_NAME})({_KEY})?(?:\.({_NAME}))?")
_SEGMENT = re.compile(rf"module\.({_NAME})({_KEY})?")
_FOLLOWED_HEADS = frozenset({"count", "each", "path", "terraform", "data", "local", "self",
                             "var", "module"})


class _NoKey:
    """The type of :data:`NO_KEY`: a reference without an instance key."""

    def __repr__(self) -> str:
        return "NO_KEY"


NO_KEY: Final = _NoKey()


@dataclass(frozen=True)
class Target:
    """A resource block a reference names, in one module instance."""

    module: str
    type: str
    name: str
    key: Any = NO_KEY
    #: the referrer's own instance key, standing for ``count.index``/``each.key``.
    hint: Any = None


@dataclass(frozen=True)
class Followed:
    """Where an argument's references lead; ``opaque`` when some part cannot be followed."""

    targets: tuple[Target, ...] = ()
    opaque: bool = False


def decode_key(raw: str | None) -> Any:
    """The instance key of ``[0]`` / ``["k"]`` (int or text); NO_KEY for None."""
    if raw is None:
        return NO_KEY
    inner = raw[1:-1]
    if inner.isdigit():
        return int(inner)
    try:
        return json.loads(inner)
    except ValueError:
        return inner.strip('"')


def split_module(address: str) -> tuple[str, str, Any]:
    """(parent instance, call name, key) of a module instance address; ("", "", NO_KEY)
    for the root."""
    segments = list(_SEGMENT.finditer(address))
    if not segments:
        return "", "", NO_KEY
    last = segments[-1]
    parent = address[:last.start()].rstrip(".")
    return parent, last.group(1), decode_key(last.group(2))


def _config_path(address: str) -> str:
    return ".".join(f"module.{m.group(1)}" for m in _SEGMENT.finditer(address))


def ancestors(module: str) -> list[str]:
    """``module`` and every module instance above it (not the root)."""
    found: list[str] = []
    while module:
        found.append(module)
        module = split_module(module)[0]
    return found


#: (parent module instance, call name) → the instances of that call and their keys.
ModuleTree = Mapping[tuple[str, str], Sequence[tuple[str, Any]]]


def module_tree(modules: Iterable[str]) -> dict[tuple[str, str], list[tuple[str, Any]]]:
    """The tree of module instances holding ``modules`` (resource module addresses)."""
    tree: dict[tuple[str, str], list[tuple[str, Any]]] = {}
    seen: set[str] = set()
    for module in set(modules):
        for instance in ancestors(module):
            if instance not in seen:
                seen.add(instance)
                parent, call, key = split_module(instance)
                tree.setdefault((parent, call), []).append((instance, key))
    return tree


class References:
    """The configuration's module outputs and call inputs, to follow references with."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.outputs: dict[str, dict[str, tuple[str, ...]]] = {}
        self.inputs: dict[str, dict[str, tuple[str, ...]]] = {}
        root = dig(document, "configuration", "root_module")
        if isinstance(root, dict):
            self._read(root, "")

    def _read(self, module: Mapping[str, Any], path: str) -> None:
        outputs = module.get("outputs")
        self.outputs[path] = {str(name): _refs(dig(out, "expression"))
                              for name, out in outputs.items()} if isinstance(outputs, dict) \
            else {}
        calls = module.get("module_calls")
        for name, call in calls.items() if isinstance(calls, dict) else ():
            if not isinstance(call, dict):
                continue
            child = f"{path}.module.{name}" if path else f"module.{name}"
            expressions = call.get("expressions")
            self.inputs[child] = {str(k): _refs(v) for k, v in expressions.items()} \
                if isinstance(expressions, dict) else {}
            if isinstance(call.get("module"), dict):
                self._read(call["module"], child)

    def follow(self, refs: Sequence[str], module: str, hint: Any, tree: ModuleTree) -> Followed:
        """Where ``refs``, written in ``module`` by an object keyed ``hint``, lead."""
        targets, opaque = _Walk(self, tree).follow(refs, module, hint, 0)
        return Followed(tuple(dict.fromkeys(targets)), opaque)


class _Walk:
    """One following of references over one side's module instances."""

    def __init__(self, config: References, tree: ModuleTree) -> None:
        self.config = config
        self.tree = tree

    def follow(self, refs: Sequence[str], module: str, hint: Any,
               hops: int) -> tuple[list[Target], bool]:
        if hops > MAX_HOPS:
            return [], True
        targets: list[Target] = []
        opaque = False
        with_output = {m.group(1) for r in refs if (m := _MODULE.match(r)) and m.group(3)}
        blocks: dict[tuple[str, str], list[Any]] = {}
        for ref in refs:
            head = ref.split(".", 1)[0].split("[", 1)[0]
            if head not in _FOLLOWED_HEADS:
                match = _RESOURCE.match(ref)
                if match is None:
                    opaque = True
                else:
                    keys = blocks.setdefault((match.group(1), match.group(2)), [])
                    keys.append(decode_key(match.group(3)))
                continue
            found, hidden = self.special(ref, head, module, hint, hops, with_output)
            targets += found
            opaque = opaque or hidden
        for (rtype, name), keys in blocks.items():
            explicit = [k for k in keys if k is not NO_KEY]
            targets += [Target(module, rtype, name, k, hint) for k in explicit or [NO_KEY]]
        return targets, opaque

    def special(self, ref: str, head: str, module: str, hint: Any, hops: int,
                 with_output: set[str]) -> tuple[list[Target], bool]:
        if head in ("count", "each"):
            return [], ref not in ("count.index", "each.key")
        if head in ("path", "terraform", "data"):
            return [], False  # text, or a data source: no managed resource of the plan
        if head == "var":
            return self.variable(ref, module, hops)
        if head == "module":
            match = _MODULE.match(ref)
            if match is None:
                return [], True
            if match.group(3) is None:
                return [], match.group(1) not in with_output
            return self.output(match, module, hint, hops)
        return [], True  # local.*, self.*: the configuration section does not hold them

    def variable(self, ref: str, module: str, hops: int) -> tuple[list[Target], bool]:
        if not module:
            return [], False  # a root variable: its value is in the plan, known
        name = ref.split(".", 2)[1].split("[", 1)[0] if "." in ref else ""
        inputs = self.config.inputs.get(_config_path(module))
        if inputs is None:
            return [], True  # no configuration for this module call
        parent, _, key = split_module(module)
        return self.follow(inputs.get(name, ()), parent, None if key is NO_KEY else key,
                           hops + 1)

    def output(self, match: re.Match[str], module: str, hint: Any,
                hops: int) -> tuple[list[Target], bool]:
        call, key, output = match.group(1), decode_key(match.group(2)), match.group(3)
        instances = list(self.tree.get((module, call), ()))
        if not instances:  # no resource of this side in it: follow its configuration
            base = f"{module}.module.{call}" if module else f"module.{call}"
            instances = [(base + (match.group(2) or ""), key)]
        elif key is not NO_KEY:
            instances = [i for i in instances if i[1] == key]
        elif len(instances) > 1:
            instances = [i for i in instances if hint is not None and i[1] == hint]
            if not instances:
                return [], True  # which instance cannot be told
        targets: list[Target] = []
        opaque = False
        for instance, _ in instances:
            outputs = self.config.outputs.get(_config_path(instance))
            if outputs is None or output not in outputs:
                opaque = True  # no configuration for it: cannot follow
                continue
            found, hidden = self.follow(outputs[output], instance, None, hops + 1)
            targets += found
            opaque = opaque or hidden
        return targets, opaque


def _refs(expression: Any) -> tuple[str, ...]:
    refs = dig(expression, "references")
    return tuple(str(r) for r in refs) if isinstance(refs, list) else ()
