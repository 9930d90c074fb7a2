"""Redshift provisioned clusters: cross-region snapshot copy, snapshot shares, keys, audit logging.

Listing: ``DescribeClusters`` per account and scanned region (tags included; the snapshot copy
destination too: ``ClusterSnapshotCopyStatus.DestinationRegion``).

Deep reads (in-scope clusters): the copy destination -> a ``snapshot-copy`` location;
``DescribeClusterSnapshots`` (manual snapshots of the cluster) -> ``AccountsWithRestoreAccess`` as
grants with source ``snapshot-share``; ``DescribeLoggingStatus`` -> audit logging on/off;
``KmsKeyId`` -> the KMS key.
"""

from __future__ import annotations

from typing import Any

from auditor.connectors.aws import regional
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, Read, Service, listing_resource
from auditor.connectors.spec import TypeSpec
from auditor.model.inventory import DataLocation, LocationRole, Network
from auditor.model.vocab import Kind, Via

OPERATIONS = {
    "redshift:DescribeClusters": "redshift:DescribeClusters",
    "redshift:DescribeClusterSnapshots": "redshift:DescribeClusterSnapshots",
    "redshift:DescribeLoggingStatus": "redshift:DescribeLoggingStatus",
}
KIND, NATIVE = Kind.WAREHOUSE, "AWS::Redshift::Cluster"
_RAW = "redshift.raw"


def discover(scan: Scan) -> list[Found]:
    listed = regional.per_region(scan, lambda a, r: scan.pages(a, r, "redshift", "DescribeClusters", "Clusters"))
    raw: dict[str, dict[str, Any]] = {}
    found = []
    for account, region, clusters in listed:
        for c in clusters or ():
            ident = str(c["ClusterIdentifier"])
            arn = account.arn("redshift", f"cluster:{ident}", region)
            raw[arn] = c
            copy = c.get("ClusterSnapshotCopyStatus") or {}
            found.append(Found(arn=arn, service="redshift", kind=KIND, native_type=NATIVE, name=ident,
                               account=account.id, region=region, tags=regional.tag_map(c.get("Tags")),
                               evidence=("redshift:DescribeClusters",),
                               facts={"snapshot_copy_region": copy.get("DestinationRegion")}))
    scan.shared[_RAW] = raw
    return found


def read(scan: Scan, found: Found, deep: bool) -> Read:
    if not deep:
        return regional.shallow(scan, found)
    account = scan.account(found.account)
    assert account is not None, "a listed cluster always belongs to a scanned account"
    raw = scan.shared[_RAW][found.arn]
    locations = [DataLocation(found.region)]
    copy = raw.get("ClusterSnapshotCopyStatus") or {}
    if copy.get("DestinationRegion"):
        locations.append(DataLocation(str(copy["DestinationRegion"]), LocationRole.SNAPSHOT_COPY,
                                      via=Via.REDSHIFT_SNAPSHOT_COPY, target=copy.get("SnapshotCopyGrantName"),
                                      account=account.id))
    snapshots = scan.pages(account, found.region, "redshift", "DescribeClusterSnapshots", "Snapshots",
                           resource=found.arn, ClusterIdentifier=found.name, SnapshotType="manual")
    shared = [str(a.get("AccountId")) for s in snapshots or () for a in s.get("AccountsWithRestoreAccess") or []
              if a.get("AccountId")]
    status = scan.call(account, found.region, "redshift", "DescribeLoggingStatus", resource=found.arn,
                       ClusterIdentifier=found.name)
    keyref, lookup = regional.key_of(bool(raw.get("Encrypted")), raw.get("KmsKeyId"), account, found.region)
    public = raw.get("PubliclyAccessible")
    resource = listing_resource(
        found, scan.organization, locations=tuple(locations), encryption=keyref,
        access=tuple(regional.restore_grants(shared)),
        network=Network(public_endpoint=None if public is None else bool(public)),
        logging=None if status is None else bool(status.get("LoggingEnabled")),
        evidence=(*found.evidence, "redshift:DescribeClusterSnapshots", "redshift:DescribeLoggingStatus"),
        attributes={"depth": "deep", **found.facts, "snapshot_copy_retention_days": copy.get("RetentionPeriod"),
                    "manual_snapshots": None if snapshots is None else [
                        {"arn": s.get("SnapshotArn"), "restorable_by": [
                            a.get("AccountId") for a in s.get("AccountsWithRestoreAccess") or []]} for s in snapshots],
                    "log_destination": None if not status else status.get("BucketName") or status.get(
                        "LogDestinationType") or None})
    return Read(resource, key=lookup)


SERVICE = Service(
    name="redshift", operations=OPERATIONS, discover=discover, read=read,
    types=(TypeSpec(KIND, NATIVE, not_in_plans=(
        "aws_redshift_cluster is not read from plans yet: its snapshot copy grant and cross-region copy "
        "(aws_redshift_snapshot_copy) would be the facts to map")),),
    backup=True,
    vias=(Via.REDSHIFT_SNAPSHOT_COPY,),
)
