"""The ``mamori`` command: a thin composition root over the library calls.

Every failure becomes a one-line, escaped message on stderr and its documented exit
code (2 for bad input, and for anything unexpected: :mod:`mamori.checks.cli_safety`).
Output paths are checked against the inputs before anything is collected
(:mod:`mamori.checks.outputs`). Nothing here decides verdicts or exit codes of a scan:
the engine and ``mamori.ci.gate`` do.
"""

from __future__ import annotations

import errno
import importlib
import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from mamori.checks import __version__
from mamori.checks.cli_clouds import cloud_options, clouds_from_flags
from mamori.checks.cli_safety import PipeClosed, finish, run, safe_streams, say
from mamori.checks.config import discover
from mamori.checks.errors import UsageError
from mamori.checks.model import Cause, Severity
from mamori.checks.outputs import Output, check_outputs, report_outputs, run_inputs
from mamori.checks.scan import ScanRequest, load_rule_specs, run_scan, select_rules
from mamori.checks.text import printable
from mamori.checks.vocabulary import RESOURCE_TYPES
from mamori.ci.gate import decide, policy_from

F = TypeVar("F", bound=Callable[..., Any])
CAUSES = [c.value for c in Cause]
THRESHOLDS = [s.value for s in Severity] + ["none"]


def main() -> None:
    """Console-script entry point: every failure is one line and an exit code
    (:mod:`mamori.checks.cli_safety`), never a traceback."""
    safe_streams()
    code = run(lambda: cli.main(prog_name="mamori", standalone_mode=False))
    sys.exit(finish(code))


# Commands that live in other packages, imported only when used (``mamori --help`` and a
# scan of on-prem files stay light). "name": "module:attribute".
LAZY_COMMANDS: dict[str, str] = {
    "plan": "mamori.checks.plan_cli:plan",
    "baseline": "mamori.ci.commands:baseline",
    "ci": "mamori.ci.commands:ci_group",
    "inventory": "mamori.ci.commands:inventory_group",
    "history": "mamori.checks.history.commands:history",
}


