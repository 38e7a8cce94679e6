"""Hostile plan shapes: any mutation of a real plan ends in a result or exit 2 naming the file.

The bases are the real ``terraform show -json`` plans under ``plans/`` plus one built
plan with the Azure, Google and other AWS types the real ones lack. Hypothesis deletes
keys, swaps kinds (list, object, text, number, boolean, null), writes huge numbers,
hostile text and nested junk anywhere in them, and corrupts the file text itself (NaN,
duplicate keys, deep nesting, control characters, another format_version, truncation).
Every outcome must be a normal result or an InventoryError that names the plan file —
never another exception (a traceback, exit 1 in the CLI).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.checks.engine import Engine
from mamori.checks.errors import InputError
from mamori.checks.model import Resource
from mamori.checks.plan import PlanRequest, run_plan
from mamori.providers.terraform.plan import parse_plan
from mamori.providers.terraform.provider import LoadedPlan, TerraformPlanProvider
from tests.providers.terraform.builder import PlanBuilder
from tests.providers.terraform.conftest import RULES

PLANS = Path(__file__).parent / "plans"
WHERE = "hostile-plan.json"
AS_OF = datetime(2026, 11, 29, tzinfo=UTC)


def _clouds() -> dict[str, Any]:
    """A plan with the mapped types the real plans do not have."""
    plan = PlanBuilder()
    plan.add("azurerm_storage_account.sa", after={
        "name": "acmedata", "allow_nested_items_to_be_public": True,
        "blob_properties": [{"versioning_enabled": True}]}, unknown={"id": True})
    plan.add("azurerm_storage_container.c", after={"name": "p", "container_access_type": "blob"},
             unknown={"storage_account_name": True},
             refs={"storage_account_name": ["azurerm_storage_account.sa.name"]})
    plan.add("azurerm_network_security_group.g", after={"name": "g", "security_rule": [
        {"name": "ssh", "priority": 100, "direction": "Inbound", "access": "Allow",
         "protocol": "Tcp", "destination_port_range": "22", "source_address_prefix": "*"},
        {"name": "web", "priority": 110, "direction": "Inbound", "access": "Allow",
         "protocol": "*", "destination_port_ranges": ["80", "8000-8080"],
         "source_address_prefixes": ["10.0.0.0/8", "VirtualNetwork"]}]})
    plan.add("azurerm_role_assignment.owner", after={
        "role_definition_name": "Owner", "principal_type": "User", "principal_id": "1"})
    plan.add("azurerm_mssql_server.s", after={"administrator_login": "sa",
                                              "public_network_access_enabled": True})
    plan.add("azurerm_mssql_firewall_rule.all", after={
        "start_ip_address": "0.0.0.0", "end_ip_address": "255.255.255.255"},
        unknown={"server_id": True}, refs={"server_id": ["azurerm_mssql_server.s.id"]})
    plan.add("google_storage_bucket.b", after={"name": "acme-gcs", "versioning": [
        {"enabled": True}], "encryption": [{"default_kms_key_name": "k"}]})
    plan.add("google_storage_bucket_iam_policy.p", after={"bucket": "acme-gcs", "policy_data":
             json.dumps({"bindings": [{"members": ["allUsers"]}]})})
    plan.add("google_compute_firewall.f", after={
        "direction": "INGRESS", "source_ranges": ["0.0.0.0/0"],
        "allow": [{"protocol": "tcp", "ports": ["22", "8000-8080"]}],
        "deny": [{"protocol": "icmp"}]})
    plan.add("google_sql_database_instance.db", after={
        "database_version": "POSTGRES_15", "settings": [{"ip_configuration": [
            {"ipv4_enabled": True, "authorized_networks": [{"value": "0.0.0.0/0"}]}]}]})
    plan.add("aws_iam_user.u", after={"name": "tanaka"})
    plan.add("aws_iam_access_key.k", after={"user": "tanaka", "status": "Active"})
    plan.add("aws_db_instance.db", after={"engine": "mysql", "publicly_accessible": True})
    plan.add("aws_instance.i", after={"root_block_device": [{"encrypted": False}]})
    plan.add("aws_cloudtrail.t", after={"enable_logging": True}, before={"enable_logging": False})
    return plan.document()


BASES: list[dict[str, Any]] = [json.loads(p.read_text("utf-8")) for p in sorted(
    PLANS.glob("*.json"))] + [_clouds()]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*prefix, i))


# Paths by depth, so that mutations hit the plan's structure (entries, sections) as
# often as the leaves, which are far more numerous.
PATHS = [[[p for p in _paths(base) if len(p) == depth] for depth in range(1, 40)]
         for base in BASES]
PATHS = [[level for level in levels if level] for levels in PATHS]

HOSTILE_TEXT = st.sampled_from(["", " ", "x", "-1", "*", "All traffic", "0.0.0.0/1", "22-21",
                                "70000", "1000-2000", "public-read", "Enabled", "aws:kms",
                                "arn:aws:iam::aws:policy/AdministratorAccess", "{}", "[]",
                                '{"Statement": "x"}', "module.x.y", "ｔｃｐ"])
SCALARS = (st.none() | st.booleans() | st.integers(-2, 70000) | st.integers(10 ** 18, 10 ** 25)
           | st.floats(allow_nan=False, allow_infinity=False) | HOSTILE_TEXT | st.text(max_size=5))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(HOSTILE_TEXT | st.text(max_size=4), inner, max_size=3),
                    max_leaves=6)


KINDS = ("list", "object", "text", "number", "bool", "null")


def _swap(value: Any, kind: str) -> Any:
    """``value`` turned into another JSON kind, keeping what can be kept."""
    if kind == "list":
        return list(value.values()) if isinstance(value, dict) else [value]
    if kind == "object":
        return dict(enumerate(value)) if isinstance(value, list) else {"value": value}
    if kind == "text":
        return json.dumps(value)
    if kind == "number":
        return len(value) if isinstance(value, list | dict | str) else 70000
    return {"bool": bool(value) if not isinstance(value, list | dict) else True,
            "null": None}[kind]


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """A copy of a base plan with one to four values deleted, swapped or replaced."""
    which = draw(st.integers(0, len(BASES) - 1))
    document: dict[str, Any] = json.loads(json.dumps(BASES[which]))
    for _ in range(draw(st.integers(1, 4))):
        level = PATHS[which][draw(st.integers(0, len(PATHS[which]) - 1))]
        path = level[draw(st.integers(0, len(level) - 1))]
        parent: Any = document
        try:
            for step in path[:-1]:
                parent = parent[step]
            current = parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation changed the way there
        if not isinstance(parent, dict | list):
            continue  # text indexed by number: the way there is gone too
        action = draw(st.sampled_from(["delete", "swap", "replace"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "swap":
            parent[path[-1]] = _swap(current, draw(st.sampled_from(KINDS)))
        else:
            parent[path[-1]] = draw(JSON)
    return document


def _evaluate(data: bytes) -> None:
    """Read, map both sides and evaluate the rules, as ``mamori plan`` does."""
    plan = LoadedPlan(Path(WHERE), parse_plan(data, WHERE))
    engine = Engine(RULES)
    for side in ("after", "before"):
        for item in TerraformPlanProvider(Path(WHERE), side, plan=plan).collect():
            if isinstance(item, Resource):
                engine.evaluate(item)


def _survives(data: bytes) -> None:
    try:
        _evaluate(data)
    except InputError as exc:  # exit 2: it must say which file
        assert WHERE in str(exc), exc
        assert exc.location is not None and exc.location.file == WHERE


@given(mutated())
def test_mutated_plans_end_in_a_result_or_exit_2(document: dict[str, Any]) -> None:
    _survives(json.dumps(document).encode("utf-8"))


def test_every_value_of_a_small_plan_swapped_to_every_kind() -> None:
    """Exhaustive over the hand-written plan: each value deleted or made each other kind."""
    base = json.loads((PLANS / "s3_module.json").read_text("utf-8"))
    for path in list(_paths(base))[1:]:
        for kind in (*KINDS, "delete"):
            document = json.loads(json.dumps(base))
            parent: Any = document
            for step in path[:-1]:
                parent = parent[step]
            if kind == "delete":
                if isinstance(parent, dict):
                    del parent[path[-1]]
            else:
                parent[path[-1]] = _swap(parent[path[-1]], kind)
            _survives(json.dumps(document).encode("utf-8"))


RAW_EDITS = st.sampled_from([
    ("NaN", lambda t: t.replace('"format_version"', '"x": NaN, "format_version"', 1)),
    ("Infinity", lambda t: t.replace("[]", "[-Infinity]", 1)),
    ("1e999", lambda t: t.replace("[]", "[1e999]", 1)),
    ("huge int", lambda t: t.replace("[]", "[" + "9" * 5000 + "]", 1)),
    ("duplicate key", lambda t: t.replace('"format_version"', '"format_version": "1.2", '
                                                              '"format_version"', 1)),
    ("deep nesting", lambda t: t.replace("[]", "[" * 3000 + "]" * 3000, 1)),
    ("nesting past the limit", lambda t: t.replace("[]", "[" * 101 + "]" * 101, 1)),
    ("escaped ESC", lambda t: t.replace('"name": "', '"name": "\\u001b[2J', 1)),
    ("lone surrogate", lambda t: t.replace('"name": "', '"name": "\\ud800', 1)),
    ("raw C1 control", lambda t: t.replace('"name": "', '"name": "\x85', 1)),
    ("control char in a key", lambda t: t.replace('"name":', '"na\\u0007me":', 1)),
    ("future format", lambda t: t.replace('"format_version": "1.2"',
                                          '"format_version": "2.0"', 1)),
    ("odd format", lambda t: t.replace('"format_version": "1.2"',
                                       '"format_version": "\u00b2.1"', 1)),
    ("truncated", lambda t: t[: len(t) // 3]),
    ("not an object", lambda t: "[" + t + "]"),
    ("BOM twice", lambda t: "\ufeff\ufeff" + t),
])


@given(st.integers(0, len(BASES) - 1), RAW_EDITS, st.sampled_from(["utf-8", "utf-16"]))
def test_corrupted_plan_text_is_exit_2_naming_the_file(which: int, edit: Any,
                                                       encoding: str) -> None:
    text = json.dumps(BASES[which], indent=1)
    edited = edit[1](text)
    try:
        data = edited.encode(encoding)
    except UnicodeEncodeError:
        data = edited.encode(encoding, "surrogatepass")
    _survives(data)


@settings(max_examples=25)
@given(mutated())
def test_library_entry_point_survives_mutations(document: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / WHERE
        path.write_text(json.dumps(document), encoding="utf-8")
        try:
            run_plan(PlanRequest(plan=path, as_of=AS_OF))
        except InputError as exc:
            assert WHERE in str(exc), exc
