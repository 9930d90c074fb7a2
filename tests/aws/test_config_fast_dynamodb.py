"""The AWS Config fast path for DynamoDB tables (and not for RDS databases), through the emulator and a local
AWS Config endpoint answering AWS's documented item shapes (the emulator records no such items).

Each case is what a user would see: the same inventory as the direct reads, the calls not sent, and why a
table was read directly.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from auditor.connectors import readonly
from auditor.connectors.aws import SERVICES, calls
from auditor.connectors.aws.calls import ApiCalls
from auditor.connectors.aws.scan import declared
from auditor.connectors.aws.session import Clients
from auditor.connectors.readonly import ReadOnlyViolation
from auditor.model.inventory import Inventory, KeyManager, LocationRole, Resource
from tests.aws.conftest import ACCOUNT, HEALTH, FakeJsonService, bucket, scan
from tests.aws.fake_config import FakeConfig, recorded
from tests.aws.test_config_fast import _facts

AGGREGATOR = "org-aggregator"
REGIONS = ("us-east-1", "eu-west-1")
SAVED = ("dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups")


def _table(region: str, name: str, tags: dict[str, str] | None = None, **options: Any) -> None:
    boto3.client("dynamodb", region_name=region).create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()], **options)


def _estate() -> None:
    """Health tables with a replica, point-in-time recovery, a customer key; a health database and cluster."""
    _table("eu-west-1", "fast-visits", HEALTH)
    dublin = boto3.client("dynamodb", region_name="eu-west-1")
    dublin.update_table(TableName="fast-visits", ReplicaUpdates=[{"Create": {"RegionName": "us-east-1"}}])
    dublin.update_continuous_backups(TableName="fast-visits",
                                     PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    key = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["Arn"]
    _table("us-east-1", "fast-keys", HEALTH, SSESpecification={"Enabled": True, "SSEType": "KMS",
                                                                "KMSMasterKeyId": key})
    _table("us-east-1", "fast-plain", HEALTH)
    _table("us-east-1", "fast-catalogue")  # out of scope: neither path reads it deeply
    rds = boto3.client("rds", region_name="eu-west-1")
    tags = [{"Key": k, "Value": v} for k, v in HEALTH.items()]
    rds.create_db_instance(DBInstanceIdentifier="fast-db", Engine="postgres", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="admin1", MasterUserPassword="password1",
                           BackupRetentionPeriod=7, Tags=tags)
    rds.create_db_cluster(DBClusterIdentifier="fast-aurora", Engine="aurora-postgresql", MasterUsername="admin1",
                          MasterUserPassword="password1", Tags=tags)


@pytest.fixture
def config_endpoint(aws: str, fake_service: Callable[..., FakeJsonService],
                    monkeypatch: pytest.MonkeyPatch) -> Callable[[], FakeConfig]:
    """The local AWS Config endpoint, with the items of the emulator's estate as it is when called."""
    def start() -> FakeConfig:
        fake = FakeConfig(fake_service, recorded(ACCOUNT, REGIONS), AGGREGATOR)
        monkeypatch.setenv("AWS_ENDPOINT_URL_CONFIG_SERVICE", fake.url)
        return fake
    return start


def _both() -> tuple[Inventory, dict[str, int], Inventory, dict[str, int]]:
    direct = scan()
    direct_calls = calls.last_scan()
    fast = scan(config_aggregator=AGGREGATOR)
    return direct, direct_calls, fast, calls.last_scan()


def _stores(inventory: Inventory) -> dict[tuple[str, str], Resource]:
    return {(r.name, r.region): r for r in inventory.resources if r.service in ("dynamodb", "rds")}


def _said(inventory: Inventory, name: str, region: str = "us-east-1") -> dict[str, Any]:
    said: dict[str, Any] = _stores(inventory)[(name, region)].attributes["aws_config"][0]
    return said