class LazyGroup(click.Group):
    """A click group that imports the LAZY_COMMANDS modules on demand."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a closed output pipe becomes PipeClosed, which click (that
        would exit 1, "a FAIL was found") lets through to ``main``."""
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise PipeClosed() from exc
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Eager commands plus the lazy ones whose module is installed."""
        lazy = [name for name in LAZY_COMMANDS if self.get_command(ctx, name) is not None]
        return sorted({*super().list_commands(ctx), *lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Load a lazy command the first time it is asked for."""
        if cmd_name not in LAZY_COMMANDS:
            return super().get_command(ctx, cmd_name)
        module_name, attr = LAZY_COMMANDS[cmd_name].split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            return None
        command: click.Command = getattr(module, attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mamori")
def cli() -> None:
    """mamori (守り): compliance-as-code checks against the seven causes of data leaks."""


def _rule_options(func: F) -> F:
    func = click.option("--config", "config_path", type=click.Path(path_type=Path),
                        help="Organisation config (default: ./mamori.yaml if present).")(func)
    func = click.option("--rules", "rule_paths", multiple=True, type=click.Path(path_type=Path),
                        help="Extra rule file or folder (repeatable).")(func)
    return func


def _nightly_options(func: F) -> F:
    options = [
        click.option("--history", envvar="MAMORI_HISTORY",
                     help="Record the run and compare with the previous one: a SQLite file "
                     "or a postgresql:// URL (default: $MAMORI_HISTORY, config history:)."),
        click.option("--fail-on-new", is_flag=True,
                     help="Gate only on findings that are new since the previous run."),
        click.option("--notify", multiple=True, metavar="URL",
                     help="POST a summary to this webhook after the reports (repeatable)."),
        click.option("--notify-format", type=click.Choice(["json", "slack", "teams"]),
                     default="json", show_default=True, help="Webhook payload style."),
        click.option("--notify-timeout", type=click.FloatRange(min=0.1), default=10.0,
                     show_default=True, help="Seconds per webhook attempt (3 attempts)."),
        click.option("--report-url", metavar="URL",
                     help="Link to the published report for notifications (default: path)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def parse_as_of(text: str | None) -> datetime | None:
    """``--as-of``: a date (midnight UTC) or an ISO datetime (naive = UTC)."""
    if text is None:
        return None
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"--as-of: expected a date like 2026-11-29 or an ISO datetime, "
                         f"got {printable(repr(text))}") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@cli.command()
@click.option("--inventory", "inventories", multiple=True, type=click.Path(path_type=Path),
              help="On-prem inventory file or folder (YAML, JSON, CSV); repeatable.")
@click.option("--snapshot", "snapshots", multiple=True, type=click.Path(path_type=Path),
              help="Saved inventory to scan offline (from --save-inventory); repeatable.")
@_rule_options
@click.option("--no-builtin-rules", is_flag=True, help="Run only rules from --rules/config.")
@click.option("--cause", "causes", multiple=True, type=click.Choice(CAUSES),
              help="Only rules for this cause (repeatable).")
@click.option("--as-of", "as_of", help="Evaluate dates against this day (default: now).")
@click.option("--format", "formats", default="console", show_default=True,
              help="Comma-separated: console, json, csv.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("mamori-report"),
              show_default=True, help="Folder for report files.")
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True)
@click.option("--fail-on", type=click.Choice(THRESHOLDS),
              help="Exit 1 on a FAIL at or above this severity (default: low; none = never).")
@click.option("--allow-incomplete", is_flag=True, default=None,
              help="Exit 0 instead of 3 when findings are ERROR or collection failed.")
@click.option("--require-assessed", is_flag=True, default=None,
              help="Exit 3 when findings are NOT_ASSESSED (a fact no source given can "
                   "supply); default: listed, not gated.")
@click.option("--save-inventory", type=click.Path(path_type=Path),
              help="Also save everything collected as a snapshot (JSON Lines).")
@click.option("--waivers", "waivers_path", type=click.Path(path_type=Path),
              help="Waivers file: covered FAILs show as WAIVED until they expire.")
@click.option("--baseline", "baseline_path", type=click.Path(path_type=Path),
              help="Baseline file (mamori baseline create): its FAILs are reported, not gated.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@_nightly_options
@cloud_options
def scan(inventories: tuple[Path, ...], snapshots: tuple[Path, ...], config_path: Path | None,
         rule_paths: tuple[Path, ...], no_builtin_rules: bool, causes: tuple[str, ...],
         as_of: str | None, formats: str, out_dir: Path, lang: str, fail_on: str | None,
         allow_incomplete: bool | None, require_assessed: bool | None,
         save_inventory: Path | None, waivers_path: Path | None,
         baseline_path: Path | None, quiet: bool, history: str | None, fail_on_new: bool,
         notify: tuple[str, ...], notify_format: str, notify_timeout: float,
         report_url: str | None, **cloud_flags: Any) -> None:
    """Collect inventories, evaluate the rules and write reports (exit 0/1/2/3)."""
    from mamori.checks.history.nightly import Nightly, NightlyOptions
    from mamori.checks.reporting import parse_formats, write_reports
    from mamori.ci.scan_options import load_gate_inputs
    from mamori.providers.factory import build_providers

    wanted = parse_formats(formats)
    gate_inputs = load_gate_inputs(waivers_path, baseline_path)  # bad file: exit 2 before scan
    config = discover(config_path, Path.cwd())
    if no_builtin_rules:
        config = _replace(config, builtin_rules=False)
    options = NightlyOptions(history or config.history, fail_on_new, notify, notify_format,
                             report_url, notify_timeout)
    scan_as_of = parse_as_of(as_of)
    clouds = clouds_from_flags(cloud_flags, None if quiet else _cloud_progress(), scan_as_of)
    providers = build_providers(inventories=inventories, snapshots=snapshots, clouds=clouds)
    if not providers:
        raise UsageError("nothing to scan: give --inventory PATH, --snapshot FILE or a "
                         "cloud (--aws ...)")
    inputs = run_inputs(config, inventories, snapshots, rule_paths,
                        [("--waivers", waivers_path), ("--baseline", baseline_path)])
    for option, target in (("--save-inventory", save_inventory), ("--history", options.history)):
        _require_file_name(option, target)
    check_outputs(_scan_outputs(wanted, out_dir, save_inventory,
                                Nightly(options, None).outputs()), inputs)
    nightly = Nightly.open(options)
    specs = load_rule_specs(config, rule_paths)
    gate_inputs = gate_inputs.check_rules([s.info.id for s in specs])
    request = ScanRequest(
        providers=providers, config=config, rule_paths=rule_paths,
        causes=frozenset(Cause(c) for c in causes) or None, as_of=scan_as_of,
        save_inventory=save_inventory, progress=None if quiet else _progress(), specs=specs,
    )
    result = run_scan(request)
    _end_progress(quiet)
    for note in result.gate_notes:
        say(f"mamori: {note.source}: {note.message}")
    result, notes = gate_inputs.apply(result, result.run.as_of)
    for note in notes:
        say(f"mamori: {note}")
    result = nightly.compare(result, providers)
    policy = policy_from(fail_on, allow_incomplete, config_fail_on=config.fail_on,
                         config_allow=config.allow_incomplete,
                         require_assessed=require_assessed,
                         config_require_assessed=config.require_assessed)
    verdict = decide(result, nightly.policy(policy))
    result = nightly.record(result, verdict)
    written = write_reports(result, verdict, wanted, out_dir, lang)
    nightly.notify(result, verdict, written, lang)
    sys.exit(int(verdict.exit_code))


def _scan_outputs(formats: list[str], out_dir: Path, save_inventory: Path | None,
                  history: list[Path]) -> list[Output]:
    """What ``mamori scan`` will write (``--out`` only when a file format is asked)."""
    outputs = report_outputs(formats, out_dir)
    if save_inventory is not None:
        from mamori.providers.snapshot import partial_path

        outputs += [Output("--save-inventory", p, parent_must_exist=True)
                    for p in (save_inventory, partial_path(save_inventory))]
    return outputs + [Output("--history", p) for p in history]


def _require_file_name(option: str, target: Path | str | None) -> None:
    """A file output must name a file (``--save-inventory .`` names none)."""
    if target is None or "://" in str(target):
        return
    if not Path(target).name or Path(target).name in (".", ".."):
        raise UsageError(f"{option} {printable(repr(str(target)))}: expected a file name")


def _end_progress(quiet: bool) -> None:
    """End the progress line (it is redrawn with CR) before anything else is printed."""
    if not quiet and sys.stderr.isatty():
        click.echo("\r\x1b[K", err=True, nl=False)


def _cloud_progress() -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(message: str) -> None:
        # the message comes from a cloud API: escaped, so only our CR/EL control it
        click.echo(f"\r\x1b[K{printable(message)[:100]}", err=True, nl=False)
    return show


def _replace(config: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(config, **changes)


def _progress() -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(resources: int, findings: int) -> None:
        click.echo(f"\rscanned {resources:,} resources, {findings:,} findings", err=True,
                   nl=False)
    return show


@cli.group()
def rules() -> None:
    """List, show and validate rules."""


@rules.command("list")
@_rule_options
@click.option("--cause", "causes", multiple=True, type=click.Choice(CAUSES))
@click.option("--resource", "resource_types", multiple=True, type=click.Choice(RESOURCE_TYPES))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def rules_list(config_path: Path | None, rule_paths: tuple[Path, ...], causes: tuple[str, ...],
               resource_types: tuple[str, ...], fmt: str) -> None:
    """List the rules that a scan would run."""
    from mamori.checks.rule_views import rule_table

    config = discover(config_path, Path.cwd())
    specs = select_rules(load_rule_specs(config, rule_paths), config,
                         frozenset(Cause(c) for c in causes) or None)
    specs = [s for s in specs if not resource_types or s.info.resource_type in resource_types]
    click.echo(rule_table(specs, fmt))


@rules.command("show")
@click.argument("rule_id")
@_rule_options
def rules_show(rule_id: str, config_path: Path | None, rule_paths: tuple[Path, ...]) -> None:
    """Show one rule: metadata, condition, params, remediation, source."""
    from mamori.checks.rule_views import rule_detail

    config = discover(config_path, Path.cwd())
    specs = {s.info.id: s for s in load_rule_specs(config, rule_paths)}
    if rule_id not in specs:
        raise UsageError(f"no rule {printable(repr(rule_id))} (see: mamori rules list)")
    click.echo(rule_detail(specs[rule_id]))


@rules.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def rules_validate(paths: tuple[Path, ...]) -> None:
    """Validate rule files; exit 2 with file:line:key on the first bad rule, and when a
    path holds no rule (rule files end in .yaml, .yml or .json, in any case)."""
    from mamori.checks.ruleset import load_rules

    specs = load_rules(paths)
    click.echo(f"ok: {len(specs)} rule(s) valid")


@rules.command("coverage")
@_rule_options
def rules_coverage(config_path: Path | None, rule_paths: tuple[Path, ...]) -> None:
    """Which rule each provider can decide, from their declarations (docs/coverage.md)."""
    from mamori.checks.coverage_matrix import markdown
    from mamori.checks.hrjoin import with_hr_facts
    from mamori.providers.registry import OBSERVABILITY, observability

    config = discover(config_path, Path.cwd())
    lookup = with_hr_facts(observability, joined=False)
    declarations = {name: d for name in OBSERVABILITY if (d := lookup(name)) is not None}
    click.echo(markdown(load_rule_specs(config, rule_paths), declarations), nl=False)


@cli.command()
@click.argument("kind", type=click.Choice(["rule", "config", "report"]))
def schema(kind: str) -> None:
    """Print a JSON Schema (rule files, mamori.yaml, JSON report) for editors."""
    if kind == "rule":
        from mamori.checks.rule_schema import rule_schema_text

        click.echo(rule_schema_text(), nl=False)
    elif kind == "config":
        from mamori.checks.config import CONFIG_SCHEMA

        click.echo(json.dumps(CONFIG_SCHEMA, indent=2, ensure_ascii=False))
    else:
        from mamori.checks.reporting import report_schema_text

        click.echo(report_schema_text(), nl=False)


if __name__ == "__main__":
    main()
