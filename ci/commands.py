"""CLI commands of the CI kit: ``baseline create``, ``ci init`` and ``inventory validate``.

They are loaded lazily by ``mamori.checks.cli`` (LAZY_COMMANDS), so importing this
module from there costs nothing until one of them runs. Errors are MamoriError
subclasses: the CLI's ``main`` prints them and exits 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

import click

from mamori.checks import __version__
from mamori.checks.cli_clouds import cloud_options, clouds_from_flags
from mamori.checks.cli_safety import say
from mamori.checks.errors import UsageError, display_path
from mamori.checks.findings import ScanResult
from mamori.checks.inputs import os_problem
from mamori.checks.model import Cause
from mamori.ci.gate import ExitCode
from mamori.ci.scan_options import GateInputs

F = TypeVar("F", bound=Callable[..., Any])

#: Where the pre-commit template points for the hooks in .pre-commit-hooks.yaml.
REPO_URL = "https://github.com/mamori-dev/mamori"


@dataclass(frozen=True)
class Template:
    """A file ``mamori ci init`` writes: packaged template, target path, what to do next."""

    resource: str
    target: str
    next_step: str


TEMPLATES: dict[str, Template] = {
    "github": Template("github-workflow.yml", ".github/workflows/mamori.yml",
                       "commit it; set TF_ROOT and INVENTORY in its env block"),
    "gitlab": Template("gitlab-ci.yml", ".gitlab/mamori.gitlab-ci.yml",
                       "add to .gitlab-ci.yml:  include: [{local: .gitlab/mamori.gitlab-ci.yml}]"),
    "pre-commit": Template("pre-commit-config.yaml", ".pre-commit-config.yaml",
                           "adjust the files: patterns, then run `pre-commit install`"),
}


def _scan_options(func: F) -> F:
    """The inputs of ``mamori scan`` that decide which findings exist."""
    options = [
        click.option("--inventory", "inventories", multiple=True, type=click.Path(path_type=Path),
                     help="On-prem inventory file or folder; repeatable."),
        click.option("--snapshot", "snapshots", multiple=True, type=click.Path(path_type=Path),
                     help="Saved inventory (JSON Lines); repeatable."),
        click.option("--rules", "rule_paths", multiple=True, type=click.Path(path_type=Path),
                     help="Extra rule file or folder (repeatable)."),
        click.option("--config", "config_path", type=click.Path(path_type=Path),
                     help="Organisation config (default: ./mamori.yaml if present)."),
        click.option("--no-builtin-rules", is_flag=True,
                     help="Run only rules from --rules/config."),
        click.option("--cause", "causes", multiple=True,
                     type=click.Choice([c.value for c in Cause]),
                     help="Only rules for this cause (repeatable)."),
        click.option("--as-of", "as_of", help="Evaluate dates against this day (default: now)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group()
def baseline() -> None:
    """Accept today's findings: later scans report them but keep them out of the gate."""


@baseline.command("create")
@_scan_options
@click.option("--waivers", "waivers_path", type=click.Path(path_type=Path),
              help="Leave out findings these waivers cover (so their expiry still bites).")
@click.option("--output", "-o", "output", type=click.Path(path_type=Path),
              default=Path("mamori-baseline.json"), show_default=True,
              help="Baseline file to write (overwritten).")
@cloud_options
def baseline_create(inventories: tuple[Path, ...], snapshots: tuple[Path, ...],
                    rule_paths: tuple[Path, ...], config_path: Path | None,
                    no_builtin_rules: bool, causes: tuple[str, ...], as_of: str | None,
                    waivers_path: Path | None, output: Path, **cloud_flags: Any) -> None:
    """Run the scan and write its FAIL and ERROR findings to a baseline file."""
    from mamori.ci.baseline import write_baseline
    from mamori.ci.gate import nothing_evaluated
    from mamori.ci.scan_options import load_gate_inputs

    inputs = load_gate_inputs(waivers_path, None)  # a bad file fails before the scan
    from mamori.checks.cli import parse_as_of

    clouds = clouds_from_flags(cloud_flags, None, parse_as_of(as_of))
    result, inputs = _run_scan(ScanInputs(inventories, snapshots, clouds, rule_paths,
                                          config_path, no_builtin_rules, causes, as_of,
                                          waivers_path), inputs, output)
    empty = nothing_evaluated(result)
    if empty is not None:
        say(f"mamori: nothing was evaluated: {empty}; no baseline written")
        sys.exit(int(ExitCode.INCOMPLETE))
    result, _ = inputs.apply(result, result.run.as_of)
    count = write_baseline(result, output)
    say(f"wrote {display_path(output)}: {count} finding(s) from {result.run.resources} "
        f"resource(s), as of {result.run.as_of.isoformat()}")
    for note in result.gate_notes:
        say(f"warning: {note.source}: {note.message}: the baseline accepts nothing from it")
    if result.errors:
        say(f"warning: {len(result.errors)} collection error(s): what could not be "
            f"collected is not in the baseline and will gate when it fails")


