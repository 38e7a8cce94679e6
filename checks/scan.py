"""The scan as a library call: rules + config + providers → ScanResult.

The CLI is a thin layer over ``run_scan``; so are the tests. Resources are streamed
from the providers through the engine (and into a snapshot when asked), so memory is
bounded by the findings, not by the inventory.

A scan never passes on nothing: no rule switched on is a UsageError before collection
(exit 2), and every input that yielded no resource is an ``input_empty`` gate note
(:mod:`mamori.checks.tally`) that the gate treats as incomplete.
"""

from __future__ import annotations

import getpass
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mamori.checks import __version__
from mamori.checks.config import Config, check_rules
from mamori.checks.engine import Engine
from mamori.checks.errors import UsageError
from mamori.checks.finding_log import FindingLog
from mamori.checks.findings import Finding, RunInfo, ScanResult
from mamori.checks.hrjoin import HrIndex, join, with_hr_facts
from mamori.checks.model import Cause, CollectionError, Resource
from mamori.checks.observability import Lookup
from mamori.checks.ruleset import (
    CompiledRule,
    RuleSpec,
    builtin_rules_dir,
    compile_rule,
    load_rules,
    ruleset_hash,
)
from mamori.checks.tally import InputTally

if TYPE_CHECKING:
    from mamori.providers.interface import Provider

Progress = Callable[[int, int], None]  # (resources so far, findings so far)


@dataclass(frozen=True)
class ScanRequest:
    """Everything a scan needs. ``causes`` None means all seven."""

    providers: Sequence[Provider]
    config: Config = field(default_factory=Config)
    rule_paths: Sequence[Path] = ()
    causes: frozenset[Cause] | None = None
    as_of: datetime | None = None
    save_inventory: Path | None = None
    progress: Progress | None = None
    #: Rules already loaded by the caller (``load_rule_specs``), e.g. to check waivers
    #: against them before a long collection; None: load them here.
    specs: Sequence[RuleSpec] | None = None


def load_rule_specs(config: Config, rule_paths: Iterable[Path] = ()) -> list[RuleSpec]:
    """Every rule the config and command line name (built-ins first), validated."""
    paths: list[Path] = [builtin_rules_dir()] if config.builtin_rules else []
    paths += list(config.rule_dirs) + list(rule_paths)
    specs = load_rules(paths)
    check_rules(config, specs)
    return specs


def select_rules(specs: Iterable[RuleSpec], config: Config,
                 causes: frozenset[Cause] | None) -> list[RuleSpec]:
    """The rules that are switched on for this run."""
    return [s for s in specs if config.enabled(s)
            and (causes is None or any(c in causes for c in s.info.causes))]


def require_rules(selected: Sequence[RuleSpec], specs: Sequence[RuleSpec], config: Config,
                  causes: frozenset[Cause] | None) -> None:
    """A run with no rule switched on would pass on nothing: UsageError (exit 2) saying
    why, before anything is collected."""
    if selected:
        return
    if not specs:
        raise UsageError("no rule to run: the built-in rules are off (--no-builtin-rules or "
                         "builtin_rules: false) and no rule was given (--rules PATH, or "
                         "rule_dirs in the config)")
    off = sum(1 for s in specs if not config.enabled(s))
    reasons = []
    if off:
        where = config.doc.file if config.doc is not None else "the config"
        reasons.append(f"{off} switched off by {where} (rules.disable, rules.only or "
                       "causes.disable)")
    if len(specs) > off and causes is not None:
        asked = ", ".join(sorted(c.value for c in causes))
        reasons.append(f"{len(specs) - off} of no cause asked for (--cause {asked})")
    raise UsageError(f"no rule selected: none of the {len(specs)} loaded rule(s) is switched "
                     f"on for this run: {'; '.join(reasons)}")


