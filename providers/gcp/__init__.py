"""The ``gcp`` provider: GCP projects through google-cloud-storage and REST (``mamori[gcp]``).

Importing this package imports no Google SDK: ``GcpOptions`` is plain data and
``GcpProvider`` imports google-cloud-storage and google-auth only when it collects.
"""

from __future__ import annotations

from mamori.providers.gcp.provider import GcpOptions, GcpProvider

__all__ = ["GcpOptions", "GcpProvider"]
