"""Compiles rule conditions into closures, once per scan, with three-valued logic.

Validation happens here too, node by node, so an error names the exact key and line
(Custodian's lesson: a cheap structural pass gives better errors than a generic schema
validator on deeply nested ``oneOf``). The operators come from ``operators.OPERATORS``.

A compiled node is ``node(obj, ev, label) -> True | False | None`` where ``obj`` is the
resource (at the root) or a list item, ``ev`` collects evidence, what was missing and
why a value could not be judged, and None means unknown (an attribute absent, of the
wrong kind, or a value that cannot be true such as a patch date after ``as_of``).

Conditions nest at most :data:`MAX_DEPTH` levels: evaluation is recursive, and a
deeper rule is an error at its location rather than a RecursionError.
"""

from __future__ import annotations

import math
import re
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema

from mamori.checks import vocabulary as vocab
from mamori.checks.errors import RuleError, suggest
from mamori.checks.model import ENVELOPE_KEYS
from mamori.checks.nodes import REDACTED as REDACTED  # re-exported
from mamori.checks.nodes import Evaluation as Evaluation  # re-exported
from mamori.checks.nodes import (
    Node,
    all_of,
    any_of,
    counter,
    exists_test,
    getter,
    negate,
    quantifier,
    value_test,
)
from mamori.checks.op_network import target_spans
from mamori.checks.operators import (
    ALL_KEYWORDS,
    COMBINATORS,
    COUNT,
    COUNT_BOUND,
    COUNT_COMPARISONS,
    COUNT_WHERE,
    EXISTS,
    IGNORE_CASE,
    IGNORING,
    MODIFIERS,
    OPERATORS,
    QUANTIFIERS,
    CompileContext,
    build_predicate,
)
from mamori.checks.predicates import Predicate
from mamori.checks.text import printable
from mamori.checks.yamlsrc import Document, KeyPath

#: Deepest nesting of conditions (all/any/not/some/every/none) in a rule.
MAX_DEPTH = 64
_PATH_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)*$")


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
    return _compile(cond, path, env, None, 1)


def _compile(cond: Any, path: KeyPath, env: CompileEnv,
             item_fields: Mapping[str, vocab.Field] | None, depth: int) -> Compiled:
    if depth > MAX_DEPTH:
        raise env.fail(f"conditions are nested more than {MAX_DEPTH} levels deep", path)
    if not isinstance(cond, dict) or not cond:
        raise env.fail("expected a condition: a mapping such as {attr: mfa, eq: true}", path)
    keys = [k for k in cond if k not in MODIFIERS]
    for key in keys:
        if key not in ALL_KEYWORDS:
            raise env.fail(_unknown_operator(str(key)), (*path, key))
    combinators = [k for k in keys if k in COMBINATORS]
    if combinators:
        if len(cond) != 1:
            raise env.fail(f"'{combinators[0]}' must be the only key of its condition", path)
        return _combinator(combinators[0], cond[combinators[0]], (*path, combinators[0]), env,
                           item_fields, depth)
    if len(keys) != 1:
        what = ("no operator" if not keys else
                "more than one operator (" + ", ".join(str(k) for k in keys) + ")")
        raise env.fail(f"a test needs exactly one operator, found {what}", path)
    return _test(cond, keys[0], path, env, item_fields, depth)


def _unknown_operator(key: str) -> str:
    hint = suggest(key, ALL_KEYWORDS)
    return (f"unknown operator '{printable(key)}'{hint} (known: {', '.join(ALL_KEYWORDS)}, "
            f"{', '.join(MODIFIERS)})")


def _combinator(kind: str, value: Any, path: KeyPath, env: CompileEnv,
                item_fields: Mapping[str, vocab.Field] | None, depth: int) -> Compiled:
    if kind == "not":
        inner = _compile(value, path, env, item_fields, depth + 1)
        return Compiled(negate(inner.node), f"not({inner.text})", inner.reads)
    if not isinstance(value, list) or not value:
        raise env.fail(f"'{kind}' expects a non-empty list of conditions", path)
    parts = [_compile(c, (*path, i), env, item_fields, depth + 1) for i, c in enumerate(value)]
    node = all_of([p.node for p in parts]) if kind == "all" else any_of([p.node for p in parts])
    reads = tuple(r for p in parts for r in p.reads)
    return Compiled(node, f"{kind}(" + ", ".join(p.text for p in parts) + ")", reads)


