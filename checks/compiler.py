"""Compiles rule conditions into closures, once per scan, with three-valued logic.

Validation happens here too, node by node, so an error names the exact key and line
(Custodian's lesson: a cheap structural pass gives better errors than a generic schema
validator on deeply nested ``oneOf``). The operators come from ``operators.OPERATORS``.

A compiled node is ``node(obj, ev, label) -> True | False | None`` where ``obj`` is the
resource (at the root) or a list item, ``ev`` collects evidence and what was missing,
and None means unknown (an attribute absent or of the wrong kind).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jsonschema

from mamori.checks import vocabulary as vocab
from mamori.checks.errors import RuleError, suggest
from mamori.checks.model import ENVELOPE_KEYS, Resource
from mamori.checks.operators import (
    ALL_KEYWORDS,
    COMBINATORS,
    EXISTS,
    OPERATORS,
    QUANTIFIERS,
    CompileContext,
)
from mamori.checks.yamlsrc import Document, KeyPath

REDACTED = "[redacted]"
_MISSING: Any = object()
_PATH_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)*$")


@dataclass
class Evaluation:
    """Mutable scratch space for evaluating one rule on one resource."""

    evidence: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    record: bool = True


Node = Callable[[Any, Evaluation, str], bool | None]


@dataclass(frozen=True)
class CompileEnv:
    """Everything compilation needs: where the rule came from, params, type, as_of."""

    doc: Document
    params: Mapping[str, Any]
    resource_type: str
    ctx: CompileContext

    def fail(self, message: str, path: KeyPath) -> RuleError:
        """A RuleError located at ``path`` in the rule's file."""
        return RuleError(message, self.doc.location(path))


@dataclass(frozen=True)
class Compiled:
    """A compiled condition with its human-readable form and the attributes it reads."""

    node: Node
    text: str
    reads: tuple[str, ...]


def compile_condition(cond: Any, path: KeyPath, env: CompileEnv) -> Compiled:
    """Validate and compile one condition found at ``path`` of the rule document."""
    return _compile(cond, path, env, item_fields=None)


def _compile(cond: Any, path: KeyPath, env: CompileEnv,
             item_fields: Mapping[str, vocab.Field] | None) -> Compiled:
    if not isinstance(cond, dict) or not cond:
        raise env.fail("expected a condition: a mapping such as {attr: mfa, eq: true}", path)
    keys = [k for k in cond if k != "attr"]
    for key in keys:
        if key not in ALL_KEYWORDS:
            raise env.fail(_unknown_operator(str(key)), (*path, key))
    combinators = [k for k in keys if k in COMBINATORS]
    if combinators:
        if len(cond) != 1:
            raise env.fail(f"'{combinators[0]}' must be the only key of its condition", path)
        return _combinator(combinators[0], cond[combinators[0]], (*path, combinators[0]), env,
                           item_fields)
    if len(keys) != 1:
        what = "no operator" if not keys else "more than one operator (" + ", ".join(keys) + ")"
        raise env.fail(f"a test needs exactly one operator, found {what}", path)
    return _test(cond, keys[0], path, env, item_fields)


def _unknown_operator(key: str) -> str:
    hint = suggest(key, ALL_KEYWORDS)
    return f"unknown operator '{key}'{hint} (known: {', '.join(ALL_KEYWORDS)}, attr)"


def _combinator(kind: str, value: Any, path: KeyPath, env: CompileEnv,
                item_fields: Mapping[str, vocab.Field] | None) -> Compiled:
    if kind == "not":
        inner = _compile(value, path, env, item_fields)
        return Compiled(_not(inner.node), f"not({inner.text})", inner.reads)
    if not isinstance(value, list) or not value:
        raise env.fail(f"'{kind}' expects a non-empty list of conditions", path)
    parts = [_compile(c, (*path, i), env, item_fields) for i, c in enumerate(value)]
    node = _all([p.node for p in parts]) if kind == "all" else _any([p.node for p in parts])
    reads = tuple(r for p in parts for r in p.reads)
    return Compiled(node, f"{kind}(" + ", ".join(p.text for p in parts) + ")", reads)


