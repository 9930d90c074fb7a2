"""Redshift: cross-region snapshot copy, snapshots shared with other accounts, audit logging."""

from __future__ import annotations

import boto3
import pytest

from auditor.model.inventory import KeyManager, LocationRole, PrincipalKind
from tests.aws.conftest import HEALTH, scan

FOREIGN = "999988887777"


@pytest.fixture
def restore_access(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Extend the in-process emulator: moto does not implement ``AuthorizeSnapshotAccess``; snapshot id ->
    the accounts it lists in ``AccountsWithRestoreAccess``."""
    from moto.redshift.models import Snapshot

    shared: dict[str, list[str]] = {}
    monkeypatch.setattr(Snapshot, "accounts_with_restore_access", property(
        lambda self: [{"AccountId": a} for a in shared.get(self.snapshot_identifier, [])]), raising=False)
    return shared


def test_snapshot_copy_region_and_snapshot_shares(aws, restore_access):
    redshift = boto3.client("redshift", region_name="eu-west-3")
    for name, tags in (("eds", HEALTH), ("finance", {"data-classification": "internal"})):
        redshift.create_cluster(ClusterIdentifier=name, NodeType="dc2.large", MasterUsername="admin1",
                                MasterUserPassword="Password1", ClusterType="single-node",
                                Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    redshift.enable_snapshot_copy(ClusterIdentifier="eds", DestinationRegion="us-west-2")
    redshift.create_cluster_snapshot(SnapshotIdentifier="eds-manual", ClusterIdentifier="eds")
    restore_access["eds-manual"] = [FOREIGN]

    found = {r.name: r for r in scan(regions=("eu-west-3",)).resources if r.service == "redshift"}

    eds = found["eds"]
    assert (eds.kind, eds.native_type, eds.region) == ("warehouse", "AWS::Redshift::Cluster", "eu-west-3")
    assert [(loc.role, loc.region, loc.via) for loc in eds.locations[1:]] == [
        (LocationRole.SNAPSHOT_COPY, "us-west-2", "redshift-snapshot-copy")]
    assert [(g.principal, g.principal_kind, g.home, g.source) for g in eds.access] == [
        (FOREIGN, PrincipalKind.ACCOUNT, FOREIGN, "snapshot-share")]
    assert eds.encryption.manager is KeyManager.NONE and eds.logging is False
    assert found["finance"].attributes["depth"] == "listing"