def _resolve_operand(value: Any, path: KeyPath, env: CompileEnv) -> Any:
    if isinstance(value, dict) and set(value) == {"param"}:
        name = value["param"]
        if not isinstance(name, str):
            raise env.fail(f"'param' expects a param name, got {_brief(name)}", (*path, "param"))
        if name not in env.params:
            declared = ", ".join(sorted(env.params)) or "none"
            raise env.fail(f"unknown param '{printable(name)}' (declared: {declared})", path)
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
        raise env.fail(f"'attr' must be a dotted attribute path, got {_brief(attr)}",
                       (*path, "attr"))
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
    raise env.fail(f"unknown attribute '{printable(attr)}' for resource type "
                   f"{env.resource_type}{hint} (custom attributes start with "
                   f"'{vocab.CUSTOM_PREFIX}' or live under '{vocab.RAW_KEY}')", path)


def _test(cond: Mapping[str, Any], op: str, path: KeyPath, env: CompileEnv,
          item_fields: Mapping[str, vocab.Field] | None, depth: int) -> Compiled:
    attr = _check_attr(cond, path, env, item_fields)
    ignore_case = _ignore_case(cond, op, path, env)
    ignoring, ignoring_text = _ignoring(cond, op, path, env)
    get = getter(attr, at_root=item_fields is None)
    secret = attr is not None and item_fields is None and vocab.is_secret(env.resource_type, attr)
    reads = (attr,) if attr and item_fields is None else ()
    op_path = (*path, op)
    if op in QUANTIFIERS or op == COUNT:
        if attr is None:
            raise env.fail(f"'{op}' needs 'attr' naming a list", path)
        field_ = vocab.lookup(env.resource_type, attr)
        inner_fields = dict(field_.item) if field_ is not None else {}
        if op == COUNT:
            where, shown, comparison, bound = _count(cond[op], op_path, env, inner_fields,
                                                     depth)
            return Compiled(counter(attr, get, where, comparison, bound, secret),
                            f"{attr} count({shown}) {comparison} {bound}", reads)
        inner = _compile(cond[op], op_path, env, inner_fields, depth + 1)
        return Compiled(quantifier(op, attr, get, inner.node, secret),
                        f"{attr} {op}({inner.text})", reads)
    operand = _resolve_operand(cond[op], op_path, env)
    if op == EXISTS:
        if not isinstance(operand, bool):
            raise env.fail("'exists' expects true or false", op_path)
        return Compiled(exists_test(attr, get, operand, secret),
                        f"{attr} exists {_show(operand)}", reads)
    pred = _predicate(op, operand, op_path, env, ignore_case, ignoring)
    text = (f"{attr or 'item'} {op} {_show(operand)}" + (" ignoring case" if ignore_case else "")
            + ignoring_text)
    return Compiled(value_test(attr, get, pred, op, secret), text, reads)