def _all(nodes: list[Node]) -> Node:
    def node(obj: Any, ev: Evaluation, label: str) -> bool | None:
        unknown = False
        for child in nodes:
            result = child(obj, ev, label)
            if result is False:
                return False
            if result is None:
                unknown = True
        return None if unknown else True
    return node


def _any(nodes: list[Node]) -> Node:
    def node(obj: Any, ev: Evaluation, label: str) -> bool | None:
        unknown = False
        for child in nodes:
            result = child(obj, ev, label)
            if result is True:
                return True
            if result is None:
                unknown = True
        return None if unknown else False
    return node


def _not(inner: Node) -> Node:
    def node(obj: Any, ev: Evaluation, label: str) -> bool | None:
        result = inner(obj, ev, label)
        return None if result is None else not result
    return node


def _resolve_operand(value: Any, path: KeyPath, env: CompileEnv) -> Any:
    if isinstance(value, dict) and set(value) == {"param"}:
        name = value["param"]
        if name not in env.params:
            declared = ", ".join(sorted(env.params)) or "none"
            raise env.fail(f"unknown param '{name}' (declared: {declared})", path)
        return env.params[name]
    return value


def _check_attr(cond: Mapping[str, Any], path: KeyPath, env: CompileEnv,
                item_fields: Mapping[str, vocab.Field] | None) -> str | None:
    attr = cond.get("attr")
    if attr is None:
        if item_fields is None:
            raise env.fail("'attr' is required here (only list items may omit it)", path)
        return None
    if not isinstance(attr, str) or not _PATH_RE.match(attr):
        raise env.fail(f"'attr' must be a dotted attribute path, got {attr!r}", (*path, "attr"))
    _check_known(attr, (*path, "attr"), env, item_fields)
    return attr


def _check_known(attr: str, path: KeyPath, env: CompileEnv,
                 item_fields: Mapping[str, vocab.Field] | None) -> None:
    head = attr.split(".", 1)[0]
    if head == vocab.RAW_KEY or head.startswith(vocab.CUSTOM_PREFIX):
        return
    if item_fields is not None:
        known: list[str] = list(item_fields)
        if attr in item_fields or not item_fields:
            return
    else:
        if head in ENVELOPE_KEYS:
            return
        fields = vocab.VOCABULARY[env.resource_type]
        known = list(fields) + sorted(ENVELOPE_KEYS)
        if attr in fields or any(f.startswith(attr + ".") for f in fields):
            return
    hint = suggest(attr, known)
    raise env.fail(f"unknown attribute '{attr}' for resource type {env.resource_type}{hint} "
                   f"(custom attributes start with '{vocab.CUSTOM_PREFIX}' or live under "
                   f"'{vocab.RAW_KEY}')", path)


def _test(cond: Mapping[str, Any], op: str, path: KeyPath, env: CompileEnv,
          item_fields: Mapping[str, vocab.Field] | None) -> Compiled:
    attr = _check_attr(cond, path, env, item_fields)
    getter = _getter(attr, at_root=item_fields is None)
    secret = attr is not None and item_fields is None and vocab.is_secret(env.resource_type, attr)
    reads = (attr,) if attr and item_fields is None else ()
    op_path = (*path, op)
    if op in QUANTIFIERS:
        if attr is None:
            raise env.fail(f"'{op}' needs 'attr' naming a list", path)
        field_ = vocab.lookup(env.resource_type, attr)
        inner_fields = dict(field_.item) if field_ is not None else {}
        inner = _compile(cond[op], op_path, env, inner_fields)
        return Compiled(_quantifier(op, attr, getter, inner.node, secret),
                        f"{attr} {op}({inner.text})", reads)
    operand = _resolve_operand(cond[op], op_path, env)
    if op == EXISTS:
        if not isinstance(operand, bool):
            raise env.fail("'exists' expects true or false", op_path)
        return Compiled(_exists(attr, getter, operand, secret), f"{attr} exists {_show(operand)}",
                        reads)
    operator = OPERATORS[op]
    errors = list(jsonschema.Draft202012Validator(operator.schema).iter_errors(operand))
    if errors:
        raise env.fail(f"'{op}' expects {_expected(operator.schema)}, got {operand!r}", op_path)
    try:
        pred = operator.build(operand, env.ctx)
    except (re.error, ValueError) as exc:
        raise env.fail(f"invalid operand for '{op}': {exc}", op_path) from exc
    text = f"{attr or 'item'} {op} {_show(operand)}"
    return Compiled(_value_test(attr, getter, pred, op, secret), text, reads)


