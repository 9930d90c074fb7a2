"""The AWS Config fast path against the emulator's aggregator: the same facts as the direct reads, fewer calls.

The emulator (moto) records ``AWS::S3::Bucket`` items (no RDS nor DynamoDB ones) with the bucket's
policy, ACL, Block Public Access and logging, but neither default encryption nor replication; its
batch read fails (HTTP 500) for a whole batch holding a bucket whose ACL grants AllUsers or
AuthenticatedUsers. Each case below is what a user would see: the same inventory, the calls not sent,
and why a bucket was read directly.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

import boto3

from auditor.connectors.aws import calls
from auditor.model.inventory import Inventory, Resource
from auditor.progress import NullReporter
from tests.aws.conftest import ACCOUNT, HEALTH, bucket, by_name, scan

AGGREGATOR = "org-aggregator"
SAVED = ("s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetPublicAccessBlock", "s3:GetBucketLogging")


def _aggregator(name: str = AGGREGATOR) -> None:
    boto3.client("config", region_name="us-east-1").put_configuration_aggregator(
        ConfigurationAggregatorName=name,
        AccountAggregationSources=[{"AccountIds": [ACCOUNT], "AllAwsRegions": True}])


def _estate() -> None:
    """Health buckets with every fact the items carry (and the ones they lack), in two regions."""
    logs = bucket("fast-logs", "eu-west-1", tags=HEALTH)
    owner = logs.get_bucket_acl(Bucket="fast-logs")["Owner"]
    # LogDelivery group grants, one permission each (the emulator's GetBucketAcl shows only the first
    # permission of a grant holding two, as the canned ACL log-delivery-write makes, where its items show both)
    logs.put_bucket_acl(Bucket="fast-logs", AccessControlPolicy={"Owner": owner, "Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"},
        *({"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"}, "Permission": p}
          for p in ("WRITE", "READ_ACP"))]})
    eu = bucket("fast-eu", "eu-west-1", tags=HEALTH)
    eu.put_bucket_policy(Bucket="fast-eu", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::fast-eu/*"},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "s3:PutObject",
         "Resource": "arn:aws:s3:::fast-eu/*"}]}))
    eu.put_public_access_block(Bucket="fast-eu", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": True})
    eu.put_bucket_logging(Bucket="fast-eu", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "fast-logs", "TargetPrefix": "eu/"}})
    eu.put_bucket_encryption(Bucket="fast-eu", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/health"}}]})
    owner = eu.get_bucket_acl(Bucket="fast-eu")["Owner"]
    eu.put_bucket_acl(Bucket="fast-eu", AccessControlPolicy={"Owner": owner, "Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"Type": "CanonicalUser", "ID": "c0ffee" * 10}, "Permission": "READ"}]})
    us = bucket("fast-us", "us-east-1", tags=HEALTH)
    us.put_bucket_versioning(Bucket="fast-us", VersioningConfiguration={"Status": "Enabled"})
    bucket("fast-replica", "eu-west-1").put_bucket_versioning(
        Bucket="fast-replica", VersioningConfiguration={"Status": "Enabled"})
    us.put_bucket_replication(Bucket="fast-us", ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication",
        "Rules": [{"ID": "eu", "Status": "Enabled", "Prefix": "", "Destination": {
            "Bucket": "arn:aws:s3:::fast-replica"}}]})
    bucket("fast-plain", "us-east-1", tags=HEALTH)
    bucket("fast-other", "us-east-1")  # out of scope: neither path reads it deeply


def _facts(inventory: Inventory) -> tuple[list[Resource], Any]:
    """The inventory as a user reads it, without what says *how* it was read (evidence, ``aws_config``)."""
    def bare(r: Resource) -> Resource:
        return replace(r, evidence=(), attributes={k: v for k, v in r.attributes.items() if k != "aws_config"})
    return sorted((bare(r) for r in inventory.resources), key=lambda r: r.id), sorted(
        inventory.coverage_gaps, key=repr)


def _both() -> tuple[Inventory, dict[str, int], Inventory, dict[str, int]]:
    direct = scan()
    direct_calls = calls.last_scan()
    fast = scan(config_aggregator=AGGREGATOR)
    return direct, direct_calls, fast, calls.last_scan()


def test_the_fast_path_gives_the_direct_readers_inventory_with_fewer_calls(aws):
    _estate()
    _aggregator()
    direct, direct_calls, fast, fast_calls = _both()
    assert _facts(fast) == _facts(direct)
    assert not [op for op in direct_calls if op.startswith("config:")]  # off by default
    assert all("aws_config" not in r.attributes for r in direct.resources)
    eu = by_name(fast)["fast-eu"]
    assert eu.network.public_endpoint is False  # the public policy is restricted by Block Public Access
    assert "c0ffee" * 10 in {g.principal for g in eu.access}  # the ACL's canonical-user grant
    assert {g["principal"] for g in eu.attributes["blocked_grants"]} >= {"*"}  # RestrictPublicBuckets
    assert eu.encryption.key_id == "alias/health" and eu.attributes["log_target"]["prefix"] == "eu/"
    assert [loc.region for loc in by_name(fast)["fast-us"].locations] == ["us-east-1", "eu-west-1"]
    # the reads the items answer are not sent for the four in-scope buckets (the replica destination, out of
    # scope, is still read directly); the others still are
    in_scope = 4
    for operation in ("s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetBucketLogging"):
        assert (direct_calls[operation], fast_calls[operation]) == (in_scope + 1, 1), operation
    assert fast_calls["s3:GetPublicAccessBlock"] == direct_calls["s3:GetPublicAccessBlock"] - 1  # fast-eu's
    assert fast_calls["s3:GetBucketEncryption"] == direct_calls["s3:GetBucketEncryption"]
    assert fast_calls["config:ListAggregateDiscoveredResources"] == 1
    assert fast_calls["config:BatchGetAggregateResourceConfig"] == 1
    saved = 3 * in_scope + 1  # policy, ACL, logging of each; fast-eu's Block Public Access
    assert sum(fast_calls.values()) == sum(direct_calls.values()) - saved + 2
    said = eu.attributes["aws_config"][0]
    assert said["aggregator"] == AGGREGATOR and set(said["from_item"]) == set(SAVED)
    assert set(said["read_directly"]) == {"s3:GetBucketEncryption", "s3:GetBucketReplication"}
    plain = by_name(fast)["fast-plain"].attributes["aws_config"][0]
    assert "s3:GetPublicAccessBlock" in plain["read_directly"]  # no item field: none set, or not recorded
    assert "config:BatchGetAggregateResourceConfig" in eu.evidence
    assert "aws_config" not in by_name(fast)["fast-other"].attributes


def test_a_batch_the_emulator_cannot_answer_is_split_then_read_directly_without_a_gap(aws):
    # moto's item for a bucket granting AllUsers fails its whole batch (HTTP 500): the batch is asked again in
    # batches of ten, and only the small batch holding that bucket goes to the direct reads
    for i in range(12):
        bucket(f"fast-a{i:02d}", "us-east-1", tags=HEALTH)
    bucket("fast-public", "us-east-1", tags=HEALTH).put_bucket_acl(Bucket="fast-public", ACL="public-read")
    _aggregator()
    direct, _, fast, fast_calls = _both()
    assert _facts(fast) == _facts(direct)
    assert by_name(fast)["fast-public"].network.public_endpoint is True
    said = {r.name: r.attributes["aws_config"][0] for r in fast.resources if "aws_config" in r.attributes}
    served = sorted(n for n, s in said.items() if s["from_item"])
    assert served == [f"fast-a{i:02d}" for i in range(10)]  # the first ten, sorted by ARN
    failed = "batch read failed: config:BatchGetAggregateResourceConfig: 500"
    for name in ("fast-a10", "fast-a11", "fast-public"):
        assert said[name]["read_directly"]["*"].startswith(failed)
    assert fast_calls["s3:GetBucketAcl"] == 3
    assert not [g for g in fast.coverage_gaps if g.service == "config"]


class Notes(NullReporter):
    def __init__(self) -> None:
        super().__init__()
        self.notes: list[str] = []

    def info(self, message: str) -> None:
        self.notes.append(message)


def test_a_missing_aggregator_means_direct_reads_and_a_notice_not_a_gap(aws):
    _estate()
    notes = Notes()
    direct = scan()
    fast = scan(config_aggregator="nobody-made-this", reporter=notes)
    assert _facts(fast) == _facts(direct)
    assert len(notes.notes) == 1 and "NoSuchConfigurationAggregatorException" in notes.notes[0]
    why = by_name(fast)["fast-eu"].attributes["aws_config"][0]["read_directly"]["*"]
    assert why.startswith("aggregator unreadable: config:ListAggregateDiscoveredResources: "
                          "NoSuchConfigurationAggregatorException")


def test_an_item_older_than_the_max_age_is_read_directly(aws):
    _estate()
    _aggregator()
    # The emulator dates each item from its bucket's creation: age one bucket in the emulator's own state.
    from moto.s3.models import s3_backends
    s3_backends[ACCOUNT]["aws"].buckets["fast-eu"].creation_date -= dt.timedelta(hours=3)
    fast = scan(config_aggregator=AGGREGATOR, config_max_age=2 * 3600)
    eu = by_name(fast)["fast-eu"].attributes["aws_config"][0]
    assert eu["from_item"] == [] and "older than aws.config_max_age" in eu["read_directly"]["*"]
    assert set(by_name(fast)["fast-plain"].attributes["aws_config"][0]["from_item"]) == {
        "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetBucketLogging"}
    assert calls.last_scan()["s3:GetBucketAcl"] == 2  # fast-eu, and the replica destination (out of scope)
    assert _facts(fast) == _facts(scan())


def test_the_fast_path_asks_nothing_when_no_bucket_is_in_scope(aws):
    bucket("fast-other", "us-east-1")
    _aggregator()
    scan(config_aggregator=AGGREGATOR)
    assert not [op for op in calls.last_scan() if op.startswith("config:")]



def test_a_bucket_the_aggregator_does_not_record_is_read_directly(aws):
    # the emulator's aggregator answers for the caller's account only: a member account's bucket is not recorded
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(Email="m@loire.example", AccountName="member")["CreateAccountStatus"]["AccountId"]
    creds = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                                            RoleSessionName="seed")["Credentials"]
    member_s3 = boto3.client("s3", region_name="eu-west-3", aws_access_key_id=creds["AccessKeyId"],
                             aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    bucket("fast-member", "eu-west-3", tags=HEALTH, client=member_s3)
    bucket("fast-home", "eu-west-3", tags=HEALTH)
    _aggregator()
    direct = scan(organization=True, regions=("eu-west-3",))
    fast = scan(organization=True, regions=("eu-west-3",), config_aggregator=AGGREGATOR)
    assert _facts(fast) == _facts(direct)
    said = {name: by_name(fast)[name].attributes["aws_config"][0] for name in ("fast-member", "fast-home")}
    assert said["fast-member"]["read_directly"] == {"*": "the aggregator does not record this bucket"}
    assert set(said["fast-home"]["from_item"]) == {"s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetBucketLogging"}
    assert by_name(fast)["fast-member"].account == member and not fast.coverage_gaps
