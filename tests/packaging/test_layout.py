"""Packaging guards for the mapped layout (DESIGN.md: checks/ → mamori.checks, ...).

setuptools silently drops a nested package missing from the explicit list, and
importlib.resources needs __init__.py for package data in editable installs.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAPPED = {"checks": "mamori.checks", "ci": "mamori.ci", "providers": "mamori.providers",
          "reports": "mamori.reports", "rules": "mamori.rules"}


def pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)


def python_dirs() -> list[Path]:
    dirs = []
    for top in MAPPED:
        for d in [ROOT / top, *sorted((ROOT / top).rglob("*"))]:
            if d.is_dir() and d.name != "__pycache__" and any(d.glob("*.py")):
                dirs.append(d)
    return dirs


def dotted(folder: Path) -> str:
    rel = folder.relative_to(ROOT).parts
    return ".".join([MAPPED[rel[0]], *rel[1:]])


def test_package_dir_mapping_matches_layout() -> None:
    setuptools = pyproject()["tool"]["setuptools"]
    assert setuptools["package-dir"] == {v: k for k, v in MAPPED.items()}


@pytest.mark.parametrize("folder", python_dirs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_package_is_listed_and_marked(folder: Path) -> None:
    packages = pyproject()["tool"]["setuptools"]["packages"]
    assert dotted(folder) in packages, f"add {dotted(folder)!r} to [tool.setuptools] packages"
    assert (folder / "__init__.py").is_file()
    assert (folder / "py.typed").is_file()


def test_rules_folder_is_a_package() -> None:
    assert (ROOT / "rules" / "__init__.py").is_file()
    assert (ROOT / "rules" / "py.typed").is_file()


def test_no_bare_imports_of_mapped_folders() -> None:
    offenders = []
    for path in ROOT.glob("**/*.py"):
        if ".venv" in path.parts or "build" in path.parts:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            bare = len(words) >= 2 and words[1].split(".")[0] in MAPPED
            if bare and words[0] in ("import", "from"):
                offenders.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert offenders == []