def _expected(schema: Mapping[str, Any]) -> str:
    if "oneOf" in schema:
        return " or ".join(_expected(s) for s in schema["oneOf"])
    kind = schema.get("type")
    if kind == "array":
        return f"a list of {_expected(schema.get('items', {}))}"
    if isinstance(kind, list):
        return "a " + " / ".join(kind)
    return f"a {kind}" if kind else "a value"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _getter(attr: str | None, at_root: bool) -> Callable[[Any], Any]:
    if attr is None:
        return lambda obj: _MISSING if obj is None else obj
    parts = attr.split(".")
    if at_root and parts[0] in ENVELOPE_KEYS:
        return _envelope_getter(parts)

    def get(obj: Any) -> Any:
        cur = obj.attributes if at_root else obj
        for part in parts:
            # dict first: the abstract Mapping check is slow on the hot path
            if type(cur) is not dict and not isinstance(cur, Mapping):
                return _MISSING
            cur = cur.get(part)
            if cur is None:
                return _MISSING
        return cur
    return get


def _envelope_getter(parts: list[str]) -> Callable[[Any], Any]:
    head, rest = parts[0], parts[1:]

    def get(res: Resource) -> Any:
        value: Any = getattr(res, head)
        if head == "data_classes":
            value = [d.value for d in value]
        for part in rest:
            value = value.get(part) if isinstance(value, Mapping) else None
        return _MISSING if value is None else value
    return get


def _label(label: str, attr: str | None) -> str:
    if attr is None:
        return label
    return f"{label}.{attr}" if label else attr


def _note(ev: Evaluation, where: str, value: Any, secret: bool) -> None:
    if ev.record:
        ev.evidence[where] = REDACTED if secret else value


def _value_test(attr: str | None, get: Callable[[Any], Any], pred: Callable[[Any], bool | None],
                op: str, secret: bool) -> Node:
    def node(obj: Any, ev: Evaluation, label: str) -> bool | None:
        where = _label(label, attr)
        value = get(obj)
        if value is _MISSING:
            ev.missing.append(where)
            return None
        _note(ev, where, value, secret)
        result = pred(value)
        if result is None:
            ev.problems.append(f"{where} has a value of the wrong kind "
                               f"({type(value).__name__}) for '{op}'")
        return result
    return node


def _exists(attr: str | None, get: Callable[[Any], Any], wanted: bool, secret: bool) -> Node:
    def node(obj: Any, ev: Evaluation, label: str) -> bool | None:
        value = get(obj)
        present = value is not _MISSING
        if present:
            _note(ev, _label(label, attr), value, secret)
        return present == wanted
    return node


def _quantifier(kind: str, attr: str, get: Callable[[Any], Any], inner: Node,
                secret: bool) -> Node:
    def node(obj: Any, ev: Evaluation, label: str) -> bool | None:
        where = _label(label, attr)
        items = get(obj)
        if items is _MISSING:
            ev.missing.append(where)
            return None
        if not isinstance(items, list | tuple):
            ev.problems.append(f"{where} is not a list")
            return None
        _note(ev, where, items, secret)
        saved, ev.record = ev.record, False
        try:
            results = [inner(item, ev, f"{where}[{i}]") for i, item in enumerate(items)]
        finally:
            ev.record = saved
        return _fold(kind, results)
    return node


def _fold(kind: str, results: list[bool | None]) -> bool | None:
    if kind == "some":
        return True if True in results else (None if None in results else False)
    if kind == "every":
        return False if False in results else (None if None in results else True)
    return False if True in results else (None if None in results else True)  # none
