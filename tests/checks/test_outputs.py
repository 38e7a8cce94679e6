"""Outputs never clobber or hide inputs, and bad output paths are found before a scan."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mamori.checks.config import Config
from mamori.checks.errors import UsageError
from mamori.checks.outputs import InputPath, Output, check_outputs, run_inputs

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "inv" / "sub").mkdir(parents=True)
    (tmp_path / "inv" / "users.yaml").write_text("- {id: u}\n", encoding="utf-8")
    (tmp_path / "w.yaml").write_text("waivers: []\n", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


INPUTS = [InputPath("--inventory", Path("inv")), InputPath("--waivers", Path("w.yaml"))]


def clash(output: Output) -> str:
    with pytest.raises(UsageError) as info:
        check_outputs([output], INPUTS)
    return info.value.message


@pytest.mark.parametrize(("output", "expected"), [
    (Output("--out", Path("inv/report"), folder=True),
     "--out inv/report is inside the input folder --inventory inv"),
    (Output("--out", Path("inv"), folder=True), "--out inv is the input --inventory inv"),
    (Output("--out", Path("."), folder=True), "--out . contains the input --inventory inv"),
    (Output("--out", Path("inv/sub/../../elsewhere/../inv/x"), folder=True),
     "is inside the input folder --inventory inv"),
    (Output("--save-inventory", Path("inv/snap.jsonl")),
     "--save-inventory inv/snap.jsonl is inside the input folder --inventory inv"),
    (Output("--save-inventory", Path("w.yaml")),
     "--save-inventory w.yaml is the input --waivers w.yaml: it would be overwritten"),
    (Output("--history", Path("inv/sub/history.db")), "inside the input folder"),
])
def test_outputs_onto_into_or_around_inputs_are_refused(tree: Path, output: Output,
                                                        expected: str) -> None:
    assert expected in clash(output)


def test_links_are_followed(tree: Path) -> None:
    (tree / "reports").symlink_to(tree / "inv" / "sub")
    (tree / "snap.jsonl").symlink_to(tree / "w.yaml")
    assert "inside the input folder" in clash(Output("--out", Path("reports"), folder=True))
    assert "is the input --waivers" in clash(Output("--save-inventory", Path("snap.jsonl")))


def test_outputs_beside_the_inputs_are_fine(tree: Path) -> None:
    check_outputs([Output("--out", Path("elsewhere/r"), folder=True),
                   Output("--save-inventory", Path("snap.jsonl"), parent_must_exist=True),
                   Output("--output", Path("new/deeper/b.json"))], INPUTS)


@pytest.mark.parametrize(("output", "expected"), [
    (Output("--out", Path("w.yaml"), folder=True), "w.yaml is a regular file, not a folder"),
    (Output("--out", Path("w.yaml/r"), folder=True), "w.yaml is a regular file, not a folder"),
    (Output("--save-inventory", Path("nodir/snap.jsonl"), parent_must_exist=True),
     "its folder nodir does not exist"),
    (Output("--save-inventory", Path("elsewhere"), parent_must_exist=True),
     "cannot write it: a folder, not a regular file"),
    (Output("--output", Path("w.yaml/b.json")), "w.yaml is a regular file, not a folder"),
])
def test_bad_output_paths_are_refused_with_the_path(tree: Path, output: Output,
                                                    expected: str) -> None:
    with pytest.raises(UsageError) as info:
        check_outputs([output], [])
    assert info.value.message.startswith(f"{output}: ") and expected in info.value.message


def test_a_fifo_as_output_is_refused(tree: Path) -> None:
    os.mkfifo(tree / "snap.jsonl")
    with pytest.raises(UsageError, match="named pipe"):
        check_outputs([Output("--save-inventory", Path("snap.jsonl"))], [])


@pytest.mark.skipif(ROOT, reason="permissions do not apply to root")
def test_a_read_only_folder_is_refused(tree: Path) -> None:
    (tree / "ro").mkdir()
    (tree / "ro").chmod(0o500)
    try:
        with pytest.raises(UsageError, match="not writable"):
            check_outputs([Output("--out", Path("ro/reports"), folder=True)], [])
    finally:
        (tree / "ro").chmod(0o700)


def test_run_inputs_lists_every_input_of_a_run(tree: Path) -> None:
    config = Config(rule_dirs=(tree / "our-rules",), path=tree / "mamori.yaml")
    items = run_inputs(config, [Path("inv")], [Path("s.jsonl")], [Path("r")],
                       [("--waivers", Path("w.yaml")), ("--baseline", None)])
    assert [(i.option, i.path.name) for i in items] == [
        ("--inventory", "inv"), ("--snapshot", "s.jsonl"), ("--rules", "r"),
        ("--config", "mamori.yaml"), ("rule_dirs", "our-rules"), ("--waivers", "w.yaml")]
