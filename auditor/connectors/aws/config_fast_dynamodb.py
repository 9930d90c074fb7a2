"""A DynamoDB table's AWS Config item as the answers of the DynamoDB reads it stands for (pure functions).

The direct reader (:mod:`.dynamodb`) turns ``DescribeTable`` (replicas of a global table, its version,
the encryption key) and ``DescribeContinuousBackups`` (point-in-time recovery) answers into facts; this
module rebuilds those two answers from an ``AWS::DynamoDB::Table`` item, so the same code produces the
same facts whichever way the answer came. A field the item lacks, or holds with a type or value not
translated here, is *not* answered: the direct reader asks DynamoDB, and :func:`answers` says why.

The item's shape is AWS's published one (no emulator records DynamoDB items, so it is tested against a
local endpoint answering this shape, never against real AWS Config):

* the item (``BaseConfigurationItem``): ``configuration`` is the table as JSON text,
  ``supplementaryConfiguration`` a map of JSON texts
  (https://docs.aws.amazon.com/config/latest/APIReference/API_BaseConfigurationItem.html, checked
  2026-12-07);
* the fields (AWS Config resource schema, checked 2026-12-07:
  https://github.com/awslabs/aws-config-resource-schema/blob/master/config/properties/resource-types/AWS::DynamoDB::Table.properties.json):
  ``configuration.tableName``, ``.tableArn``, ``.tableStatus``, ``.globalTableVersion``,
  ``.replicas[].regionName`` / ``.replicaStatus``, ``.ssedescription.status`` / ``.ssetype`` /
  ``.kmsmasterKeyArn``; ``supplementaryConfiguration.ContinuousBackupsDescription.continuousBackupsStatus``
  and ``.pointInTimeRecoveryDescription.pointInTimeRecoveryStatus``;
* the values (DynamoDB API reference: ``SSEDescription``, ``ContinuousBackupsDescription``,
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_SSEDescription.html and
  API_PointInTimeRecoveryDescription.html, checked 2026-12-07).

``replicas``, ``ssedescription`` and ``globalTableVersion`` must be present; ``null`` (or an empty list)
is read as "none", as ``DescribeTable`` leaves them out for a table with no replica, the AWS owned key,
no global table. An item whose ``tableArn`` is not the table's own is not used.

Never taken from items (always read directly): the resource policy (``GetResourcePolicy``), the backups
(``ListBackups``) and a version 2017.11.29 global table's replicas (``DescribeGlobalTable``): the item
does not carry them.

RDS: the ``AWS::RDS::DBInstance`` and ``AWS::RDS::DBCluster`` schemas (same repository, ``….properties.json``,
checked 2026-12-07) carry the listing's fields (``DescribeDBInstances`` / ``DescribeDBClusters``, read
anyway to find the databases) but none of the per-database reads: automated-backup replications
(``DescribeDBInstanceAutomatedBackups``), global cluster membership (``DescribeGlobalClusters``), manual
snapshots and who may restore them (other resource types). So RDS items are never fetched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.connectors.aws.config_fast_s3 import Untranslated, decoded, field, mapping
from auditor.connectors.aws.service import Found

TABLE = "AWS::DynamoDB::Table"
DESCRIBE, BACKUPS = "dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups"
SERVED = (DESCRIBE, BACKUPS)
ALWAYS_DIRECT: dict[str, str] = {
    "dynamodb:GetResourcePolicy": "AWS Config items do not carry a table's resource policy",
    "dynamodb:ListBackups": "AWS Config items do not carry a table's backups",
}
_SSE_STATUS = frozenset({"ENABLING", "ENABLED", "DISABLING", "DISABLED", "UPDATING"})
_SSE_TYPE = frozenset({"AES256", "KMS"})
_BACKUP_STATUS = frozenset({"ENABLED", "DISABLED"})


def answers(item: Mapping[str, Any], found: Found) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """(operation -> the answer it would give, operation -> why it must be read directly)."""
    out: dict[str, dict[str, Any]] = {}
    direct = dict(ALWAYS_DIRECT)
    try:
        out[DESCRIBE] = describe_table(decoded(item.get("configuration")), found)
    except (Untranslated, TypeError, KeyError, AttributeError) as exc:
        direct[DESCRIBE] = f"configuration in a form not translated ({exc})"
    supplementary = item.get("supplementaryConfiguration")
    if not isinstance(supplementary, Mapping) or "ContinuousBackupsDescription" not in supplementary:
        direct[BACKUPS] = "the item has no ContinuousBackupsDescription"
    else:
        try:
            out[BACKUPS] = continuous_backups(decoded(supplementary["ContinuousBackupsDescription"]))
        except (Untranslated, TypeError, KeyError, AttributeError) as exc:
            direct[BACKUPS] = f"ContinuousBackupsDescription in a form not translated ({exc})"
    return out, direct


def describe_table(data: Any, found: Found) -> dict[str, Any]:
    """``DescribeTable``'s answer, with the fields the direct reader uses."""
    data = mapping(data)
    name, arn = _text(data, "tableName"), _text(data, "tableArn")
    if name != found.name or arn != found.arn:
        raise Untranslated(f"the item describes {arn!r}, not this table")
    table: dict[str, Any] = {"TableName": name, "TableArn": arn}
    status = data.get("tableStatus")
    if isinstance(status, str):
        table["TableStatus"] = status
    version = field(data, "globalTableVersion")
    if version is not None:
        table["GlobalTableVersion"] = _kind(version, str, "globalTableVersion")
    replicas = [_replica(r) for r in _kind(field(data, "replicas") or [], list, "replicas")]
    if replicas:
        table["Replicas"] = replicas
    sse = field(data, "ssedescription")
    if sse is not None:
        table["SSEDescription"] = _sse(mapping(sse))
    return {"Table": table}


