"""``mamori scan --gcp`` end to end: the real command in a subprocess, as a user runs it.

Credentials are Application Default Credentials from a ``GOOGLE_APPLICATION_CREDENTIALS``
file: a service-account key (made up here) whose token endpoint is the local server, so
the provider runs with no test-only code path, domain-wide delegation included (the
Directory API is called as the Workspace admin named by ``--gcp-workspace-admin``). A
clean project passes the gate (exit 0) with what no API can tell NOT_ASSESSED, naming
the source; one listing refused makes it exit 3 and the refused call is shown.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mamori.providers.gcp import GcpOptions
from tests.providers.gcp.conftest import PROJECT, TOKEN, FakeGoogle
from tests.providers.gcp.scenario import COMPUTE
from tests.providers.gcp.scenario_clean import VM, seed_clean
from tests.providers.gcp.scenario_platform import CUSTOMER

ROOT = Path(__file__).resolve().parents[3]
ADMIN = "admin@acme.example"
DIRECTORY_SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly"


@pytest.fixture(scope="module")
def private_key() -> str:
    """A throw-away RSA key for the made-up service-account key file."""
    rsa: Any = importlib.import_module("cryptography.hazmat.primitives.asymmetric.rsa")
    ser: Any = importlib.import_module("cryptography.hazmat.primitives.serialization")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem: bytes = key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8,
                                   ser.NoEncryption())
    return pem.decode()


def scan(fake: FakeGoogle, emulator: str, tmp_path: Path, private_key: str,
         *extra: str) -> tuple[Any, dict[str, Any]]:
    adc = tmp_path / "adc.json"
    adc.write_text(json.dumps({
        "type": "service_account", "project_id": PROJECT, "private_key_id": "k1",
        "private_key": private_key, "client_id": "1",
        "client_email": f"scanner@{PROJECT}.iam.gserviceaccount.com",
        "token_uri": f"{fake.base}/token"}), encoding="utf-8")
    fake.add("POST", "/token", {"access_token": TOKEN, "expires_in": 3600,
                                "token_type": "Bearer"})
    endpoints = [f"--gcp-endpoint={api}={fake.base}/{api}" for api in GcpOptions.ENDPOINT_FIELDS
                 if api != "storage"] + [f"--gcp-endpoint=storage={emulator}"]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GOOGLE_", "GCLOUD_", "CLOUDSDK_", "STORAGE_EMULATOR"))}
    env.update(GOOGLE_APPLICATION_CREDENTIALS=str(adc), NO_GCE_CHECK="True",
               GCE_METADATA_HOST="127.0.0.1:9", NO_PROXY="127.0.0.1,localhost")
    out = tmp_path / "report"
    proc = subprocess.run(
        [sys.executable, "-m", "mamori.checks.cli", "scan", "--gcp", "--project", PROJECT,
         *endpoints, "--gcp-workspace-customer", CUSTOMER, "--gcp-workspace-admin", ADMIN,
         "--as-of", "2026-11-29",
         "--format", "console,json", "--out", str(out), *extra],
        capture_output=True, text=True, env=env, timeout=300, check=False, cwd=tmp_path)
    doc = json.loads((out / "mamori-report.json").read_text(encoding="utf-8"))
    shown = proc.stdout + proc.stderr + json.dumps(doc)
    assert TOKEN not in shown and "PRIVATE KEY" not in shown
    return proc, doc


def grants(fake: FakeGoogle) -> list[dict[str, Any]]:
    """The claims of every JWT the service account signed for a token."""
    found = []
    for seen in fake.seen:
        if seen.path == "/token" and isinstance(seen.body, dict):
            payload = seen.body["assertion"][0].split(".")[1]
            found.append(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))
    return found


def by_status(doc: dict[str, Any], status: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["rule_id"], f["resource"]["id"]): f for f in doc["findings"]
            if f["status"] == status}


def test_a_clean_project_passes_the_gate(fake: FakeGoogle, emulator: str, tmp_path: Path,
                                         private_key: str) -> None:
    seed_clean(fake, emulator)
    proc, doc = scan(fake, emulator, tmp_path, private_key)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert doc["errors"] == []
    assert by_status(doc, "FAIL") == {} and by_status(doc, "ERROR") == {}
    passed = by_status(doc, "PASS")
    account = f"projects/{PROJECT}"
    for decided in [("MAM-ACC-001", account), ("MAM-ACC-002", account),
                    ("MAM-ACC-005", account), ("MAM-IAM-001", "user:alice@acme.example"),
                    ("MAM-IAM-002", "user:root@acme.example"), ("MAM-STO-001", "clean-data"),
                    ("MAM-IAM-006", "user:former@acme.example")]:  # suspended: disabled
        assert decided in passed, decided
    out_of_reach = by_status(doc, "NOT_ASSESSED")
    needs = {(rule, rid): next(iter(f["needs"])) for (rule, rid), f in out_of_reach.items()}
    assert needs[("MAM-ACC-006", f"projects/{PROJECT}")] == "password_policy.min_length"
    assert needs[("MAM-IAM-006", "user:alice@acme.example")] == "employment"
    assert needs[("MAM-DB-003", f"projects/{PROJECT}/instances/orders")] == "default_credentials"
    assert needs[("MAM-HOST-005", VM)] == "default_credentials"
    for finding in out_of_reach.values():  # each names the source that could tell
        assert all(source.strip() for source in finding["needs"].values()), finding
    assert "HR inventory" in out_of_reach[("MAM-IAM-006", "user:alice@acme.example")][
        "needs"]["employment"]


def test_the_directory_is_read_as_the_delegated_admin(fake: FakeGoogle, emulator: str,
                                                      tmp_path: Path, private_key: str) -> None:
    seed_clean(fake, emulator)
    scan(fake, emulator, tmp_path, private_key)
    claims = grants(fake)
    delegated = [c for c in claims if c.get("sub") == ADMIN]
    assert delegated and {c["scope"] for c in delegated} == {DIRECTORY_SCOPE}
    # Every other token is the scanner's own, for the Cloud APIs only.
    assert {c["scope"] for c in claims if "sub" not in c} == {
        "https://www.googleapis.com/auth/cloud-platform"}


def test_one_refused_listing_exits_3_and_shows_the_call(fake: FakeGoogle, emulator: str,
                                                        tmp_path: Path, private_key: str) -> None:
    seed_clean(fake, emulator)
    fake.deny("GET", f"{COMPUTE}/global/firewalls", reason="IAM_PERMISSION_DENIED",
              message="Required 'compute.firewalls.list' permission for 'projects/acme-prod'")
    proc, doc = scan(fake, emulator, tmp_path, private_key)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    [error] = doc["errors"]
    assert (error["operation"], error["code"]) == ("compute.firewalls.list",
                                                   "IAM_PERMISSION_DENIED")
    assert "compute.firewalls.list" in proc.stdout
    errored = by_status(doc, "ERROR")
    assert {rule for rule, _ in errored} >= {"MAM-NET-001", "MAM-NET-002", "MAM-NET-003"}
    assert by_status(doc, "FAIL") == {}


def test_an_hr_export_decides_the_leaver_findings(fake: FakeGoogle, emulator: str,
                                                  tmp_path: Path, private_key: str) -> None:
    seed_clean(fake, emulator)
    hr = tmp_path / "people.csv"
    hr.write_text("id,type,employment,left_on,emails,employee_id\n"
                  # Alice, found by the Employee ID Workspace keeps, left two weeks ago.
                  "P1,person,active,2026-11-15,,E1001\n"
                  "P2,person,leaver,2026-04-01,Former@ACME.example,\n", encoding="utf-8")
    proc, doc = scan(fake, emulator, tmp_path, private_key, "--inventory", str(hr))
    status = {(f["rule_id"], f["resource"]["id"]): f["status"] for f in doc["findings"]}
    # Alice left but her Workspace account still signs in; former's is suspended.
    assert status[("MAM-IAM-006", "user:alice@acme.example")] == "FAIL"
    assert status[("MAM-IAM-006", "user:former@acme.example")] == "PASS"
    # root belongs to nobody in HR: an account nobody owns.
    assert status[("MAM-IAM-009", "user:root@acme.example")] == "FAIL"
    assert proc.returncode == 1, proc.stdout + proc.stderr


def test_the_docs_name_only_flags_that_exist() -> None:
    proc = subprocess.run([sys.executable, "-m", "mamori.checks.cli", "scan", "--help"],
                          capture_output=True, text=True, timeout=120, check=True)
    known = set(re.findall(r"--[a-z][a-z-]+", proc.stdout))
    for doc in (ROOT / "docs/providers/gcp.md", ROOT / "README.md",
                ROOT / "providers/gcp/provider.py"):
        named = {f for f in re.findall(r"--gcp[a-z-]*|--project\b", doc.read_text("utf-8"))}
        assert named <= known, (doc.name, sorted(named - known))
