"""Who can reach a bucket: policies, ACLs, Block Public Access."""

from __future__ import annotations

import json

import boto3
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.connectors.aws import policy
from auditor.demo.moto_server import strip_account_host_prefix
from auditor.model.inventory import Permission, PrincipalKind
from tests.aws.conftest import ACCOUNT, HEALTH, bucket, by_name, scan

FOREIGN = "999988887777"


def _policy(name: str, *statements: dict) -> str:
    for st_ in statements:
        st_.setdefault("Effect", "Allow")
        st_.setdefault("Resource", [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"])
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _with_policy(name: str, *statements: dict, region: str = "eu-west-3"):
    client = bucket(name, region, tags=HEALTH)
    client.put_bucket_policy(Bucket=name, Policy=_policy(name, *statements))
    return client


def test_public_policy_is_public_read(aws):
    _with_policy("open", {"Principal": "*", "Action": "s3:GetObject"})
    found = by_name(scan())["open"]
    assert [(g.principal, g.principal_kind, g.permission, g.source) for g in found.access] == [
        ("*", PrincipalKind.PUBLIC, Permission.READ, "bucket-policy")]
    assert found.network.public_endpoint is True
    assert found.attributes["policy_public"] is True


def test_star_narrowed_to_the_organisation_is_not_public(aws):
    _with_policy("org-only", {"Principal": {"AWS": "*"}, "Action": ["s3:GetObject", "s3:ListBucket"],
                              "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}}})
    found = by_name(scan())["org-only"]
    assert found.network.public_endpoint is False
    assert {(g.principal_kind, g.home, g.condition) for g in found.access} == {
        (PrincipalKind.ACCOUNT, "o-abcdef1234", "aws:PrincipalOrgID=o-abcdef1234")}
    assert found.attributes["policy_public"] is False


def test_foreign_account_principal_names_its_home_account(aws):
    _with_policy("shared", {"Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:root"}, "Action": "s3:GetObject"},
                 {"Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:role/analyst"}, "Action": "s3:PutObject"})
    found = by_name(scan())["shared"]
    assert {(g.principal_kind, g.home, g.permission) for g in found.access} == {
        (PrincipalKind.ACCOUNT, FOREIGN, Permission.READ), (PrincipalKind.ROLE, FOREIGN, Permission.WRITE)}
    assert found.network.public_endpoint is False


def test_acl_all_users_is_public_and_authenticated_users_is_any_aws_account(aws):
    bucket("acl-public", "eu-west-3", tags=HEALTH).put_bucket_acl(Bucket="acl-public", ACL="public-read")
    bucket("acl-authenticated", "eu-west-3", tags=HEALTH).put_bucket_acl(
        Bucket="acl-authenticated", ACL="authenticated-read")
    found = by_name(scan())
    assert [(g.principal_kind, g.source, g.permission) for g in found["acl-public"].access] == [
        (PrincipalKind.PUBLIC, "acl", Permission.READ)]
    assert found["acl-public"].network.public_endpoint is True
    assert [g.principal_kind for g in found["acl-authenticated"].access] == [PrincipalKind.ANY_AUTHENTICATED]


def test_block_public_access_neutralises_a_public_policy_and_both_facts_are_kept(aws):
    client = _with_policy("blocked", {"Principal": "*", "Action": "s3:GetObject"})
    client.put_public_access_block(Bucket="blocked", PublicAccessBlockConfiguration={
        "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": True})
    found = by_name(scan())["blocked"]
    assert found.access == ()
    assert found.network.public_endpoint is False
    assert found.attributes["policy_public"] is True
    assert found.attributes["public_policy_restricted"] is True
    assert found.attributes["blocked_grants"] == [
        {"principal": "*", "principal_kind": "public", "permission": "read", "source": "bucket-policy"}]
    assert found.attributes["public_access_block"]["bucket"]["RestrictPublicBuckets"] is True


def test_account_level_block_public_access_ignores_public_acls(aws):
    bucket("acl-public", "eu-west-3", tags=HEALTH).put_bucket_acl(Bucket="acl-public", ACL="public-read")
    control = boto3.client("s3control", region_name="us-east-1")
    strip_account_host_prefix(control)
    control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    found = by_name(scan())["acl-public"]
    assert found.network.public_endpoint is False
    assert found.attributes["public_acl_ignored"] is True
    assert found.attributes["public_access_block"]["account"]["IgnorePublicAcls"] is True
    assert found.attributes["public_access_block"]["effective"]["IgnorePublicAcls"] is True


def test_policy_parser_judges_conditions_like_aws():
    doc = {"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*",
         "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}}},  # negated: still public
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},  # network only: unknown, never safe
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Condition": {"StringEquals": {"aws:PrincipalAccount": FOREIGN}}},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*",  # only over plain HTTP: takes nothing away
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject"},
        {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "NotAction": "s3:Delete*"},
    ]}
    got = {(g.principal, g.principal_kind, g.permission, g.home) for g in policy.grants(doc, service="s3",
                                                                                          source="bucket-policy")}
    assert ("*", PrincipalKind.PUBLIC, Permission.READ, None) in got
    assert ("*", PrincipalKind.PUBLIC, Permission.ADMIN, None) in got
    assert ("*", PrincipalKind.UNKNOWN, Permission.READ, None) in got
    assert ("*", PrincipalKind.ACCOUNT, Permission.READ, FOREIGN) in got
    assert ("logging.s3.amazonaws.com", PrincipalKind.SERVICE, Permission.WRITE, None) in got
    assert ("111122223333", PrincipalKind.ACCOUNT, Permission.READ, "111122223333") in got


