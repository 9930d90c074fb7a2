"""A local AWS Config endpoint holding an aggregator's DynamoDB and RDS items, built from the emulator's estate.

moto records no ``AWS::DynamoDB::Table``, ``AWS::RDS::DBInstance`` or ``AWS::RDS::DBCluster`` items, so
this endpoint (AWS JSON 1.1 over HTTP, reached with ``AWS_ENDPOINT_URL_CONFIG_SERVICE``) answers
``ListAggregateDiscoveredResources`` and ``BatchGetAggregateResourceConfig`` with items built from what the
emulator's own describe calls return, in the shape AWS publishes: the ``BaseConfigurationItem`` of the
AWS Config API reference (``configuration`` as JSON text, ``supplementaryConfiguration`` a map of JSON
texts) with the field names of the AWS Config resource schema
(github.com/awslabs/aws-config-resource-schema, ``config/properties/resource-types/<type>.properties.json``,
checked 2026-12-07). Every other service still goes to the emulator. A test can age an item, drop a field
of one, or have the batch call leave one unprocessed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import boto3

from tests.aws.conftest import FakeJsonService

TABLE, INSTANCE, CLUSTER = "AWS::DynamoDB::Table", "AWS::RDS::DBInstance", "AWS::RDS::DBCluster"


def _item(resource_type: str, account: str, region: str, resource_id: str, name: str, arn: str,
          configuration: dict[str, Any], supplementary: dict[str, Any], captured: dt.datetime) -> dict[str, Any]:
    return {"version": "1.3", "accountId": account, "configurationItemCaptureTime": captured.timestamp(),
            "configurationItemStatus": "OK", "configurationStateId": "1", "arn": arn, "resourceType": resource_type,
            "resourceId": resource_id, "resourceName": name, "awsRegion": region, "availabilityZone": "Regional",
            "configuration": json.dumps(configuration),
            "supplementaryConfiguration": {k: json.dumps(v) for k, v in supplementary.items()}}


def _table(account: str, region: str, name: str, captured: dt.datetime) -> dict[str, Any]:
    client = boto3.client("dynamodb", region_name=region)
    t = client.describe_table(TableName=name)["Table"]
    backups = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    sse = t.get("SSEDescription")
    configuration = {
        "tableName": t["TableName"], "tableArn": t["TableArn"], "tableId": t.get("TableId"),
        "tableStatus": t["TableStatus"], "itemCount": t.get("ItemCount"), "tableSizeBytes": t.get("TableSizeBytes"),
        "keySchema": [{"attributeName": k["AttributeName"], "keyType": k["KeyType"]} for k in t["KeySchema"]],
        "globalTableVersion": t.get("GlobalTableVersion"),
        "replicas": [{"regionName": r["RegionName"], "replicaStatus": r.get("ReplicaStatus"),
                      "kmsmasterKeyId": r.get("KMSMasterKeyId")} for r in t.get("Replicas") or []],
        "ssedescription": None if sse is None else {
            "status": sse.get("Status"), "ssetype": sse.get("SSEType"), "kmsmasterKeyArn": sse.get("KMSMasterKeyArn"),
            "inaccessibleEncryptionDateTime": None},
    }
    supplementary = {"ContinuousBackupsDescription": {
        "continuousBackupsStatus": backups["ContinuousBackupsStatus"],
        "pointInTimeRecoveryDescription": {
            "pointInTimeRecoveryStatus": backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]}}}
    return _item(TABLE, account, region, name, name, t["TableArn"], configuration, supplementary, captured)


def _databases(account: str, region: str, captured: dt.datetime) -> list[dict[str, Any]]:
    rds = boto3.client("rds", region_name=region)
    out = []
    for i in rds.describe_db_instances()["DBInstances"]:
        out.append(_item(INSTANCE, account, region, i["DbiResourceId"], i["DBInstanceIdentifier"], i["DBInstanceArn"], {
            "dBInstanceIdentifier": i["DBInstanceIdentifier"], "dBInstanceArn": i["DBInstanceArn"],
            "dbiResourceId": i["DbiResourceId"], "engine": i.get("Engine"),
            "storageEncrypted": i.get("StorageEncrypted"), "kmsKeyId": i.get("KmsKeyId"), "multiAZ": i.get("MultiAZ"),
            "backupRetentionPeriod": i.get("BackupRetentionPeriod"),
            "publiclyAccessible": i.get("PubliclyAccessible"), "dBClusterIdentifier": i.get("DBClusterIdentifier"),
            "readReplicaDBInstanceIdentifiers": i.get("ReadReplicaDBInstanceIdentifiers") or [],
            "readReplicaSourceDBInstanceIdentifier": i.get("ReadReplicaSourceDBInstanceIdentifier")}, {}, captured))
    for c in rds.describe_db_clusters()["DBClusters"]:
        out.append(_item(CLUSTER, account, region, c["DbClusterResourceId"], c["DBClusterIdentifier"],
                         c["DBClusterArn"], {
            "dbclusterIdentifier": c["DBClusterIdentifier"], "dbclusterArn": c["DBClusterArn"],
            "dbClusterResourceId": c["DbClusterResourceId"], "engine": c.get("Engine"),
            "storageEncrypted": c.get("StorageEncrypted"), "kmsKeyId": c.get("KmsKeyId"),
            "readReplicaIdentifiers": c.get("ReadReplicaIdentifiers") or [],
            "dbclusterMembers": [{"dbinstanceIdentifier": m["DBInstanceIdentifier"]}
                                 for m in c.get("DBClusterMembers") or []]}, {}, captured))
    return out


def recorded(account: str, regions: tuple[str, ...], captured: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The items an aggregator would hold for the emulator's tables and databases in ``regions``, now."""
    when = captured or dt.datetime.now(dt.UTC)
    items = []
    for region in regions:
        names = boto3.client("dynamodb", region_name=region).list_tables()["TableNames"]
        items += [_table(account, region, name, when) for name in names]
        items += _databases(account, region, when)
    return items


