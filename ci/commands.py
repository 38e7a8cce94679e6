"""CLI commands of the CI kit: ``baseline create``, ``ci init`` and ``inventory validate``.

They are loaded lazily by ``mamori.checks.cli`` (LAZY_COMMANDS), so importing this
module from there costs nothing until one of them runs. Errors are MamoriError
subclasses: the CLI's ``main`` prints them and exits 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

import click

from mamori.checks import __version__
from mamori.checks.cli_clouds import cloud_options, clouds_from_flags
from mamori.checks.errors import UsageError, display_path
from mamori.checks.findings import ScanResult
from mamori.checks.model import Cause

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
    from mamori.ci.scan_options import load_gate_inputs

    inputs = load_gate_inputs(waivers_path, None)  # a bad file fails before the scan
    clouds = clouds_from_flags(cloud_flags, None)
    result = _run_scan(inventories, snapshots, clouds, rule_paths, config_path,
                       no_builtin_rules, causes, as_of)
    result, _ = inputs.apply(result, result.run.as_of)
    count = write_baseline(result, output)
    click.echo(f"wrote {display_path(output)}: {count} finding(s) from "
               f"{result.run.resources} resource(s), as of {result.run.as_of.isoformat()}",
               err=True)
    if result.errors:
        click.echo(f"warning: {len(result.errors)} collection error(s): what could not be "
                   f"collected is not in the baseline and will gate when it fails", err=True)


def _run_scan(inventories: tuple[Path, ...], snapshots: tuple[Path, ...],
              clouds: list[tuple[str, Any]], rule_paths: tuple[Path, ...],
              config_path: Path | None, no_builtin_rules: bool, causes: tuple[str, ...],
              as_of: str | None) -> ScanResult:
    """The same scan ``mamori scan`` runs for these inputs."""
    from mamori.checks.cli import parse_as_of
    from mamori.checks.config import discover
    from mamori.checks.scan import ScanRequest, run_scan
    from mamori.providers.factory import build_providers

    config = discover(config_path, Path.cwd())
    if no_builtin_rules:
        config = replace(config, builtin_rules=False)
    providers = build_providers(inventories=inventories, snapshots=snapshots, clouds=clouds)
    if not providers:
        raise UsageError("nothing to scan: give --inventory PATH, --snapshot FILE or a "
                         "cloud (--aws ...)")
    request = ScanRequest(providers=providers, config=config, rule_paths=rule_paths,
                          causes=frozenset(Cause(c) for c in causes) or None,
                          as_of=parse_as_of(as_of))
    return run_scan(request)


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
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_template(system), encoding="utf-8")
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
    """Validate inventory files or folders; exit 2 with file:line:key on the first error."""
    from mamori.providers.factory import build_providers

    resources = 0
    for provider in build_providers(inventories=paths):
        resources += sum(1 for _ in provider.collect())
    click.echo(f"ok: {resources} record(s) valid")
