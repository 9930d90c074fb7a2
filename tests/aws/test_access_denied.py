"""A role without some permissions: each denied read becomes a gap, the rest is still collected.

moto enforces IAM only when ``INITIAL_NO_AUTH_ACTION_COUNT`` is set before it is imported, and the
count is global: this test runs its own moto server in a separate process with that setting.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import boto3
import pytest

from auditor.model.inventory import PrincipalKind
from tests.aws.conftest import HEALTH, by_name, scan

SERVER = """
import os, sys
os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = sys.argv[1]
os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""
SEED_REQUESTS = 8  # unauthenticated requests the seeding below makes, exactly
AUDITOR_POLICY = {"Version": "2012-10-17", "Statement": [  # everything but the bucket policies
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Effect": "Deny", "Action": "s3:GetBucketPolicy*", "Resource": "*"},
]}


@pytest.fixture
def enforcing(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(SEED_REQUESTS)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        url = f"http://127.0.0.1:{int(process.stdout.readline())}"
        admin = {"endpoint_url": url, "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        iam = boto3.client("iam", region_name="us-east-1", **admin)
        iam.create_user(UserName="auditor")  # 1
        key = iam.create_access_key(UserName="auditor")["AccessKey"]  # 2
        iam.put_user_policy(UserName="auditor", PolicyName="audit", PolicyDocument=json.dumps(AUDITOR_POLICY))  # 3
        s3 = boto3.client("s3", region_name="eu-west-3", **admin)
        for name in ("dossiers", "imagerie"):  # 4-7
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in HEALTH.items()]})
        s3.put_bucket_acl(Bucket="imagerie", ACL="public-read")  # 8
        for k, v in {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
                     "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": url, "AWS_CONFIG_FILE": os.devnull,
                     "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
                     "AWS_MAX_ATTEMPTS": "1"}.items():
            monkeypatch.setenv(k, v)
        monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
        yield key["SecretAccessKey"]
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=20)


def test_denied_reads_are_gaps_and_the_scan_goes_on(enforcing):
    from auditor.demo.moto_server import emulator_wiring

    with emulator_wiring():
        inventory = scan(regions=("eu-west-3",))

    # moto's IAM enforcement rejects the SigV4 signature of some REST services' listings (Backup, EFS,
    # CloudFront, Bedrock answer 403 SignatureDoesNotMatch there): denied too, so gaps as well, and nothing else.
    s3_gaps = [g for g in inventory.coverage_gaps if g.service == "s3"]
    assert {(g.service, g.reason, g.account, g.region, g.resource_id) for g in s3_gaps} == {
        ("s3", "access-denied", "123456789012", "eu-west-3", "arn:aws:s3:::dossiers"),
        ("s3", "access-denied", "123456789012", "eu-west-3", "arn:aws:s3:::imagerie")}
    assert all(g.error.startswith("s3:GetBucketPolicy: AccessDenied") for g in s3_gaps)
    assert {(g.service, g.reason) for g in inventory.coverage_gaps if g.service != "s3"} <= {
        ("backup", "access-denied"), ("efs", "access-denied"), ("cloudfront", "access-denied"),
        ("bedrock", "access-denied")}
    found = by_name(inventory)
    # What could be read is there; what could not stays unknown rather than "not public".
    assert found["dossiers"].network.public_endpoint is None
    assert found["dossiers"].tags == HEALTH and found["dossiers"].region == "eu-west-3"
    assert found["imagerie"].network.public_endpoint is True  # the public ACL was readable
    assert [g.principal_kind for g in found["imagerie"].access] == [PrincipalKind.PUBLIC]
    assert enforcing not in repr(inventory)
    # Only the checks that read the access list lose their pass: the region, key and logging were read.
    from auditor.config import Config as _Config
    from auditor.model.findings import Status
    from auditor.model.inventory import GapAspect
    from auditor.pipeline import assess

    assert {g.aspect for g in s3_gaps} == {GapAspect.ACCESS}
    doc = assess(inventory, _Config(profile="hds")).doc
    dossiers = {f.policy_id: f for f in doc.findings if f.resource_id == "arn:aws:s3:::dossiers"}
    imagerie = {f.policy_id: f for f in doc.findings if f.resource_id == "arn:aws:s3:::imagerie"}
    assert "arn:aws:s3:::dossiers" in doc.passed["RES-001"] and "RES-001" not in dossiers
    assert dossiers["ACC-002"].status is Status.UNKNOWN
    assert dossiers["ACC-002"].message["en"].startswith("Who can reach dossiers could not be read in full")
    assert imagerie["ACC-001"].status is Status.FAIL  # the readable public ACL decides
    assert "KEY-005" not in dossiers  # no explicit default encryption: SSE-S3, encrypted
