"""``mamori scan --azure`` end to end: the real command in a subprocess, as a user runs it.

Credentials come from the managed-identity variables DefaultAzureCredential reads, and
the local server's certificate is trusted through REQUESTS_CA_BUNDLE: no test-only code
path in the provider.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.providers.azure import scenario as s
from tests.providers.azure.azure_server import IDENTITY_HEADER, AzureServer


def test_scan_azure_from_the_command_line(server: AzureServer, certificate: tuple[Path, Path],
                                          tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "MSI_"))}
    env.update(IDENTITY_ENDPOINT=f"{server.url}/msi/token", IDENTITY_HEADER=IDENTITY_HEADER,
               REQUESTS_CA_BUNDLE=str(certificate[0]), NO_PROXY="127.0.0.1,localhost")
    proc = subprocess.run(
        [sys.executable, "-m", "mamori.checks.cli", "scan", "--azure",
         "--azure-arm-url", server.url, "--azure-graph-url", f"{server.url}/graph",
         "--as-of", "2026-11-29", "--format", "json", "--out", str(tmp_path), "-q"],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    # RDP open to the Internet and a public SQL server: failures at or above 'low'
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((tmp_path / "mamori-report.json").read_text(encoding="utf-8"))
    status = {(f["rule_id"], f["resource"]["name"], f["resource"]["account"]): f["status"]
              for f in doc["findings"]}
    assert status[("MAM-NET-004", "web-nsg/allow-rdp", s.SUB_A)] == "FAIL"
    assert status[("MAM-STO-001", "publicsa", s.SUB_A)] == "FAIL"
    assert status[("MAM-STO-001", "publicsa", s.SUB_B)] == "PASS"  # same name, kept apart
    assert status[("MAM-STO-001", "deniedsa", s.SUB_A)] == "ERROR"  # 403: never PASS
    assert [e["code"] for e in doc["errors"]] != []
    assert "Bearer" not in proc.stderr and "access_token" not in json.dumps(doc)