def _replica(data: Any) -> dict[str, Any]:
    data = mapping(data)
    replica = {"RegionName": _text(data, "regionName")}
    status = data.get("replicaStatus")
    if status is not None:
        replica["ReplicaStatus"] = _kind(status, str, "replicaStatus")
    return replica


def _sse(data: Mapping[str, Any]) -> dict[str, Any]:
    status = _text(data, "status")
    if status not in _SSE_STATUS:
        raise Untranslated(f"ssedescription.status {status!r}")
    sse: dict[str, Any] = {"Status": status}
    kind = data.get("ssetype")
    if kind is not None:
        if kind not in _SSE_TYPE:
            raise Untranslated(f"ssedescription.ssetype {kind!r}")
        sse["SSEType"] = kind
    key = data.get("kmsmasterKeyArn")
    if key is not None:
        sse["KMSMasterKeyArn"] = _kind(key, str, "kmsmasterKeyArn")
    elif kind == "KMS":  # a KMS key the item does not name: not taken as the AWS managed key
        raise Untranslated("ssedescription.kmsmasterKeyArn missing for a KMS key")
    return sse


def continuous_backups(data: Any) -> dict[str, Any]:
    """``DescribeContinuousBackups``' answer (its statuses)."""
    data = mapping(data)
    status = _text(data, "continuousBackupsStatus")
    pitr = _text(mapping(field(data, "pointInTimeRecoveryDescription")), "pointInTimeRecoveryStatus")
    if status not in _BACKUP_STATUS or pitr not in _BACKUP_STATUS:
        raise Untranslated(f"statuses {status!r}, {pitr!r}")
    return {"ContinuousBackupsDescription": {"ContinuousBackupsStatus": status,
                                             "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": pitr}}}


def _text(data: Mapping[str, Any], name: str) -> str:
    value: str = _kind(field(data, name), str, name)
    return value


def _kind(value: Any, kind: type, name: str) -> Any:
    if not isinstance(value, kind):
        raise Untranslated(f"{name} is a {type(value).__name__}, not a {kind.__name__}")
    return value
