"""``make bench``: mamori against its parse floor, in one run, as one table of ratios.

Every measurement is a whole ``mamori`` process (startup, reading, evaluation, reports)
timed beside its floor measured in this same run on this same machine: ``json.load`` of
the same file, or ``csv.reader`` over the same files. Peak RSS comes from the child's own
resource usage (``os.wait4``), report sizes from the files written. Nothing is asserted:
the numbers are printed, with the issue 13 targets beside them.

    python -m benchmarks.bench                 # the sizes of the targets (several minutes)
    python -m benchmarks.bench --quick         # a tenth of the sizes
    python -m benchmarks.bench --only json,plan --keep /tmp/bench
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks import generate_mixed, plan_bench

AS_OF = "2026-11-29"


@dataclass(frozen=True)
class Run:
    """One whole process: wall seconds, peak RSS in MiB, exit code."""

    seconds: float
    rss_mib: float
    code: int


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    work: str
    measured: str
    target: str
    ok: bool | None


def run(command: list[str], cwd: Path) -> Run:
    """Run ``command`` to the end; its wall time and its own peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 3):
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"{' '.join(command)} exited {code}: {err[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, code)  # ru_maxrss is KiB on Linux


def best(times: int, measure: Callable[[], float]) -> float:
    """The fastest of ``times`` measurements (the least disturbed by other load)."""
    return min(measure() for _ in range(times))


def json_floor(path: Path) -> float:
    """Seconds for ``json.load`` of the file."""
    def once() -> float:
        start = time.perf_counter()
        with path.open(encoding="utf-8") as fh:
            json.load(fh)
        return time.perf_counter() - start
    return best(3, once)


