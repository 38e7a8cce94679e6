"""The one error tree of mamori.

Every error a user can cause carries where it happened (file, line, key) and maps to
a documented exit code. Library errors (yaml, jsonschema, csv, SDKs) are translated at
the boundary into these classes, so callers only ever catch ``MamoriError``::

    MamoriError                      exit 2 unless noted
    ├── UsageError                   bad command-line use
    ├── InputError                   a file the user gave us is wrong (has a Location)
    │   ├── RuleError                rule file: schema, operator, regex, duplicate id
    │   ├── ConfigError              mamori.yaml
    │   ├── InventoryError           on-prem inventory or snapshot file
    │   └── WaiverError              waiver or baseline file
    └── ProviderError                a provider cannot start at all (missing extra,
                                     unknown provider); per-call failures are not
                                     exceptions but CollectionError records (exit 3)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

EXIT_USAGE = 2


@dataclass(frozen=True)
class Location:
    """Where in a user's file a problem is: file, 1-based line (if known) and key path."""

    file: str
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
        if self.key:
            text += f": {self.key}"
        return text


class MamoriError(Exception):
    """Base of every error mamori raises on purpose."""

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(MamoriError):
    """The command line asked for something impossible or contradictory."""


class InputError(MamoriError):
    """A file the user supplied is invalid; always says where."""

    kind = "input"

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return f"{self.kind} error: {self.message}"
        return f"{self.location}: {self.kind} error: {self.message}"


class RuleError(InputError):
    """A rule file is invalid (unknown key or operator, bad value, duplicate id...)."""

    kind = "rule"


class ConfigError(InputError):
    """The organisation config file (mamori.yaml) is invalid."""

    kind = "config"


class InventoryError(InputError):
    """An inventory or snapshot file is invalid (typo in an attribute, bad date...)."""

    kind = "inventory"


class WaiverError(InputError):
    """A waiver or baseline file is invalid."""

    kind = "waiver"


class ProviderError(MamoriError):
    """A provider cannot run at all: unknown name, missing extra, bad options."""


def display_path(path: Path | str) -> str:
    """Render a path relative to the working directory when that is shorter.

    Never fails: a link loop (``Path.resolve`` raises) or a vanished working folder
    leaves the path as given.
    """
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, RuntimeError, OSError):
        return str(p)


def suggest(word: str, choices: Iterable[str]) -> str:
    """A '; did you mean X?' hint for a misspelt key, or ''."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        close = [o for o in options if len(o) > 1 and (word.startswith(o) or o.startswith(word))]
    return f"; did you mean '{close[0]}'?" if close else ""
