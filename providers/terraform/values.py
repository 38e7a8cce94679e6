"""Plan values with "known after apply" made explicit.

Values come from ``json.loads``, so objects are plain dicts (tested with ``dict``, which
is much faster than the ``Mapping`` ABC on hot paths).

Terraform leaves unknown values out of ``after`` and marks them in ``after_unknown``
(``true`` at an unknown leaf or block). :func:`merge_unknown` puts the :data:`UNKNOWN`
sentinel in their place, so mapping code can never mistake an unknown for a default:
an attribute that depends on an unknown value is left absent (the rule gives ERROR).
"""

from __future__ import annotations

from typing import Any, Final

from mamori.providers.terraform.shape import Path, PlanProblem, kind_of


class _Unknown:
    """The type of :data:`UNKNOWN`: a value Terraform will know only after apply."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "(known after apply)"

    def __bool__(self) -> bool:
        raise TypeError("an unknown plan value has no truth value; test 'is UNKNOWN' first")


UNKNOWN: Final = _Unknown()


def merge_unknown(value: Any, unknown: Any, path: Path = ()) -> Any:
    """``value`` with every leaf that ``unknown`` marks ``true`` replaced by UNKNOWN.

    ``unknown`` is Terraform's ``after_unknown``: ``true``/``false`` leaves in objects and
    lists shaped like ``value``. Anything else (text, numbers, an object mark over a
    list) is a corrupted plan: PlanProblem at ``path``, never a value taken as known.
    """
    if unknown is True:
        return UNKNOWN
    if unknown is None or unknown is False:
        return value
    if isinstance(unknown, dict):
        if not unknown:
            return value
        if value is not None and not isinstance(value, dict):
            raise PlanProblem(f"marks an object where the value is {kind_of(value)}", path)
        merged = dict(value) if isinstance(value, dict) else {}
        for key, mark in unknown.items():
            merged[key] = merge_unknown(merged.get(key), mark, (*path, key))
        return merged
    if isinstance(unknown, list):
        if not unknown:
            return value
        if value is not None and not isinstance(value, list):
            raise PlanProblem(f"marks a list where the value is {kind_of(value)}", path)
        items = list(value) if isinstance(value, list) else []
        items += [None] * (len(unknown) - len(items))
        return [merge_unknown(item, unknown[i], (*path, i)) if i < len(unknown) else item
                for i, item in enumerate(items)]
    raise PlanProblem(f"expected true/false marks, found {kind_of(unknown)}", path)


def dig(value: Any, *path: str | int) -> Any:
    """The value at ``path`` (keys and list indexes); None when missing, UNKNOWN inside."""
    cur = value
    for step in path:
        if cur is UNKNOWN:
            return UNKNOWN
        if isinstance(step, int):
            if not isinstance(cur, list) or step >= len(cur):
                return None
            cur = cur[step]
        elif isinstance(cur, dict):
            cur = cur.get(step)
        else:
            return None
    return cur


def first_block(value: Any, name: str) -> Any:
    """The first element of a nested block list (``rule[0]``), None if empty, or UNKNOWN."""
    block = dig(value, name)
    if block is UNKNOWN:
        return UNKNOWN
    if isinstance(block, list):
        return block[0] if block else None
    return block if isinstance(block, dict) else None


def blocks(value: Any, name: str) -> list[Any] | None:
    """All elements of a nested block list; None when the list itself is unknown."""
    block = dig(value, name)
    if block is UNKNOWN:
        return None
    if isinstance(block, list):
        return block
    return [block] if isinstance(block, dict) else []


def has_unknown(value: Any) -> bool:
    """True when ``value`` is or contains UNKNOWN."""
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False


def known_str(value: Any) -> str | None:
    """``value`` when it is a known, non-empty string."""
    return value if isinstance(value, str) and value else None


def known_bool(value: Any, default: bool | None = None) -> bool | None:
    """A known boolean; ``default`` for null (the provider's default); None if unknown."""
    if value is UNKNOWN:
        return None
    if isinstance(value, bool):
        return value
    if value is None:
        return default
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None
