"""The second part of the parity estate (tests/parity/test_aws_parity.py): S3 access logging, a bucket ACL,
a public access block; DynamoDB global-table replicas (inline and ``aws_dynamodb_table_replica``); a backup
plan whose rule copies to a vault of another Region and the selection that names a table; an Aurora cluster
with a cross-Region replica cluster. Created on the emulator by :func:`seed`, planned by :func:`plan`."""

from __future__ import annotations

from typing import Any

import boto3

from tests.aws.conftest import ACCOUNT, HEALTH
from tests.terraform.planbuilder import PlanBuilder, Ref

HOME, AWAY = "eu-west-3", "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ai"


def _client(service: str, region: str = HOME) -> Any:
    return boto3.client(service, region_name=region)


def _table(name: str, **extra: Any) -> str:
    return str(_client("dynamodb").create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        Tags=[{"Key": k, "Value": v} for k, v in HEALTH.items()], **extra)["TableDescription"]["TableArn"])


LOG_DELIVERY = "uri=http://acs.amazonaws.com/groups/s3/LogDelivery"
BLOCK_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
             "RestrictPublicBuckets": True}


def _bucket(name: str) -> Any:
    s3 = _client("s3")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": HOME})
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in HEALTH.items()]})
    return s3


def seed(names: dict[str, str]) -> None:
    """Access logging, ACL, public access block; global-table replicas; a backup plan's copy; an Aurora replica."""
    _bucket("par-logs").put_bucket_acl(Bucket="par-logs", GrantWrite=LOG_DELIVERY, GrantReadACP=LOG_DELIVERY)
    _bucket("par-logged").put_bucket_logging(Bucket="par-logged", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "par-logs", "TargetPrefix": "par-logged/"}})
    _bucket("par-acl").put_bucket_acl(Bucket="par-acl", ACL="public-read")
    s3 = _bucket("par-pab")
    s3.put_bucket_acl(Bucket="par-pab", ACL="public-read")
    s3.put_public_access_block(Bucket="par-pab", PublicAccessBlockConfiguration=BLOCK_ALL)
    dynamodb = _client("dynamodb")
    for name in ("par-gt-inline", "par-gt-apart"):
        names[name] = _table(name, StreamSpecification={"StreamEnabled": True,
                                                        "StreamViewType": "NEW_AND_OLD_IMAGES"})
        dynamodb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": AWAY}}])
    names["par-backed"] = _table("par-backed")
    backup, backup_away = _client("backup"), _client("backup", AWAY)
    backup.create_backup_vault(BackupVaultName="par-bk-home", BackupVaultTags=HEALTH)
    names["par-bk-away"] = backup_away.create_backup_vault(BackupVaultName="par-bk-away",
                                                           BackupVaultTags=HEALTH)["BackupVaultArn"]
    plan_id = backup.create_backup_plan(BackupPlan={"BackupPlanName": "par-daily", "Rules": [{
        "RuleName": "r", "TargetBackupVaultName": "par-bk-home",
        "CopyActions": [{"DestinationBackupVaultArn": names["par-bk-away"]}]}]})["BackupPlanId"]
    backup.create_backup_selection(BackupPlanId=plan_id, BackupSelection={
        "SelectionName": "par", "IamRoleArn": ROLE, "Resources": [names["par-backed"]]})
    rds = _client("rds")
    names["par-aurora"] = rds.create_db_cluster(
        DBClusterIdentifier="par-aurora", Engine="aurora-postgresql", MasterUsername="u",
        MasterUserPassword="password1", Tags=[{"Key": k, "Value": v} for k, v in HEALTH.items()]
    )["DBCluster"]["DBClusterArn"]
    _client("rds", AWAY).create_db_cluster(DBClusterIdentifier="par-aurora-away", Engine="aurora-postgresql",
                                           ReplicationSourceIdentifier=names["par-aurora"],
                                           MasterUsername="u", MasterUserPassword="password1")  # the emulator asks


def plan(b: PlanBuilder, names: dict[str, str]) -> None:
    for name in ("logs", "logged", "acl", "pab"):
        b.resource(f"aws_s3_bucket.{name}", {"bucket": f"par-{name}", "tags": HEALTH})
    b.resource("aws_s3_bucket_acl.logs", {"bucket": Ref("aws_s3_bucket.logs.id"), "acl": "log-delivery-write"})
    b.resource("aws_s3_bucket_logging.logged", {"bucket": Ref("aws_s3_bucket.logged.id"),
                                                "target_bucket": Ref("aws_s3_bucket.logs.id"),
                                                "target_prefix": "par-logged/"})
    b.resource("aws_s3_bucket_acl.acl", {"bucket": Ref("aws_s3_bucket.acl.id"), "acl": "public-read"})
    b.resource("aws_s3_bucket_acl.pab", {"bucket": Ref("aws_s3_bucket.pab.id"), "acl": "public-read"})
    b.resource("aws_s3_bucket_public_access_block.pab", {"bucket": Ref("aws_s3_bucket.pab.id"),
                                                         **{_snake(k): v for k, v in BLOCK_ALL.items()}})
    stream = {"stream_enabled": True, "stream_view_type": "NEW_AND_OLD_IMAGES", "tags": HEALTH, "hash_key": "id"}
    b.resource("aws_dynamodb_table.gt_inline", {"name": "par-gt-inline", **stream, "replica": [{"region_name": AWAY}]},
               computed={"arn": names["par-gt-inline"]})
    b.resource("aws_dynamodb_table.gt_apart", {"name": "par-gt-apart", **stream},
               computed={"arn": names["par-gt-apart"]})
    b.resource("aws_dynamodb_table_replica.gt_apart", {"global_table_arn": Ref("aws_dynamodb_table.gt_apart.arn")},
               provider="aws.away")
    b.resource("aws_dynamodb_table.backed", {"name": "par-backed", "hash_key": "id", "tags": HEALTH},
               computed={"arn": names["par-backed"]})
    b.resource("aws_backup_vault.bk_home", {"name": "par-bk-home", "tags": HEALTH})
    b.resource("aws_backup_vault.bk_away", {"name": "par-bk-away", "tags": HEALTH}, provider="aws.away",
               computed={"arn": names["par-bk-away"]})
    b.resource("aws_backup_plan.daily", {"name": "par-daily", "rule": [{
        "rule_name": "r", "target_vault_name": Ref("aws_backup_vault.bk_home.name"),
        "copy_action": [{"destination_vault_arn": Ref("aws_backup_vault.bk_away.arn")}]}]})
    b.resource("aws_backup_selection.par", {"name": "par", "iam_role_arn": ROLE,
                                            "plan_id": Ref("aws_backup_plan.daily.id"),
                                            "resources": [Ref("aws_dynamodb_table.backed.arn")]})
    b.resource("aws_rds_cluster.aurora", {"cluster_identifier": "par-aurora", "engine": "aurora-postgresql",
                                          "tags": HEALTH}, computed={"arn": names["par-aurora"]})
    b.resource("aws_rds_cluster.aurora_away", {"cluster_identifier": "par-aurora-away", "engine": "aurora-postgresql",
                                               "replication_source_identifier": names["par-aurora"]},
               provider="aws.away")


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
