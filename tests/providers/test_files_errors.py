"""Every bad input is an InventoryError with file, line or row, key, and a useful message."""

from __future__ import annotations

from pathlib import Path

import pytest

from mamori.checks.errors import InventoryError, Location
from mamori.checks.model import Resource
from mamori.providers.files.provider import FilesProvider


def failure(tmp_path: Path, name: str, text: str) -> InventoryError:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InventoryError) as caught:
        list(FilesProvider([tmp_path]).collect())
    return caught.value


def where(error: InventoryError) -> tuple[int | None, str | None]:
    assert error.location is not None
    return error.location.line, error.location.key


# --- unknown keys -----------------------------------------------------------------------

def test_typo_in_yaml_names_line_key_and_suggestion(tmp_path: Path) -> None:
    error = failure(tmp_path, "users.yaml", "- id: a\n  mfa: true\n- id: b\n  mfa_enabled: true\n")
    assert where(error) == (4, "mfa_enabled")
    assert error.message == "unknown attribute 'mfa_enabled' for type user; did you mean 'mfa'?"
    assert str(error) == (f"{(tmp_path / 'users.yaml').as_posix()}:4: mfa_enabled: inventory "
                          "error: unknown attribute 'mfa_enabled' for type user; did you mean "
                          "'mfa'?")


def test_typo_in_nested_yaml_key(tmp_path: Path) -> None:
    error = failure(tmp_path, "buckets.yaml",
                    "- id: b\n  encryption:\n    enabled: true\n    customer_key: true\n")
    assert where(error) == (4, "encryption.customer_key")
    assert error.message.endswith("did you mean 'encryption.customer_managed_key'?")


def test_typo_in_json_has_its_line(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.json",
                    '[\n  {"id": "a",\n   "os": "linux",\n   "last_pached": "2026-11-01"}\n]')
    assert where(error) == (4, "last_pached")
    assert error.message.endswith("did you mean 'last_patched'?")


def test_typo_in_csv_header_is_row_1_even_with_empty_cells(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.csv", "id,os,disk_encrpyted\nh1,linux,\nh2,bsd,\n")
    assert where(error) == (1, "disk_encrpyted")
    assert error.message == ("row 1: unknown attribute 'disk_encrpyted' for type host; "
                             "did you mean 'disk_encrypted'?")


def test_key_of_another_type_in_a_typed_csv_row(tmp_path: Path) -> None:
    error = failure(tmp_path, "inventory.csv", "type,id,os,mfa\nhost,h1,linux,\nhost,h2,,yes\n")
    assert where(error) == (3, "mfa")
    assert error.message == "row 3: unknown attribute 'mfa' for type host ('mfa' is an " \
                            "attribute of user)"


def test_column_no_type_has(tmp_path: Path) -> None:
    error = failure(tmp_path, "inventory.csv", "type,id,colour\nhost,h1,red\n")
    assert where(error) == (1, "colour")


def test_unknown_key_without_suggestion_mentions_x_prefix(tmp_path: Path) -> None:
    error = failure(tmp_path, "vendors.yaml", "- id: v\n  contract_owner: 山田\n")
    assert error.message == ("unknown attribute 'contract_owner' for type vendor "
                             "(custom attributes must start with 'x_')")


def test_null_value_does_not_hide_a_typo(tmp_path: Path) -> None:
    error = failure(tmp_path, "users.yaml", "- id: a\n  mfa_enabled: null\n")
    assert where(error) == (2, "mfa_enabled")


# --- wrong values -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "line", "key", "message"), [
    ("- id: h\n  disk_encrypted: maybe\n", 2, "disk_encrypted",
     "expected true or false (also yes/no, y/n, 1/0, はい/いいえ, 有/無), got 'maybe'"),
    ("- id: h\n  missing_critical_patches: -1\n", 2, "missing_critical_patches",
     "expected a whole number >= 0, got -1"),
    ("- id: h\n  os: [linux]\n", 2, "os", "expected text, got a list"),
    ("- id: h\n  last_patched: last week\n", 2, "last_patched",
     "expected a date like 2026-11-29 or 2026/11/29, or a datetime like "
     "2026-11-29T09:00:00+09:00, got 'last week'"),
    ("- id: h\n  tags: [a, b]\n", 2, "tags",
     "expected a mapping of names to texts (CSV: tags.NAME columns), got a list"),
    ("- id: h\n  records: many\n", 2, "records", "expected a whole number >= 0, got 'many'"),
])
def test_wrong_values_in_yaml(tmp_path: Path, text: str, line: int, key: str,
                              message: str) -> None:
    error = failure(tmp_path, "hosts.yaml", text)
    assert where(error) == (line, key)
    assert error.message == message


def test_wrong_value_in_csv_names_the_row(tmp_path: Path) -> None:
    error = failure(tmp_path, "endpoints.csv",
                    "id,screen_lock_minutes\npc1,5\npc2,five\n")
    assert where(error) == (3, "screen_lock_minutes")
    assert error.message == "row 3: expected a whole number >= 0, got 'five'"


def test_secret_values_are_not_echoed(tmp_path: Path) -> None:
    error = failure(tmp_path, "network_devices.yaml",
                    "- id: r\n  password_hash: {value: $1$abc}\n")
    assert where(error) == (2, "password_hash")
    assert error.message.startswith("expected text, got a mapping")
    assert "abc" not in str(error)


