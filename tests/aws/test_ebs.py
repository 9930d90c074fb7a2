"""EBS snapshots: restorable by everyone or by foreign accounts, and their copies in other regions."""

from __future__ import annotations

import boto3

from auditor.connectors.aws import calls
from auditor.model.inventory import KeyManager, LocationRole, PrincipalKind
from tests.aws.conftest import ACCOUNT, HEALTH, scan

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


def _image_snapshot(region: str, owner: str) -> str:
    """A snapshot another account owns in the emulator's state, as each of its default machine images has
    (Amazon's, Canonical's): moto lists those to every caller, whatever ``OwnerIds`` says."""
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[ACCOUNT][region]
    volume = backend.create_volume(size=8, zone_name=f"{region}a")
    return str(backend.create_snapshot(volume.id, "image snapshot", owner_id=owner).id)


def test_a_snapshot_another_account_owns_is_not_this_accounts_store(aws):
    mine = _snapshot(boto3.client("ec2", region_name="eu-west-3"), "pacs-disk", HEALTH)
    amazon = _image_snapshot("eu-west-3", "137112412989")
    ids = {r.attributes.get("snapshot_id") for r in scan(regions=("eu-west-3",)).resources if r.service == "ebs"}
    assert mine in ids and amazon not in ids


def test_the_owner_is_checked_even_where_the_owner_filter_is_ignored(aws, monkeypatch):
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    listing = ElasticBlockStore.describe_snapshots

    def unfiltered(self: ElasticBlockStore) -> object:  # an endpoint that ignores both OwnerIds and Filters
        self._filters_from_querystring = lambda: {}  # type: ignore[method-assign]
        return listing(self)

    monkeypatch.setattr(ElasticBlockStore, "describe_snapshots", unfiltered)
    mine = _snapshot(boto3.client("ec2", region_name="eu-west-3"), "pacs-disk", HEALTH)
    amazon = _image_snapshot("eu-west-3", "137112412989")
    ids = {r.attributes.get("snapshot_id") for r in scan(regions=("eu-west-3",)).resources if r.service == "ebs"}
    assert mine in ids and amazon not in ids