@dataclass(frozen=True)
class ScanInputs:
    """The options of ``baseline create`` that decide which findings exist."""

    inventories: tuple[Path, ...]
    snapshots: tuple[Path, ...]
    clouds: list[tuple[str, Any]]
    rule_paths: tuple[Path, ...]
    config_path: Path | None
    no_builtin_rules: bool
    causes: tuple[str, ...]
    as_of: str | None
    waivers_path: Path | None = None


def _run_scan(options: ScanInputs, gate_inputs: GateInputs,
              output: Path) -> tuple[ScanResult, GateInputs]:
    """The same scan ``mamori scan`` runs for these inputs, after checking that
    ``output`` can be written and is none of them."""
    from mamori.checks.cli import parse_as_of
    from mamori.checks.config import discover
    from mamori.checks.outputs import Output, check_outputs, run_inputs
    from mamori.checks.scan import ScanRequest, load_rule_specs, run_scan
    from mamori.providers.factory import build_providers

    config = discover(options.config_path, Path.cwd())
    if options.no_builtin_rules:
        config = replace(config, builtin_rules=False)
    providers = build_providers(inventories=options.inventories, snapshots=options.snapshots,
                                clouds=options.clouds)
    if not providers:
        raise UsageError("nothing to scan: give --inventory PATH, --snapshot FILE or a "
                         "cloud (--aws ...)")
    check_outputs([Output("--output", output)],
                  run_inputs(config, options.inventories, options.snapshots, options.rule_paths,
                             [("--waivers", options.waivers_path)]))
    specs = load_rule_specs(config, options.rule_paths)
    gate_inputs = gate_inputs.check_rules([s.info.id for s in specs])
    request = ScanRequest(providers=providers, config=config, rule_paths=options.rule_paths,
                          causes=frozenset(Cause(c) for c in options.causes) or None,
                          as_of=parse_as_of(options.as_of), specs=specs)
    return run_scan(request), gate_inputs


@click.group("ci")
def ci_group() -> None:
    """Set up mamori in a CI system or as pre-commit hooks."""


@ci_group.command("init")
@click.argument("system", type=click.Choice(list(TEMPLATES)))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--dir", "root", type=click.Path(file_okay=False, path_type=Path),
              help="Repository root (default: the git root above the current folder).")
def ci_init(system: str, force: bool, root: Path | None) -> None:
    """Write the GitHub Actions, GitLab CI or pre-commit template into this repository."""
    template = TEMPLATES[system]
    target = (root or repo_root(Path.cwd())) / template.target
    if target.exists() and not force:
        raise UsageError(f"{display_path(target)} already exists; use --force to overwrite it "
                         f"(or copy from `mamori ci init {system} --dir /tmp/x`)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_template(system), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{display_path(target)}: cannot write it: "
                         f"{os_problem(target, exc)}") from None
    click.echo(f"wrote {display_path(target)}")
    click.echo(f"next: {template.next_step}")


def render_template(system: str) -> str:
    """The text of a template with mamori's version and repository filled in."""
    text = (files("mamori.ci") / "templates" / TEMPLATES[system].resource).read_text(
        encoding="utf-8")
    return text.replace("@MAMORI_VERSION@", __version__).replace("@MAMORI_REPO@", REPO_URL)


def repo_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding ``.git``; else ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


@click.group("inventory")
def inventory_group() -> None:
    """Check on-prem inventory files."""


@inventory_group.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def inventory_validate(paths: tuple[Path, ...]) -> None:
    """Validate inventory files or folders; exit 2 with file:line:key on the first error.

    Exit 3 when they hold no record at all: "valid" about nothing would read as a pass.
    """
    from mamori.providers.factory import build_providers

    resources = 0
    for provider in build_providers(inventories=paths):
        resources += sum(1 for _ in provider.collect())
    if resources == 0:
        say("mamori: no record found in " + ", ".join(display_path(p) for p in paths)
            + ": nothing was validated")
        sys.exit(3)
    click.echo(f"ok: {resources} record(s) valid")
