"""An S3 configuration item -> the S3 answers it stands for; what it cannot answer goes to the direct reader."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from auditor.connectors.aws import config_fast, config_fast_s3, s3_access

OWNER = "75aa" * 16


def _acl(*grants: dict) -> str:
    # the emulator's items hold the ACL as JSON inside a JSON string
    return json.dumps(json.dumps({"grantSet": None, "owner": {"id": OWNER, "displayName": None},
                                  "grantList": list(grants)}))


def test_group_grantees_named_as_in_items_become_their_uris():
    answers, direct = config_fast_s3.answers({"AccessControlList": _acl(
        {"grantee": {"id": OWNER, "displayName": None}, "permission": "FullControl"},
        {"grantee": "AllUsers", "permission": "Read"},
        {"grantee": "AuthenticatedUsers", "permission": "WriteAcp"},
        {"grantee": "LogDelivery", "permission": "Write"})})
    assert "s3:GetBucketAcl" not in direct
    acl = answers["s3:GetBucketAcl"]
    assert acl["Owner"] == {"ID": OWNER}
    assert [(g["Grantee"].get("URI") or g["Grantee"]["ID"], g["Permission"]) for g in acl["Grants"]] == [
        (OWNER, "FULL_CONTROL"), (s3_access.ALL_USERS, "READ"), (s3_access.AUTHENTICATED_USERS, "WRITE_ACP"),
        (s3_access.LOG_DELIVERY, "WRITE")]


def test_an_acl_in_a_form_not_translated_is_read_directly():
    for grant in ({"grantee": {"emailAddress": "a@example.org"}, "permission": "Read"},
                  {"grantee": "SomeNewGroup", "permission": "Read"},
                  {"grantee": {"id": "x"}, "permission": "Everything"}):
        answers, direct = config_fast_s3.answers({"AccessControlList": _acl(grant)})
        assert "s3:GetBucketAcl" not in answers
        assert direct["s3:GetBucketAcl"].startswith("AccessControlList in a form not translated")


def test_absent_policy_and_logging_are_facts_missing_fields_are_not():
    answers, direct = config_fast_s3.answers({
        "BucketPolicy": json.dumps({"policyText": None}),
        "BucketLoggingConfiguration": json.dumps({"destinationBucketName": None, "logFilePrefix": None})})
    assert answers == {"s3:GetBucketPolicy": {}, "s3:GetBucketLogging": {}}  # as NoSuchBucketPolicy / no logging
    assert direct["s3:GetBucketAcl"] == "the item has no AccessControlList"
    assert direct["s3:GetPublicAccessBlock"] == "the item has no PublicAccessBlockConfiguration"
    assert {"s3:GetBucketEncryption", "s3:GetBucketReplication"} <= set(direct)


def test_a_policy_or_logging_field_without_its_value_is_read_directly_not_taken_as_none():
    answers, direct = config_fast_s3.answers({"BucketPolicy": "{}", "BucketLoggingConfiguration": "{}"})
    assert answers == {}
    assert direct["s3:GetBucketPolicy"] == "BucketPolicy in a form not translated (no policyText)"
    assert direct["s3:GetBucketLogging"] == ("BucketLoggingConfiguration in a form not translated "
                                             "(no destinationBucketName)")


def test_block_public_access_and_logging_translate_to_the_s3_shapes():
    answers, _ = config_fast_s3.answers({
        "PublicAccessBlockConfiguration": json.dumps({"blockPublicAcls": True, "ignorePublicAcls": False,
                                                      "blockPublicPolicy": True, "restrictPublicBuckets": False}),
        "BucketLoggingConfiguration": {"destinationBucketName": "logs", "logFilePrefix": "p/"},
        "BucketPolicy": json.dumps({"policyText": '{"Statement": []}'})})
    assert s3_access.bpa_flags(answers["s3:GetPublicAccessBlock"]) == {
        "BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": True, "RestrictPublicBuckets": False}
    assert answers["s3:GetBucketLogging"] == {"LoggingEnabled": {"TargetBucket": "logs", "TargetPrefix": "p/"}}
    assert answers["s3:GetBucketPolicy"] == {"Policy": '{"Statement": []}'}


def test_an_unknown_block_public_access_field_is_read_directly():
    _, direct = config_fast_s3.answers({"PublicAccessBlockConfiguration": json.dumps({"blockEverything": True})})
    assert "s3:GetPublicAccessBlock" in direct


@given(st.text(max_size=40) | st.integers() | st.none() | st.lists(st.integers(), max_size=3))
def test_any_field_value_is_answered_or_sent_direct_never_an_error(value):
    fields = ("BucketPolicy", "AccessControlList", "PublicAccessBlockConfiguration", "BucketLoggingConfiguration")
    answers, direct = config_fast_s3.answers(dict.fromkeys(fields, value))
    assert set(answers) | set(direct) >= set(config_fast_s3.SERVED)
    assert not set(answers) & set(direct)


def test_an_item_older_than_the_max_age_or_undated_is_stale():
    now = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
    assert not config_fast.stale(now - dt.timedelta(hours=23), now, 24 * 3600)
    assert config_fast.stale(now - dt.timedelta(hours=25), now, 24 * 3600)
    assert config_fast.stale(None, now, 24 * 3600)
    assert config_fast.captured_at({"configurationItemCaptureTime": "2026-12-07 07:01:20.981034+00:00"}) == \
        dt.datetime(2026, 12, 7, 7, 1, 20, 981034, tzinfo=dt.UTC)
    assert config_fast.captured_at({"configurationItemCaptureTime": "yesterday"}) is None
