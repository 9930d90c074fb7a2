"""Where each bucket's bytes live: its region, replicas, log destination, access points, keys."""

from __future__ import annotations

import boto3

from auditor.connectors.aws import calls
from auditor.connectors.base import everything
from auditor.demo.moto_server import strip_account_host_prefix
from auditor.model.inventory import KeyManager, LocationRole
from tests.aws.conftest import ACCOUNT, HEALTH, bucket, by_name, s3, scan


def _replicate(client, source: str, destination: str) -> None:
    client.put_bucket_versioning(Bucket=source, VersioningConfiguration={"Status": "Enabled"})
    client.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication",
        "Rules": [{"ID": "r1", "Status": "Enabled", "Priority": 1, "Filter": {},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}]})


def test_every_bucket_gets_its_real_region_and_tags(aws):
    bucket("dpi-virginia", "us-east-1", tags=HEALTH)  # LocationConstraint null -> us-east-1
    bucket("dpi-paris", "eu-west-3", tags={**HEALTH, "owner": "dpi"})
    s3("us-east-1").create_bucket(Bucket="legacy-eu", CreateBucketConfiguration={"LocationConstraint": "EU"})
    bucket("untagged", "eu-central-1")

    found = by_name(scan())

    assert {n: r.region for n, r in found.items()} == {
        "dpi-virginia": "us-east-1", "dpi-paris": "eu-west-3", "legacy-eu": "eu-west-1", "untagged": "eu-central-1"}
    assert found["dpi-paris"].tags == {"data-classification": "health", "owner": "dpi"}
    assert found["untagged"].tags == {}
    assert found["dpi-paris"].id == "arn:aws:s3:::dpi-paris"
    assert found["dpi-paris"].account == ACCOUNT and found["dpi-paris"].kind == "object-store"
    assert "resourcegroupstaggingapi:GetResources" in found["dpi-paris"].evidence
    assert "s3:GetBucketLocation" in found["dpi-paris"].evidence  # no BucketRegion, and eu-west-3 is not scanned


def test_buckets_outside_the_configured_regions_are_still_reported(aws):
    bucket("far-away", "ap-southeast-1", tags=HEALTH)
    found = by_name(scan(regions=("eu-west-3",)))
    assert found["far-away"].region == "ap-southeast-1"
    assert found["far-away"].attributes["depth"] == "deep"


def test_replication_to_a_non_eu_region_is_a_replica_location(aws):
    paris = bucket("patients-paris", "eu-west-3", tags=HEALTH)
    bucket("patients-dr", "us-east-1")  # not health-tagged itself: read deeply because it holds a copy
    _replicate(paris, "patients-paris", "patients-dr")

    found = by_name(scan())

    replicas = [loc for loc in found["patients-paris"].locations if loc.role is LocationRole.REPLICA]
    assert [(r.region, r.via, r.target, r.account) for r in replicas] == [
        ("us-east-1", "s3-replication", "arn:aws:s3:::patients-dr", ACCOUNT)]
    rule = found["patients-paris"].attributes["replication_rules"][0]
    assert rule["destination_region"] == "us-east-1" and rule["status"] == "Enabled"
    dr = found["patients-dr"]
    assert dr.attributes["depth"] == "deep"
    assert dr.attributes["copy_of"] == ["arn:aws:s3:::patients-paris"]


def test_replication_within_the_eu_reads_the_destination_region_from_the_destination(aws):
    paris = bucket("labo-paris", "eu-west-3", tags=HEALTH)
    bucket("labo-dublin", "eu-west-1", tags=HEALTH)
    _replicate(paris, "labo-paris", "labo-dublin")

    found = by_name(scan())

    assert [(loc.region, loc.role) for loc in found["labo-paris"].locations] == [
        ("eu-west-3", LocationRole.PRIMARY), ("eu-west-1", LocationRole.REPLICA)]
    assert found["labo-dublin"].locations[0].region == "eu-west-1"


def test_a_replica_in_a_bucket_outside_the_scan_is_located_by_its_own_answer(aws):
    paris = bucket("cohort-paris", "eu-west-3", tags=HEALTH)
    bucket("partner-ohio", "us-east-2")
    _replicate(paris, "cohort-paris", "partner-ohio")
    # The destination belongs to another party: the scan never listed it, only asks where it is.
    found = by_name(scan(in_scope=lambda c: c.name == "cohort-paris"))
    replicas = [loc for loc in found["cohort-paris"].locations if loc.role is LocationRole.REPLICA]
    assert replicas[0].region == "us-east-2"


def test_unknown_regions_are_passed_through_and_unlocatable_replicas_are_unknown_with_a_gap(aws):
    bucket("genomics", "xx-mystery-1", tags=HEALTH)
    paris = bucket("exports", "eu-west-3", tags=HEALTH)
    paris.put_bucket_versioning(Bucket="exports", VersioningConfiguration={"Status": "Enabled"})
    bucket("gone-soon", "eu-west-1")
    _replicate(paris, "exports", "gone-soon")
    s3("eu-west-1").delete_bucket(Bucket="gone-soon")

    inventory = scan()
    found = by_name(inventory)

    assert found["genomics"].region == "xx-mystery-1"  # never guessed; stage 2 resolves it to unknown
    replica = next(loc for loc in found["exports"].locations if loc.role is LocationRole.REPLICA)
    assert replica.region == "unknown"
    gap = [g for g in inventory.coverage_gaps if g.resource_id == "arn:aws:s3:::gone-soon"]
    assert gap and gap[0].service == "s3" and gap[0].account == ACCOUNT


