"""What counts as an AWS answer, and the engine-, selector- and key-reading tables.

The class of defect: a response that is not an AWS answer (a proxy's HTML page, a body
that is not JSON) read as an empty one, which turns "no grants" into "private".
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.providers.aws import rds_tls
from mamori.providers.aws.cloudtrail import logs_s3_reads
from mamori.providers.aws.errors import InvalidResponse, check_response, not_an_answer
from mamori.providers.aws.kms import _KEY_REFERENCE

PAGES = [b"<!DOCTYPE html><html><body>502</body></html>", b"<html><body>x</body></html>",
         b"\xef\xbb\xbf  \n<HTML>", b"\r\n<!doctype HTML public>", b"<Html lang=en>"]


@pytest.mark.parametrize("body", PAGES)
@pytest.mark.parametrize("protocol", ["json", "query", "rest-xml", "ec2"])
@pytest.mark.parametrize("status", [200, 403, 502])
def test_an_html_page_is_never_an_answer(body: bytes, protocol: str, status: int) -> None:
    reason = not_an_answer(status, body, protocol)
    assert reason is not None and "HTML page" in reason


@given(st.binary(max_size=40))
def test_a_json_answer_must_be_a_json_object(body: bytes) -> None:
    try:
        loaded: Any = json.loads(body.lstrip(b"\xef\xbb\xbf \t\r\n"))
    except (ValueError, RecursionError):
        loaded = None
    ok = not body.lstrip(b"\xef\xbb\xbf \t\r\n") or isinstance(loaded, dict)
    assert (not_an_answer(200, body, "json") is None) is ok


@pytest.mark.parametrize("body", [b"<GetUserResponse/>", b"", b'{"Policy": "x"}', b"garbage"])
def test_xml_protocols_leave_the_rest_to_the_parser(body: bytes) -> None:
    assert not_an_answer(200, body, "query") is None  # the parser raises on garbage itself


def test_a_streamed_body_is_not_judged() -> None:
    assert not_an_answer(200, object(), "json") is None


def _operation() -> Any:
    return SimpleNamespace(service_model=SimpleNamespace(resolved_protocol="json",
                                                         metadata={}))


def test_the_hook_hands_botocore_a_generic_5xx_and_refuses_the_rest() -> None:
    page: dict[str, Any] = {"status_code": 502, "headers": {}, "body": PAGES[0]}
    check_response(page, _operation())
    assert page["body"] == b"" and "x-mamori-not-an-answer" in page["headers"]
    with pytest.raises(InvalidResponse) as refused:
        check_response({"status_code": 200, "headers": {}, "body": b"[]"}, _operation())
    assert refused.value.response["Error"]["Code"] == "InvalidResponse"
    with pytest.raises(InvalidResponse) as forbidden:
        check_response({"status_code": 403, "headers": {}, "body": PAGES[1]}, _operation())
    assert forbidden.value.response["Error"]["Code"] == "403"
    answer = {"status_code": 200, "headers": {}, "body": b'{"KeyMetadata": {}}'}
    check_response(answer, _operation())  # an AWS answer: left alone
    assert answer["body"] == b'{"KeyMetadata": {}}'


# ------------------------------------------------------------------------- RDS TLS


@pytest.mark.parametrize(("engine", "version", "expected"), [
    ("postgres", "14.9", False), ("postgres", "15.2", True), ("postgres", "16.3", True),
    ("mysql", "8.0.35", False), ("mysql", "8.4.0", False), ("mysql", "9.7.0", True),
    ("mysql", "9.1.0", None),  # between documented versions
    ("mariadb", "10.4.8", False), ("mariadb", "11.4.2", False), ("mariadb", "11.8.1", True),
    ("mariadb", "11.6.0", None), ("aurora-postgresql", "16.1", False),
    ("aurora-mysql", "8.0.mysql_aurora.3.05.2", False), ("sqlserver-se", "16.00", False),
    ("oracle-ee", "19.0.0.0", None), ("postgres", "", None),
])
def test_documented_engine_defaults(engine: str, version: str, expected: bool | None) -> None:
    assert rds_tls.engine_default(engine, version) is expected


@pytest.mark.parametrize(("params", "in_sync", "expected"), [
    ({"rds.force_ssl": "1"}, True, True),
    ({"rds.force_ssl": "0"}, True, False),
    ({"rds.force_ssl": None}, True, False),  # listed without a value: the default (PG 14)
    ({}, True, False),
    ({"rds.force_ssl": "1"}, False, None),  # not in force until the reboot
    ({"rds.force_ssl": "maybe"}, True, None),
    (None, True, None),  # the group could not be read
])
def test_tls_from_the_parameter_group(params: dict[str, str | None] | None, in_sync: bool,
                                      expected: bool | None) -> None:
    assert rds_tls.tls_required("postgres", "14.9", params, in_sync) is expected


def test_mysql_reads_on_and_off() -> None:
    for value, expected in (("ON", True), ("1", True), ("OFF", False), ("0", False)):
        assert rds_tls.tls_required("mysql", "8.0.35", {"require_secure_transport": value},
                                    True) is expected
    assert rds_tls.tls_required("oracle-se2", "19", {}, True) is None
    assert rds_tls.is_default_group("default.postgres16")
    assert not rds_tls.is_default_group("app-params")


# ----------------------------------------------------------------- CloudTrail data


S3 = {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}
DATA = {"Field": "eventCategory", "Equals": ["Data"]}


@pytest.mark.parametrize(("answer", "expected"), [
    ({"EventSelectors": [{"ReadWriteType": "All", "DataResources": [
        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}, True),
    ({"EventSelectors": [{"ReadWriteType": "ReadOnly", "DataResources": [
        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::"]}]}]}, True),
    ({"EventSelectors": [{"ReadWriteType": "WriteOnly", "DataResources": [
        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}, False),  # no reads
    ({"EventSelectors": [{"ReadWriteType": "All", "DataResources": [
        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::payroll/"]}]}]}, False),
    ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]}, False),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [DATA, S3]}]}, True),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        DATA, S3, {"Field": "readOnly", "Equals": ["true"]}]}]}, True),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        DATA, S3, {"Field": "readOnly", "Equals": ["false"]}]}]}, False),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        DATA, S3, {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::"]}]}]}, True),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        DATA, S3, {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::logs/"]}]}]}, False),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        DATA, S3, {"Field": "eventName", "Equals": ["PutObject"]}]}]}, False),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        DATA, {"Field": "resources.type", "Equals": ["AWS::DynamoDB::Table"]}]}]}, False),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]}]}]}, False),
    ({}, False),
])
def test_s3_data_reads_of_every_bucket(answer: dict[str, Any], expected: bool) -> None:
    assert logs_s3_reads(answer) is expected


# -------------------------------------------------------------------------- KMS


@pytest.mark.parametrize(("key", "reference"), [
    ("1234abcd-12ab-34cd-56ef-1234567890ab", True),
    ("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", True),
    ("mrk-1234abcd12ab34cd56ef1234567890ab", True),
    ("alias/app-key", True),
    ("arn:aws:kms:eu-west-1:123456789012:alias/app-key", True),
    ("default_kms_key_id", False),  # moto's placeholder for "the default key"
    ("", False),
])
def test_what_names_a_key(key: str, reference: bool) -> None:
    assert (_KEY_REFERENCE.match(key) is not None) is reference
