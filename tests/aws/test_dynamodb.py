"""DynamoDB: global-table replicas, resource policies, keys, backups; an API the emulator lacks is a gap."""

from __future__ import annotations

import json

import boto3
import pytest

from auditor.connectors.aws import calls
from auditor.model.inventory import KeyManager, LocationRole, Permission, PrincipalKind
from tests.aws.conftest import ACCOUNT, HEALTH, scan

FOREIGN = "999988887777"


def _table(region: str, name: str, tags: dict[str, str] | None = None, **options) -> str:
    client = boto3.client("dynamodb", region_name=region)
    arn: str = client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()], **options)["TableDescription"]["TableArn"]
    return arn


def _tables(inventory) -> dict[tuple[str, str], object]:
    return {(r.name, r.region): r for r in inventory.resources if r.service == "dynamodb"}


def test_global_table_replica_policy_and_backups(aws):
    arn = _table("eu-west-3", "rdv-patients", HEALTH)
    paris = boto3.client("dynamodb", region_name="eu-west-3")
    paris.update_table(TableName="rdv-patients", ReplicaUpdates=[{"Create": {"RegionName": "us-east-1"}}])
    paris.put_resource_policy(ResourceArn=arn, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:root"}, "Action": "dynamodb:Query",
        "Resource": arn}]}))
    paris.update_continuous_backups(TableName="rdv-patients",
                                    PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    _table("eu-west-3", "catalogue", {"data-classification": "public"})

    found = _tables(scan(regions=("eu-west-3", "us-east-1")))

    table = found[("rdv-patients", "eu-west-3")]
    assert (table.kind, table.native_type, table.id) == ("nosql", "AWS::DynamoDB::Table", arn)
    replica_arn = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/rdv-patients"
    assert [(loc.role, loc.region, loc.via, loc.target) for loc in table.locations] == [
        (LocationRole.PRIMARY, "eu-west-3", None, None),
        (LocationRole.REPLICA, "us-east-1", "dynamodb-global-table", replica_arn)]
    assert [(g.principal, g.principal_kind, g.home, g.permission, g.source) for g in table.access] == [
        (f"arn:aws:iam::{FOREIGN}:root", PrincipalKind.ACCOUNT, FOREIGN, Permission.READ, "resource-policy")]
    assert (table.encryption.manager, table.encryption.origin) == (KeyManager.PROVIDER, "AWS_OWNED")
    assert table.attributes["point_in_time_recovery"] == "ENABLED" and table.attributes["backups"] == []
    replica = found[("rdv-patients", "us-east-1")]  # the replica table itself, which holds a copy
    assert replica.attributes["copy_of"] == [arn]
    assert [loc.region for loc in replica.locations] == ["us-east-1", "eu-west-3"]
    assert found[("catalogue", "eu-west-3")].attributes["depth"] == "listing"
    assert calls.last_scan()["dynamodb:DescribeTable"] == 2  # the table and its replica, not the catalogue


def test_customer_managed_key_is_resolved(aws):
    key = boto3.client("kms", region_name="eu-west-3").create_key()["KeyMetadata"]["Arn"]
    _table("eu-west-3", "dossiers", HEALTH, SSESpecification={"Enabled": True, "SSEType": "KMS",
                                                                "KMSMasterKeyId": key})
    table = _tables(scan(regions=("eu-west-3",)))[("dossiers", "eu-west-3")]
    assert (table.encryption.manager, table.encryption.key_id, table.encryption.region) == (
        KeyManager.CUSTOMER, key, "eu-west-3")


@pytest.fixture
def legacy_global_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Extend the in-process emulator: a table of a version 2017.11.29 global table, whose replicas only
    ``DescribeGlobalTable`` lists, an operation moto does not implement (HTTP 500)."""
    from moto.dynamodb.models.table import Table

    original = Table.describe

    def describe(self: Table, base_key: str = "TableDescription") -> dict:
        out = original(self, base_key)
        out[base_key]["GlobalTableVersion"] = "2017.11.29"
        return out

    monkeypatch.setattr(Table, "describe", describe)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")


def test_an_operation_the_emulator_does_not_implement_is_an_api_unavailable_gap(aws, legacy_global_table):
    arn = _table("eu-west-3", "legacy-patients", HEALTH)

    inventory = scan(regions=("eu-west-3",))

    gaps = [g for g in inventory.coverage_gaps if g.service == "dynamodb"]
    assert [(g.reason, g.account, g.region, g.resource_id) for g in gaps] == [
        ("api-unavailable", ACCOUNT, "eu-west-3", arn)]
    assert gaps[0].error.startswith("dynamodb:DescribeGlobalTable: 500") and "<" not in gaps[0].error
    table = _tables(inventory)[("legacy-patients", "eu-west-3")]
    assert table.attributes["depth"] == "deep"  # the rest was read; the replicas are what stays unknown
