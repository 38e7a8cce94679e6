"""The ``terraform`` provider: resources from a ``terraform show -json`` plan.

Planned (``after``) values become resources of the DESIGN.md vocabulary; values unknown
until apply are absent, so rules that need them give ERROR, never PASS. The state before
the change (``before`` / ``prior_state``) is available as the other side, which
``mamori plan`` uses to tell introduced failures from unchanged and fixed ones.
"""

from __future__ import annotations

from mamori.providers.terraform.provider import TerraformPlanProvider

__all__ = ["TerraformPlanProvider"]
