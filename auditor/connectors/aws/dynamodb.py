"""DynamoDB: tables, their global-table replicas, who their resource policy lets in, their backups.

Listing: ``ListTables`` per account and scanned region, tags in bulk (:mod:`tagging`,
``ListTagsOfResource`` as the fallback).

Deep reads (in-scope tables and the replicas they point to): ``DescribeTable`` (``Replicas``: every
other region of a global table, version 2019.11.21, -> ``replica`` locations;
``DescribeGlobalTable`` for the legacy 2017.11.29 version; ``SSEDescription`` -> the KMS key, or
the AWS owned key when absent), ``GetResourcePolicy`` (grants), ``DescribeContinuousBackups``
(point-in-time recovery) and ``ListBackups`` (on-demand and AWS Backup backups, kept in the table's
region). Copies made by AWS Backup plans are added by :mod:`backup`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from auditor.connectors.aws import gaps, plan, policy, regional, tagging
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, KeyLookup, Read, Service, listing_resource
from auditor.connectors.aws.session import Account
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, KeyLink, Store
from auditor.connectors.terraform.resolve import UNKNOWN
from auditor.connectors.terraform.values import items, text
from auditor.model.inventory import AccessGrant, DataLocation, GapAspect, KeyManager, KeyRef, LocationRole, Permission
from auditor.model.vocab import GrantSource, Kind, Via

OPERATIONS = {
    "dynamodb:ListTables": "dynamodb:ListTables",
    "dynamodb:ListTagsOfResource": "dynamodb:ListTagsOfResource",
    "dynamodb:DescribeTable": "dynamodb:DescribeTable",
    "dynamodb:DescribeGlobalTable": "dynamodb:DescribeGlobalTable",
    "dynamodb:GetResourcePolicy": "dynamodb:GetResourcePolicy",
    "dynamodb:DescribeContinuousBackups": "dynamodb:DescribeContinuousBackups",
    "dynamodb:ListBackups": "dynamodb:ListBackups",
    **tagging.OPERATIONS,
}
KIND, NATIVE = Kind.NOSQL, "AWS::DynamoDB::Table"
LEGACY = "2017.11.29"


def _arn(account: Account, region: str, name: str) -> str:
    return account.arn("dynamodb", f"table/{name}", region)


def discover(scan: Scan) -> list[Found]:
    listed = regional.per_region(scan, lambda a, r: scan.pages(a, r, "dynamodb", "ListTables", "TableNames"))
    placed: dict[tuple[str, str], list[str]] = {}
    for account, region, names in listed:
        if names:
            placed.setdefault((account.id, region), []).extend(_arn(account, region, str(n)) for n in names)
    by_hand: set[str] = set()

    def one_by_one(account: Account, arn: str) -> dict[str, str] | None:
        by_hand.add(arn)
        items = scan.pages(account, regional.arn_region(arn), "dynamodb", "ListTagsOfResource", "Tags",
                           resource=arn, ResourceArn=arn)
        return None if items is None else regional.tag_map(items)

    tags = tagging.bulk_tags(scan, placed, "dynamodb:table", one_by_one)
    found = []
    for account, region, names in listed:
        for name in names or ():
            arn = _arn(account, region, str(name))
            evidence = ("dynamodb:ListTables",
                        "dynamodb:ListTagsOfResource" if arn in by_hand else "resourcegroupstaggingapi:GetResources")
            found.append(Found(arn=arn, service="dynamodb", kind=KIND, native_type=NATIVE, name=str(name),
                               account=account.id, region=region, tags=tags.get(arn) or {}, evidence=evidence,
                               facts={"tags_unreadable": True} if tags.get(arn) is None else {}))
    return found


def read(scan: Scan, found: Found, deep: bool) -> Read:
    if not deep:
        return regional.shallow(scan, found)
    account = scan.account(found.account)
    assert account is not None, "a listed table always belongs to a scanned account"
    evidence = list(found.evidence)

    def call(operation: str, *absent: str, **params: Any) -> dict[str, Any] | None:
        evidence.append(f"dynamodb:{operation}")
        return scan.call(account, found.region, "dynamodb", operation, resource=found.arn, absent=absent, **params)

    described = call("DescribeTable", TableName=found.name)
    table = (described or {}).get("Table") or {}
    locations, copies = _replicas(found, account, table)
    if table.get("GlobalTableVersion") == LEGACY:
        legacy = call("DescribeGlobalTable", "GlobalTableNotFoundException", GlobalTableName=found.name)
        for replica in ((legacy or {}).get("GlobalTableDescription") or {}).get("ReplicationGroup") or []:
            region = str(replica.get("RegionName"))
            if region != found.region:
                arn = _arn(account, region, found.name)
                locations.append(DataLocation(region, LocationRole.REPLICA, via=Via.DYNAMODB_GLOBAL_TABLE_2017,
                                              target=arn, account=account.id))
                copies.append(arn)
    grants = _grants(scan, found, call("GetResourcePolicy", "PolicyNotFoundException", ResourceArn=found.arn))
    continuous = call("DescribeContinuousBackups", TableName=found.name)
    backups = scan.pages(account, found.region, "dynamodb", "ListBackups", "BackupSummaries", resource=found.arn,
                         TableName=found.name)
    evidence.append("dynamodb:ListBackups")
    pitr = ((continuous or {}).get("ContinuousBackupsDescription") or {}).get("PointInTimeRecoveryDescription") or {}
    keyref, lookup = _encryption(found, account, None if described is None else table)
    attributes = {
        "depth": "deep", **found.facts, "global_table_version": table.get("GlobalTableVersion"),
        "point_in_time_recovery": None if continuous is None else pitr.get("PointInTimeRecoveryStatus"),
        "backups": None if backups is None else [
            {"arn": b.get("BackupArn"), "type": b.get("BackupType"), "status": b.get("BackupStatus")} for b in backups],
        "replicas_complete": described is not None,
    }
    resource = listing_resource(
        found, scan.organization, locations=tuple(dict.fromkeys(locations)), encryption=keyref,
        access=tuple(grants or ()), attributes=attributes, evidence=tuple(dict.fromkeys(evidence)))
    return Read(resource, key=lookup, copies=tuple(dict.fromkeys(copies)))


def _replicas(found: Found, account: Account, table: dict[str, Any]) -> tuple[list[DataLocation], list[str]]:
    locations = [DataLocation(found.region)]
    copies = []
    for replica in table.get("Replicas") or []:
        region = str(replica.get("RegionName") or "")
        if not region or region == found.region:
            continue
        arn = _arn(account, region, found.name)
        locations.append(DataLocation(region, LocationRole.REPLICA, via=Via.DYNAMODB_GLOBAL_TABLE, target=arn,
                                      account=account.id))
        copies.append(arn)
    return locations, copies


def _grants(scan: Scan, found: Found, answer: dict[str, Any] | None) -> list[AccessGrant] | None:
    if not answer or not answer.get("Policy"):
        return None if answer is None else []
    try:
        return policy.grants(str(answer["Policy"]), service="dynamodb", source=GrantSource.RESOURCE_POLICY,
                             resource_arns=(found.arn,))
    except ValueError as exc:
        scan.gap("dynamodb", gaps.ERROR, f"dynamodb:GetResourcePolicy: unreadable policy document ({exc})",
                 account=found.account, region=found.region, resource=found.arn, aspect=GapAspect.ACCESS)
        return None


def _encryption(found: Found, account: Account, table: dict[str, Any] | None) -> tuple[KeyRef, KeyLookup | None]:
    if table is None:
        return KeyRef(KeyManager.UNKNOWN, region=found.region), None
    sse = table.get("SSEDescription") or {}
    if sse.get("Status") not in ("ENABLED", "UPDATING") or sse.get("SSEType") != "KMS":
        return regional.aws_owned(found.region), None  # DynamoDB always encrypts; by default with an AWS owned key
    key = str(sse.get("KMSMasterKeyArn") or "alias/aws/dynamodb")
    return KeyRef(KeyManager.UNKNOWN, key, found.region), KeyLookup(account.id, found.region, key)


# -- in a Terraform plan ----------------------------------------------------------------------


def dynamodb_table(change: Change) -> Iterator[Fact]:
    replicas = []
    for i, replica in items(change.get("replica")):
        region = None if change.unknown("replica", i, "region_name") else text(replica.get("region_name"))
        replicas.append(DataLocation(region=region or UNKNOWN, role=LocationRole.REPLICA,
                                     via=Via.DYNAMODB_GLOBAL_TABLE))
    sse = change.get("server_side_encryption", 0) or {}
    if sse.get("enabled") is True:
        key = plan.kms_link(change, ("server_side_encryption", 0, "kms_key_arn"), aws_managed="aws/dynamodb")
    else:  # DynamoDB always encrypts at rest, with an AWS owned key unless told otherwise
        key = KeyLink(KeyManager.PROVIDER, key_id="AWS owned key", evidence=change.path("server_side_encryption"))
    yield Store(
        kind=Kind.NOSQL,
        service="dynamodb",
        name=change.planned_name("name"),
        locations=tuple(replicas),
        key=key,
        identities=plan.identities("dynamodb", change, "name"),
        evidence=tuple(change.path("replica", i) for i, _ in items(change.get("replica"))),
    )


def dynamodb_resource_policy(change: Change) -> Iterator[Fact]:
    table = plan.target(change, "resource_arn", Kind.NOSQL, "dynamodb", create=False)
    yield from plan.policy_attachment(change, table, service="dynamodb", source=GrantSource.RESOURCE_POLICY,
                                      resource_arn=change.text("resource_arn"))


def dynamodb_table_replica(change: Change) -> Iterator[Fact]:
    yield plan.copy_of(change, "global_table_arn", Kind.NOSQL, "dynamodb",
                       LocationRole.REPLICA, Via.DYNAMODB_GLOBAL_TABLE)


SERVICE = Service(
    name="dynamodb", operations=OPERATIONS, discover=discover, read=read,
    types=(TypeSpec(KIND, NATIVE, terraform=("aws_dynamodb_table",)),),
    plan={"aws_dynamodb_table": dynamodb_table, "aws_dynamodb_resource_policy": dynamodb_resource_policy,
          "aws_dynamodb_table_replica": dynamodb_table_replica},
    probes={"dynamodb": {
        Permission.READ: ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:ExportTableToPointInTime"),
        Permission.WRITE: ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
        Permission.ADMIN: ("dynamodb:PutResourcePolicy", "dynamodb:DeleteTable"),
    }},
    backup=True,
    vias=(Via.DYNAMODB_GLOBAL_TABLE, Via.DYNAMODB_GLOBAL_TABLE_2017),
)