class FakeConfig:
    """The endpoint: ``items`` (by resource name: ``edit(name, fn)``), ``unprocessed`` resource ids, the
    aggregator's name, and the operations it was asked (``calls``, ``asked``: the batch calls' types)."""

    def __init__(self, start: Callable[..., FakeJsonService], items: list[dict[str, Any]], aggregator: str) -> None:
        self.items = items
        self.aggregator = aggregator
        self.unprocessed: set[str] = set()
        self.asked: list[str] = []
        self.service = start(self._answer)

    @property
    def url(self) -> str:
        return self.service.url

    @property
    def calls(self) -> list[str]:
        return self.service.calls

    def edit(self, name: str, change: Callable[[dict[str, Any]], None]) -> None:
        for item in self.items:
            if item["resourceName"] == name:
                change(item)

    def _answer(self, operation: str, body: dict[str, Any], _headers: dict[str, str]) -> tuple[int, Any]:
        if body.get("ConfigurationAggregatorName") != self.aggregator:
            return 400, {"__type": "NoSuchConfigurationAggregatorException",
                         "message": "The configuration aggregator does not exist."}
        if operation == "ListAggregateDiscoveredResources":
            found = [i for i in self.items if i["resourceType"] == body.get("ResourceType")]
            start = int(body.get("NextToken") or 0)
            page = found[start:start + int(body.get("Limit") or 100)]
            more = start + len(page) < len(found)
            return 200, {"ResourceIdentifiers": [
                {"SourceAccountId": i["accountId"], "SourceRegion": i["awsRegion"], "ResourceId": i["resourceId"],
                 "ResourceType": i["resourceType"], "ResourceName": i["resourceName"]} for i in page],
                **({"NextToken": str(start + len(page))} if more else {})}
        if operation == "BatchGetAggregateResourceConfig":
            wanted = body.get("ResourceIdentifiers") or []
            self.asked += [str(w.get("ResourceType")) for w in wanted]
            by_key = {(i["accountId"], i["awsRegion"], i["resourceType"], i["resourceId"]): i for i in self.items}
            items, left = [], []
            for w in wanted:
                key = (w["SourceAccountId"], w["SourceRegion"], w["ResourceType"], w["ResourceId"])
                if key in by_key and w["ResourceId"] not in self.unprocessed:
                    items.append(by_key[key])
                else:
                    left.append(w)
            return 200, {"BaseConfigurationItems": items, "UnprocessedResourceIdentifiers": left}
        return 400, {"__type": "InvalidAction", "message": f"{operation} is not answered here"}
