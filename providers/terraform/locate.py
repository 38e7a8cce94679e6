"""Finding the ``.tf`` file and line of a resource block, for SARIF and reviewers.

A plain line scan for ``resource "TYPE" "NAME"`` in the ``.tf`` files of the module's
folder: the root folder given with ``--tf-root``, and for child modules the folder
Terraform recorded in ``.terraform/modules/modules.json`` (after ``terraform init``) or,
failing that, the module's local ``source`` path. Remote modules that were not
downloaded are not found; their resources point at the plan file instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mamori.checks.errors import InventoryError, display_path
from mamori.checks.inputs import read_input
from mamori.providers.terraform.modules import config_path

_BLOCK = re.compile(r'^\s*resource\s+"([^"]+)"\s+"([^"]+)"')


class SourceLocator:
    """Maps a plan instance to ``{"file": ..., "line": ...}`` in the Terraform sources."""

    def __init__(self, root: Path | None, sources: Mapping[str, str], plan_file: str) -> None:
        self.root = root
        self.sources = dict(sources)
        self.plan_file = plan_file
        self._dirs: dict[str, Path | None] = {"": root}
        self._blocks: dict[Path, dict[tuple[str, str], tuple[str, int]]] = {}
        self._installed = _installed_modules(root) if root is not None else {}

    def locate(self, module: str, rtype: str, name: str) -> dict[str, Any]:
        """Where the block is written, or the plan file when it cannot be found."""
        folder = self._dir(config_path(module))
        if folder is not None:
            found = self._scan(folder).get((rtype, name))
            if found is not None:
                return {"file": found[0], "line": found[1]}
        return {"file": self.plan_file}

    def _dir(self, path: str) -> Path | None:
        if path in self._dirs:
            return self._dirs[path]
        parent = path.rpartition(".module.")[0] if ".module." in path else ""
        key = ".".join(p for p in path.split(".") if p != "module")
        folder: Path | None = None
        if self.root is not None and key in self._installed:
            folder = self.root / self._installed[key]
        else:
            base = self._dir(parent)
            source = self.sources.get(path, "")
            if base is not None and source.startswith(("./", "../")):
                folder = (base / source).resolve()
        self._dirs[path] = folder if folder is not None and folder.is_dir() else None
        return self._dirs[path]

    def _scan(self, folder: Path) -> dict[tuple[str, str], tuple[str, int]]:
        if folder not in self._blocks:
            found: dict[tuple[str, str], tuple[str, int]] = {}
            for tf in sorted(folder.glob("*.tf")):
                shown = display_path(tf).replace("\\", "/")
                # A regular file only: a FIFO or device among the sources is exit 2.
                text = read_input(tf, InventoryError).decode("utf-8", errors="replace")
                for number, line in enumerate(text.splitlines(), start=1):
                    match = _BLOCK.match(line)
                    if match:
                        found.setdefault((match.group(1), match.group(2)), (shown, number))
            self._blocks[folder] = found
        return self._blocks[folder]


def _installed_modules(root: Path) -> dict[str, str]:
    manifest = root / ".terraform" / "modules" / "modules.json"
    if not manifest.exists():
        return {}
    try:
        data = json.loads(read_input(manifest, InventoryError).decode("utf-8"))
    except (ValueError, RecursionError):
        return {}  # a damaged manifest only costs the module locations
    modules = data.get("Modules", []) if isinstance(data, dict) else []
    return {str(m.get("Key")): str(m.get("Dir")) for m in modules
            if isinstance(m, dict) and m.get("Key") and m.get("Dir")}