def csv_floor(folder: Path) -> float:
    """Seconds for ``csv.reader`` over every CSV file of the folder."""
    def once() -> float:
        start = time.perf_counter()
        for path in sorted(folder.glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as fh:
                for _ in csv.reader(fh):
                    pass
        return time.perf_counter() - start
    return best(3, once)


def mamori(*args: str) -> list[str]:
    """The mamori command of this interpreter's environment."""
    return [sys.executable, "-m", "mamori.checks.cli", *args]


def _ratio(value: float, floor: float) -> float:
    return value / floor if floor > 0 else float("inf")


def bench_json(work: Path, resources: int) -> list[Row]:
    """A mixed JSON inventory: whole scan vs json.load, RSS, report size."""
    path = work / f"mixed{resources}.json"
    if not path.exists():
        generate_mixed.write_json(path, resources)
    floor = json_floor(path)
    out = work / f"out-json-{resources}"
    scan = run(mamori("scan", "--inventory", str(path), "--as-of", AS_OF, "--format", "json",
                      "--out", str(out), "-q"), work)
    size = sum(p.stat().st_size for p in out.glob("mamori-report*")) / 2**20
    label = f"{resources:,}-record JSON inventory ({path.stat().st_size / 2**20:.0f} MB)"
    ratio = _ratio(scan.seconds, floor)
    return [
        Row(f"{label}: scan vs json.load", f"{scan.seconds:.2f} s / {floor:.2f} s = "
            f"{ratio:.1f}x", "<= 5x", ratio <= 5),
        Row(f"{label}: peak RSS", f"{scan.rss_mib:.0f} MiB", "<= 400 MB",
            scan.rss_mib * 1.048576 <= 400),
        Row(f"{label}: JSON report", f"{size:.0f} MiB", "<= 150 MB", size * 1.048576 <= 150),
    ]


def bench_csv(work: Path, resources: int) -> list[Row]:
    """A mixed CSV inventory: whole scan vs csv.reader."""
    folder = work / f"mixed{resources}-csv"
    if not folder.exists():
        generate_mixed.write_csv(folder, resources)
    floor = csv_floor(folder)
    scan = run(mamori("scan", "--inventory", str(folder), "--as-of", AS_OF, "-q",
                      "--format", "json", "--out", str(work / f"out-csv-{resources}")), work)
    ratio = _ratio(scan.seconds, floor)
    return [Row(f"{resources:,}-record CSV inventory: scan vs csv.reader",
                f"{scan.seconds:.2f} s / {floor:.2f} s = {ratio:.1f}x", "<= 5x", ratio <= 5)]


def bench_big_file(work: Path, megabytes: int) -> list[Row]:
    """A large single inventory file: the scan's peak RSS against the file's size."""
    resources = megabytes * 2**20 // 190  # generate_mixed writes ~190 bytes a record
    path = work / f"mixed{resources}.json"
    if not path.exists():
        generate_mixed.write_json(path, resources)
    size = path.stat().st_size / 2**20
    scan = run(mamori("scan", "--inventory", str(path), "--as-of", AS_OF, "-q",
                      "--format", "json", "--out", str(work / f"out-big-{resources}")), work)
    ratio = scan.rss_mib / size
    return [Row(f"{size:.0f} MB inventory file: peak RSS", f"{scan.rss_mib:.0f} MiB = "
                f"{ratio:.1f}x the file", "<= 3x file", ratio <= 3)]


def bench_million(work: Path, resources: int) -> list[Row]:
    """The largest run: wall time and RSS on this machine's cores."""
    path = work / f"mixed{resources}.json"
    if not path.exists():
        generate_mixed.write_json(path, resources)
    scan = run(mamori("scan", "--inventory", str(path), "--as-of", AS_OF, "-q",
                      "--format", "json", "--out", str(work / f"out-m-{resources}")), work)
    return [
        Row(f"{resources:,} resources, {os.cpu_count()} cores: wall", f"{scan.seconds:.1f} s",
            "<= 60 s", scan.seconds <= 60),
        Row(f"{resources:,} resources: peak RSS", f"{scan.rss_mib:.0f} MiB", "<= 1 GB",
            scan.rss_mib <= 1024),
    ]


def bench_plan(work: Path, resources: int) -> list[Row]:
    """A generated plan: whole mamori plan vs json.load."""
    path = work / f"plan{resources}.json"
    if not path.exists():
        path.write_text(json.dumps(plan_bench.generate(resources)), encoding="utf-8")
    floor = json_floor(path)
    plan = run(mamori("plan", str(path), "--as-of", AS_OF, "--format", "json", "--out",
                      str(work / f"out-plan-{resources}")), work)
    ratio = _ratio(plan.seconds, floor)
    return [Row(f"{resources:,}-resource plan: mamori plan vs json.load",
                f"{plan.seconds:.2f} s / {floor:.3f} s = {ratio:.1f}x", "<= 3x", ratio <= 3)]


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table (README-ready)."""
    lines = ["| work | measured | target | |", "|---|---|---|---|"]
    marks = {True: "ok", False: "MISSED", None: ""}
    lines += [f"| {r.work} | {r.measured} | {r.target} | {marks[r.ok]} |" for r in rows]
    return "\n".join(lines)


BENCHES: dict[str, Callable[[Path, int], list[Row]]] = {
    "json": bench_json, "csv": bench_csv, "big": bench_big_file, "million": bench_million,
    "plan": bench_plan,
}
SIZES = {"json": 200_000, "csv": 100_000, "big": 200, "million": 1_000_000, "plan": 5_000}


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated: "
                        + ", ".join(BENCHES))
    parser.add_argument("--keep", type=Path, help="work folder to keep (inputs are reused)")
    args = parser.parse_args()
    chosen = [b for b in args.only.split(",") if b]
    unknown = [b for b in chosen if b not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="mamori-bench-") as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        rows: list[Row] = []
        for name in chosen:
            size = max(1, SIZES[name] // 10) if args.quick else SIZES[name]
            found = BENCHES[name](work, size)
            for row in found:  # as each finishes: a long run is never silent
                print(f"{row.work}: {row.measured}", file=sys.stderr)
            rows += found
        print(table(rows))


if __name__ == "__main__":
    main()
