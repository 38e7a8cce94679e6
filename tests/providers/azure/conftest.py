"""Fixtures: a throw-away certificate, the local Azure server, a real credential.

The provider under test is the production code; only its options point it at the
local server. The suite-wide guard in tests/conftest.py already fails any connection
to a non-loopback address; here ambient Azure and proxy settings are cleared so
nothing on the machine (a CLI login, a proxy) can take part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from mamori.checks.model import CollectionError, Resource
from mamori.providers.azure.options import AzureOptions
from mamori.providers.azure.provider import AzureProvider
from tests.providers.azure import scenario
from tests.providers.azure.azure_server import AzureServer, make_certificate

_AMBIENT = ("AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_USERNAME",
            "AZURE_PASSWORD", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_CERTIFICATE_PATH",
            "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET",
            "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy")


@pytest.fixture(autouse=True, scope="module")
def _no_ambient_azure() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name in _AMBIENT:
            patch.delenv(name, raising=False)
        patch.setenv("NO_PROXY", "127.0.0.1,localhost")
        yield


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("azure-tls"))


@contextmanager
def running_server(certificate: tuple[Path, Path],
                   estate: Callable[[AzureServer], None] = scenario.install,
                   tenant: str = scenario.TENANT) -> Iterator[AzureServer]:
    """An estate (the scenario by default) served from 127.0.0.1; every request must have
    carried the token."""
    cert, key = certificate
    srv = AzureServer(cert, key, tenant)
    srv.start()
    estate(srv)
    try:
        yield srv
    finally:
        srv.stop()
    assert all(s.authorized for s in srv.seen), "a request went out without the token"


def client_secret_credential(srv: AzureServer, certificate: tuple[Path, Path]) -> Any:
    """A real ClientSecretCredential whose authority is the local server."""
    from azure.identity import ClientSecretCredential

    return ClientSecretCredential(
        srv.tenant, "mamori-test-client", "not-a-real-secret", authority=srv.url,
        disable_instance_discovery=True, connection_verify=str(certificate[0]))


MakeOptions = Callable[..., AzureOptions]


def options_for(srv: AzureServer, certificate: tuple[Path, Path], credential: Any) -> MakeOptions:
    """Options pointing at ``srv``; keyword arguments override."""
    def make(**overrides: Any) -> AzureOptions:
        values: dict[str, Any] = {
            "arm_base_url": srv.url, "graph_base_url": f"{srv.url}/graph",
            "credential": credential, "connection_verify": str(certificate[0]),
            "max_workers": 4, "max_retries": 2, "max_retry_wait": 2.0, "read_timeout": 10.0}
        values.update(overrides)
        return AzureOptions(**values)
    return make


@pytest.fixture
def server(certificate: tuple[Path, Path]) -> Iterator[AzureServer]:
    with running_server(certificate) as srv:
        yield srv


@pytest.fixture
def options(server: AzureServer, certificate: tuple[Path, Path]) -> MakeOptions:
    return options_for(server, certificate, client_secret_credential(server, certificate))


Collected = list[Resource | CollectionError]


def collect(options: AzureOptions) -> Collected:
    return list(AzureProvider(options).collect())


def resources(items: Collected, rtype: str | None = None) -> dict[str, Resource]:
    """Resources by id (optionally of one type)."""
    return {i.id: i for i in items
            if isinstance(i, Resource) and (rtype is None or i.type == rtype)}


def errors(items: Collected) -> list[CollectionError]:
    return [i for i in items if isinstance(i, CollectionError)]


def by_name(items: Collected, rtype: str, name: str, account: str | None = None) -> Resource:
    found = [i for i in items if isinstance(i, Resource) and i.type == rtype
             and i.name == name and (account is None or i.account == account)]
    assert len(found) == 1, f"{rtype} {name}: {len(found)} found"
    return found[0]
