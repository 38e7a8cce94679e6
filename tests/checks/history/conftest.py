"""A small changing estate (hosts in a YAML inventory) and the real CLI in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

#: The two host rules the scenarios use (both filed under vulnerability, external_attack).
PATCHED = "MAM-HOST-001"      # last_patched within 30 days of as_of
NO_CRITICAL = "MAM-HOST-003"  # missing_critical_patches <= 0
CONFIG = f"version: 1\nrules:\n  only: [{PATCHED}, {NO_CRITICAL}]\n"


def host(hid: str, patched: str, missing: int) -> dict[str, Any]:
    """A host record; `patched` is a date, `missing` the missing critical patches."""
    return {"type": "host", "id": hid, "name": f"srv-{hid}", "account": "dc1",
            "os": "linux", "last_patched": patched, "missing_critical_patches": missing}


@dataclass
class Estate:
    """An inventory folder rewritten between runs, a config and a history file."""

    root: Path

    @property
    def inventory(self) -> Path:
        return self.root / "inventory"

    @property
    def db(self) -> Path:
        return self.root / "history.db"

    def write(self, *hosts: dict[str, Any]) -> None:
        self.inventory.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(list(hosts), sort_keys=False)
        (self.inventory / "hosts.yaml").write_text(text, encoding="utf-8")

    def scan(self, as_of: str, *extra: str, history: str | None = None,
             out: str | None = None) -> subprocess.CompletedProcess[str]:
        """`mamori scan` of the estate as of a day, with the history; JSON report kept."""
        (self.root / "mamori.yaml").write_text(CONFIG, encoding="utf-8")
        args = [sys.executable, "-m", "mamori.checks.cli", "scan",
                "--inventory", str(self.inventory), "--config", str(self.root / "mamori.yaml"),
                "--as-of", as_of, "--history", history or str(self.db),
                "--format", "json,csv,markdown,html", "--out",
                str(self.root / (out or f"report-{as_of}")), "-q", *extra]
        return subprocess.run(args, capture_output=True, text=True, cwd=self.root,
                              timeout=120, check=False)

    def report(self, as_of: str, out: str | None = None) -> dict[str, Any]:
        path = self.root / (out or f"report-{as_of}") / "mamori-report.json"
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def mamori(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mamori.checks.cli", *args],
                              capture_output=True, text=True, cwd=self.root, timeout=120,
                              check=False)


@pytest.fixture
def estate(tmp_path: Path) -> Estate:
    return Estate(tmp_path)


def changes(report: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str | None, str | None]]:
    """(rule id, resource id) -> (status, change, first_seen date) of every finding."""
    return {(f["rule_id"], f["resource"]["id"]):
            (f["status"], f["change"], (f["first_seen"] or "")[:10] or None)
            for f in report["findings"]}
