"""Three-valued facts: True, False, or None when a fact could not be established.

Providers combine what they read with these, so that an unread part never turns an
answer into a definite one: ``any`` is True as soon as one part is True (whatever the
others), ``all`` is False as soon as one part is False; otherwise an unknown part makes
the whole unknown.
"""

from __future__ import annotations

from collections.abc import Iterable

#: A three-valued fact.
Tri = bool | None


def tri_any(values: Iterable[Tri]) -> Tri:
    """True if any is True; else None if any is unknown; else False."""
    seen = list(values)
    if True in seen:
        return True
    return None if None in seen else False


def tri_all(values: Iterable[Tri]) -> Tri:
    """False if any is False; else None if any is unknown; else True."""
    seen = list(values)
    if False in seen:
        return False
    return None if None in seen else True
