"""The history store interface: frozen records and the HistoryStore ABC.

Implementations (:mod:`~mamori.checks.history.sqlite`,
:mod:`~mamori.checks.history.postgres`) translate their driver's errors into
:class:`HistoryError` at the boundary, so callers handle one exception type. Findings are
stored by fingerprint with their verdict and resource envelope, never their evidence
(it can be large and may hold sensitive values).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType

from mamori.checks.errors import MamoriError


class HistoryError(MamoriError):
    """The history store could not be opened, read or written (exit 2 when opening)."""


#: Statuses that make a finding "failing" for drift: FAIL, ERROR (undecided is not
#: resolved: fail closed) and WAIVED (an accepted risk is still there). NOT_ASSESSED is
#: its own state: not failing, not passing (no source of the run could tell).
FAILING = frozenset({"FAIL", "ERROR", "WAIVED"})
NOT_ASSESSED = "NOT_ASSESSED"


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """One finding of a recorded run (no evidence)."""

    fingerprint: str
    rule_id: str
    status: str
    severity: str
    resource_type: str
    resource_id: str
    resource_name: str
    provider: str
    account: str
    causes: tuple[str, ...]
    change: str | None = None
    first_seen: datetime | None = None

    @property
    def failing(self) -> bool:
        """True for FAIL, ERROR and WAIVED (see :data:`FAILING`)."""
        return self.status in FAILING

    @property
    def in_streak(self) -> bool:
        """Failing, or NOT_ASSESSED after failing (``first_seen`` kept: a failure that
        run could not re-check, neither resolved nor new)."""
        return self.failing or (self.status == NOT_ASSESSED and self.first_seen is not None)


@dataclass(frozen=True, slots=True)
class CauseCounts:
    """Findings of one cause in one run, per status; ``checked`` as in the coverage."""

    cause: str
    passed: int
    failed: int
    errored: int
    waived: int
    checked: bool
    not_assessed: int = 0

    @property
    def pass_rate(self) -> float | None:
        """PASS over the assessed findings of the cause (ERROR and WAIVED are not passes;
        NOT_ASSESSED is left out, as in the report's coverage); None when none."""
        total = self.passed + self.failed + self.errored + self.waived
        return None if total == 0 else self.passed / total


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One recorded run. ``id`` is None until the store assigns it."""

    as_of: datetime
    started: datetime
    finished: datetime
    providers: tuple[str, ...]
    accounts: tuple[str, ...]
    scope_key: str
    ruleset_hash: str
    tool_version: str
    exit_code: int
    resources: int
    #: Findings per status (PASS, FAIL, ERROR, WAIVED, NOT_ASSESSED) and per change.
    counts: Mapping[str, int] = field(default_factory=dict)
    id: int | None = None


class HistoryStore(ABC):
    """A results store. One :meth:`record` call is one transaction."""

    #: Short name for messages (``sqlite: mamori.db``), never with a password.
    label: str = "history"

    @abstractmethod
    def record(self, run: RunRecord, findings: Sequence[FindingRecord],
               causes: Sequence[CauseCounts]) -> int:
        """Store a run with its findings and cause counts atomically; return its id."""

    @abstractmethod
    def previous_run(self, scope_key: str, as_of: datetime) -> RunRecord | None:
        """The latest run of this scope with ``as_of`` at or before the given one."""

    @abstractmethod
    def findings(self, run_id: int) -> list[FindingRecord]:
        """Every finding stored for a run."""

    @abstractmethod
    def runs(self, scope_key: str | None = None, limit: int | None = None) -> list[RunRecord]:
        """Runs, newest first (by as_of, then started), optionally of one scope."""

    @abstractmethod
    def cause_counts(self, run_ids: Sequence[int]) -> dict[int, list[CauseCounts]]:
        """Per-cause counts of the given runs."""

    @abstractmethod
    def prune(self, before: datetime) -> int:
        """Delete runs started before ``before``, keeping each scope's latest run."""

    @abstractmethod
    def schema_version(self) -> int:
        """The schema version the store is at."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
