"""The ``aws`` provider: live AWS accounts through boto3 (extra ``mamori[aws]``).

Importing this package does not import boto3: ``AwsOptions`` is plain data, so the
CLI can build it without the SDK. The provider class lives in
``mamori.providers.aws.provider`` and imports boto3 there, so a missing extra is
reported by the registry with ``pip install 'mamori[aws]'``.
"""

from __future__ import annotations

from mamori.providers.aws.options import AwsOptions

__all__ = ["AwsOptions"]
