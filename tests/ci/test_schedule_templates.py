"""The scheduling examples (cron, systemd, Kubernetes): shape, dated folders, history,
and only options that `mamori scan` / `mamori history` really have."""

from __future__ import annotations

import configparser
import re
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from tests.ci.conftest import mamori


def text(name: str) -> str:
    return files("mamori.ci").joinpath("templates", name).read_text(encoding="utf-8")


def commands(name: str, command: str) -> list[str]:
    """Every `mamori COMMAND ...` invocation in a template, continuation lines joined."""
    joined = text(name).replace("\\\n", " ")
    return [line for line in joined.splitlines() if re.search(rf"mamori\"? {command} ", line)]


def options(lines: list[str], command: str) -> set[str]:
    used: set[str] = set()
    for line in lines:
        tail = re.split(rf"mamori\"? {command} ", line, maxsplit=1)[1]
        used |= set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", tail))
    return used


@pytest.mark.parametrize("name", ["nightly-cron.txt", "mamori-nightly.service",
                                  "k8s-cronjob.yaml"])
def test_each_writes_a_dated_folder_and_keeps_the_history(name: str, tmp_path: Path) -> None:
    (line,) = commands(name, "scan")
    assert re.search(r"--out \"?[^ ]*\$\(?\{?(date \+\\?%%?F|day)", line), line
    assert "--history" in line or "MAMORI_HISTORY" in text(name)
    assert "--notify" in line
    help_text = mamori("scan", "--help", cwd=tmp_path).stdout
    assert {o for o in options([line], "scan") if o not in help_text} == set()


def test_cron_line_has_five_fields_and_escaped_percent() -> None:
    jobs = [ln for ln in text("nightly-cron.txt").splitlines()
            if ln and not ln.startswith("#") and "=" not in ln.split()[0]]
    assert len(jobs) == 2
    for job in jobs:
        fields = job.split()
        assert all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5]), job
        assert "%" not in job.replace("\\%", "")  # cron would cut the line at a bare %
    assert "history prune" in jobs[1] and "--keep-days" in jobs[1]


def test_systemd_units() -> None:
    service, timer = (configparser.ConfigParser(interpolation=None, strict=False)
                      for _ in range(2))
    service.read_string(text("mamori-nightly.service"))
    timer.read_string(text("mamori-nightly.timer"))
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["SuccessExitStatus"].split() == ["1", "3"]
    assert "%%F" in service["Service"]["ExecStart"]
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == "mamori-nightly.service"


def test_kubernetes_cronjob() -> None:
    docs = list(yaml.safe_load_all(text("k8s-cronjob.yaml")))
    kinds = [d["kind"] for d in docs]
    assert kinds == ["PersistentVolumeClaim", "ConfigMap", "CronJob"]
    spec = docs[2]["spec"]
    assert spec["concurrencyPolicy"] == "Forbid" and len(spec["schedule"].split()) == 5
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    mounts = {m["mountPath"] for m in pod["containers"][0]["volumeMounts"]}
    assert "/data" in mounts
    claim = next(v for v in pod["volumes"] if v["name"] == "data")
    assert claim["persistentVolumeClaim"]["claimName"] == docs[0]["metadata"]["name"]


def test_history_commands_in_templates_exist(tmp_path: Path) -> None:
    lines = commands("nightly-cron.txt", "history prune")
    help_text = mamori("history", "prune", "--help", cwd=tmp_path).stdout
    assert lines and options(lines, "history prune") <= set(
        re.findall(r"--[a-z][a-z-]*", help_text))
