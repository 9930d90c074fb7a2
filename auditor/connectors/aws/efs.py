"""EFS file systems: replication destinations, the file system policy, keys.

Listing: ``DescribeFileSystems`` per account and scanned region (name and tags included).

Deep reads (in-scope file systems and their replicas): ``DescribeReplicationConfigurations``
(``ReplicationNotFound``: none) -> each destination's region (and owner account) as a ``replica``
location, the destination read deeply too when it is one of ours; ``DescribeFileSystemPolicy``
(``PolicyNotFound``: none) -> grants; ``DescribeBackupPolicy`` -> whether AWS Backup's automatic
backups are on; ``KmsKeyId`` -> the KMS key. NFS offers no data-access log: ``logging`` stays unknown.
"""

from __future__ import annotations

from typing import Any

from auditor.connectors.aws import gaps, policy, regional
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, Read, Service, listing_resource
from auditor.connectors.spec import TypeSpec
from auditor.model.inventory import AccessGrant, DataLocation, GapAspect, LocationRole, Permission
from auditor.model.vocab import GrantSource, Kind, Via

OPERATIONS = {
    "efs:DescribeFileSystems": "elasticfilesystem:DescribeFileSystems",
    "efs:DescribeReplicationConfigurations": "elasticfilesystem:DescribeReplicationConfigurations",
    "efs:DescribeFileSystemPolicy": "elasticfilesystem:DescribeFileSystemPolicy",
    "efs:DescribeBackupPolicy": "elasticfilesystem:DescribeBackupPolicy",
}
KIND, NATIVE = Kind.FILE_STORE, "AWS::EFS::FileSystem"
_RAW = "efs.raw"


def discover(scan: Scan) -> list[Found]:
    listed = regional.per_region(scan, lambda a, r: scan.pages(a, r, "efs", "DescribeFileSystems", "FileSystems"))
    raw: dict[str, dict[str, Any]] = {}
    found = []
    for account, region, systems in listed:
        for fs in systems or ():
            ident = str(fs["FileSystemId"])
            arn = str(fs.get("FileSystemArn") or account.arn("elasticfilesystem", f"file-system/{ident}", region))
            tags = regional.tag_map(fs.get("Tags"))
            raw[arn] = fs
            found.append(Found(arn=arn, service="efs", kind=KIND, native_type=NATIVE,
                               name=str(fs.get("Name") or tags.get("Name") or ident), account=account.id,
                               region=region, tags=tags, evidence=("efs:DescribeFileSystems",),
                               facts={"file_system_id": ident}))
    scan.shared[_RAW] = raw
    return found


def read(scan: Scan, found: Found, deep: bool) -> Read:
    if not deep:
        return regional.shallow(scan, found)
    account = scan.account(found.account)
    assert account is not None, "a listed file system always belongs to a scanned account"
    fs = scan.shared[_RAW][found.arn]
    ident = str(fs["FileSystemId"])

    def call(operation: str, absent: str, **params: Any) -> dict[str, Any] | None:
        return scan.call(account, found.region, "efs", operation, resource=found.arn, absent=(absent,), **params)

    replication = call("DescribeReplicationConfigurations", "ReplicationNotFound", FileSystemId=ident)
    locations = [DataLocation(found.region)]
    copies = []
    source_of = None
    for config in (replication or {}).get("Replications") or []:
        if config.get("SourceFileSystemId") != ident:  # we are a destination: the source holds the same bytes
            source_of = config.get("SourceFileSystemArn")
            locations.append(DataLocation(str(config.get("SourceFileSystemRegion") or "unknown"), LocationRole.REPLICA,
                                          via=Via.EFS_REPLICATION_SOURCE, target=source_of,
                                          account=config.get("SourceFileSystemOwnerId")))
            continue
        for dest in config.get("Destinations") or []:
            region = str(dest.get("Region") or "unknown")
            owner = str(dest.get("OwnerId") or account.id)
            arn = f"arn:{account.partition}:elasticfilesystem:{region}:{owner}:file-system/{dest.get('FileSystemId')}"
            locations.append(DataLocation(region, LocationRole.REPLICA, via=Via.EFS_REPLICATION, target=arn,
                                          account=owner))
            copies.append(arn)
    grants = _grants(scan, found, call("DescribeFileSystemPolicy", "PolicyNotFound", FileSystemId=ident))
    backup = call("DescribeBackupPolicy", "PolicyNotFound", FileSystemId=ident)
    keyref, lookup = regional.key_of(bool(fs.get("Encrypted")), fs.get("KmsKeyId"), account, found.region)
    resource = listing_resource(
        found, scan.organization, locations=tuple(dict.fromkeys(locations)), encryption=keyref,
        access=tuple(grants or ()),
        evidence=(*found.evidence, "efs:DescribeReplicationConfigurations", "efs:DescribeFileSystemPolicy",
                  "efs:DescribeBackupPolicy"),
        attributes={"depth": "deep", **found.facts, "replication_source": source_of,
                    "replication_readable": replication is not None,
                    "automatic_backups": None if backup is None else (backup.get("BackupPolicy") or {}).get("Status")})
    return Read(resource, key=lookup, copies=tuple(copies))


def _grants(scan: Scan, found: Found, answer: dict[str, Any] | None) -> list[AccessGrant] | None:
    if not answer or not answer.get("Policy"):
        return None if answer is None else []
    try:
        return policy.grants(str(answer["Policy"]), service="elasticfilesystem",
                             source=GrantSource.FILE_SYSTEM_POLICY, resource_arns=(found.arn,))
    except ValueError as exc:
        scan.gap("efs", gaps.ERROR, f"efs:DescribeFileSystemPolicy: unreadable policy document ({exc})",
                 account=found.account, region=found.region, resource=found.arn, aspect=GapAspect.ACCESS)
        return None


SERVICE = Service(
    name="efs", operations=OPERATIONS, discover=discover, read=read,
    types=(TypeSpec(KIND, NATIVE, not_in_plans=(
        "aws_efs_file_system is not read from plans yet: its replication (aws_efs_replication_configuration) "
        "and file system policy would be the facts to map")),),
    probes={"elasticfilesystem": {  # file system policies
        Permission.READ: ("elasticfilesystem:ClientMount",),
        Permission.WRITE: ("elasticfilesystem:ClientWrite",),
        Permission.ADMIN: ("elasticfilesystem:ClientRootAccess", "elasticfilesystem:DeleteFileSystem"),
    }},
    backup=True,
    vias=(Via.EFS_REPLICATION, Via.EFS_REPLICATION_SOURCE),
)