def test_table_items_give_the_direct_readers_inventory_with_fewer_calls_and_rds_is_never_asked(config_endpoint):
    _estate()
    bucket("fast-bucket", "us-east-1", tags=HEALTH)  # a bucket this aggregator does not record: read directly
    fake = config_endpoint()
    direct, direct_calls, fast, fast_calls = _both()
    assert _facts(fast) == _facts(direct)
    stores = _stores(fast)
    visits = stores[("fast-visits", "eu-west-1")]
    assert [(loc.role, loc.region) for loc in visits.locations] == [(LocationRole.PRIMARY, "eu-west-1"),
                                                                    (LocationRole.REPLICA, "us-east-1")]
    assert visits.attributes["point_in_time_recovery"] == "ENABLED"
    assert stores[("fast-keys", "us-east-1")].encryption.manager == KeyManager.CUSTOMER
    # the in-scope tables' two reads are not sent; the replica (a copy, read after) and the rest still are
    in_scope = 3
    for operation in SAVED:
        assert direct_calls[operation] - fast_calls[operation] == in_scope, operation
    for operation in ("dynamodb:GetResourcePolicy", "dynamodb:ListBackups", "rds:DescribeDBInstanceAutomatedBackups",
                      "rds:DescribeGlobalClusters"):
        assert fast_calls[operation] == direct_calls[operation], operation
    config_calls = {op: n for op, n in fast_calls.items() if op.startswith("config:")}
    assert config_calls == {"config:ListAggregateDiscoveredResources": 2, "config:BatchGetAggregateResourceConfig": 1}
    assert sum(fast_calls.values()) == sum(direct_calls.values()) - 2 * in_scope + 3
    said_bucket = next(r for r in fast.resources if r.name == "fast-bucket").attributes["aws_config"][0]
    assert said_bucket["read_directly"] == {"*": "the aggregator does not record this bucket"}
    assert set(fake.asked) == {"AWS::DynamoDB::Table"} and len(fake.asked) == in_scope  # RDS items never fetched
    said = _said(fast, "fast-visits", "eu-west-1")
    assert said["aggregator"] == AGGREGATOR and set(said["from_item"]) == set(SAVED)
    assert set(said["read_directly"]) == {"dynamodb:GetResourcePolicy", "dynamodb:ListBackups"}
    assert "config:BatchGetAggregateResourceConfig" in visits.evidence
    for name in ("fast-db", "fast-aurora"):
        db = _said(fast, name, "eu-west-1")
        assert db["from_item"] == [] and "none of the per-database reads" in db["read_directly"]["*"]
    assert "aws_config" not in stores[("fast-catalogue", "us-east-1")].attributes
    assert all("aws_config" not in r.attributes for r in direct.resources)
    assert not fast.coverage_gaps


def _drop(field: str) -> Callable[[dict[str, Any]], None]:
    def change(item: dict[str, Any]) -> None:
        configuration = json.loads(item["configuration"])
        del configuration[field]
        item["configuration"] = json.dumps(configuration)
    return change


def test_a_stale_item_an_item_missing_a_field_and_an_unprocessed_key_each_fall_back_to_direct_reads(
        config_endpoint):
    _estate()
    _table("us-east-1", "fast-late", HEALTH)
    fake = config_endpoint()
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)).timestamp()
    fake.edit("fast-late", lambda item: item.update(configurationItemCaptureTime=old))
    fake.edit("fast-plain", _drop("replicas"))  # not "no replica": unknown
    fake.edit("fast-keys", lambda item: item["supplementaryConfiguration"].clear())
    fake.unprocessed.add("fast-visits")
    direct = scan(config_max_age=2 * 3600)
    fast = scan(config_aggregator=AGGREGATOR, config_max_age=2 * 3600)
    assert _facts(fast) == _facts(direct)
    late = _said(fast, "fast-late")
    assert late["from_item"] == [] and "older than aws.config_max_age" in late["read_directly"]["*"]
    plain = _said(fast, "fast-plain")
    assert plain["from_item"] == ["dynamodb:DescribeContinuousBackups"]
    assert plain["read_directly"]["dynamodb:DescribeTable"] == "configuration in a form not translated (no replicas)"
    keys = _said(fast, "fast-keys")
    assert keys["from_item"] == ["dynamodb:DescribeTable"]
    assert keys["read_directly"]["dynamodb:DescribeContinuousBackups"] == \
        "the item has no ContinuousBackupsDescription"
    visits = _said(fast, "fast-visits", "eu-west-1")
    assert visits["read_directly"] == {"*": "left unprocessed by BatchGetAggregateResourceConfig"}
    assert calls.last_scan()["dynamodb:DescribeTable"] == 4  # fast-late, fast-plain, fast-visits and its replica
    assert not fast.coverage_gaps


def test_a_missing_aggregator_means_direct_reads_of_tables_not_a_gap(config_endpoint):
    _estate()
    config_endpoint()
    direct = scan()
    fast = scan(config_aggregator="nobody-made-this")
    assert _facts(fast) == _facts(direct)
    assert _said(fast, "fast-plain")["read_directly"]["*"].startswith(
        "aggregator unreadable: config:ListAggregateDiscoveredResources: NoSuchConfigurationAggregatorException")


def test_the_connectors_config_client_sends_only_the_two_reads(config_endpoint):
    fake = config_endpoint()
    config = Clients(declared(SERVICES), ApiCalls(), max_workers=2).client(None, "config", "us-east-1")
    for write_or_other_read, call in (
            ("config:PutConfigurationAggregator", lambda: config.put_configuration_aggregator(
                ConfigurationAggregatorName="x", AccountAggregationSources=[{"AccountIds": [ACCOUNT]}])),
            ("config:DeleteConfigurationAggregator", lambda: config.delete_configuration_aggregator(
                ConfigurationAggregatorName=AGGREGATOR)),
            ("config:SelectAggregateResourceConfig", lambda: config.select_aggregate_resource_config(
                Expression="SELECT *", ConfigurationAggregatorName=AGGREGATOR))):
        with pytest.raises(ReadOnlyViolation, match=write_or_other_read):
            call()
    assert readonly.aws_is_read_only("config:BatchGetAggregateResourceConfig")
    assert not readonly.aws_is_read_only("config:PutConfigurationAggregator")
    assert fake.calls == []  # refused before anything was sent
    config.list_aggregate_discovered_resources(ConfigurationAggregatorName=AGGREGATOR, ResourceType="AWS::S3::Bucket")
    assert fake.calls == ["ListAggregateDiscoveredResources"]
