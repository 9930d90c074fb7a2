"""Which aspect of a store each AWS read is about, so a failed read makes unknown only the
checks that depend on it (see ``GapAspect``)."""

from __future__ import annotations

from auditor.model.inventory import GapAspect

_EXACT: dict[str, GapAspect] = {
    "s3:GetBucketLocation": GapAspect.STORE,  # the store's own region: everything depends on it
    "s3:HeadBucket": GapAspect.LOCATION,  # the region of a replication destination
    "s3:GetBucketPolicyStatus": GapAspect.ACCESS,
    "kms:DescribeKey": GapAspect.KEY,
    "kms:GetKeyPolicy": GapAspect.ACCESS,  # who may decrypt is who may read
    "redshift:DescribeLoggingStatus": GapAspect.LOGGING,
    "ec2:DescribeSnapshotAttribute": GapAspect.ACCESS,
    "efs:DescribeBackupPolicy": GapAspect.LOCATION,  # where backups go
    "dynamodb:DescribeGlobalTable": GapAspect.LOCATION,  # replica regions of a legacy global table
}
# Checked in order on the operation name when no exact entry matches.
_WORDS: tuple[tuple[str, GapAspect], ...] = (
    ("Tag", GapAspect.CLASSIFICATION),
    ("Logging", GapAspect.LOGGING),
    ("Encryption", GapAspect.KEY),
    ("Policy", GapAspect.ACCESS),
    ("Acl", GapAspect.ACCESS),
    ("PublicAccessBlock", GapAspect.ACCESS),
    ("Attribute", GapAspect.ACCESS),
    ("Replication", GapAspect.LOCATION),
    ("Backup", GapAspect.LOCATION),
    ("RecoveryPoint", GapAspect.LOCATION),
    ("CopyJob", GapAspect.LOCATION),
    ("Snapshot", GapAspect.LOCATION),
)


def of(operation: str) -> GapAspect:
    """The aspect of ``service:Operation`` (``store`` when the read is about the store as a whole)."""
    hit = _EXACT.get(operation)
    if hit is not None:
        return hit
    name = operation.partition(":")[2]
    if name.startswith("List") and name.endswith(("s", "Datastores")) and "Tag" not in name \
            and "Backup" not in name and "Snapshot" not in name and "RecoveryPoint" not in name:
        return GapAspect.STORE  # a listing: the stores themselves
    return next((aspect for word, aspect in _WORDS if word in name), GapAspect.STORE)
