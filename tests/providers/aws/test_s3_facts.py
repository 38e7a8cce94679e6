"""A bucket's attributes from its S3 answers: a failed read never changes a value.

The property that would have caught "tags that could not be read are 'no tags'": for
any answers and any set of calls that failed, every attribute is either the value the
complete answers give, or absent; and tags are unknown (None) exactly when tagging failed.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mamori.providers.aws.errors import FAILED, NOT_CONFIGURED
from mamori.providers.aws.s3_facts import FLAGS, bucket_facts

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
OPERATIONS = ("GetBucketAcl", "GetBucketPolicy", "GetPublicAccessBlock",
              "GetBucketOwnershipControls", "GetBucketEncryption", "GetBucketVersioning",
              "GetBucketLogging", "GetBucketTagging")
POLICIES = [
    {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::b/*"}]},
    {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
                    "Resource": "arn:aws:s3:::b/*"}]},
    {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]},
]


def _flags(values: list[bool]) -> dict[str, Any]:
    return {"PublicAccessBlockConfiguration": dict(zip(FLAGS, values, strict=True))}


_ANSWERS = st.fixed_dictionaries({
    "GetBucketAcl": st.lists(st.sampled_from(["READ", "WRITE", "FULL_CONTROL"]), max_size=2)
    .map(lambda perms: {"Grants": [{"Grantee": {"Type": "Group", "URI": ALL_USERS},
                                    "Permission": p} for p in perms]}),
    "GetBucketPolicy": st.one_of(st.just(NOT_CONFIGURED), st.sampled_from(POLICIES).map(
        lambda d: {"Policy": json.dumps(d)})),
    "GetPublicAccessBlock": st.one_of(st.just(NOT_CONFIGURED),
                                      st.lists(st.booleans(), min_size=4, max_size=4)
                                      .map(_flags)),
    "GetBucketOwnershipControls": st.one_of(st.just(NOT_CONFIGURED), st.sampled_from(
        ["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"]).map(
        lambda o: {"OwnershipControls": {"Rules": [{"ObjectOwnership": o}]}})),
    "GetBucketEncryption": st.one_of(st.just(NOT_CONFIGURED), st.sampled_from(
        [("AES256", None), ("aws:kms", "key-1"), ("aws:kms", None)]).map(
        lambda a: {"ServerSideEncryptionConfiguration": {"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": a[0],
                                                    **({"KMSMasterKeyID": a[1]} if a[1]
                                                       else {})}}]}})),
    "GetBucketVersioning": st.sampled_from([{}, {"Status": "Enabled"}, {"Status": "Suspended"}]),
    "GetBucketLogging": st.sampled_from([{}, {"LoggingEnabled": {"TargetBucket": "logs"}}]),
    "GetBucketTagging": st.one_of(st.just(NOT_CONFIGURED), st.just({"TagSet": [
        {"Key": "mamori:data-classes", "Value": "personal"}]})),
})
_ACCOUNT_BLOCK = st.one_of(st.just(NOT_CONFIGURED), st.just(FAILED),
                           st.lists(st.booleans(), min_size=4, max_size=4)
                           .map(lambda v: dict(zip(FLAGS, v, strict=True))))


def _flat(attributes: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in attributes.items():
        if key == "raw":
            continue
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


@given(_ANSWERS, _ACCOUNT_BLOCK, st.sets(st.sampled_from(OPERATIONS)),
       st.sampled_from([True, False, None]))
def test_a_failed_read_never_changes_a_value(answers: dict[str, Any], account: Any,
                                             failed: set[str], key_known: bool | None) -> None:
    def lookup(key: Any) -> bool | None:
        return key_known

    complete = bucket_facts("b", "us-east-1", answers, account, lookup)
    partial = bucket_facts("b", "us-east-1", {op: FAILED if op in failed else answer
                                              for op, answer in answers.items()},
                           account, lookup)
    whole, part = _flat(complete.attributes), _flat(partial.attributes)
    for attr, value in part.items():
        assert attr in whole and whole[attr] == value, (attr, value, whole.get(attr))
    assert (partial.tags is None) == ("GetBucketTagging" in failed)
    if partial.tags is not None:
        assert partial.tags == complete.tags
    assert complete.invalid == [] and partial.invalid == []


def test_tags_not_configured_are_no_labels_and_failed_tags_unknown() -> None:
    base: dict[str, Any] = {op: NOT_CONFIGURED for op in OPERATIONS}
    base.update(GetBucketAcl={"Grants": []}, GetBucketVersioning={}, GetBucketLogging={})
    assert bucket_facts("b", "us-east-1", base, NOT_CONFIGURED, lambda k: None).tags == {}
    failed = {**base, "GetBucketTagging": FAILED}
    assert bucket_facts("b", "us-east-1", failed, NOT_CONFIGURED, lambda k: None).tags is None


def test_an_unknown_ownership_setting_is_an_invalid_answer() -> None:
    answers: dict[str, Any] = {op: NOT_CONFIGURED for op in OPERATIONS}
    answers.update(GetBucketAcl={"Grants": [{"Grantee": {"Type": "Group", "URI": ALL_USERS},
                                             "Permission": "READ"}]},
                   GetBucketVersioning={}, GetBucketLogging={},
                   GetBucketOwnershipControls={"OwnershipControls": {"Rules": [
                       {"ObjectOwnership": "SomethingNew"}]}})
    facts = bucket_facts("b", "us-east-1", answers, NOT_CONFIGURED, lambda k: None)
    assert "acl_enabled" not in facts.attributes
    assert "public" not in facts.attributes  # the public ACL may or may not be in force
    assert [op for op, _ in facts.invalid] == ["GetBucketOwnershipControls"]


def _block_answers(bucket_flags: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {op: NOT_CONFIGURED for op in OPERATIONS}
    answers.update(GetBucketAcl={"Grants": []}, GetBucketVersioning={}, GetBucketLogging={},
                   GetPublicAccessBlock=bucket_flags)
    return answers


def test_the_account_level_block_blocks_public_access_to_every_bucket() -> None:
    # S3 applies the most restrictive combination of the bucket and account settings
    # ("Blocking public access to your Amazon S3 storage"): with all four on at account
    # level, a bucket with no block of its own is blocked.
    every = dict.fromkeys(FLAGS, True)
    none = dict.fromkeys(FLAGS, False)
    half = {**every, FLAGS[0]: False}

    def blocked(bucket: Any, account: Any) -> Any:
        return bucket_facts("b", "us-east-1", _block_answers(bucket), account,
                            lambda k: None).attributes.get("public_access_block")

    assert blocked(NOT_CONFIGURED, every) is True
    assert blocked(_flags([True] * 4), NOT_CONFIGURED) is True
    assert blocked(_flags([False, True, True, True]), half) is False  # one flag off at both
    assert blocked(_flags([True, False, False, False]), {**none, **dict.fromkeys(FLAGS[1:],
                                                                             True)}) is True
    assert blocked(NOT_CONFIGURED, none) is False
    assert blocked(FAILED, none) is None  # the bucket's own setting could not be read
    assert blocked(FAILED, every) is True  # the account's block decides regardless
