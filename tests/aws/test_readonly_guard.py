"""The tool never changes a cloud: undeclared operations are refused before anything is sent."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from typer.testing import CliRunner

from auditor.cli import app
from auditor.connectors import readonly
from auditor.connectors.aws import SERVICES
from auditor.connectors.aws.calls import ApiCalls
from auditor.connectors.aws.scan import declared
from auditor.connectors.aws.session import Clients
from auditor.connectors.readonly import ReadOnlyViolation
from tests.aws.conftest import bucket

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::target/*"}]})


def test_every_declared_operation_only_reads():
    operations = declared(SERVICES)
    assert operations, "the registry declares the operations the connector calls"
    for operation in operations:
        _service, _, name = operation.partition(":")
        assert name.startswith(("Get", "List", "Describe", "Head")) or operation in (
            "sts:AssumeRole", "sts:GetCallerIdentity", "config:BatchGetAggregateResourceConfig"), operation
    # and each maps to one IAM action of the same family
    assert all(":" in action for action in operations.values())


def test_only_aws_configs_batch_read_of_items_is_allowed_among_batch_gets():
    assert readonly.aws_is_read_only("config:BatchGetAggregateResourceConfig")
    for data_read_or_write in ("dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "config:BatchGetResourceConfig",
                               "config:PutConfigurationAggregator"):
        assert not readonly.aws_is_read_only(data_read_or_write), data_read_or_write


def test_declaring_a_write_is_refused():
    with pytest.raises(ReadOnlyViolation, match="s3:PutBucketPolicy"):
        readonly.aws_check_declarations(["s3:GetBucketPolicy", "s3:PutBucketPolicy"])


def test_a_write_on_a_connector_client_is_refused_and_never_reaches_the_server(aws, served):
    bucket("target", "eu-west-1")
    clients = Clients(declared(SERVICES), ApiCalls(), max_workers=2)
    s3 = clients.client(None, "s3", "eu-west-1")

    with pytest.raises(ReadOnlyViolation, match="s3:PutBucketPolicy"):
        s3.put_bucket_policy(Bucket="target", Policy=POLICY)
    with pytest.raises(ReadOnlyViolation, match="s3:DeleteBucket"):
        s3.delete_bucket(Bucket="target")
    with pytest.raises(ReadOnlyViolation, match="s3:ListObjectsV2"):  # a read, but not a declared one
        s3.list_objects_v2(Bucket="target")

    seen = served.requests()
    assert "PUT /target" in seen  # the log does see this test's requests (the bucket's creation)...
    assert not [r for r in seen if "policy" in r or r.startswith("DELETE") or "list-type" in r]  # ...none of these
    with pytest.raises(ClientError, match="NoSuchBucketPolicy"):  # the state did not change either
        boto3.client("s3", region_name="eu-west-1").get_bucket_policy(Bucket="target")
    assert s3.get_bucket_location(Bucket="target")["LocationConstraint"] == "eu-west-1"  # declared reads pass


def test_permissions_command_prints_a_read_only_iam_policy():
    result = CliRunner().invoke(app, ["permissions", "aws"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["Version"] == "2012-10-17"
    actions = [a for statement in document["Statement"] for a in statement["Action"]]
    assert "s3:GetReplicationConfiguration" in actions and "kms:GetKeyPolicy" in actions
    for action in actions:
        _service, _, name = action.partition(":")
        assert name.startswith(("Get", "List", "Describe")) or action in ("sts:AssumeRole",), action
    assert all(s["Effect"] == "Allow" for s in document["Statement"])


def test_a_module_that_tries_to_write_stops_the_scan_as_a_bug_not_a_gap(aws, served):
    from auditor.config import AwsConfig, Config
    from auditor.connectors.aws import accounts, s3
    from auditor.connectors.aws.scan import run
    from auditor.connectors.aws.service import Read, Service
    from auditor.progress import NullReporter

    def careless_read(scan, found, deep):  # a buggy service module "fixing" what it audits
        account = scan.account(found.account)
        scan.call(account, found.region, "s3", "PutBucketPolicy", Bucket=found.name, Policy=POLICY)
        return Read(s3.read(scan, found, False).resource)

    buggy = Service(name="s3", operations=s3.OPERATIONS, discover=s3.discover, read=careless_read)
    bucket("target", "eu-west-1")
    with pytest.raises(ReadOnlyViolation, match="s3:PutBucketPolicy"):
        run(Config(aws=AwsConfig(regions=("eu-west-1",))), NullReporter(), lambda c: True,
            (accounts.SERVICE, buggy))
    assert not [r for r in served.requests() if "policy" in r]
