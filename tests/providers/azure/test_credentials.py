"""DefaultAzureCredential against the local token endpoint; lazy imports; options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mamori.checks.errors import ProviderError
from mamori.providers.azure.options import AzureOptions
from mamori.providers.azure.provider import AzureProvider
from mamori.providers.interface import Provider
from tests.providers.azure import scenario as s
from tests.providers.azure.azure_server import IDENTITY_HEADER, AzureServer
from tests.providers.azure.conftest import MakeOptions, collect, errors, resources


def test_default_credential_through_managed_identity(
        server: AzureServer, options: MakeOptions, certificate: tuple[Path, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The managed-identity flow DefaultAzureCredential uses on App Service / Functions.
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"{server.url}/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", IDENTITY_HEADER)
    items = collect(options(credential=None, services=("storage",),
                            subscriptions=(s.SUB_B,)))
    assert not errors(items)
    assert len(resources(items, "bucket")) == 1
    assert server.token_requests >= 1


def test_provider_contract() -> None:
    assert issubclass(AzureProvider, Provider)
    assert AzureProvider.name == "azure"
    assert AzureProvider(AzureOptions()).describe() == "azure (all subscriptions)"
    one = AzureProvider(AzureOptions(subscriptions=(s.SUB_A,)))
    assert one.describe() == "azure (1 subscription)"


def test_importing_the_provider_imports_no_azure_sdk() -> None:
    code = ("import sys, mamori.providers.azure.provider\n"
            "loaded = sorted(m for m in sys.modules if m == 'azure' or m.startswith('azure.')"
            " or m == 'requests')\n"
            "assert not loaded, loaded\n")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("kwargs", [
    {"subscriptions": ("Production",)},
    {"arm_base_url": "http://127.0.0.1:1"},
    {"graph_base_url": "graph.microsoft.com"},
    {"services": ("storage", "keyvault")},
    {"max_workers": 0},
])
def test_bad_options_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ProviderError):
        AzureOptions(**kwargs)  # type: ignore[arg-type]


def test_token_scopes_follow_the_cloud() -> None:
    public = AzureOptions()
    assert public.arm_token_scope == "https://management.azure.com/.default"
    assert public.graph_token_scope == "https://graph.microsoft.com/.default"
    china = AzureOptions(arm_base_url="https://management.chinacloudapi.cn/",
                         graph_base_url="https://microsoftgraph.chinacloudapi.cn",
                         authority="login.chinacloudapi.cn")
    assert china.arm_token_scope == "https://management.chinacloudapi.cn/.default"
    assert china.graph_token_scope == "https://microsoftgraph.chinacloudapi.cn/.default"
    gov = AzureOptions(arm_base_url="https://management.usgovcloudapi.net")
    assert gov.arm_token_scope == "https://management.core.usgovcloudapi.net/.default"


def test_options_accept_lists_and_hide_the_credential() -> None:
    opts = AzureOptions(subscriptions=[s.SUB_A], credential=object())  # type: ignore[arg-type]
    assert opts.subscriptions == (s.SUB_A,)
    assert "credential" not in repr(opts)


def test_missing_sdk_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "azure.mgmt.sql", None)
    with pytest.raises(ProviderError, match=r"pip install 'mamori\[azure\]'"):
        list(AzureProvider(AzureOptions()).collect())
