"""``mamori plan``: review a Terraform plan before it is applied.

Loaded lazily by ``mamori.checks.cli`` (see ``LAZY_COMMANDS``). Exit codes are the
scan's: 0 clean, 1 a gated FAIL at or above ``--fail-on``, 2 bad input (a file that is
not a readable plan included), 3 gated findings could not be decided (ERROR; with
``--require-assessed`` also NOT_ASSESSED: a fact no plan can show, such as a user's MFA).
By default only findings the change *introduces* are gated; ``--all`` gates on every
finding of the planned state, as ``mamori scan`` would.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mamori.checks.cli import CAUSES, THRESHOLDS, _rule_options, parse_as_of
from mamori.checks.config import discover
from mamori.checks.model import Cause
from mamori.checks.outputs import check_plan_outputs
from mamori.checks.plan import INTRODUCED, PlanRequest, run_plan
from mamori.checks.reporting import parse_formats, write_reports
from mamori.ci.gate import decide, policy_from
from mamori.ci.scan_options import load_gate_inputs


@click.command()
@click.argument("plan_file", metavar="PLAN_JSON", type=click.Path(path_type=Path))
@_rule_options
@click.option("--cause", "causes", multiple=True, type=click.Choice(CAUSES),
              help="Only rules for this cause (repeatable).")
@click.option("--fail-on", type=click.Choice(THRESHOLDS),
              help="Exit 1 on a gated FAIL at or above this severity (default: low; "
                   "none = never).")
@click.option("--all", "gate_all", is_flag=True,
              help="Gate on every finding of the planned state, not only introduced ones.")
@click.option("--format", "formats", default="console", show_default=True,
              help="Comma-separated: console, markdown, sarif, junit, json, csv, html.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("mamori-report"),
              show_default=True, help="Folder for report files.")
@click.option("--tf-root", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of the .tf sources, for file:line locations (SARIF).")
@click.option("--as-of", "as_of", help="Evaluate dates against this day (default: now).")
@click.option("--allow-incomplete", is_flag=True, default=None,
              help="Exit 0 instead of 3 when gated findings are ERROR.")
@click.option("--require-assessed", is_flag=True, default=None,
              help="Exit 3 when gated findings are NOT_ASSESSED (a fact no plan can "
                   "show); default: listed, not gated.")
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True)
@click.option("--waivers", "waivers_path", type=click.Path(path_type=Path),
              help="Waivers file: covered FAILs show as WAIVED until they expire.")
def plan(plan_file: Path, config_path: Path | None, rule_paths: tuple[Path, ...],
         causes: tuple[str, ...], fail_on: str | None, gate_all: bool, formats: str,
         out_dir: Path, tf_root: Path | None, as_of: str | None,
         allow_incomplete: bool | None, require_assessed: bool | None, lang: str,
         waivers_path: Path | None) -> None:
    """Evaluate a `terraform show -json` plan; gate on what the change introduces."""
    wanted = parse_formats(formats)
    gate_inputs = load_gate_inputs(waivers_path, None)  # a bad file is exit 2 before work
    config = discover(config_path, Path.cwd())
    check_plan_outputs(wanted, out_dir, config, plan_file, rule_paths, waivers_path, tf_root)
    request = PlanRequest(plan=plan_file, config=config, rule_paths=rule_paths,
                          causes=frozenset(Cause(c) for c in causes) or None,
                          as_of=parse_as_of(as_of), tf_root=tf_root)
    result = run_plan(request)
    result, notes = gate_inputs.apply(result, result.run.as_of)
    for note in notes:
        click.echo(f"mamori: {note}", err=True)
    policy = policy_from(fail_on, allow_incomplete, config_fail_on=config.fail_on,
                         config_allow=config.allow_incomplete,
                         only_changes=None if gate_all else frozenset({INTRODUCED}),
                         require_assessed=require_assessed,
                         config_require_assessed=config.require_assessed)
    verdict = decide(result, policy)
    write_reports(result, verdict, wanted, out_dir, lang)
    sys.exit(int(verdict.exit_code))
