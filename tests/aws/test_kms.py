"""Who holds the keys: key manager and origin, multi-Region replicas, key-policy principals."""

from __future__ import annotations

import json

import boto3

from auditor.model.inventory import KeyManager, LocationRole, PrincipalKind
from tests.aws.conftest import ACCOUNT, HEALTH, bucket, by_name, scan

FOREIGN = "999988887777"


def _encrypt(name: str, key: str, region: str = "eu-west-3") -> None:
    bucket(name, region, tags=HEALTH).put_bucket_encryption(
        Bucket=name, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})


def test_key_policy_principals_outside_the_account_are_grants_on_the_key(aws):
    key = boto3.client("kms", region_name="eu-central-1").create_key(Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*",
             "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:root"},
             "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}]}))["KeyMetadata"]["Arn"]
    _encrypt("eds", key, "eu-central-1")

    inventory = scan()

    key_resource = next(r for r in inventory.resources if r.id == key)
    assert (key_resource.kind, key_resource.region, key_resource.account) == ("key", "eu-central-1", ACCOUNT)
    assert [(g.principal, g.principal_kind, g.home, g.source) for g in key_resource.access] == [
        (f"arn:aws:iam::{FOREIGN}:root", PrincipalKind.ACCOUNT, FOREIGN, "key-policy")]
    assert key_resource.attributes["protects"] == ["arn:aws:s3:::eds"]
    # Decrypting is not reading the data: the store itself does not gain the key's grants.
    assert by_name(inventory)["eds"].access == ()


def _fake_kms(keys: dict[str, dict]):
    def answer(operation: str, body: dict, headers: dict) -> tuple[int, dict]:
        meta = keys.get(str(body.get("KeyId")))
        if meta is None:
            return 400, {"__type": "NotFoundException", "message": "no such key"}
        if operation == "DescribeKey":
            return 200, {"KeyMetadata": meta}
        if operation == "GetKeyPolicy":
            return 200, {"Policy": json.dumps({"Statement": []}), "PolicyName": "default"}
        return 400, {"__type": "UnsupportedOperationException", "message": operation}
    return answer


def _meta(key_id: str, manager: str, origin: str, region: str = "eu-west-3") -> dict:
    return {"KeyId": key_id, "Arn": f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}", "KeyManager": manager,
            "Origin": origin, "KeyState": "Enabled", "MultiRegion": False, "AWSAccountId": ACCOUNT}


def test_key_manager_and_origin_decide_who_holds_the_key(aws, fake_service, monkeypatch):
    keys = {
        "alias/aws/s3": _meta("aws-managed", "AWS", "AWS_KMS"),
        "hsm-1": _meta("hsm-1", "CUSTOMER", "AWS_CLOUDHSM"),
        "xks-1": _meta("xks-1", "CUSTOMER", "EXTERNAL_KEY_STORE"),
        "kms-1": _meta("kms-1", "CUSTOMER", "AWS_KMS"),
    }
    fake = fake_service(_fake_kms(keys))
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", fake.url)  # KMS answers from a hand-written endpoint
    bucket("managed", "eu-west-3", tags=HEALTH).put_bucket_encryption(
        Bucket="managed", ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms"}}]})
    for name in ("hsm-1", "xks-1", "kms-1"):
        _encrypt(f"bucket-{name}", name)

    inventory = scan()
    found = by_name(inventory)

    assert found["managed"].encryption.manager is KeyManager.PROVIDER
    assert found["bucket-hsm-1"].encryption.manager is KeyManager.HSM
    assert found["bucket-xks-1"].encryption.manager is KeyManager.EXTERNAL
    assert found["bucket-kms-1"].encryption.manager is KeyManager.CUSTOMER
    assert found["bucket-kms-1"].encryption.origin == "AWS_KMS"
    key_ids = {r.name for r in inventory.resources if r.kind == "key"}
    assert key_ids == {"hsm-1", "xks-1", "kms-1"}  # AWS-managed keys are facts on the store only
    assert sorted(fake.calls).count("DescribeKey") == 4


def test_replica_key_points_back_to_its_primary(aws):
    paris = boto3.client("kms", region_name="eu-west-3")
    primary = paris.create_key(MultiRegion=True)["KeyMetadata"]
    replica = paris.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="us-east-1")["ReplicaKeyMetadata"]
    # A Virginia bucket encrypted with the replica: the key's primary material is in Paris.
    _encrypt("virginia", replica["Arn"], "us-east-1")

    ref = by_name(scan())["virginia"].encryption

    assert ref.region == "us-east-1"
    assert {(loc.region, loc.role) for loc in ref.locations} == {
        ("eu-west-3", LocationRole.PRIMARY), ("us-east-1", LocationRole.REPLICA)}


def test_scope_all_lists_every_key_not_only_those_stores_name(aws):
    kms = boto3.client("kms", region_name="eu-west-1")
    lonely = kms.create_key(Description="not used by any bucket")["KeyMetadata"]["Arn"]

    def keys(inventory) -> set[str]:
        return {r.id for r in inventory.resources if r.kind == "key"}

    assert lonely not in keys(scan())  # health scope: only keys protecting in-scope stores
    everything = scan(scope="all", in_scope=lambda c: True)
    assert lonely in keys(everything)
    assert next(r for r in everything.resources if r.id == lonely).attributes["protects"] == []

