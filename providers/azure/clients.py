"""Credentials and SDK clients: everything that touches the Azure SDK's setup lives here.

The SDK is imported inside the functions, so importing mamori's Azure modules (for
``--help`` or option parsing) does not import it. Tokens stay inside azure-identity
and the SDK pipelines; nothing here logs or returns them. azure-core's retry policy
handles throttling on Resource Manager calls (429 and 5xx, honouring Retry-After),
bounded by ``max_retries``.
"""

from __future__ import annotations

import importlib
from typing import Any

from mamori.checks.errors import ProviderError
from mamori.providers.azure.options import AzureOptions

#: What ``mamori[azure]`` brings; checked before a scan starts.
SDK_MODULES = ("azure.identity", "azure.mgmt.resource.subscriptions", "azure.mgmt.storage",
               "azure.mgmt.authorization", "azure.mgmt.network", "azure.mgmt.compute",
               "azure.mgmt.sql", "requests")


def require_sdk() -> None:
    """Raise ``ProviderError`` naming the extra when an SDK package is missing."""
    for name in SDK_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            raise ProviderError(
                "provider 'azure' needs the 'azure' extra: pip install 'mamori[azure]' "
                f"(missing module: {exc.name or name})") from exc


def make_credential(options: AzureOptions) -> Any:
    """The injected credential, else ``DefaultAzureCredential`` for the options' cloud.

    ``DefaultAzureCredential`` tries environment service principals, workload and
    managed identity, then developer logins (Azure CLI, PowerShell...).
    """
    if options.credential is not None:
        return options.credential
    from azure.identity import DefaultAzureCredential

    kwargs: dict[str, Any] = {}
    if options.authority:
        kwargs["authority"] = options.authority
    if options.connection_verify is not True:
        kwargs["connection_verify"] = options.connection_verify
    return DefaultAzureCredential(**kwargs)


def sdk_kwargs(options: AzureOptions) -> dict[str, Any]:
    """Keyword arguments every management client gets: endpoint, scope, TLS, retries."""
    return {
        "base_url": options.arm_base_url,
        "credential_scopes": [options.arm_token_scope],
        "connection_verify": options.connection_verify,
        "connection_timeout": options.connect_timeout,
        "read_timeout": options.read_timeout,
        "retry_total": options.max_retries,
        "retry_backoff_max": options.max_retry_wait,
        "logging_enable": False,
        "user_agent": "mamori",
    }


def subscription_client(credential: Any, options: AzureOptions) -> Any:
    """A ``SubscriptionClient`` (lists the subscriptions the identity can see)."""
    from azure.mgmt.resource.subscriptions import SubscriptionClient

    return SubscriptionClient(credential, **sdk_kwargs(options))


def storage_client(credential: Any, options: AzureOptions, subscription: str) -> Any:
    """A ``StorageManagementClient`` for one subscription."""
    from azure.mgmt.storage import StorageManagementClient

    return StorageManagementClient(credential, subscription, **sdk_kwargs(options))


def authorization_client(credential: Any, options: AzureOptions, subscription: str) -> Any:
    """An ``AuthorizationManagementClient`` for one subscription."""
    from azure.mgmt.authorization import AuthorizationManagementClient

    return AuthorizationManagementClient(credential, subscription, **sdk_kwargs(options))


def network_client(credential: Any, options: AzureOptions, subscription: str) -> Any:
    """A ``NetworkManagementClient`` for one subscription."""
    from azure.mgmt.network import NetworkManagementClient

    return NetworkManagementClient(credential, subscription, **sdk_kwargs(options))


def compute_client(credential: Any, options: AzureOptions, subscription: str) -> Any:
    """A ``ComputeManagementClient`` for one subscription."""
    from azure.mgmt.compute import ComputeManagementClient

    return ComputeManagementClient(credential, subscription, **sdk_kwargs(options))


def sql_client(credential: Any, options: AzureOptions, subscription: str) -> Any:
    """A ``SqlManagementClient`` for one subscription."""
    from azure.mgmt.sql import SqlManagementClient

    return SqlManagementClient(credential, subscription, **sdk_kwargs(options))


def arm_get(client: Any, path: str, api_version: str) -> Any:
    """GET an ARM path no SDK operation covers, through ``client``'s own pipeline.

    Same authentication, retries and TLS settings as the client's operations; an
    error status raises ``HttpResponseError`` with the ARM error code, like them.
    """
    from azure.core.exceptions import HttpResponseError
    from azure.core.rest import HttpRequest
    from azure.mgmt.core.exceptions import ARMErrorFormat

    request = HttpRequest("GET", path, params={"api-version": api_version})
    response = client.send_request(request)
    if response.status_code >= 400:
        raise HttpResponseError(response=response, error_format=ARMErrorFormat)
    return _json(response)


def _json(response: Any) -> Any:
    """The JSON body; an HTML error page or other non-JSON answer is a failed call."""
    from azure.core.exceptions import DecodeError

    try:
        return response.json()
    except ValueError as exc:
        raise DecodeError(message="the answer is not JSON", response=response) from exc


def arm_pages(client: Any, path: str, api_version: str, base_url: str,
              query: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Every item of an ARM list answer (``value``), following ``nextLink``.

    A ``nextLink`` outside ``base_url`` is refused, so the token never goes elsewhere,
    and any failed page fails the whole listing (half a list is not the list).
    """
    from azure.core.exceptions import HttpResponseError
    from azure.core.rest import HttpRequest
    from azure.mgmt.core.exceptions import ARMErrorFormat

    items: list[dict[str, Any]] = []
    request = HttpRequest("GET", path, params={"api-version": api_version, **(query or {})})
    while True:
        response = client.send_request(request)
        if response.status_code >= 400:
            raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        body = _json(response)
        if not isinstance(body, dict):
            raise HttpResponseError(message="not an ARM list answer", response=response)
        items += [v for v in body.get("value") or [] if isinstance(v, dict)]
        link = body.get("nextLink")
        if not link:
            return items
        if not str(link).startswith(base_url.rstrip("/") + "/"):
            raise HttpResponseError(message="nextLink points outside the ARM endpoint",
                                    response=response)
        request = HttpRequest("GET", str(link))