def selected_rules(config: Config, rule_paths: Iterable[Path] = (),
                   causes: frozenset[Cause] | None = None,
                   specs: Sequence[RuleSpec] | None = None) -> list[RuleSpec]:
    """The rules a scan or plan runs: loaded (unless given), selected, at least one."""
    loaded = list(specs) if specs is not None else load_rule_specs(config, rule_paths)
    chosen = select_rules(loaded, config, causes)
    require_rules(chosen, loaded, config, causes)
    return chosen


def compile_rules(specs: Iterable[RuleSpec], config: Config, as_of: datetime) -> list[CompiledRule]:
    """Bind the selected rules to the scan's as_of and the config's overrides."""
    return [compile_rule(s, as_of, config.params.get(s.info.id), config.severity.get(s.info.id))
            for s in specs]


def run_scan(request: ScanRequest) -> ScanResult:
    """Collect, evaluate and summarise. Raises MamoriError for bad input (exit 2)."""
    started = datetime.now(UTC)
    as_of = request.as_of or started
    selected = selected_rules(request.config, request.rule_paths, request.causes,
                              request.specs)
    rules = compile_rules(selected, request.config, as_of)
    engine = Engine(rules, declared_observability())
    tally = InputTally.of(request.providers)
    findings = FindingLog()  # PASS findings kept compactly: memory stays bounded
    errors: list[CollectionError] = []
    accounts: set[str] = set()
    # Users wait for the HR records (which may come from any input, in any order); the
    # rest is evaluated as it streams in.
    users: list[Resource] = []
    hr = HrIndex(request.config.hr_keys)
    resources = 0
    with ExitStack() as stack:
        writer = _snapshot_writer(stack, request.save_inventory)
        for index, provider in enumerate(request.providers):
            for item in provider.collect():
                if writer is not None:
                    writer.write(item)
                if isinstance(item, Resource):
                    resources += 1
                    tally.count(index, item)
                    if item.account:
                        accounts.add(f"{item.provider}:{item.account}")
                    if item.type == "user":
                        users.append(item)
                        continue
                    if item.type == "person":
                        hr.add(item)
                    findings.extend(engine.evaluate(item))
                    if request.progress is not None and resources % 500 == 0:
                        request.progress(resources, len(findings))
                else:
                    errors.append(item)
                    findings.extend(engine.collection_failed(item))
    findings.extend(_evaluate_users(engine, users, hr, as_of))
    run = RunInfo(as_of=as_of, started=started, finished=datetime.now(UTC),
                  providers=tuple(p.describe() for p in request.providers),
                  accounts=tuple(sorted(accounts)), ruleset_hash=ruleset_hash(rules),
                  tool_version=__version__, resources=resources, ran_by=who_ran())
    causes = tuple(c for c in Cause if request.causes is None or c in request.causes)
    return ScanResult(run=run, rules=[r.info for r in rules], findings=findings, errors=errors,
                      rule_stats=engine.stats(), causes_selected=causes,
                      gate_notes=tuple(tally.notes()))


def _evaluate_users(engine: Engine, users: list[Resource], hr: HrIndex,
                    as_of: datetime) -> Iterator[Finding]:
    """Join the users to the HR records (when the scan has any), then evaluate them."""
    engine.observability = with_hr_facts(engine.observability, joined=bool(hr))
    for user in users:
        yield from engine.evaluate(join(user, hr, as_of) if hr else user)


def declared_observability() -> Lookup:
    """The providers' declarations of what they can observe (NOT_ASSESSED vs ERROR)."""
    from mamori.providers.registry import observability  # the registry imports no SDK

    return observability


def who_ran() -> str:
    """``user@host`` of this process: the run's own machine."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        user = "?"
    return f"{user}@{socket.gethostname()}"


class _Writer(Protocol):
    def write(self, item: Resource | CollectionError) -> None: ...


def _snapshot_writer(stack: ExitStack, path: Path | None) -> _Writer | None:
    if path is None:
        return None
    from mamori.providers.snapshot import SnapshotWriter  # only when saving

    writer: _Writer = stack.enter_context(SnapshotWriter(path))
    return writer
