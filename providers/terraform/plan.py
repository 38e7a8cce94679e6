"""Reading a ``terraform show -json`` plan file, strictly.

Accepted encodings: UTF-8 (with or without BOM) and UTF-16 LE/BE with a BOM, as
PowerShell's ``>`` writes them (UTF-16 without BOM is recognised by its NUL bytes).
Accepted documents: a JSON object with ``format_version`` of major version 0 or 1
(Terraform 0.12 wrote "0.1"/"0.2", 1.x writes "1.0" … "1.2") that has at least one of
``planned_values``, ``resource_changes`` or ``prior_state``. Anything else — a binary
plan, a state file, truncated JSON, a future major format — is an
:class:`~mamori.checks.errors.InventoryError` naming the file (exit 2): a plan that
cannot be read must never look like a clean plan.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mamori.checks.errors import InventoryError, Location, display_path

SUPPORTED_MAJORS = frozenset({0, 1})
_PLAN_KEYS = ("planned_values", "resource_changes", "prior_state")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def read_plan(path: Path) -> dict[str, Any]:
    """The plan document at ``path``, validated; InventoryError when it is not one."""
    where = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InventoryError(f"cannot read the plan file: {exc.strerror or exc}",
                             Location(where)) from exc
    return parse_plan(data, where)


def parse_plan(data: bytes, where: str) -> dict[str, Any]:
    """Decode, parse and validate plan bytes; ``where`` names the file in errors."""
    if data[:2] == b"PK":
        raise _error(where, "this is a binary plan file; convert it with "
                            "'terraform show -json PLANFILE > plan.json'")
    text = decode(data, where)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InventoryError(f"not valid JSON ({exc.msg}, column {exc.colno}); "
                             "the plan file may be truncated or corrupted",
                             Location(where, exc.lineno)) from exc
    if not isinstance(document, dict):
        raise _error(where, "not a Terraform plan: the document is not a JSON object")
    check_document(document, where)
    return document


def decode(data: bytes, where: str) -> str:
    """Text from bytes in UTF-8 or UTF-16 (BOM-marked, or recognised by NUL bytes)."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    else:
        if len(data) >= 2 and data[0] == 0 and data[1] != 0:
            encoding = "utf-16-be"
        elif len(data) >= 2 and data[1] == 0 and data[0] != 0:
            encoding = "utf-16-le"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _error(where, f"cannot decode the file as {encoding}: {exc.reason} at byte "
                            f"{exc.start}; save the plan as UTF-8 or UTF-16") from exc


def check_document(document: Mapping[str, Any], where: str) -> None:
    """Raise InventoryError unless ``document`` is a plan of a supported format."""
    version = document.get("format_version")
    if not isinstance(version, str) or not version.split(".")[0].isdigit():
        hint = ""
        if "resources" in document and "version" in document:
            hint = " (this looks like a raw state file)"
        raise _error(where, f"not a Terraform plan: no 'format_version'{hint}; expected the "
                            "output of 'terraform show -json PLANFILE'", "format_version")
    major = int(version.split(".")[0])
    if major not in SUPPORTED_MAJORS:
        raise _error(where, f"unsupported plan format_version {version!r}: this mamori reads "
                            "major versions 0 and 1", "format_version")
    if not any(key in document for key in _PLAN_KEYS):
        hint = " (this looks like 'terraform show -json' of a state, not of a plan)" \
            if "values" in document else ""
        raise _error(where, "not a Terraform plan: none of planned_values, resource_changes, "
                            f"prior_state{hint}")
    for key in ("planned_values", "prior_state", "configuration", "resource_changes"):
        wanted = list if key == "resource_changes" else dict
        if document.get(key) is not None and not isinstance(document[key], wanted):
            raise _error(where, f"not a Terraform plan: '{key}' should be "
                                f"{'a list' if wanted is list else 'an object'}", key)


def _error(where: str, message: str, key: str | None = None) -> InventoryError:
    return InventoryError(message, Location(where, None, key))