def test_access_logging_is_recorded_and_only_another_region_is_a_log_destination(aws):
    logs = bucket("access-logs", "eu-west-3")
    logs.put_bucket_acl(Bucket="access-logs", GrantWrite="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
                        GrantReadACP="uri=http://acs.amazonaws.com/groups/s3/LogDelivery")
    data = bucket("with-logs", "eu-west-3", tags=HEALTH)
    data.put_bucket_logging(Bucket="with-logs", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "access-logs", "TargetPrefix": "with-logs/"}})
    bucket("without-logs", "eu-west-3", tags=HEALTH)

    found = by_name(scan())

    assert found["with-logs"].logging is True
    assert found["with-logs"].attributes["log_target"]["bucket"] == "arn:aws:s3:::access-logs"
    assert all(loc.role is not LocationRole.LOG_DESTINATION for loc in found["with-logs"].locations)
    assert found["without-logs"].logging is False


def test_encryption_keys_by_kind(aws):
    kms = boto3.client("kms", region_name="eu-west-3")
    cmk = kms.create_key(Description="paris")["KeyMetadata"]["Arn"]
    mrk = kms.create_key(Description="multi", MultiRegion=True)["KeyMetadata"]
    replica = kms.replicate_key(KeyId=mrk["KeyId"], ReplicaRegion="us-east-1")["ReplicaKeyMetadata"]["Arn"]
    byok = kms.create_key(Description="imported", Origin="EXTERNAL")["KeyMetadata"]["Arn"]

    def encrypted(name: str, algorithm: str, key: str | None = None) -> None:
        rule = {"SSEAlgorithm": algorithm, **({"KMSMasterKeyID": key} if key else {})}
        bucket(name, "eu-west-3", tags=HEALTH).put_bucket_encryption(
            Bucket=name, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": rule}]})

    encrypted("sse-s3", "AES256")
    encrypted("sse-cmk", "aws:kms", cmk)
    encrypted("sse-mrk", "aws:kms", mrk["Arn"])
    encrypted("sse-byok", "aws:kms", byok)
    bucket("no-default", "eu-west-3", tags=HEALTH)

    inventory = scan()
    found = by_name(inventory)

    assert found["sse-s3"].encryption.manager is KeyManager.PROVIDER
    assert (found["sse-cmk"].encryption.manager, found["sse-cmk"].encryption.key_id) == (KeyManager.CUSTOMER, cmk)
    assert found["sse-cmk"].encryption.region == "eu-west-3"
    mrk_ref = found["sse-mrk"].encryption
    assert [(loc.region, loc.role, loc.target) for loc in mrk_ref.locations] == [
        ("eu-west-3", LocationRole.PRIMARY, mrk["Arn"]), ("us-east-1", LocationRole.REPLICA, replica)]
    assert found["sse-byok"].encryption.manager is KeyManager.EXTERNAL
    assert found["sse-byok"].encryption.origin == "EXTERNAL"
    # No explicit default encryption (moto answers 404 as S3 did before 2023): since 5 January 2023 S3
    # applies SSE-S3 to every bucket, so the bucket is encrypted with a key AWS holds, not unencrypted.
    assert (found["no-default"].encryption.manager, found["no-default"].encryption.origin) == (
        KeyManager.PROVIDER, "AWS_OWNED")
    assert found["no-default"].attributes["encryption"]["source"].startswith("S3 default")
    keys = {r.id: r for r in inventory.resources if r.kind == "key"}
    assert set(keys) == {cmk, mrk["Arn"], byok}  # customer keys become resources of their own
    assert keys[cmk].attributes["protects"] == ["arn:aws:s3:::sse-cmk"]
    assert calls.last_scan()["kms:DescribeKey"] == 3


def test_default_kms_encryption_looks_up_the_aws_managed_key(aws):
    bucket("sse-kms-default", "eu-west-1", tags=HEALTH).put_bucket_encryption(
        Bucket="sse-kms-default",
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms"}}]})
    found = by_name(scan())
    ref = found["sse-kms-default"].encryption
    # Resolved through alias/aws/s3 in the bucket's region (the manager mapping itself is tested
    # against a KMS endpoint that answers KeyManager=AWS, in test_kms.py).
    assert ref.key_id.startswith("arn:aws:kms:eu-west-1:") and ref.region == "eu-west-1"
    assert found["sse-kms-default"].attributes["encryption"] == {"algorithm": "aws:kms", "kms_key": None}


def test_multi_region_access_points_name_the_regions_behind_them(aws):
    bucket("mrap-eu", "eu-west-3", tags=HEALTH)
    bucket("mrap-us", "us-east-1", tags=HEALTH)
    control = boto3.client("s3control", region_name="us-west-2")
    strip_account_host_prefix(control)
    control.create_multi_region_access_point(AccountId=ACCOUNT, ClientToken="t", Details={
        "Name": "patients-global", "Regions": [{"Bucket": "mrap-eu"}, {"Bucket": "mrap-us"}]})

    found = by_name(scan())

    points = found["mrap-eu"].attributes["multi_region_access_points"]
    assert [(p["name"], p["regions"]) for p in points] == [("patients-global", ["eu-west-3", "us-east-1"])]


def test_scope_all_reads_every_store_deeply(aws):
    bucket("marketing", "eu-west-1", tags={"data-classification": "public"})
    found = by_name(scan(in_scope=everything))
    assert found["marketing"].attributes["depth"] == "deep"
