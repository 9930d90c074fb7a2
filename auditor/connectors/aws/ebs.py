"""EBS snapshots: copies in other regions, and who outside the account may create volumes from them.

Listing: ``DescribeSnapshots(OwnerIds=[self])`` per account and scanned region (tags included), with
the ``owner-id`` filter naming the account as well: a snapshot another account owns (a public
machine image's, one shared with this account) is not this account's store, and an endpoint that
ignores one of the two (an emulator listing every image's snapshots) still honours the other; a
listed snapshot whose ``OwnerId`` is another account's is dropped all the same. A snapshot's name
is its ``Name`` tag, else its id; classification reads its tags and name.

Deep reads (in-scope snapshots and their copies): ``DescribeSnapshotAttribute``
(``createVolumePermission``): group ``all`` -> a public grant, each account id -> an account grant,
both with source ``snapshot-share``; encryption -> the KMS key. A copy made by ``CopySnapshot``
carries AWS's default description ``[Copied snap-… from <region>]``: the source snapshot gets a
``snapshot-copy`` location in the copy's region, and the copy is read deeply too.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.connectors.aws import regional
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, Read, Service, listing_resource
from auditor.connectors.aws.session import Account
from auditor.connectors.spec import TypeSpec
from auditor.model.inventory import DataLocation, LocationRole
from auditor.model.vocab import Kind, Via

OPERATIONS = {
    "ec2:DescribeSnapshots": "ec2:DescribeSnapshots",
    "ec2:DescribeSnapshotAttribute": "ec2:DescribeSnapshotAttribute",
}
KIND, NATIVE = Kind.SNAPSHOT, "AWS::EC2::Snapshot"
_COPIED = re.compile(r"Copied (snap-[0-9a-f]+) from ([a-z0-9-]+)")
_RAW = "ebs.raw"
_EVIDENCE = ("ec2:DescribeSnapshots",)


_Raw = tuple[str, bool | None, str | None, int | None]  # what a deep read uses: id, encrypted, key, size


def _arn(partition: str, region: str, ident: str) -> str:
    return f"arn:{partition}:ec2:{region}::snapshot/{ident}"  # snapshot ARNs name no account


def discover(scan: Scan) -> list[Found]:
    def listing(account: Account, region: str) -> list[tuple[Found, _Raw]] | None:
        # each snapshot is cut down to what is kept as its page arrives (on the worker): a region's
        # whole response (dates, progress, owner…) is never held, and many regions' never at once
        return scan.pages(account, region, "ec2", "DescribeSnapshots", "Snapshots", OwnerIds=["self"],
                          Filters=[{"Name": "owner-id", "Values": [account.id]}],
                          keep=lambda snap: _kept(account, region, snap))

    raw: dict[str, _Raw] = {}
    found = []
    for _, _, snapshots in regional.per_region(scan, listing):
        for one in snapshots or ():
            if one is None:  # another account's
                continue
            f, kept = one
            raw[f.arn] = kept
            found.append(f)
    copies: dict[str, list[str]] = {}
    for f in found:
        source = f.facts.get("copy_of")
        if source:
            copies.setdefault(str(source), []).append(f.arn)
    scan.shared[_RAW] = {"raw": raw, "copies": copies}
    return found


def _kept(account: Account, region: str, snap: dict[str, Any]) -> tuple[Found, _Raw] | None:
    if snap.get("OwnerId") not in (None, account.id):
        return None
    ident = str(snap["SnapshotId"])
    arn = _arn(account.partition, region, ident)
    tags = regional.tag_map(snap.get("Tags"))
    copied = _COPIED.search(str(snap.get("Description") or ""))
    found = Found(
        arn=arn, service="ebs", kind=KIND, native_type=NATIVE, name=tags.get("Name") or ident,
        account=account.id, region=region, tags=tags, evidence=_EVIDENCE,
        facts={"snapshot_id": ident, "volume_id": snap.get("VolumeId"), "description": snap.get("Description"),
               "copy_of": _arn(account.partition, copied.group(2), copied.group(1)) if copied else None})
    return found, (ident, snap.get("Encrypted"), snap.get("KmsKeyId"), snap.get("VolumeSize"))


def read(scan: Scan, found: Found, deep: bool) -> Read:
    if not deep:
        return regional.shallow(scan, found)
    account = scan.account(found.account)
    assert account is not None, "a listed snapshot always belongs to a scanned account"
    shared = scan.shared[_RAW]
    ident, encrypted, key_id, size = shared["raw"][found.arn]
    answer = scan.call(account, found.region, "ec2", "DescribeSnapshotAttribute", resource=found.arn,
                       Attribute="createVolumePermission", SnapshotId=ident)
    permissions = None if answer is None else answer.get("CreateVolumePermissions") or []
    restore = [str(p.get("UserId") or p.get("Group")) for p in permissions or () if p.get("UserId") or p.get("Group")]
    locations = [DataLocation(found.region)]
    copies = []
    for copy_arn in shared["copies"].get(found.arn, ()):
        region = regional.arn_region(copy_arn, found.region)
        if region != found.region:
            locations.append(DataLocation(region, LocationRole.SNAPSHOT_COPY, via=Via.EBS_COPY_SNAPSHOT,
                                          target=copy_arn, account=account.id))
        copies.append(copy_arn)
    keyref, lookup = regional.key_of(bool(encrypted), key_id, account, found.region)
    resource = listing_resource(
        found, scan.organization, locations=tuple(locations), encryption=keyref,
        access=tuple(regional.restore_grants(restore)),
        evidence=(*found.evidence, "ec2:DescribeSnapshotAttribute"),
        attributes={"depth": "deep", **found.facts, "volume_size_gib": size,
                    "create_volume_permissions": None if permissions is None else restore})
    return Read(resource, key=lookup, copies=tuple(copies))


SERVICE = Service(
    name="ebs", operations=OPERATIONS, discover=discover, read=read,
    types=(TypeSpec(KIND, NATIVE, not_in_plans=(
        "snapshots are mostly taken by the service (AWS Backup, Data Lifecycle Manager), not by Terraform; "
        "aws_ebs_snapshot and aws_ebs_snapshot_copy are not read from plans yet")),),
    vias=(Via.EBS_COPY_SNAPSHOT,),
)
