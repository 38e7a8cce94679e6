"""Synthetic on-prem inventory generator for benchmarks (seeded, reproducible).

Writes one CSV file per resource type with a realistic mix of passing, failing and
unknown (empty) values, so every built-in rule does real work.

    python -m benchmarks.generate_inventory OUT_DIR --resources 100000
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

AS_OF = date(2026, 11, 29)
Row = dict[str, Any]


def _day(rng: random.Random, max_age: int) -> str:
    return (AS_OF - timedelta(days=rng.randint(0, max_age))).isoformat()


def _maybe(rng: random.Random, value: Any, unknown: float = 0.05) -> Any:
    return "" if rng.random() < unknown else value


def _bool(rng: random.Random, p_true: float) -> str:
    return str(_maybe(rng, "true" if rng.random() < p_true else "false"))


def user(rng: random.Random, i: int) -> Row:
    keys = [{"id": f"AKIA{i:012d}", "active": rng.random() < 0.8,
             "created": _day(rng, 400), "last_used": rng.choice(["never", _day(rng, 200)])}]
    return {"id": f"u{i}", "name": f"user{i}", "enabled": _bool(rng, 0.9),
            "console_access": _bool(rng, 0.7), "mfa": _bool(rng, 0.8), "admin": _bool(rng, 0.1),
            "admin_direct": _bool(rng, 0.3), "last_active": _day(rng, 120),
            "created": _day(rng, 2000),
            "employment": rng.choice(["active", "active", "active", "leaver", "contractor"]),
            "access_keys": json.dumps(keys)}


def host(rng: random.Random, i: int) -> Row:
    return {"id": f"h{i}", "name": f"srv-{i:05d}", "os": "linux", "os_version": "22.04",
            "last_patched": _day(rng, 90), "missing_critical_patches": rng.choice([0, 0, 1, 3]),
            "disk_encrypted": _bool(rng, 0.7), "default_credentials": _bool(rng, 0.05),
            "internet_facing": _bool(rng, 0.2), "data_classes": rng.choice(["", "personal"])}


def endpoint(rng: random.Random, i: int) -> Row:
    return {"id": f"pc{i}", "owner": f"emp{i}", "byod": _bool(rng, 0.2),
            "disk_encrypted": _bool(rng, 0.85), "mdm_enrolled": _bool(rng, 0.8),
            "last_patched": _day(rng, 60), "usb_storage_blocked": _bool(rng, 0.6),
            "screen_lock_minutes": rng.choice([0, 5, 10, 15, 30]),
            "data_classes": rng.choice(["", "personal", "personal;payment"])}


def firewall_rule(rng: random.Random, i: int) -> Row:
    port = rng.choice(["22", "443", "3389", "20-30", "5432", "*"])
    source = rng.choice(["10.0.0.0/8", "0.0.0.0/0", "::/0", "203.0.113.0/24"])
    return {"id": f"fw{i}", "direction": "ingress", "protocol": "tcp", "ports": port,
            "sources": source, "action": "allow"}


def bucket(rng: random.Random, i: int) -> Row:
    return {"id": f"b{i}", "public": _bool(rng, 0.05), "encryption.enabled": _bool(rng, 0.9),
            "encryption.customer_managed_key": _bool(rng, 0.3), "versioning": _bool(rng, 0.5),
            "access_logging": _bool(rng, 0.5), "records": rng.randint(0, 100_000),
            "data_classes": rng.choice(["", "personal", "sensitive_personal"])}


def person(rng: random.Random, i: int) -> Row:
    return {"id": f"p{i}", "name": f"社員{i}", "training_completed": _day(rng, 500),
            "phishing_drill_failed": _bool(rng, 0.1)}


GENERATORS: dict[str, tuple[str, Callable[[random.Random, int], Row], float]] = {
    "users": ("user", user, 0.25),
    "hosts": ("host", host, 0.15),
    "endpoints": ("endpoint", endpoint, 0.2),
    "firewall_rules": ("firewall_rule", firewall_rule, 0.2),
    "buckets": ("bucket", bucket, 0.05),
    "people": ("person", person, 0.15),
}


def generate(out: Path, resources: int, seed: int = 7) -> dict[str, int]:
    """Write the inventory; return the number of rows per file."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for stem, (_, make, share) in GENERATORS.items():
        n = max(1, int(resources * share))
        rows = [make(rng, i) for i in range(n)]
        with (out / f"{stem}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        counts[stem] = n
    return counts


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(generate(args.out, args.resources, args.seed))


if __name__ == "__main__":
    main()
