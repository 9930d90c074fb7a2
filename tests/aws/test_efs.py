"""EFS: replication destinations, file system policy principals, keys."""

from __future__ import annotations

import json

import boto3

from auditor.model.inventory import KeyManager, LocationRole, Permission, PrincipalKind
from tests.aws.conftest import ACCOUNT, HEALTH, scan

FOREIGN = "999988887777"


def test_replication_destination_and_policy_principals(aws):
    key = boto3.client("kms", region_name="eu-west-3").create_key()["KeyMetadata"]["Arn"]
    efs = boto3.client("efs", region_name="eu-west-3")
    fs = efs.create_file_system(CreationToken="pacs", Encrypted=True, KmsKeyId=key,
                                Tags=[{"Key": "Name", "Value": "pacs-share"}, *(
                                    {"Key": k, "Value": v} for k, v in HEALTH.items())])["FileSystemId"]
    efs.put_file_system_policy(FileSystemId=fs, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:root"},
        "Action": "elasticfilesystem:ClientMount", "Resource": "*"}]}))
    destination = efs.create_replication_configuration(SourceFileSystemId=fs, Destinations=[
        {"Region": "us-east-1"}])["Destinations"][0]["FileSystemId"]
    efs.create_file_system(CreationToken="tmp", Tags=[{"Key": "Name", "Value": "scratch"}])

    found = {r.name: r for r in scan(regions=("eu-west-3",)).resources if r.service == "efs"}

    share = found["pacs-share"]
    assert (share.kind, share.native_type) == ("file-store", "AWS::EFS::FileSystem")
    assert [(loc.role, loc.region, loc.via, loc.target, loc.account) for loc in share.locations[1:]] == [
        (LocationRole.REPLICA, "us-east-1", "efs-replication",
         f"arn:aws:elasticfilesystem:us-east-1:{ACCOUNT}:file-system/{destination}", ACCOUNT)]
    assert [(g.principal, g.principal_kind, g.permission, g.source) for g in share.access] == [
        (f"arn:aws:iam::{FOREIGN}:root", PrincipalKind.ACCOUNT, Permission.READ, "file-system-policy")]
    assert (share.encryption.manager, share.encryption.key_id) == (KeyManager.CUSTOMER, key)
    assert share.logging is None  # NFS has no data-access log to read: unknown, not off
    assert found["scratch"].attributes["depth"] == "listing"
