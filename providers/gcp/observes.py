"""What the gcp provider can observe (mamori.checks.observability): per resource type, the
vocabulary attributes it supplies, and for the others why it cannot and who could.

Imported without the provider's SDK (the registry reads it to tell NOT_ASSESSED from
ERROR). A test checks it against what the provider emits on its test estate.
"""

from __future__ import annotations

from mamori.checks.observability import Observability, declared

# Filled in by the provider's declaration work (issue 12); empty: every absent
# attribute of this provider is ERROR, as before declarations existed.
OBSERVES: Observability = declared("gcp", {})
