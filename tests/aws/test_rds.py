"""RDS and Aurora: read replicas, global clusters, replicated automated backups, snapshot copies and shares."""

from __future__ import annotations

import boto3
import pytest

from auditor.connectors.aws import calls
from auditor.model.inventory import KeyManager, LocationRole, PrincipalKind
from tests.aws.conftest import ACCOUNT, HEALTH, scan

FOREIGN = "999988887777"
REGIONS = ("eu-west-3", "us-east-1")


def _rds(region: str):
    return boto3.client("rds", region_name=region)


def _db(region: str, name: str, tags: dict[str, str] = HEALTH, **options) -> dict:
    return _rds(region).create_db_instance(
        DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
        MasterUsername="admin1", MasterUserPassword="password1",
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()], **options)["DBInstance"]


def _by_name(inventory) -> dict:
    return {r.name: r for r in inventory.resources if r.service == "rds"}


def test_read_replica_snapshot_copy_and_snapshot_shares(aws):
    key = boto3.client("kms", region_name="eu-west-3").create_key()["KeyMetadata"]["Arn"]
    db = _db("eu-west-3", "dpi", StorageEncrypted=True, KmsKeyId=key)
    _rds("us-east-1").create_db_instance_read_replica(
        DBInstanceIdentifier="dpi-dr", SourceDBInstanceIdentifier=db["DBInstanceArn"], SourceRegion="eu-west-3")
    paris = _rds("eu-west-3")
    snap = paris.create_db_snapshot(DBSnapshotIdentifier="dpi-manual", DBInstanceIdentifier="dpi")["DBSnapshot"]
    paris.modify_db_snapshot_attribute(DBSnapshotIdentifier="dpi-manual", AttributeName="restore",
                                       ValuesToAdd=[FOREIGN, "all"])
    _rds("us-east-1").copy_db_snapshot(SourceDBSnapshotIdentifier=snap["DBSnapshotArn"],
                                       TargetDBSnapshotIdentifier="dpi-manual-us", SourceRegion="eu-west-3")
    _db("eu-west-3", "marketing", tags={"data-classification": "public"})

    found = _by_name(scan(regions=REGIONS))

    dpi = found["dpi"]
    assert (dpi.kind, dpi.native_type, dpi.region) == ("database", "AWS::RDS::DBInstance", "eu-west-3")
    assert {(loc.role, loc.region, loc.via, loc.target) for loc in dpi.locations[1:]} == {
        (LocationRole.REPLICA, "us-east-1", "rds-read-replica", f"arn:aws:rds:us-east-1:{ACCOUNT}:db:dpi-dr"),
        (LocationRole.SNAPSHOT_COPY, "us-east-1", "rds-snapshot-copy",
         f"arn:aws:rds:us-east-1:{ACCOUNT}:snapshot:dpi-manual-us")}
    assert {(g.principal, g.principal_kind, g.home, g.source) for g in dpi.access} == {
        ("all", PrincipalKind.PUBLIC, None, "snapshot-share"),
        (FOREIGN, PrincipalKind.ACCOUNT, FOREIGN, "snapshot-share")}
    assert (dpi.encryption.manager, dpi.encryption.key_id, dpi.encryption.region) == (
        KeyManager.CUSTOMER, key, "eu-west-3")
    assert found["dpi-dr"].attributes["copy_of"] == [dpi.id]
    marketing = found["marketing"]
    assert marketing.attributes["depth"] == "listing" and marketing.access == () and marketing.encryption is None
    counts = calls.last_scan()
    assert counts["rds:DescribeDBSnapshotAttributes"] == 2  # dpi's two manual snapshots, nothing of marketing
    assert counts["rds:DescribeDBInstances"] == len(REGIONS)


def test_aurora_global_database_members_are_replicas_and_cluster_members_are_not_stores(aws):
    virginia, paris = _rds("us-east-1"), _rds("eu-west-3")
    virginia.create_global_cluster(GlobalClusterIdentifier="dpi-global", Engine="aurora-postgresql")
    paris.create_db_cluster(DBClusterIdentifier="dpi-aurora", Engine="aurora-postgresql", MasterUsername="admin1",
                            MasterUserPassword="password1", GlobalClusterIdentifier="dpi-global",
                            Tags=[{"Key": k, "Value": v} for k, v in HEALTH.items()])
    paris.create_db_instance(DBInstanceIdentifier="dpi-aurora-1", DBClusterIdentifier="dpi-aurora",
                             Engine="aurora-postgresql", DBInstanceClass="db.r5.large")
    virginia.create_db_cluster(DBClusterIdentifier="dpi-aurora-us", Engine="aurora-postgresql",
                               GlobalClusterIdentifier="dpi-global")

    found = _by_name(scan(regions=REGIONS))

    aurora = found["dpi-aurora"]
    assert aurora.native_type == "AWS::RDS::DBCluster" and "dpi-aurora-1" not in found
    assert aurora.attributes["members"] == ["dpi-aurora-1"]
    assert [(loc.role, loc.region, loc.via) for loc in aurora.locations] == [
        (LocationRole.PRIMARY, "eu-west-3", None), (LocationRole.REPLICA, "us-east-1", "aurora-global-database")]
    assert aurora.attributes["global_cluster"] == "dpi-global"
    assert aurora.encryption.manager is KeyManager.NONE
    secondary = found["dpi-aurora-us"]  # untagged, read deeply because it holds a copy
    assert secondary.attributes["depth"] == "deep" and secondary.attributes["copy_of"] == [aurora.id]


@pytest.fixture
def replicated_automated_backups(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Extend the in-process emulator: moto's automated backups lack ``DBInstanceAutomatedBackupsReplications``
    (and ``StartDBInstanceAutomatedBackupsReplication`` is not implemented). Instance name -> replica ARNs."""
    from moto.rds.models import DBInstanceAutomatedBackup

    replicas: dict[str, list[str]] = {}
    monkeypatch.setattr(DBInstanceAutomatedBackup, "db_instance_automated_backups_replications", property(
        lambda self: [{"DBInstanceAutomatedBackupsArn": a} for a in replicas.get(self.db_instance_identifier, [])]),
        raising=False)
    return replicas


def test_automated_backups_replicated_to_another_region_are_backup_locations(aws, replicated_automated_backups):
    _db("eu-west-3", "labo", BackupRetentionPeriod=7)
    _db("eu-west-3", "labo-no-backups", BackupRetentionPeriod=0)
    oregon = f"arn:aws:rds:us-west-2:{ACCOUNT}:auto-backup:ab-labo0123456789"
    replicated_automated_backups["labo"] = [oregon]

    found = _by_name(scan(regions=("eu-west-3",)))

    assert [(loc.role, loc.region, loc.via, loc.target, loc.account) for loc in found["labo"].locations[1:]] == [
        (LocationRole.BACKUP, "us-west-2", "rds-automated-backups-replication", oregon, ACCOUNT)]
    assert found["labo-no-backups"].locations[1:] == ()
    assert calls.last_scan()["rds:DescribeDBInstanceAutomatedBackups"] == 1  # none asked without retention
