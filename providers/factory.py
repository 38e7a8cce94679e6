"""Builds the providers a scan asked for from command-line options."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mamori.providers.interface import Provider
from mamori.providers.registry import provider_class


def build_providers(inventories: Sequence[Path] = (), snapshots: Sequence[Path] = (),
                    clouds: Sequence[tuple[str, Any]] = ()) -> list[Provider]:
    """One files provider for all inventory paths (so a duplicate id across them is
    found), one snapshot provider per file, and one provider per cloud with its options
    object. Outputs inside inputs are refused before this (``mamori.checks.outputs``),
    so nothing needs to be left out of an inventory walk."""
    providers: list[Provider] = []
    if inventories:
        providers.append(provider_class("files")(list(inventories)))  # type: ignore[call-arg]
    providers += [provider_class("snapshot")(path) for path in snapshots]  # type: ignore[call-arg]
    providers += [provider_class(name)(options) for name, options in clouds]  # type: ignore[call-arg]
    return providers