def test_secret_json_cell_is_not_echoed(tmp_path: Path) -> None:
    # A malformed access_keys JSON cell: the message names the key and the problem but
    # never repeats the cell, which may hold a key's secret.
    cell = '"[{""id"": ""AKIA1"", ""x_secret"": ""wJalrXUtnFEMI"", ""id"": ""dup""}]"'
    error = failure(tmp_path, "users.csv", f"id,access_keys\nu1,{cell}\n")
    assert where(error) == (2, "access_keys")
    assert "duplicate key 'id'" in error.message
    assert "wJalrXUtnFEMI" not in str(error) and "AKIA1" not in str(error)


# --- envelope and identity --------------------------------------------------------------

def test_missing_id(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.yaml", "- id: a\n- name: 名無し\n  os: linux\n")
    assert where(error) == (2, "id")
    assert error.message == "the record has no id (every record needs one)"


def test_missing_id_in_csv(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.csv", "id,os\nh1,linux\n,bsd\n")
    assert where(error) == (3, "id")


def test_source_key_is_reserved(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.yaml", "- {id: a, source: cmdb}\n")
    assert where(error) == (1, "source")


def test_duplicate_ids_name_both_places(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "hosts.csv").write_text("id,os\nweb01,linux\n", encoding="utf-8")
    error = failure(tmp_path, "b/hosts.yaml", "- id: web02\n- id: web01\n  os: bsd\n")
    first = f"{(tmp_path / 'a' / 'hosts.csv').as_posix()}:row 2"
    second = f"{(tmp_path / 'b' / 'hosts.yaml').as_posix()}:2"
    assert error.location == Location((tmp_path / "b" / "hosts.yaml").as_posix(), 2, "id")
    assert error.message == (f"duplicate host id 'web01' (provider onprem, account ''): "
                             f"already defined at {first}; this one is at {second}")


def test_same_id_in_other_account_or_type_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text("- {type: host, id: a}\n- {type: host, id: a, account: osaka}\n"
                    "- {type: user, id: a}\n- {type: host, id: a, provider: aws}\n",
                    encoding="utf-8")
    assert len(list(FilesProvider([path]).collect())) == 4


def test_same_attribute_dotted_and_nested(tmp_path: Path) -> None:
    error = failure(tmp_path, "buckets.yaml",
                    "- id: b\n  encryption: {enabled: true}\n  encryption.enabled: false\n")
    assert where(error) == (3, "encryption.enabled")
    assert "given twice" in error.message


# --- syntax -----------------------------------------------------------------------------

def test_duplicate_yaml_key(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.yaml", "- id: a\n  os: linux\n  os: windows\n")
    assert where(error) == (3, None)
    assert error.message == "duplicate key 'os' (first written at line 2)"


def test_duplicate_json_key(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.json", '[{"id": "a",\n  "id": "b"}]')
    assert where(error) == (2, None)
    assert error.message == "duplicate key 'id' (first written at line 1)"


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.yaml", "- id: a\n  os: linux\n - id: b\n")
    assert error.location is not None
    assert error.location.line == 3
    assert error.message.startswith("YAML syntax error")


def test_json_syntax_error_has_line(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.json", '[\n {"id": "a"},\n {"id": }\n]')
    assert where(error) == (3, None)
    assert error.message == "JSON syntax error: Expecting value"
    error = failure(tmp_path, "hosts.json", '[{"id": NaN}]')
    assert "NaN is not JSON" in error.message


def test_yaml_python_tags_are_refused(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.yaml", "- id: !!python/object/apply:os.system [echo hi]\n")
    assert error.message.startswith("YAML error: could not determine a constructor")
    assert where(error) == (1, None)


def test_yaml_alias_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mamori.providers.files.yaml_reader.MAX_NODES", 1000)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 6)]
    error = failure(tmp_path, "hosts.yaml", "\n".join(lines) + "\n")
    assert "aliases are expanded" in error.message


def test_yaml_merge_keys_work(tmp_path: Path) -> None:
    path = tmp_path / "hosts.yaml"
    path.write_text("- &base {id: a, os: linux, region: tokyo}\n- <<: *base\n  id: b\n",
                    encoding="utf-8")
    resources = [r for r in FilesProvider([path]).collect() if isinstance(r, Resource)]
    assert [(r.id, r.region) for r in resources] == [
        ("a", "tokyo"), ("b", "tokyo")]


def test_scalar_document(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.yaml", "just text\n")
    assert "expected a list of records" in error.message


def test_record_that_is_not_a_mapping(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.yaml", "- id: a\n- web02\n")
    assert where(error) == (2, None)
    assert error.message == "record 2 is not a mapping of keys to values"


def test_csv_cell_without_header(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.csv", "id,os\nh1,linux,extra\n")
    assert where(error) == (2, None)
    assert "no column name" in error.message


def test_csv_duplicate_header(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.csv", "id,os,os\nh1,a,b\n")
    assert where(error) == (1, "os")


def test_csv_syntax_error(tmp_path: Path) -> None:
    error = failure(tmp_path, "hosts.csv", 'id,os\nh1,"linux"x\n')
    assert error.message.startswith("CSV syntax error")
    assert where(error) == (2, None)
