"""The GCP declaration (providers/gcp/observes.py) against what the provider emits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mamori.checks.model import Resource
from mamori.checks.observability import conformance
from mamori.checks.vocabulary import VOCABULARY
from mamori.providers.gcp.observes import OBSERVES
from mamori.providers.registry import observability
from mamori.providers.snapshot import SnapshotProvider, SnapshotWriter
from tests.providers.gcp.conftest import FakeGoogle, options, run
from tests.providers.gcp.scenario import seed_all, seed_buckets
from tests.providers.gcp.scenario_platform import CUSTOMER


def test_the_declaration_matches_the_test_estate(fake: FakeGoogle, emulator: str) -> None:
    seed_buckets(emulator)
    seed_all(fake)
    got = run(options(fake, emulator, workspace_customer=CUSTOMER))
    # Every emitted type fully classified, nothing emitted undeclared, every claim used.
    assert conformance(OBSERVES, got.resources) == []
    assert {r.type for r in got.resources} == OBSERVES.types()


def test_what_is_out_of_reach_is_never_also_claimed() -> None:
    for rtype, facts in OBSERVES.elsewhere.items():
        assert not set(facts) & OBSERVES.supplies.get(rtype, frozenset()), rtype
        for attr, where in facts.items():
            assert attr in VOCABULARY[rtype], (rtype, attr)
            assert where.reason.strip() and where.source.strip(), (rtype, attr)


def test_the_registry_serves_this_declaration() -> None:
    assert observability("gcp") is OBSERVES


def test_reading_the_declaration_imports_no_google_sdk() -> None:
    code = ("import sys, mamori.providers.gcp.observes; "
            "print([m for m in sys.modules if m.startswith(('google', 'requests'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]"


def test_the_estate_survives_a_snapshot(fake: FakeGoogle, emulator: str,
                                        tmp_path: Path) -> None:
    # What the provider emits is valid inventory: saved and read back, nothing is refused
    # and the vocabulary values (dates, "never", nested facts) come back as they were.
    seed_buckets(emulator)
    seed_all(fake)
    got = run(options(fake, emulator, workspace_customer=CUSTOMER))
    path = tmp_path / "gcp.jsonl"
    with SnapshotWriter(path) as writer:
        for resource in got.resources:
            writer.write(resource)
        for error in got.errors:
            writer.write(error)
    back = [i for i in SnapshotProvider(path).collect() if isinstance(i, Resource)]
    assert len(back) == len(got.resources)
    original = {(r.type, r.id, r.account): r for r in got.resources}
    for resource in back:
        before = original[(resource.type, resource.id, resource.account)]
        for attr in VOCABULARY[resource.type]:
            head = attr.split(".")[0]
            if head in before.attributes:
                assert resource.attributes.get(head) == before.attributes[head], (
                    resource.id, attr)
