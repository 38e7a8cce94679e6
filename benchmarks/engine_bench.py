"""Engine benchmark: resources and rule evaluations per second, and peak memory.

Generates a synthetic inventory (benchmarks/generate_inventory.py), then measures
  1. evaluation alone: all built-in rules over resources already in memory;
  2. the whole scan: reading CSV files through the files provider, evaluating, summarising.
Numbers are printed, never asserted: run it before and after a change.

    python -m benchmarks.engine_bench --resources 10000 100000
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.generate_inventory import generate
from mamori.checks.config import Config
from mamori.checks.engine import Engine
from mamori.checks.model import Resource
from mamori.checks.scan import ScanRequest, compile_rules, load_rule_specs, run_scan
from mamori.providers.files.provider import FilesProvider

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)


def bench_evaluation(folder: Path) -> tuple[int, int, float]:
    """Evaluate in-memory resources; return (resources, evaluations, seconds)."""
    rules = compile_rules(load_rule_specs(Config()), Config(), AS_OF)
    resources = [r for r in FilesProvider([folder]).collect() if isinstance(r, Resource)]
    engine = Engine(rules)
    start = time.perf_counter()
    findings = 0
    for res in resources:
        for _ in engine.evaluate(res):
            findings += 1
    return len(resources), engine.evaluations, time.perf_counter() - start


def bench_scan(folder: Path) -> tuple[int, int, float]:
    """Whole scan from files; return (resources, findings, seconds)."""
    start = time.perf_counter()
    result = run_scan(ScanRequest(providers=[FilesProvider([folder])], as_of=AS_OF))
    return result.run.resources, len(result.findings), time.perf_counter() - start


def main() -> None:
    """Run the benchmark for each requested size and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--resources", type=int, nargs="+", default=[10_000, 50_000])
    args = parser.parse_args()
    print(f"{'resources':>10} {'eval s':>8} {'res/s':>10} {'evals/s':>11} "
          f"{'scan s':>8} {'scan res/s':>11} {'findings':>9}")
    for size in args.resources:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            generate(folder, size)
            n, evals, secs = bench_evaluation(folder)
            sn, findings, scan_secs = bench_scan(folder)
            print(f"{n:>10,} {secs:>8.2f} {n / secs:>10,.0f} {evals / secs:>11,.0f} "
                  f"{scan_secs:>8.2f} {sn / scan_secs:>11,.0f} {findings:>9,}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
