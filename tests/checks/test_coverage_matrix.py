"""docs/coverage.md is the provider x rule matrix the declarations give, and it is true."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mamori.checks.cli import cli
from mamori.checks.config import Config
from mamori.checks.coverage_matrix import cell
from mamori.checks.observability import Elsewhere, declared
from mamori.checks.ruleset import RuleSpec
from mamori.checks.scan import load_rule_specs
from mamori.checks.vocabulary import VOCABULARY

DOC = Path(__file__).resolve().parents[2] / "docs" / "coverage.md"


def specs() -> dict[str, RuleSpec]:
    return {s.info.id: s for s in load_rule_specs(Config())}


def test_the_committed_matrix_is_what_the_declarations_give() -> None:
    result = CliRunner().invoke(cli, ["rules", "coverage"])
    assert result.exit_code == 0, result.output
    assert DOC.read_text(encoding="utf-8") == result.output, (
        "docs/coverage.md is stale: mamori rules coverage > docs/coverage.md")


def test_cells_follow_the_declaration() -> None:
    hr = Elsewhere("no HR status", "an HR inventory")
    users = [a for a in VOCABULARY["user"] if a != "employment"]
    decl = declared("p", {"user": users}, {"user": {"employment": hr}})
    rules = specs()
    assert cell(rules["MAM-IAM-001"], decl).verdict == "decided"  # mfa, enabled, console
    leaver = cell(rules["MAM-IAM-006"], decl)  # reads employment and enabled
    assert (leaver.verdict, leaver.sources) == ("partly", ("an HR inventory",))
    assert cell(rules["MAM-HOST-001"], decl).verdict == "n/a"  # p emits no hosts


def test_every_cloud_rule_the_matrix_calls_decided_reads_only_supplied_facts() -> None:
    # The promise behind "decided": no attribute it reads is declared out of reach.
    from mamori.checks.coverage_matrix import reads
    from mamori.providers.registry import OBSERVABILITY, observability

    for name in OBSERVABILITY:
        declaration = observability(name)
        assert declaration is not None
        for spec in specs().values():
            if cell(spec, declaration).verdict == "decided":
                rtype = spec.info.resource_type
                assert all(declaration.unobservable(rtype, a) is None for a in reads(spec))
