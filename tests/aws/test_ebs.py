"""EBS snapshots: restorable by everyone or by foreign accounts, and their copies in other regions."""

from __future__ import annotations

import boto3

from auditor.connectors.aws import calls
from auditor.model.inventory import KeyManager, LocationRole, PrincipalKind
from tests.aws.conftest import HEALTH, scan

FOREIGN = "999988887777"


def _snapshot(ec2, name: str, tags: dict[str, str]) -> str:
    volume = ec2.create_volume(AvailabilityZone="eu-west-3a", Size=1)["VolumeId"]
    snapshot: str = ec2.create_snapshot(VolumeId=volume, TagSpecifications=[{"ResourceType": "snapshot", "Tags": [
        {"Key": k, "Value": v} for k, v in {"Name": name, **tags}.items()]}])["SnapshotId"]
    return snapshot


def test_public_and_foreign_shares_and_a_cross_region_copy(aws):
    paris = boto3.client("ec2", region_name="eu-west-3")
    disk = _snapshot(paris, "pacs-disk", HEALTH)
    paris.modify_snapshot_attribute(SnapshotId=disk, Attribute="createVolumePermission", OperationType="add",
                                    GroupNames=["all"])
    paris.modify_snapshot_attribute(SnapshotId=disk, Attribute="createVolumePermission", OperationType="add",
                                    UserIds=[FOREIGN])
    # AWS describes a copy as "[Copied <source> from <region>]" unless told otherwise (moto leaves it empty)
    copy = boto3.client("ec2", region_name="us-east-1").copy_snapshot(
        SourceSnapshotId=disk, SourceRegion="eu-west-3", Description=f"[Copied {disk} from eu-west-3]")["SnapshotId"]
    build = _snapshot(paris, "build-cache", {"data-classification": "internal"})
    paris.modify_snapshot_attribute(SnapshotId=build, Attribute="createVolumePermission", OperationType="add",
                                    GroupNames=["all"])

    inventory = scan(regions=("eu-west-3", "us-east-1"))
    found = {r.name: r for r in inventory.resources if r.service == "ebs"}

    snap = found["pacs-disk"]
    assert (snap.id, snap.kind, snap.region) == (f"arn:aws:ec2:eu-west-3::snapshot/{disk}", "snapshot", "eu-west-3")
    assert {(g.principal, g.principal_kind, g.home, g.source) for g in snap.access} == {
        ("all", PrincipalKind.PUBLIC, None, "snapshot-share"),
        (FOREIGN, PrincipalKind.ACCOUNT, FOREIGN, "snapshot-share")}
    copy_arn = f"arn:aws:ec2:us-east-1::snapshot/{copy}"
    assert [(loc.role, loc.region, loc.target) for loc in snap.locations[1:]] == [
        (LocationRole.SNAPSHOT_COPY, "us-east-1", copy_arn)]
    assert snap.encryption.manager is KeyManager.NONE
    copied = next(r for r in inventory.resources if r.id == copy_arn)  # untagged, but a copy of health data
    assert copied.attributes["depth"] == "deep" and copied.attributes["copy_of"] == [snap.id]
    assert found["build-cache"].attributes["depth"] == "listing" and found["build-cache"].access == ()
    assert calls.last_scan()["ec2:DescribeSnapshotAttribute"] == 2  # the health snapshot and its copy only
