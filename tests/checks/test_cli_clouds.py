"""Cloud flags select providers and become their options; bad flags are exit 2."""

from __future__ import annotations

from typing import Any

import pytest

from mamori.checks.cli_clouds import clouds_from_flags
from mamori.checks.errors import MamoriError

NONE: dict[str, Any] = {
    "aws": False, "aws_profiles": (), "aws_role_arns": (), "aws_external_id": None,
    "aws_regions": (), "aws_endpoint_url": None,
    "azure": False, "azure_subscriptions": (), "azure_arm_url": None,
    "azure_graph_url": None, "azure_authority": None,
    "gcp": False, "gcp_projects": (), "gcp_internal_domains": (), "gcp_endpoints": (),
}


def flags(**given: Any) -> dict[str, Any]:
    return {**NONE, **given}


def test_no_cloud_flag_selects_nothing() -> None:
    assert clouds_from_flags(flags(), None) == []


def test_any_flag_of_a_cloud_selects_it() -> None:
    [(name, options)] = clouds_from_flags(flags(aws_profiles=("prod",),
                                                aws_regions=("ap-northeast-1",)), None)
    assert name == "aws"
    assert tuple(options.profiles) == ("prod",)
    assert tuple(options.regions) == ("ap-northeast-1",)


def test_all_three_clouds() -> None:
    sub = "6f1c2a4e-3b5d-4c7e-9a8f-0d1e2f3a4b5c"
    chosen = clouds_from_flags(flags(aws=True, azure_subscriptions=(sub,),
                                     gcp_projects=("acme-prod",),
                                     gcp_endpoints=("storage=http://127.0.0.1:9023",)), None)
    assert [name for name, _ in chosen] == ["aws", "azure", "gcp"]
    assert tuple(chosen[1][1].subscriptions) == (sub,)
    assert chosen[2][1].storage_endpoint == "http://127.0.0.1:9023"


@pytest.mark.parametrize("bad", [
    {"gcp_endpoints": ("nosuchapi=http://127.0.0.1:1",)},
    {"gcp_endpoints": ("storage",)},
    {"azure_subscriptions": ("Production",)},  # a display name, not an id
])
def test_bad_cloud_flags_are_input_errors(bad: dict[str, Any]) -> None:
    with pytest.raises(MamoriError) as info:
        clouds_from_flags(flags(**bad), None)
    assert info.value.exit_code == 2
