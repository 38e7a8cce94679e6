"""A mixed on-prem inventory of every resource type, for the scale benchmarks (seeded).

One JSON file (``{"records": [...]}`` with a ``type`` per record) or one CSV per type,
typed as exports write them, with a realistic mix of passing, failing and unknown values
so that every built-in rule does real work. About 185 bytes a record in JSON, like the
200,000-record, 37 MB inventory issue 13 was measured on.

    python -m benchmarks.generate_mixed OUT --resources 200000 [--format json|csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

AS_OF = date(2026, 11, 29)
Row = dict[str, Any]


class _Gen:
    """Random values of the kinds inventories hold."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def day(self, max_age: int) -> str:
        return (AS_OF - timedelta(days=self.rng.randint(0, max_age))).isoformat()

    def flag(self, p_true: float, unknown: float = 0.03) -> bool | None:
        if self.rng.random() < unknown:
            return None
        return self.rng.random() < p_true

    def pick(self, *choices: Any) -> Any:
        return self.rng.choice(choices)


def _account(g: _Gen, i: int) -> Row:
    return {"id": f"acct{i}", "root_mfa": g.flag(0.9), "public_access_block": g.flag(0.8),
            "audit_log": {"enabled": g.flag(0.9), "multi_region": g.flag(0.8),
                          "retention_days": g.pick(30, 90, 365)},
            "password_policy": {"min_length": g.pick(8, 12, 14)}, "mfa_enforced": g.flag(0.6)}


def _user(g: _Gen, i: int) -> Row:
    keys = [{"id": f"AKIA{i:012d}", "active": g.flag(0.8, 0), "created": g.day(400),
             "last_used": g.pick("never", g.day(200))}]
    return {"id": f"u{i}", "enabled": g.flag(0.9), "console_access": g.flag(0.7),
            "mfa": g.flag(0.8), "admin": g.flag(0.1), "admin_direct": g.flag(0.3),
            "guest": g.flag(0.05), "last_active": g.day(120), "created": g.day(2000),
            "employment": g.pick("active", "active", "leaver", "contractor"),
            "access_keys": keys}


def _role(g: _Gen, i: int) -> Row:
    return {"id": f"role{i}", "admin": g.flag(0.2), "external_trust_unconditioned": g.flag(0.1),
            "trusted_principals": [f"arn:aws:iam::{g.rng.randint(10**11, 10**12 - 1)}:root"]}


def _bucket(g: _Gen, i: int) -> Row:
    return {"id": f"b{i}", "public": g.flag(0.05),
            "encryption": {"enabled": g.flag(0.9), "customer_managed_key": g.flag(0.3)},
            "versioning": g.flag(0.5), "access_logging": g.flag(0.5), "tls_required": g.flag(0.7),
            "records": g.rng.randint(0, 100_000),
            "data_classes": g.pick([], ["personal"], ["sensitive_personal"])}


def _volume(g: _Gen, i: int) -> Row:
    return {"id": f"vol{i}", "encrypted": g.flag(0.85), "attached_to": f"h{i}"}


def _database(g: _Gen, i: int) -> Row:
    return {"id": f"db{i}", "encrypted": g.flag(0.9), "public": g.flag(0.05),
            "default_credentials": g.flag(0.05), "admin_username": g.pick("sa", "app", "root"),
            "engine": g.pick("postgres", "mysql", "sqlserver"), "backups_enabled": g.flag(0.8)}


def _firewall_rule(g: _Gen, i: int) -> Row:
    return {"id": f"fw{i}", "direction": "ingress", "protocol": g.pick("tcp", "udp", "all"),
            "ports": [g.pick([22, 22], [443, 443], [3389, 3389], [20, 30], [5432, 5432])],
            "sources": [g.pick("10.0.0.0/8", "0.0.0.0/0", "::/0", "203.0.113.0/24")],
            "action": "allow"}


def _host(g: _Gen, i: int) -> Row:
    return {"id": f"h{i}", "os": "linux", "os_version": "22.04", "last_patched": g.day(90),
            "missing_critical_patches": g.pick(0, 0, 1, 3), "disk_encrypted": g.flag(0.7),
            "default_credentials": g.flag(0.05), "internet_facing": g.flag(0.2)}


def _endpoint(g: _Gen, i: int) -> Row:
    return {"id": f"pc{i}", "owner": f"emp{i}", "byod": g.flag(0.2),
            "disk_encrypted": g.flag(0.85), "mdm_enrolled": g.flag(0.8),
            "last_patched": g.day(60), "usb_storage_blocked": g.flag(0.6),
            "screen_lock_minutes": g.pick(0, 5, 10, 15, 30),
            "data_classes": g.pick([], ["personal"], ["personal", "payment"])}


