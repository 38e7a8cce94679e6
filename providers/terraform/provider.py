"""The ``terraform`` provider: one side of a plan as a stream of vocabulary resources.

``TerraformPlanProvider(path, side="after")`` yields the resources that will exist once
the plan is applied; ``side="before"`` those that exist now. Both sides of one plan share
ids (the plan address), so ``mamori plan`` can compare their findings. Resource types
without a mapping are skipped: the plan is a partial view, and what it does not show is
not guessed. An ``account`` resource (id ``aws_account``) is produced on *both* sides
whenever either side has account-level AWS resources, so attributes that no plan holds
(root MFA) are "unchanged" rather than "introduced" when a trail is added.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from mamori.checks.errors import UsageError, display_path
from mamori.checks.model import Resource
from mamori.providers.interface import Collected, Provider
from mamori.providers.terraform import aws, azure, google
from mamori.providers.terraform.aws_iam_role import own_account
from mamori.providers.terraform.common import PROVIDER, Mapper
from mamori.providers.terraform.joins import Index
from mamori.providers.terraform.locate import SourceLocator
from mamori.providers.terraform.modules import PlanWalker, module_sources
from mamori.providers.terraform.plan import located, read_plan_text
from mamori.providers.terraform.shape import PlanProblem
from mamori.providers.terraform.values import dig

SIDES = ("after", "before")
MAPPERS: dict[str, Mapper] = {**aws.MAPPERS, **azure.MAPPERS, **google.MAPPERS}
ACCOUNT_ID = "aws_account"


class LoadedPlan:
    """A plan read once and shared by the providers of both sides."""

    def __init__(self, path: Path, document: Mapping[str, Any] | None = None) -> None:
        self.path = path
        #: the decoded file, kept to name the line of a problem found while mapping.
        self.text: str | None = None
        if document is None:
            document, self.text = read_plan_text(path)
        self.document = document
        self.walker = PlanWalker(self.document)
        self.timestamp = self.document.get("timestamp") if isinstance(
            self.document.get("timestamp"), str) else None
        self.provider_regions = _provider_regions(self.document)
        self.has_account = bool(self.walker.types() & set(aws.ACCOUNT_TYPES))
        self.account = own_account(self.document)


class TerraformPlanProvider(Provider):
    """Resources from one side (``after`` or ``before``) of a ``terraform show -json`` plan."""

    name: ClassVar[str] = PROVIDER

    def __init__(self, path: Path, side: str = "after", tf_root: Path | None = None, *,
                 plan: LoadedPlan | None = None) -> None:
        if side not in SIDES:
            raise UsageError(f"unknown plan side '{side}' (known: {', '.join(SIDES)})")
        self.path = Path(path)
        self.side = side
        self.tf_root = tf_root
        self._plan = plan

    @property
    def plan(self) -> LoadedPlan:
        """The parsed plan (read on first use; InventoryError when it is not a plan)."""
        if self._plan is None:
            self._plan = LoadedPlan(self.path)
        return self._plan

    def collect(self) -> Iterator[Collected]:
        """Yield the mapped resources of this side, in plan order.

        A value the mappers cannot take (a port of 70000, a protocol outside the
        vocabulary, an attribute of the wrong kind) is an InventoryError naming the
        file, line and resource address: exit 2, never a guess and never a traceback.
        """
        plan = self.plan
        try:
            yield from self._collect(plan)
        except PlanProblem as problem:
            raise located(problem, display_path(self.path), plan.text) from None

    def _collect(self, plan: LoadedPlan) -> Iterator[Collected]:
        instances = plan.walker.side(self.side)
        locator = SourceLocator(self.tf_root, module_sources(plan.document),
                                display_path(self.path).replace("\\", "/"))
        index = Index(instances, plan.provider_regions, plan.timestamp,
                      lambda r: locator.locate(r.module, r.type, r.name),
                      plan.walker.references, plan.account)
        for instance in instances:
            mapper = MAPPERS.get(instance.type)
            if mapper is not None:
                yield from mapper(instance, index)
        if plan.has_account:
            yield _account(index)

    def describe(self) -> str:
        """``terraform:PLAN`` for the report's run section."""
        return f"{PROVIDER}:{display_path(self.path)}"


def _account(index: Index) -> Resource:
    sources = [r.address for r in index.of_type(*aws.ACCOUNT_TYPES)]
    attributes = aws.account(index)
    attributes["raw"] = {"terraform_types": list(aws.ACCOUNT_TYPES), "addresses": sources}
    return Resource(type="account", id=ACCOUNT_ID, provider=PROVIDER, name="AWS account",
                    source=", ".join(sources) or "(account-level resources of the plan)",
                    attributes=attributes)


def _provider_regions(document: Mapping[str, Any]) -> dict[str, str]:
    configs = dig(document, "configuration", "provider_config")
    regions: dict[str, str] = {}
    if isinstance(configs, Mapping):
        for key, config in configs.items():
            for attr in ("region", "location"):
                value = dig(config, "expressions", attr, "constant_value")
                if isinstance(value, str) and value:
                    regions[str(key)] = value
    return regions
