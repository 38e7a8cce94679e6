"""Pure parts of the GCP provider: values, principals, errors, options, lazy imports."""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from mamori.checks.cli_clouds import clouds_from_flags
from mamori.checks.errors import ProviderError
from mamori.checks.model import DataClass
from mamori.providers.gcp import GcpOptions, GcpProvider
from mamori.providers.gcp.compute import firewall_resources
from mamori.providers.gcp.errors import api_error_from_json, error_code, safe_message, scrub
from mamori.providers.gcp.principals import parse
from mamori.providers.gcp.values import (
    covers_everything,
    make_resource,
    normalize_cidr,
    parse_ports,
    parse_time,
)
from mamori.providers.interface import Provider


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ("2024-01-02T03:04:05.123456789Z", datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)),
    ("2024-01-02T12:04:05+09:00", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ("2024-01-02", None), ("yesterday", None), (None, None), (17, None),
])
def test_parse_time(text: object, expected: datetime | None) -> None:
    assert parse_time(text) == expected


def test_parse_time_is_aware() -> None:
    when = parse_time("2024-01-02T12:04:05-05:30")
    assert when is not None and when.utcoffset() == timedelta(0)
    assert when == datetime(2024, 1, 2, 12, 4, 5, tzinfo=timezone(-timedelta(hours=5.5)))


def test_ports_and_cidrs() -> None:
    assert parse_ports(["22", "20-30", 443]) == [[22, 22], [20, 30], [443, 443]]
    assert parse_ports(["22-"]) is None and parse_ports(["70000"]) is None
    assert parse_ports(["30-20"]) is None and parse_ports(["ssh"]) is None
    assert normalize_cidr("10.1.2.3/8") == "10.0.0.0/8"
    assert normalize_cidr("2001:db8::1") == "2001:db8::1/128"
    assert normalize_cidr("not-a-cidr") == "not-a-cidr"
    assert covers_everything("0.0.0.0/0") and covers_everything("::/0")
    assert not covers_everything("0.0.0.0/1") and not covers_everything("junk")


def test_malformed_ports_leave_ports_absent() -> None:
    [rule] = firewall_resources("p-123456", {
        "name": "odd", "sourceRanges": ["0.0.0.0/0"],
        "allowed": [{"IPProtocol": "tcp", "ports": ["22", "http"]}]})
    assert "ports" not in rule.attributes
    assert rule.id == "https://www.googleapis.com/compute/v1/projects/p-123456/global/" \
                      "firewalls/odd"


def test_protocols_are_the_closed_vocabulary() -> None:
    # Google accepts names and IANA numbers; mamori's rules read its closed vocabulary.
    rules = firewall_resources("p-123456", {
        "name": "mixed", "sourceRanges": ["0.0.0.0/0"],
        "allowed": [{"IPProtocol": "6", "ports": ["22"]}, {"IPProtocol": "58"},
                    {"IPProtocol": "esp"}, {"IPProtocol": "132"}, {"IPProtocol": "ipip"}]})
    by_id = {r.id.rsplit("#", 1)[1]: r.attributes for r in rules}
    assert by_id["tcp"]["protocol"] == "tcp" and by_id["tcp"]["ports"] == [[22, 22]]
    assert (by_id["icmpv6"]["protocol"], by_id["icmpv6"]["ports"]) == ("icmpv6", [])
    assert (by_id["esp"]["protocol"], by_id["esp"]["ports"]) == ("esp", [])
    assert by_id["sctp"]["ports"] == [[0, 65535]]  # no ports listed: every port
    # Outside the vocabulary: protocol and ports absent (rules ERROR), the value kept.
    assert "protocol" not in by_id["ipip"] and "ports" not in by_id["ipip"]
    assert by_id["ipip"]["x_protocol"] == "ipip"


def test_principals() -> None:
    agent = parse("serviceAccount:service-4242@gcp-sa-pubsub.iam.gserviceaccount.com")
    assert agent.service_agent and agent.home_project == "gcp-sa-pubsub"
    assert parse("serviceAccount:4242@cloudservices.gserviceaccount.com").service_agent
    own = parse("serviceAccount:ci@acme-prod.iam.gserviceaccount.com")
    assert not own.service_agent and own.home_project == "acme-prod"
    assert parse("serviceAccount:acme-prod@appspot.gserviceaccount.com").home_project == \
        "acme-prod"
    deleted = parse("deleted:user:old@acme.example?uid=123")
    assert (deleted.kind, deleted.email) == ("deleted", "old@acme.example")
    assert parse("domain:Acme.Example").domain == "acme.example"
    assert parse("allUsers").kind == "allUsers"
    assert parse("principalSet://iam.googleapis.com/x").kind == "principalSet"


def test_resources_from_labels() -> None:
    resource = make_resource("bucket", "b", name="b", project="p", region="us", source="s",
                             attributes={}, tags={"mamori-data-classes":
                                                  "sensitive_personal-bogus-payment",
                                                  "mamori-records": "1500"})
    # An unknown word makes the classes unknown, never "less personal" (providers/tags.py).
    assert resource.data_classes is None
    assert resource.records == 1500
    assert resource.provider == "gcp"
    clean = make_resource("bucket", "b", name="b", project="p", region="us", source="s",
                          attributes={}, tags={"mamori-data-classes":
                                               "sensitive_personal-payment"})
    assert clean.data_classes == (DataClass.SENSITIVE_PERSONAL, DataClass.PAYMENT)


