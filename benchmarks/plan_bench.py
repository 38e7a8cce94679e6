"""Plan review benchmark: ``mamori plan`` on a generated Terraform plan.

Generates a seeded plan in the ``terraform show -json`` format (format_version 1.2) with
a realistic mix — S3 buckets with their split ACL / versioning / encryption / public
access block resources, security groups with inline rules and separate rules, RDS
instances, IAM users with attachments, EBS volumes and instances, spread over count
instances and child modules, half of them already in the prior state — then times

  1. parsing the plan file alone;
  2. the library call ``run_plan`` (parse, map both sides, evaluate, classify);
  3. the command ``mamori plan`` in a fresh process, console report to /dev/null.

Numbers are printed, never asserted. Checkov 3.3.30 took 56.7 s on 5,000 resources.

    python -m benchmarks.plan_bench --resources 500 5000 20000
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mamori.checks.plan import PlanRequest, run_plan
from mamori.providers.terraform.plan import read_plan

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)
Entry = tuple[str, str, dict[str, Any], dict[str, Any], dict[str, list[str]]]


def _bucket_family(rng: random.Random, i: int) -> list[Entry]:
    ref = {"bucket": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}
    family: list[Entry] = [("aws_s3_bucket", "b", {"bucket": f"acme-{i}", "tags": {"n": str(i)}},
                            {"id": True, "arn": True, "acl": True, "policy": True}, {})]
    if rng.random() < 0.3:
        family.append(("aws_s3_bucket_acl", "b", {"acl": rng.choice(
            ["private", "public-read"])}, {"bucket": True}, ref))
    if rng.random() < 0.5:
        family.append(("aws_s3_bucket_versioning", "b", {"versioning_configuration": [
            {"status": rng.choice(["Enabled", "Suspended"])}]}, {"bucket": True}, ref))
    if rng.random() < 0.5:
        family.append(("aws_s3_bucket_public_access_block", "b", {
            "block_public_acls": True, "ignore_public_acls": rng.random() < 0.8,
            "block_public_policy": True, "restrict_public_buckets": True}, {"bucket": True}, ref))
    return family


def _other(rng: random.Random, i: int) -> list[Entry]:
    kind = rng.randrange(5)
    cidr = rng.choice(["0.0.0.0/0", "10.0.0.0/8", "192.168.0.0/16"])
    if kind == 0:
        rules = [{"protocol": "tcp", "from_port": p, "to_port": p, "cidr_blocks": [cidr],
                  "ipv6_cidr_blocks": []} for p in rng.sample([22, 80, 443, 3389, 5432], 2)]
        return [("aws_security_group", "sg", {"name": f"sg{i}", "ingress": rules, "egress": []},
                 {"id": True}, {})]
    if kind == 1:
        return [("aws_security_group_rule", "r", {"type": "ingress", "protocol": "tcp",
                 "from_port": 22, "to_port": 22, "cidr_blocks": [cidr]}, {}, {})]
    if kind == 2:
        return [("aws_db_instance", "db", {"identifier": f"db{i}", "engine": "postgres",
                 "username": rng.choice(["postgres", "app"]),
                 "publicly_accessible": rng.random() < 0.1,
                 "storage_encrypted": rng.random() < 0.8}, {"endpoint": True}, {})]
    if kind == 3:
        user: Entry = ("aws_iam_user", "u", {"name": f"user{i}"}, {"arn": True}, {})
        attach: Entry = ("aws_iam_user_policy_attachment", "u", {
            "user": f"user{i}", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"},
            {}, {"user": ["aws_iam_user.u.name", "aws_iam_user.u"]})
        return [user, attach] if rng.random() < 0.2 else [user]
    return [("aws_ebs_volume", "v", {"size": 8, "encrypted": rng.random() < 0.7}, {}, {})]


def generate(count: int, seed: int = 7) -> dict[str, Any]:
    """A plan document with about ``count`` resource instances."""
    rng = random.Random(seed)
    changes: list[dict[str, Any]] = []
    config: dict[str, dict[str, Any]] = {}
    i = 0
    while len(changes) < count:
        family = _bucket_family(rng, i) if i % 3 == 0 else _other(rng, i)
        module = f'module.m{i % 20}["k{i}"]'
        for rtype, name, after, unknown, refs in family:
            existed = rng.random() < 0.5
            changes.append({
                "address": f"{module}.{rtype}.{name}", "module_address": module,
                "mode": "managed", "type": rtype, "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["no-op"] if existed else ["create"],
                           "before": after if existed else None, "after": after,
                           "after_unknown": {} if existed else unknown}})
            config[f"module.m{i % 20}"] = config.get(f"module.m{i % 20}", {})
            config[f"module.m{i % 20}"][f"{rtype}.{name}"] = {
                "address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
                "provider_config_key": "aws",
                "expressions": {k: {"references": v} for k, v in refs.items()}}
        i += 1
    calls = {m.removeprefix("module."): {"source": f"./{m}", "module": {
        "resources": list(resources.values())}} for m, resources in config.items()}
    return {"format_version": "1.2", "terraform_version": "1.9.8",
            "timestamp": "2026-11-29T00:00:00Z", "resource_changes": changes,
            "configuration": {"root_module": {"resources": [], "module_calls": calls}}}


def measure(size: int) -> tuple[int, float, float, float, int]:
    """(resources, parse s, run_plan s, CLI s, findings) for a generated plan."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tfplan.json"
        document = generate(size)
        path.write_text(json.dumps(document), encoding="utf-8")
        start = time.perf_counter()
        read_plan(path)
        parse = time.perf_counter() - start
        start = time.perf_counter()
        result = run_plan(PlanRequest(plan=path, as_of=AS_OF))
        library = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mamori.checks.cli", "plan", str(path),
                        "--as-of", "2026-11-29", "--format", "console"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        cli = time.perf_counter() - start
        return len(document["resource_changes"]), parse, library, cli, len(result.findings)


def main() -> None:
    """Print one row per plan size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--resources", type=int, nargs="+", default=[500, 2000, 5000])
    args = parser.parse_args()
    print(f"{'resources':>10} {'parse s':>8} {'run_plan s':>10} {'res/s':>10} "
          f"{'CLI s':>7} {'findings':>9}")
    for size in args.resources:
        resources, parse, library, cli, findings = measure(size)
        print(f"{resources:>10,} {parse:>8.3f} {library:>10.3f} {resources / library:>10,.0f} "
              f"{cli:>7.3f} {findings:>9,}")


if __name__ == "__main__":
    main()