def _network_device(g: _Gen, i: int) -> Row:
    return {"id": f"nd{i}", "vendor": "acme", "model": "r1", "default_credentials": g.flag(0.1),
            "firmware_released": g.day(1500), "admin_interface_internet": g.flag(0.1)}


def _vendor(g: _Gen, i: int) -> Row:
    return {"id": f"v{i}", "handles_personal_data": g.flag(0.6),
            "security_clause": g.pick(True, False, f"契約書 第{i % 40}条"),
            "last_assessment": g.pick("never", g.day(700)), "certifications": ["ISO27001"]}


def _media_disposal(g: _Gen, i: int) -> Row:
    return {"id": f"d{i}", "asset": "HDD", "disposed": g.pick(True, g.day(300)),
            "method": g.pick("destroyed", "overwrite", "none"),
            "certificate": g.pick(f"CERT-{i}", "なし", None), "verified_by": g.pick("総務部", None)}


def _facility(g: _Gen, i: int) -> Row:
    return {"id": f"f{i}", "holds_servers": g.flag(0.5),
            "access_control": g.pick("ic_card", "key", "biometric"), "visitor_log": g.flag(0.7)}


def _person(g: _Gen, i: int) -> Row:
    return {"id": f"p{i}", "name": f"社員{i}", "training_completed": g.day(500),
            "phishing_drill_failed": g.flag(0.1)}


def _policy(g: _Gen, i: int) -> Row:
    return {"id": f"pol{i}", "admin": g.flag(0.1), "customer_managed": True,
            "attached": g.flag(0.7)}


#: type → (row maker, share of the records)
MAKERS: dict[str, tuple[Callable[[_Gen, int], Row], float]] = {
    "user": (_user, 0.2), "host": (_host, 0.12), "endpoint": (_endpoint, 0.16),
    "firewall_rule": (_firewall_rule, 0.14), "bucket": (_bucket, 0.06),
    "volume": (_volume, 0.06), "database": (_database, 0.03), "person": (_person, 0.12),
    "role": (_role, 0.03), "network_device": (_network_device, 0.02),
    "vendor": (_vendor, 0.02), "media_disposal": (_media_disposal, 0.02),
    "facility": (_facility, 0.005), "account": (_account, 0.005),
    "policy": (_policy, 0.01),
}


def records(resources: int, seed: int = 7) -> Iterator[tuple[str, Row]]:
    """``resources`` (type, row) pairs, interleaved by type as an export would mix them."""
    g = _Gen(seed)
    weights = [share for _, share in MAKERS.values()]
    names = list(MAKERS)
    for i in range(resources):
        rtype = g.rng.choices(names, weights)[0]
        row = MAKERS[rtype][0](g, i)
        yield rtype, _known(row)


def _known(row: Row) -> Row:
    """The row without unknown (None) values, at any depth: exports leave them out."""
    return {k: _known(v) if isinstance(v, dict) else v for k, v in row.items()
            if v is not None}


def write_json(path: Path, resources: int, seed: int = 7) -> None:
    """One JSON document ``{"records": [...]}``, one record per line."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"records": [\n')
        for n, (rtype, row) in enumerate(records(resources, seed)):
            fh.write(("," if n else "") + json.dumps({"type": rtype, **row},
                                                     ensure_ascii=False) + "\n")
        fh.write("]}\n")


def _cell(value: Any) -> str:
    if value is None:  # unknown (a nested attribute left out): a blank cell, not "None"
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return ";".join("-".join(map(str, v)) if isinstance(v, list) else str(v) for v in value)
    return str(value)


def _flat(row: Row, prefix: str = "") -> Row:
    out: Row = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        elif value is not None:  # unknown: an empty cell
            out[f"{prefix}{key}"] = value
    return out


def write_csv(folder: Path, resources: int, seed: int = 7) -> None:
    """One CSV file per type (``hosts.csv``...), dotted headers for nested attributes."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[Row]] = {}
    for rtype, row in records(resources, seed):
        rows.setdefault(rtype, []).append(_flat(row))
    for rtype, typed in rows.items():
        columns = list(dict.fromkeys(k for row in typed for k in row))
        with (folder / f"{rtype}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows([_cell(row[c]) if c in row else "" for c in columns]
                             for row in typed)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--resources", type=int, default=200_000)
    parser.add_argument("--format", choices=["json", "csv"], default="json")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.format == "json":
        write_json(args.out, args.resources, args.seed)
    else:
        write_csv(args.out, args.resources, args.seed)


if __name__ == "__main__":
    main()
