"""RDS and Aurora: where every database's bytes live (replicas, global clusters, backups, snapshots).

Listing (every account and scanned region): ``DescribeDBInstances`` and ``DescribeDBClusters``,
which carry tags, encryption and the replication topology already. An Aurora (or Multi-AZ DB)
cluster is one store; its member instances hold no storage of their own and are kept as facts of
the cluster, not as stores.

Deep reads (in-scope databases and the replicas they point to):

* cross-region read replicas (``ReadReplicaDBInstanceIdentifiers`` / ``…DBClusterIdentifiers``:
  ARNs for another region) -> ``replica`` locations, and the replicas are read deeply too;
* Aurora global databases (``DescribeGlobalClusters``, once per account and region): every other
  member cluster's region -> ``replica`` locations;
* automated-backup replication (``DBInstanceAutomatedBackupsReplications`` on the instance and
  ``DescribeDBInstanceAutomatedBackups``) -> ``backup`` locations in the destination region;
* manual snapshots (:mod:`rds_snapshots`): copies in other regions, and restore permissions
  (accounts or ``all``) -> grants with source ``snapshot-share``;
* encryption: ``KmsKeyId`` -> the KMS key (resolved once by the scan); not encrypted -> ``none``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from auditor.connectors.aws import plan, rds_snapshots, regional
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, Read, Service, listing_resource
from auditor.connectors.aws.session import Account
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, Store
from auditor.model.inventory import DataLocation, LocationRole, Network
from auditor.model.vocab import Kind, Via

OPERATIONS = {
    "rds:DescribeDBInstances": "rds:DescribeDBInstances",
    "rds:DescribeDBClusters": "rds:DescribeDBClusters",
    "rds:DescribeGlobalClusters": "rds:DescribeGlobalClusters",
    "rds:DescribeDBInstanceAutomatedBackups": "rds:DescribeDBInstanceAutomatedBackups",
    **rds_snapshots.OPERATIONS,
}
KIND = Kind.DATABASE
INSTANCE, CLUSTER = "AWS::RDS::DBInstance", "AWS::RDS::DBCluster"
_RAW = "rds.raw"


def discover(scan: Scan) -> list[Found]:
    def listing(account: Account, region: str) -> tuple[list[Any], list[Any]]:
        clusters = scan.pages(account, region, "rds", "DescribeDBClusters", "DBClusters") or []
        instances = scan.pages(account, region, "rds", "DescribeDBInstances", "DBInstances") or []
        return clusters, instances

    raw: dict[str, dict[str, Any]] = {}
    found: list[Found] = []
    for account, region, (clusters, instances) in regional.per_region(scan, listing):
        in_cluster = {str(c.get("DBClusterIdentifier")) for c in clusters}
        for c in clusters:
            arn = str(c.get("DBClusterArn") or account.arn("rds", f"cluster:{c['DBClusterIdentifier']}", region))
            raw[arn] = c
            found.append(Found(
                arn=arn, service="rds", kind=KIND, native_type=CLUSTER, name=str(c["DBClusterIdentifier"]),
                account=account.id, region=region, tags=regional.tag_map(c.get("TagList")),
                evidence=("rds:DescribeDBClusters",),
                facts={"engine": c.get("Engine"), "members": sorted(str(m.get("DBInstanceIdentifier"))
                                                                    for m in c.get("DBClusterMembers") or [])}))
        for i in instances:
            if i.get("DBClusterIdentifier") in in_cluster:
                continue  # an Aurora / Multi-AZ cluster member: the cluster is the store
            arn = str(i.get("DBInstanceArn") or account.arn("rds", f"db:{i['DBInstanceIdentifier']}", region))
            raw[arn] = i
            found.append(Found(
                arn=arn, service="rds", kind=KIND, native_type=INSTANCE, name=str(i["DBInstanceIdentifier"]),
                account=account.id, region=region, tags=regional.tag_map(i.get("TagList")),
                evidence=("rds:DescribeDBInstances",),
                facts={"engine": i.get("Engine"), "replica_of": i.get("ReadReplicaSourceDBInstanceIdentifier")}))
    scan.shared[_RAW] = raw
    return found


def _arn(account: Account, region: str, ident: str, kind: str) -> str:
    """A replica named by ARN (another region) or by bare identifier (the same region)."""
    return ident if ident.startswith("arn:") else account.arn("rds", f"{kind}:{ident}", region)


def _replica(arn: str, via: Via, default_region: str, default_account: str) -> DataLocation:
    return DataLocation(regional.arn_region(arn, default_region), LocationRole.REPLICA, via=via, target=arn,
                        account=regional.arn_account(arn, default_account))


def read(scan: Scan, found: Found, deep: bool) -> Read:
    if not deep:
        return regional.shallow(scan, found)
    account = scan.account(found.account)
    assert account is not None, "a listed database always belongs to a scanned account"
    raw = scan.shared[_RAW][found.arn]
    if found.native_type == CLUSTER:
        return _cluster(scan, account, found, raw)
    return _instance(scan, account, found, raw)


def _instance(scan: Scan, account: Account, found: Found, raw: dict[str, Any]) -> Read:
    region = found.region
    locations = [DataLocation(region)]
    copies: list[str] = []
    for ident in raw.get("ReadReplicaDBInstanceIdentifiers") or []:
        arn = _arn(account, region, str(ident), "db")
        locations.append(_replica(arn, Via.RDS_READ_REPLICA, region, account.id))
        copies.append(arn)
    for ident in raw.get("ReadReplicaDBClusterIdentifiers") or []:
        arn = _arn(account, region, str(ident), "cluster")
        locations.append(_replica(arn, Via.RDS_READ_REPLICA_CLUSTER, region, account.id))
        copies.append(arn)
    backups, backup_evidence = _backup_replication(scan, account, found, raw)
    snaps = rds_snapshots.of(scan, account, raw, region, rds_snapshots.INSTANCE)
    exports = [str(e) for e in raw.get("EnabledCloudwatchLogsExports") or []]
    return _result(scan, account, found, raw, [*locations, *backups, *snaps.locations], copies, snaps,
                   evidence=("rds:DescribeDBInstances", *backup_evidence),
                   encrypted=raw.get("StorageEncrypted"), logging=True if "audit" in exports else None,
                   facts={"replica_of": raw.get("ReadReplicaSourceDBInstanceIdentifier"),
                          "cluster_replica_of": raw.get("ReadReplicaSourceDBClusterIdentifier"),
                          "multi_az": raw.get("MultiAZ"), "backup_retention_days": raw.get("BackupRetentionPeriod"),
                          "log_exports": exports})


def _backup_replication(scan: Scan, account: Account, found: Found, raw: dict[str, Any]
                        ) -> tuple[list[DataLocation], tuple[str, ...]]:
    """Automated backups replicated to another region, from the instance and its automated backups."""
    replicated = raw.get("DBInstanceAutomatedBackupsReplications") or []
    arns = [str(r.get("DBInstanceAutomatedBackupsArn")) for r in replicated]
    evidence: tuple[str, ...] = ()
    if raw.get("BackupRetentionPeriod"):  # no automated backups at all otherwise
        answer = scan.call(account, found.region, "rds", "DescribeDBInstanceAutomatedBackups", resource=found.arn,
                           absent=("DBInstanceAutomatedBackupNotFound", "DBInstanceAutomatedBackupNotFoundFault"),
                           DBInstanceIdentifier=found.name)
        evidence = ("rds:DescribeDBInstanceAutomatedBackups",)
        for backup in (answer or {}).get("DBInstanceAutomatedBackups") or []:
            arns += [str(r.get("DBInstanceAutomatedBackupsArn"))
                     for r in backup.get("DBInstanceAutomatedBackupsReplications") or []]
    locations = [DataLocation(regional.arn_region(arn, arn), LocationRole.BACKUP,
                              via=Via.RDS_AUTOMATED_BACKUPS_REPLICATION, target=arn,
                              account=regional.arn_account(arn, account.id))
                 for arn in dict.fromkeys(a for a in arns if a and a != "None")]
    return locations, evidence


def _global_clusters(scan: Scan, account: Account, region: str) -> list[Any] | None:
    return scan.once(("rds.global", account.id, region), lambda: scan.pages(
        account, region, "rds", "DescribeGlobalClusters", "GlobalClusters"))


def _cluster(scan: Scan, account: Account, found: Found, raw: dict[str, Any]) -> Read:
    region = found.region
    locations = [DataLocation(region)]
    copies: list[str] = []
    global_id = None
    for g in _global_clusters(scan, account, region) or []:
        members = [str(m.get("DBClusterArn")) for m in g.get("GlobalClusterMembers") or []]
        if found.arn in members:
            global_id = g.get("GlobalClusterIdentifier")
            for arn in members:
                if arn != found.arn:
                    locations.append(_replica(arn, Via.AURORA_GLOBAL_DATABASE, region, account.id))
                    copies.append(arn)
    for ident in raw.get("ReadReplicaIdentifiers") or []:
        arn = _arn(account, region, str(ident), "cluster")
        locations.append(_replica(arn, Via.RDS_READ_REPLICA_CLUSTER, region, account.id))
        copies.append(arn)
    snaps = rds_snapshots.of(scan, account, raw, region, rds_snapshots.CLUSTER)
    exports = [str(e) for e in raw.get("EnabledCloudwatchLogsExports") or []]
    return _result(scan, account, found, raw, [*locations, *snaps.locations], copies, snaps,
                   evidence=("rds:DescribeDBClusters", "rds:DescribeGlobalClusters"),
                   encrypted=raw.get("StorageEncrypted"), logging=True if "audit" in exports else None,
                   facts={"global_cluster": global_id or raw.get("GlobalClusterIdentifier"),
                          "replica_of": raw.get("ReplicationSourceIdentifier"), "multi_az": raw.get("MultiAZ"),
                          "backup_retention_days": raw.get("BackupRetentionPeriod"), "log_exports": exports})


def _result(scan: Scan, account: Account, found: Found, raw: dict[str, Any], locations: list[DataLocation],
            copies: list[str], snaps: rds_snapshots.Found, *, evidence: tuple[str, ...], encrypted: Any,
            logging: bool | None, facts: dict[str, Any]) -> Read:
    keyref, lookup = regional.key_of(None if encrypted is None else bool(encrypted),
                                     str(raw.get("KmsKeyId") or "") or None, account, found.region)
    public = raw.get("PubliclyAccessible")
    attributes = {"depth": "deep", **found.facts, **facts, "manual_snapshots": snaps.facts,
                  "snapshots_complete": snaps.complete}
    resource = listing_resource(
        found, scan.organization, locations=tuple(dict.fromkeys(locations)), encryption=keyref,
        access=tuple(dict.fromkeys(snaps.grants)), logging=logging,
        network=Network(public_endpoint=None if public is None else bool(public)),
        evidence=tuple(dict.fromkeys((*evidence, *snaps.evidence))), attributes=attributes)
    return Read(resource, key=lookup, copies=tuple(dict.fromkeys(copies)))


# -- in a Terraform plan ----------------------------------------------------------------------


def db_instance(change: Change) -> Iterator[Fact]:
    yield Store(
        kind=Kind.DATABASE,
        service="rds",
        name=change.planned_name("identifier", "identifier_prefix"),
        key=plan.storage_key(change, "storage_encrypted", "kms_key_id", "aws/rds"),
        network=plan.public_endpoint(change, "publicly_accessible"),
        identities=plan.identities("rds", change, "identifier"),
        attributes={"engine": change.get("engine")},
    )
    if change.text("replicate_source_db") or change.refs("replicate_source_db"):
        yield plan.copy_of(change, "replicate_source_db", Kind.DATABASE, "rds",
                           LocationRole.REPLICA, Via.RDS_READ_REPLICA)


def rds_cluster(change: Change) -> Iterator[Fact]:
    yield Store(
        kind=Kind.DATABASE,
        service="rds",
        name=change.planned_name("cluster_identifier", "cluster_identifier_prefix"),
        key=plan.storage_key(change, "storage_encrypted", "kms_key_id", "aws/rds"),
        identities=plan.identities("rds", change, "cluster_identifier"),
        attributes={"engine": change.get("engine")},
    )
    # a cross-Region replica cluster (Aurora): a replica of its source where it is planned, as live
    # (the source's ``ReadReplicaIdentifiers``)
    if change.text("replication_source_identifier") or change.refs("replication_source_identifier"):
        yield plan.copy_of(change, "replication_source_identifier", Kind.DATABASE, "rds",
                           LocationRole.REPLICA, Via.RDS_READ_REPLICA_CLUSTER)


def db_backups_replication(change: Change) -> Iterator[Fact]:
    yield plan.copy_of(change, "source_db_instance_arn", Kind.DATABASE, "rds",
                       LocationRole.BACKUP, Via.RDS_AUTOMATED_BACKUPS_REPLICATION)


SERVICE = Service(
    name="rds", operations=OPERATIONS, discover=discover, read=read,
    types=(TypeSpec(KIND, INSTANCE, terraform=("aws_db_instance",)),
           TypeSpec(KIND, CLUSTER, terraform=("aws_rds_cluster",))),
    plan={"aws_db_instance": db_instance, "aws_rds_cluster": rds_cluster,
          "aws_db_instance_automated_backups_replication": db_backups_replication},
    backup=True,
    vias=(Via.RDS_READ_REPLICA, Via.RDS_READ_REPLICA_CLUSTER, Via.AURORA_GLOBAL_DATABASE, Via.RDS_SNAPSHOT_COPY,
          Via.RDS_AUTOMATED_BACKUPS_REPLICATION),
)
