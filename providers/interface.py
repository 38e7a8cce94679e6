"""The one small interface every provider implements.

A provider yields a stream of ``Resource`` records and ``CollectionError`` records. It
never raises for a single failed API call: that becomes a ``CollectionError`` (shown in
every report, exit 3), and the attributes it could not read stay absent so the rules
that need them give ERROR, never PASS. It raises ``InputError`` for a bad input file
(exit 2) and ``ProviderError`` when it cannot start at all.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import ClassVar

from mamori.checks.model import CollectionError, Resource

Collected = Resource | CollectionError


class Provider(ABC):
    """Collects resources from one kind of source (a cloud, a folder of files...)."""

    #: Short name used on the command line and in ``Resource.provider``.
    name: ClassVar[str]

    @abstractmethod
    def collect(self) -> Iterator[Collected]:
        """Yield resources and collection errors as they are found (streamed)."""

    def describe(self) -> str:
        """One line for progress output and the report's run section."""
        return self.name
