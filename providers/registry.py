"""Where providers are found: built-ins mapped statically, third parties by entry point.

Built-ins are imported only when used, so ``mamori --help`` and on-prem scans never
import a cloud SDK. A provider whose extra is not installed says which to install.
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points

from mamori.checks.errors import ProviderError
from mamori.checks.observability import Observability
from mamori.providers.interface import Provider

ENTRY_POINT_GROUP = "mamori.providers"

# name -> (module, class, extra that brings its SDK or None)
BUILTIN: dict[str, tuple[str, str, str | None]] = {
    "files": ("mamori.providers.files.provider", "FilesProvider", None),
    "snapshot": ("mamori.providers.snapshot", "SnapshotProvider", None),
    "aws": ("mamori.providers.aws.provider", "AwsProvider", "aws"),
    "gcp": ("mamori.providers.gcp.provider", "GcpProvider", "gcp"),
    "azure": ("mamori.providers.azure.provider", "AzureProvider", "azure"),
}


# name (as in Resource.provider) -> "module:attribute" of its Observability declaration.
# Light modules: no SDK is imported to read them. The files provider has none: what an
# inventory leaves out is unknown (ERROR), never out of reach.
OBSERVABILITY: dict[str, str] = {
    "aws": "mamori.providers.aws.observes:OBSERVES",
    "azure": "mamori.providers.azure.observes:OBSERVES",
    "gcp": "mamori.providers.gcp.observes:OBSERVES",
    "terraform": "mamori.providers.terraform.observes:OBSERVES",
}


@cache
def observability(name: str) -> Observability | None:
    """What the provider that produced ``Resource.provider == name`` declares it can
    observe; None when it declares nothing (then every absent attribute is ERROR)."""
    target = OBSERVABILITY.get(name)
    if target is None:
        return None
    module_name, attr = target.split(":")
    declaration: Observability = getattr(importlib.import_module(module_name), attr)
    return declaration


def provider_class(name: str) -> type[Provider]:
    """The provider class registered under ``name``."""
    if name in BUILTIN:
        module_name, class_name, extra = BUILTIN[name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if extra is None or (exc.name or "").startswith("mamori"):
                raise
            raise ProviderError(
                f"provider '{name}' needs the '{extra}' extra: "
                f"pip install 'mamori[{extra}]' (missing module: {exc.name})"
            ) from exc
        cls: type[Provider] = getattr(module, class_name)
        return cls
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            loaded = ep.load()
            if not (isinstance(loaded, type) and issubclass(loaded, Provider)):
                raise ProviderError(f"entry point '{name}' is not a mamori Provider")
            return loaded
    known = ", ".join(sorted(available()))
    raise ProviderError(f"unknown provider '{name}' (known: {known})")


def available() -> set[str]:
    """Names of every provider that can be asked for (installed or not)."""
    return set(BUILTIN) | {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
