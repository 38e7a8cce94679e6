"""Builds the providers a scan asked for from command-line options."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mamori.providers.interface import Provider
from mamori.providers.registry import provider_class


def build_providers(inventories: Sequence[Path] = (), snapshots: Sequence[Path] = (),
                    clouds: Sequence[tuple[str, Any]] = (),
                    outputs: Sequence[Path] = ()) -> list[Provider]:
    """One files provider for all inventory paths, one snapshot provider per file, and
    one provider per cloud with its options object. ``outputs`` (report folder, saved
    snapshot) are never read as inventory."""
    providers: list[Provider] = []
    if inventories:
        files = provider_class("files")
        providers.append(files(list(inventories), exclude=outputs))  # type: ignore[call-arg]
    providers += [provider_class("snapshot")(path) for path in snapshots]  # type: ignore[call-arg]
    providers += [provider_class(name)(options) for name, options in clouds]  # type: ignore[call-arg]
    return providers
