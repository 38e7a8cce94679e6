"""The ``azure`` provider: Azure subscriptions and the Entra ID tenant (``mamori[azure]``).

Importing this package does not import the Azure SDK: ``AzureOptions`` is plain data,
so the CLI can build it without the extra. The provider class lives in
``mamori.providers.azure.provider``; its service modules import the SDK when they run.
"""

from __future__ import annotations

from mamori.providers.azure.options import AzureOptions

__all__ = ["AzureOptions"]
