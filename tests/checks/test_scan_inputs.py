"""run_scan never passes on nothing: rules must be selected, each input must yield.

Real rule files, real inventory folders and snapshots through the real providers; the
expected notes and exit codes follow the gate's contract (docs/ci.md), not mamori's
output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mamori.checks.config import Config, load_config
from mamori.checks.errors import InventoryError, UsageError
from mamori.checks.findings import ScanResult
from mamori.checks.model import Cause
from mamori.checks.scan import ScanRequest, run_scan
from mamori.checks.tally import INPUT_EMPTY
from mamori.ci.gate import ExitCode, GatePolicy, decide
from mamori.providers.factory import build_providers
from tests.checks.conftest import WriteRule

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)
MFA = "assert: {attr: mfa, eq: true}\n"
USERS = "- {id: u1, mfa: true}\n- {id: u2, mfa: true}\n"


def scan(*, inventories: Sequence[Path] = (), snapshots: Sequence[Path] = (),
         rules: Sequence[Path] = (), config: Config | None = None,
         causes: frozenset[Cause] | None = None, save: Path | None = None) -> ScanResult:
    request = ScanRequest(providers=build_providers(inventories=inventories,
                                                    snapshots=snapshots),
                          config=config or Config(builtin_rules=False), rule_paths=rules,
                          causes=causes, as_of=AS_OF, save_inventory=save)
    return run_scan(request)


@pytest.fixture
def estate(tmp_path: Path, write_rule: WriteRule) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "host-rules").mkdir()
    write_rule(MFA, name="rules/mfa.yaml")
    (tmp_path / "hr").mkdir()
    (tmp_path / "hr" / "users.yaml").write_text(USERS, encoding="utf-8")
    (tmp_path / "cmdb").mkdir()
    (tmp_path / "empty").mkdir()
    return tmp_path


def notes(result: ScanResult) -> list[tuple[str, str]]:
    return [(n.source, n.message) for n in result.gate_notes if n.kind == INPUT_EMPTY]


def test_every_input_that_yielded_nothing_is_a_note(estate: Path) -> None:
    (estate / "cmdb" / "hosts.csv").write_text("id,os\n", encoding="utf-8")  # header only
    result = scan(inventories=[estate / "hr", estate / "cmdb", estate / "empty"],
                  rules=[estate / "rules"])
    assert result.run.resources == 2
    assert [source.rsplit("/", 1)[-1] for source, _ in notes(result)] == ["cmdb", "empty"]
    assert [m for _, m in notes(result)] == [
        "no resources read (1 file(s), no records in them)",
        "no resources read (no inventory file in it)"]
    verdict = decide(result, GatePolicy())
    assert verdict.exit_code is ExitCode.INCOMPLETE and "no resources read from" in verdict.reason
    assert decide(result, GatePolicy(allow_incomplete=True)).exit_code is ExitCode.OK


def test_inputs_that_all_yielded_are_not_noted(estate: Path) -> None:
    (estate / "cmdb" / "users.csv").write_text("id,mfa\nu9,yes\n", encoding="utf-8")
    result = scan(inventories=[estate / "hr", estate / "cmdb" / "users.csv"],
                  rules=[estate / "rules"])
    assert notes(result) == [] and decide(result, GatePolicy()).exit_code is ExitCode.OK


def test_an_empty_snapshot_input_is_noted(estate: Path) -> None:
    snap = estate / "empty.jsonl"
    scan(inventories=[estate / "empty"], rules=[estate / "rules"], save=snap)
    result = scan(inventories=[estate / "hr"], snapshots=[snap], rules=[estate / "rules"])
    assert [source for source, _ in notes(result)] == [f"--snapshot {snap}"]


def test_nothing_read_at_all_is_exit_3_even_when_allowed(estate: Path) -> None:
    result = scan(inventories=[estate / "empty"], rules=[estate / "rules"])
    verdict = decide(result, GatePolicy(allow_incomplete=True))
    assert verdict.exit_code is ExitCode.INCOMPLETE
    assert verdict.reason.startswith("nothing was evaluated: no resource was read")


def test_resources_no_rule_applies_to_is_exit_3(estate: Path, write_rule: WriteRule) -> None:
    write_rule("assert: {attr: disk_encrypted, eq: true}\n", resource="host",
               name="host-rules/disk.yaml")
    result = scan(inventories=[estate / "hr"], rules=[estate / "host-rules"])
    verdict = decide(result, GatePolicy(allow_incomplete=True))
    assert verdict.exit_code is ExitCode.INCOMPLETE
    assert "2 resource(s) read" in verdict.reason and "(host)" in verdict.reason


def test_no_rule_at_all_is_a_usage_error_before_collecting(estate: Path) -> None:
    import os

    os.mkfifo(estate / "hr" / "late.csv")  # collecting would fail on it: it never starts
    with pytest.raises(UsageError, match="no rule to run: the built-in rules are off"):
        scan(inventories=[estate / "hr"])


def test_every_rule_switched_off_is_a_usage_error(estate: Path) -> None:
    (estate / "mamori.yaml").write_text("builtin_rules: false\nrules: {disable: [T-RULE-1]}\n",
                                        encoding="utf-8")
    config = load_config(estate / "mamori.yaml")
    with pytest.raises(UsageError, match=r"1 switched off by .*mamori\.yaml"):
        scan(inventories=[estate / "hr"], rules=[estate / "rules"], config=config)
    with pytest.raises(UsageError, match=r"1 of no cause asked for \(--cause physical\)"):
        scan(inventories=[estate / "hr"], rules=[estate / "rules"],
             causes=frozenset({Cause.PHYSICAL}))


def test_a_bad_entry_in_an_inventory_folder_fails_before_any_collection(estate: Path) -> None:
    import os

    os.mkfifo(estate / "cmdb" / "hosts.csv")
    save = estate / "snap.jsonl"
    with pytest.raises(InventoryError, match="named pipe"):
        scan(inventories=[estate / "hr", estate / "cmdb"], rules=[estate / "rules"], save=save)
    assert not save.exists()


def test_preloaded_specs_are_used(estate: Path) -> None:
    from mamori.checks.scan import load_rule_specs

    config = Config(builtin_rules=False)
    specs = load_rule_specs(config, [estate / "rules"])
    request = ScanRequest(providers=build_providers(inventories=[estate / "hr"]),
                          config=config, as_of=AS_OF, specs=specs)
    assert [r.id for r in run_scan(request).rules] == ["T-RULE-1"]
    with pytest.raises(UsageError):
        run_scan(replace(request, specs=[]))
