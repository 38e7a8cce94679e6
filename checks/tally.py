"""Which input given on the command line yielded how many resources.

A scan of ``--inventory cmdb/ --inventory hr/`` that reads 500 hosts from ``cmdb/`` and
nothing from ``hr/`` (a wrong path, an export that came out empty) must not look like a
clean scan of both: every input that yielded no resource becomes a gate note
(``input_empty``) that every report lists and that makes the gate incomplete (exit 3,
see :mod:`mamori.ci.gate`).

Inputs are each ``--inventory`` path (the files provider reads them all, so a resource
is traced back to its path through the file named in its ``source``), each
``--snapshot`` and each cloud provider.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mamori.checks.errors import display_path
from mamori.checks.findings import GateNote
from mamori.checks.model import Resource

if TYPE_CHECKING:
    from mamori.providers.interface import Provider

#: GateNote kind of an input that yielded no resource.
INPUT_EMPTY = "input_empty"


@dataclass(frozen=True)
class Input:
    """One input as the user gave it, and the inventory files it stands for."""

    label: str
    provider: int
    files: tuple[str, ...] | None = None


@dataclass
class InputTally:
    """Resources counted per input while a scan streams them."""

    inputs: list[Input]
    counts: list[int]
    _by_file: dict[str, list[int]] = field(default_factory=dict)
    _by_provider: dict[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, providers: Sequence[Provider]) -> InputTally:
        """The inputs of these providers. Inventory folders are walked here, so a bad
        entry in one (a FIFO, an unreadable folder) fails before anything is collected."""
        inputs: list[Input] = []
        for index, provider in enumerate(providers):
            inputs += _inputs_of(index, provider)
        tally = cls(inputs, [0] * len(inputs))
        for number, item in enumerate(inputs):
            if item.files is None:
                tally._by_provider[item.provider] = number
            for name in item.files or ():
                tally._by_file.setdefault(name, []).append(number)
        return tally

    def count(self, provider: int, resource: Resource) -> None:
        """Count one resource of ``providers[provider]``."""
        number = self._by_provider.get(provider)
        if number is not None:
            self.counts[number] += 1
            return
        # ``path:line`` or ``path:row N``. A resource that cannot be traced counts for no
        # input: a false "no resources read" is visible, a hidden empty input is not.
        for number in self._by_file.get(resource.source.rsplit(":", 1)[0], ()):
            self.counts[number] += 1

    def notes(self) -> list[GateNote]:
        """One ``input_empty`` note per input that yielded no resource."""
        return [GateNote(INPUT_EMPTY, item.label, _empty_message(item),
                         {"input": item.label, "files": None if item.files is None
                          else len(item.files)})
                for item, count in zip(self.inputs, self.counts, strict=True) if count == 0]


def _inputs_of(index: int, provider: Provider) -> list[Input]:
    # files keeps its inputs in .paths, snapshot in .path (as provider_scope reads them)
    paths = getattr(provider, "paths", None)
    if provider.name == "files" and paths is not None:
        from mamori.providers.files.walk import display, inventory_files

        return [Input(f"--inventory {display(path)}", index,
                      tuple(display(f) for f in inventory_files([path])))
                for path in paths]
    path = getattr(provider, "path", None)
    if provider.name == "snapshot" and path is not None:
        return [Input(f"--snapshot {display_path(path)}", index)]
    return [Input(provider.describe(), index)]


def _empty_message(item: Input) -> str:
    if item.files is None:
        return "no resources read"
    if not item.files:
        return "no resources read (no inventory file in it)"
    return f"no resources read ({len(item.files)} file(s), no records in them)"