def _count(spec: Any, path: KeyPath, env: CompileEnv, item_fields: Mapping[str, vocab.Field],
           depth: int) -> tuple[Node | None, str, str, int]:
    """``count: {where: c, lte: N}``: the compiled ``where`` (None: every item counts),
    how it reads, and exactly one of eq/ne/gt/gte/lt/lte with a non-negative integer."""
    shape = f"{{{COUNT_WHERE}: CONDITION, one of {'/'.join(COUNT_COMPARISONS)}: N}}"
    if not isinstance(spec, dict):
        raise env.fail(f"'{COUNT}' expects a mapping {shape}, got {_brief(spec)}", path)
    for key in spec:
        if key != COUNT_WHERE and key not in COUNT_COMPARISONS:
            hint = suggest(str(key), [COUNT_WHERE, *COUNT_COMPARISONS])
            raise env.fail(f"unknown key '{printable(str(key))}' in '{COUNT}'{hint}; "
                           f"expected {shape}", (*path, key))
    compared = [k for k in spec if k in COUNT_COMPARISONS]
    if len(compared) != 1:
        found = ", ".join(compared) or "none"
        raise env.fail(f"'{COUNT}' needs exactly one comparison "
                       f"({', '.join(COUNT_COMPARISONS)}), found {found}", path)
    comparison = compared[0]
    bound_path = (*path, comparison)
    bound = _resolve_operand(spec[comparison], bound_path, env)
    if not jsonschema.Draft202012Validator(COUNT_BOUND).is_valid(bound):
        raise env.fail(f"'{comparison}' in '{COUNT}' expects a whole number of items "
                       f"(0 or more), got {_brief(bound)}", bound_path)
    if COUNT_WHERE not in spec:
        return None, "every item", comparison, int(bound)
    inner = _compile(spec[COUNT_WHERE], (*path, COUNT_WHERE), env, item_fields, depth + 1)
    return inner.node, f"where {inner.text}", comparison, int(bound)


def _ignore_case(cond: Mapping[str, Any], op: str, path: KeyPath, env: CompileEnv) -> bool:
    if IGNORE_CASE not in cond:
        return False
    value = cond[IGNORE_CASE]
    where = (*path, IGNORE_CASE)
    if not isinstance(value, bool):
        raise env.fail(f"'{IGNORE_CASE}' expects true or false, got {_brief(value)}", where)
    if op not in OPERATORS or not OPERATORS[op].folds:
        folding = ", ".join(o.name for o in OPERATORS.values() if o.folds)
        raise env.fail(f"'{IGNORE_CASE}' applies only to text comparisons ({folding}), "
                       f"not to '{op}'", where)
    return value


def _ignoring(cond: Mapping[str, Any], op: str, path: KeyPath,
              env: CompileEnv) -> tuple[Any, str]:
    """The networks of ``ignoring`` (None when absent) and how the rule text shows them."""
    if IGNORING not in cond:
        return None, ""
    where = (*path, IGNORING)
    if op not in OPERATORS or not OPERATORS[op].ignores:
        raise env.fail(f"'{IGNORING}' applies only to cidr_union_covers, not to '{op}'", where)
    raw = cond[IGNORING]
    value = _check_operand(op, _resolve_operand(raw, where, env), where, env)
    try:
        target_spans(value)
    except ValueError as exc:
        raise env.fail(f"invalid '{IGNORING}': {printable(str(exc))}", where) from exc
    shown = f"{{param: {raw['param']}}}" if isinstance(raw, dict) else _show(value)
    return value, f" ignoring {shown}"


def _check_operand(op: str, operand: Any, path: KeyPath, env: CompileEnv) -> Any:
    operator = OPERATORS[op]
    errors = list(jsonschema.Draft202012Validator(operator.schema).iter_errors(operand))
    if errors:
        raise env.fail(f"'{path[-1]}' expects {_expected(operator.schema)}, got "
                       f"{_brief(operand)}", path)
    if not _finite(operand):
        raise env.fail(f"'{path[-1]}' expects finite numbers, got {_brief(operand)}", path)
    return operand


def _predicate(op: str, operand: Any, path: KeyPath, env: CompileEnv,
               ignore_case: bool, ignoring: Any) -> Predicate:
    operator = OPERATORS[op]
    _check_operand(op, operand, path, env)
    try:
        return build_predicate(operator, operand, env.ctx, ignore_case, ignoring)
    except (re.error, ValueError) as exc:
        raise env.fail(f"invalid operand for '{op}': {printable(str(exc))}", path) from exc


def _finite(operand: Any) -> bool:
    items = operand if isinstance(operand, list) else [operand]
    return not any(isinstance(i, float) and not math.isfinite(i) for i in items)


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80


def _brief(value: Any) -> str:
    """A short, terminal-safe rendering of a value echoed in an error message."""
    return printable(_REPR.repr(value))


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