def test_error_codes_and_scrubbing() -> None:
    api: Any = importlib.import_module("google.api_core.exceptions")
    assert error_code(api.Forbidden("no")) == "PERMISSION_DENIED"
    assert error_code(api.NotFound("no")) == "NOT_FOUND"
    assert error_code(api.TooManyRequests("slow down")) == "RESOURCE_EXHAUSTED"
    err = api_error_from_json(403, {"error": {"code": 403, "message": "API disabled",
                                              "status": "PERMISSION_DENIED", "details": [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED"}]}},
        "HTTP 403")
    assert (err.code, err.message) == ("SERVICE_DISABLED", "API disabled")
    assert api_error_from_json(403, {"error": {"code": 403, "message": "x"}}, "").code == \
        "PERMISSION_DENIED"
    assert api_error_from_json(418, "teapot", "HTTP 418").code == "418"
    text = scrub("token ya29.a0AfH6SMB-xyz Authorization: Bearer abc.def "
                 "-----BEGIN PRIVATE KEY-----MIIEv-----END PRIVATE KEY----- " + "A" * 60)
    assert "ya29" not in text and "abc.def" not in text and "MIIEv" not in text
    assert "A" * 40 not in text
    assert len(safe_message(ValueError("x" * 1000))) <= 300


def test_options_validation() -> None:
    as_lists: dict[str, Any] = {"projects": ["acme-prod", "acme-prod", "example.com:legacy-1"],
                                "services": ["iam"], "internal_domains": ["@Acme.Example"]}
    opts = GcpOptions(**as_lists)  # lists are accepted and stored as tuples
    assert opts.projects == ("acme-prod", "example.com:legacy-1")
    assert opts.internal_domains == ("acme.example",)
    assert opts.wants("iam") and not opts.wants("sql")
    for bad in ({"projects": ("Bad_Project",)}, {"services": ("s3",)}, {"services": ()},
                {"iam_endpoint": "ftp://x"}, {"max_workers": 0},
                {"internal_domains": ("not a domain",)}):
        with pytest.raises(ProviderError):
            GcpOptions(**bad)


def test_endpoints() -> None:
    opts = GcpOptions(compute_endpoint="http://127.0.0.1:1/c")
    endpoints = opts.endpoints()
    assert endpoints["compute"] == "http://127.0.0.1:1/c"
    assert endpoints["iam"] == "https://iam.googleapis.com"
    assert set(endpoints) | {"storage"} == set(GcpOptions.ENDPOINT_FIELDS)


def test_provider_contract() -> None:
    assert issubclass(GcpProvider, Provider) and GcpProvider.name == "gcp"
    assert GcpProvider(GcpOptions(projects=("acme-prod",))).describe() == \
        "gcp (projects acme-prod)"
    assert GcpProvider().describe() == "gcp (all listable projects)"
    assert "credentials" not in repr(GcpOptions(credentials=object()))


def test_missing_extra_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "google.cloud.storage" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(ProviderError, match=r"pip install 'mamori\[gcp\]'"):
        GcpProvider()


def test_importing_the_package_imports_no_google_sdk() -> None:
    code = ("import sys, mamori.providers.gcp, mamori.providers.gcp.provider; "
            "print([m for m in sys.modules if m.startswith(('google', 'requests'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_workspace_and_as_of_options() -> None:
    opts = GcpOptions(workspace_customer="C0acme42", workspace_admin="admin@acme.example",
                      as_of=datetime(2026, 11, 29, tzinfo=UTC))
    assert (opts.workspace_customer, opts.wants("account")) == ("C0acme42", True)
    assert GcpOptions(workspace_customer="my_customer").workspace_customer == "my_customer"
    for bad in ({"workspace_customer": "acme.example"}, {"workspace_customer": "C0 1"},
                {"workspace_admin": "admin@acme.example"},  # no customer to read
                {"workspace_customer": "C0acme42", "workspace_admin": "not-an-email"},
                {"as_of": datetime(2026, 11, 29)}):  # naive: which day would that be?
        with pytest.raises(ProviderError):
            GcpOptions(**bad)


def test_cli_flags_become_options() -> None:
    flags: dict[str, Any] = {
        "aws": False, "aws_profiles": (), "aws_role_arns": (), "aws_external_id": None,
        "aws_regions": (), "aws_endpoint_url": None, "azure": False,
        "azure_subscriptions": (), "azure_arm_url": None, "azure_graph_url": None,
        "azure_authority": None, "gcp": False, "gcp_projects": (),
        "gcp_internal_domains": (), "gcp_endpoints": ("admin=http://127.0.0.1:1/a",),
        "gcp_services": ("iam", "account"), "gcp_workspace_customer": "C0acme42",
        "gcp_workspace_admin": None}
    [(name, opts)] = clouds_from_flags(flags, None, datetime(2026, 11, 29, tzinfo=UTC))
    assert name == "gcp"
    assert (opts.services, opts.workspace_customer, opts.admin_endpoint) == (
        ("iam", "account"), "C0acme42", "http://127.0.0.1:1/a")
    assert opts.as_of == datetime(2026, 11, 29, tzinfo=UTC)  # the scan's --as-of
    # A Workspace flag alone selects the provider.
    only = {**flags, "gcp_endpoints": (), "gcp_services": ()}
    assert [n for n, _ in clouds_from_flags(only, None)] == ["gcp"]