def test_an_unconditional_deny_takes_the_permission_away():
    doc = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*"},
                         {"Effect": "Deny", "Principal": "*", "Action": "s3:*"}]}
    assert policy.grants(doc, service="s3", source="bucket-policy") == []


def test_resource_patterns_are_matched_against_the_store():
    doc = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                          "Resource": "arn:aws:s3:::other-bucket/*"},
                         {"Effect": "Allow", "Principal": {"AWS": FOREIGN}, "Action": "s3:GetObject",
                          "Resource": "arn:aws:s3:::mine/reports/*"},
                         {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject",
                          "NotResource": ["arn:aws:s3:::mine", "arn:aws:s3:::mine/*"]}]}
    got = policy.grants(doc, service="s3", source="bucket-policy", resource_arns=("arn:aws:s3:::mine",))
    assert [(g.principal, g.permission) for g in got] == [(FOREIGN, Permission.READ)]
    # without the store's ARN nothing can be ruled out: every Allow counts
    assert len(policy.grants(doc, service="s3", source="bucket-policy")) == 3
    # another partition's ARN in the policy still names the store
    cn = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                         "Resource": "arn:aws-cn:s3:::mine/*"}]}
    assert policy.grants(cn, service="s3", source="bucket-policy", resource_arns=("arn:aws:s3:::mine",))


def test_a_deny_with_a_condition_it_cannot_read_takes_nothing_away():
    doc = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"},
                         {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                          "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "x"}}}]}
    got = policy.grants(doc, service="s3", source="bucket-policy")
    assert [(g.principal_kind, g.permission) for g in got] == [(PrincipalKind.PUBLIC, Permission.READ)]


def test_deny_unless_org_or_aws_service_keeps_both_exceptions():
    doc = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"},
                         {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                          "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abcdef1234"},
                                        "Bool": {"aws:PrincipalIsAWSService": "false"}}}]}
    got = {(g.principal_kind, g.home) for g in policy.grants(doc, service="s3", source="bucket-policy")}
    assert got == {(PrincipalKind.ACCOUNT, "o-abcdef1234"), (PrincipalKind.SERVICE, None)}


def test_deny_unless_vpc_endpoint_makes_a_public_grant_unknown():
    doc = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"},
                         {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                          "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}]}
    got = policy.grants(doc, service="s3", source="bucket-policy")
    assert [(g.principal_kind, g.condition) for g in got] == [(PrincipalKind.UNKNOWN, "aws:SourceVpce=vpce-1a2b3c4d")]


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                     lambda children: st.lists(children, max_size=3)
                     | st.dictionaries(st.sampled_from(["Effect", "Principal", "Action", "NotAction", "Condition",
                                                        "AWS", "Service", "StringEquals", "aws:PrincipalOrgID",
                                                        "Statement", "NotPrincipal"]), children, max_size=4),
                     max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["Statement", "Version"]), _json, max_size=2))
def test_policy_parser_never_crashes_on_odd_documents(doc):
    try:
        grants = policy.grants(doc, service="s3", source="bucket-policy")
    except ValueError:
        return
    assert all(g.source == "bucket-policy" for g in grants)


def test_object_reads_recorded_by_a_trail_count_as_access_logging(aws):
    # No server access logs on either bucket; a trail records data events (object reads) of one of them.
    bucket("tracee", "eu-west-3", tags=HEALTH)
    bucket("muette", "eu-west-3", tags=HEALTH)
    bucket("journal-trail", "eu-west-3")
    trail = boto3.client("cloudtrail", region_name="us-east-1")
    trail.create_trail(Name="audit-sante", S3BucketName="journal-trail", IsMultiRegionTrail=True)
    trail.create_trail(Name="virginie", S3BucketName="journal-trail")  # single-region: not Paris's reads
    trail.put_event_selectors(TrailName="virginie", EventSelectors=[{
        "ReadWriteType": "All", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
    trail.put_event_selectors(TrailName="audit-sante", EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::tracee/"]}]}])
    found = by_name(scan(regions=("eu-west-3",)))
    assert found["tracee"].logging is True
    assert found["tracee"].attributes["cloudtrail_data_events"] == ["audit-sante"]
    assert found["muette"].logging is False  # server access logs off and no trail records its reads
