"""Where mamori writes, checked before anything is read or collected.

Outputs never clobber or hide inputs: a report folder (``--out``), a saved snapshot
(``--save-inventory``), a baseline being written (``baseline create -o``) or a history
file that is an input, lies inside an input folder, or (for a folder) contains an input
is refused with both paths named. An inventory folder holding the last run's reports
would otherwise be read back as inventory, or have to be silently left partly unread.
Paths are compared after resolving symbolic links and ``..``.

A bad output path (``--out`` is a file, a folder that cannot be created or written) is
found here too, so it is exit 2 before a long collection rather than a traceback after.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mamori.checks.config import Config
from mamori.checks.errors import UsageError, display_path
from mamori.checks.inputs import file_problem, kind_of, os_problem


@dataclass(frozen=True)
class Output:
    """A path mamori will write: a folder of reports, or a single file."""

    option: str
    path: Path
    folder: bool = False
    #: The file's own folder must already exist (``--save-inventory``); else missing
    #: folders are created, so only their nearest existing parent must be writable.
    parent_must_exist: bool = False

    def __str__(self) -> str:
        return f"{self.option} {display_path(self.path)}"


@dataclass(frozen=True)
class InputPath:
    """A file or folder the run reads, as given (``--inventory inv/``)."""

    option: str
    path: Path

    def __str__(self) -> str:
        return f"{self.option} {display_path(self.path)}"


def check_outputs(outputs: Sequence[Output], inputs: Sequence[InputPath]) -> None:
    """UsageError (exit 2) for the first output that cannot be written or that would
    overwrite, sit inside or contain an input."""
    for output in outputs:
        problem = writable_problem(output)
        if problem is not None:
            raise UsageError(f"{output}: {problem}")
        for given in inputs:
            clash = overlap(output, given)
            if clash is not None:
                raise UsageError(clash)


def overlap(output: Output, given: InputPath) -> str | None:
    """How ``output`` would clobber or hide ``given``, in words, or None."""
    out = Path(os.path.realpath(output.path))
    src = Path(os.path.realpath(given.path))
    if out == src:
        return (f"{output} is the input {given}: it would be overwritten; write it "
                "somewhere else")
    if out.is_relative_to(src):
        return (f"{output} is inside the input folder {given}: the next run would read it "
                "as input; write it outside the inputs")
    if output.folder and src.is_relative_to(out):
        return (f"{output} contains the input {given}: keep reports in a folder of their "
                "own, outside the inputs")
    return None


def writable_problem(output: Output) -> str | None:
    """Why ``output`` cannot be written, or None (decided without writing anything)."""
    path = output.path
    if os.path.lexists(path):
        if output.folder:
            return _folder_problem(path)
        problem = file_problem(path)
        if problem is not None:
            return f"cannot write it: {problem}"
        return _folder_problem(path.parent)
    parent = path.parent
    if output.parent_must_exist and not os.path.isdir(parent):
        return f"its folder {display_path(parent)} does not exist"
    return _creatable(parent)


def _folder_problem(folder: Path) -> str | None:
    try:
        mode = os.stat(folder).st_mode
    except OSError as exc:
        return f"cannot use {display_path(folder)}: {os_problem(folder, exc)}"
    if kind_of(mode) != "a folder":
        return f"{display_path(folder)} is {kind_of(mode)}, not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {display_path(folder)} is not writable"
    return None


def _creatable(folder: Path) -> str | None:
    """The nearest existing folder at or above ``folder`` must be a writable folder."""
    current = folder
    while not os.path.lexists(current) and current != current.parent:
        current = current.parent
    return _folder_problem(current)


def run_inputs(config: Config, inventories: Sequence[Path] = (), snapshots: Sequence[Path] = (),
               rules: Sequence[Path] = (),
               others: Sequence[tuple[str, Path | None]] = ()) -> list[InputPath]:
    """Every path a run reads: inventories, snapshots, rules, the config and its rule
    folders, and ``others`` (``("--waivers", path)``; None = not given)."""
    items = [InputPath("--inventory", p) for p in inventories]
    items += [InputPath("--snapshot", p) for p in snapshots]
    items += [InputPath("--rules", p) for p in rules]
    if config.path is not None:
        items.append(InputPath("--config", config.path))
    items += [InputPath("rule_dirs", p) for p in config.rule_dirs]
    items += [InputPath(option, p) for option, p in others if p is not None]
    return items


def report_outputs(formats: Sequence[str], out_dir: Path) -> list[Output]:
    """``--out`` as an output when a report file will be written (not for console only)."""
    return [Output("--out", out_dir, folder=True)] if set(formats) - {"console"} else []


def check_plan_outputs(formats: Sequence[str], out_dir: Path, config: Config, plan: Path,
                       rules: Sequence[Path], waivers: Path | None,
                       tf_root: Path | None) -> None:
    """``mamori plan``: ``--out`` is writable and none of the plan's inputs."""
    check_outputs(report_outputs(formats, out_dir),
                  run_inputs(config, rules=rules,
                             others=[("PLAN_JSON", plan), ("--waivers", waivers),
                                     ("--tf-root", tf_root)]))
