"""RDS manual snapshots of an in-scope database: copies in other regions, and who may restore them.

The manual snapshots of an account are listed once per account (``DescribeDBSnapshots`` /
``DescribeDBClusterSnapshots`` with ``SnapshotType=manual`` in every scanned region), and only when
a database of that account is read deeply. A snapshot belongs to a database by identifier and, when
both carry it, by resource id (a cross-region copy keeps both). For each one,
``Describe*SnapshotAttributes`` names the accounts allowed to restore it (``all``: public), which
become grants on the database with source ``snapshot-share``; a snapshot in another region than the
database is a ``snapshot-copy`` location of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditor.connectors.aws import regional
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.session import Account
from auditor.model.inventory import AccessGrant, DataLocation, LocationRole
from auditor.model.vocab import Via

OPERATIONS = {
    "rds:DescribeDBSnapshots": "rds:DescribeDBSnapshots",
    "rds:DescribeDBSnapshotAttributes": "rds:DescribeDBSnapshotAttributes",
    "rds:DescribeDBClusterSnapshots": "rds:DescribeDBClusterSnapshots",
    "rds:DescribeDBClusterSnapshotAttributes": "rds:DescribeDBClusterSnapshotAttributes",
}


@dataclass(frozen=True, slots=True)
class Kind:
    list_op: str
    list_key: str
    attr_op: str
    attr_result: str
    attr_key: str
    id_field: str  # the snapshot's identifier parameter and field
    owner_field: str  # the database identifier a snapshot names
    resource_field: str  # the database resource id a snapshot keeps across copies
    arn_field: str


INSTANCE = Kind("DescribeDBSnapshots", "DBSnapshots", "DescribeDBSnapshotAttributes", "DBSnapshotAttributesResult",
                "DBSnapshotAttributes", "DBSnapshotIdentifier", "DBInstanceIdentifier", "DbiResourceId",
                "DBSnapshotArn")
CLUSTER = Kind("DescribeDBClusterSnapshots", "DBClusterSnapshots", "DescribeDBClusterSnapshotAttributes",
               "DBClusterSnapshotAttributesResult", "DBClusterSnapshotAttributes", "DBClusterSnapshotIdentifier",
               "DBClusterIdentifier", "DbClusterResourceId", "DBClusterSnapshotArn")


@dataclass(frozen=True, slots=True)
class Listing:
    snapshots: tuple[tuple[str, dict[str, Any]], ...]  # (region, snapshot)
    unread: tuple[str, ...]  # regions whose listing failed (a gap was recorded)


@dataclass(slots=True)
class Found:
    locations: list[DataLocation] = field(default_factory=list)
    grants: list[AccessGrant] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    complete: bool = True


def _listing(scan: Scan, account: Account, kind: Kind) -> Listing:
    snapshots: list[tuple[str, dict[str, Any]]] = []
    unread: list[str] = []
    for region in account.regions:
        items = scan.pages(account, region, "rds", kind.list_op, kind.list_key, SnapshotType="manual")
        if items is None:
            unread.append(region)
            continue
        snapshots += [(region, s) for s in items]
    return Listing(tuple(snapshots), tuple(unread))


def of(scan: Scan, account: Account, db: dict[str, Any], region: str, kind: Kind) -> Found:
    """The manual snapshots of database ``db`` (as ``Describe*`` listed it) in every scanned region."""
    listing: Listing = scan.once(("rds.snapshots", account.id, kind.list_op), lambda: _listing(scan, account, kind))
    name, resource_id = db.get(kind.owner_field), db.get(kind.resource_field)
    out = Found(evidence=[f"rds:{kind.list_op}"], complete=not listing.unread)
    for where, snap in listing.snapshots:
        if snap.get(kind.owner_field) != name:
            continue
        if resource_id and snap.get(kind.resource_field) and snap.get(kind.resource_field) != resource_id:
            continue  # another database that once had the same name
        arn = str(snap.get(kind.arn_field) or "")
        answer = scan.call(account, where, "rds", kind.attr_op, resource=arn or None,
                           **{kind.id_field: snap[kind.id_field]})
        out.evidence.append(f"rds:{kind.attr_op}")
        restore: list[str] = []
        if answer is None:
            out.complete = False
        else:
            for attribute in (answer.get(kind.attr_result) or {}).get(kind.attr_key) or []:
                if attribute.get("AttributeName") == "restore":
                    restore += [str(v) for v in attribute.get("AttributeValues") or []]
        out.grants += regional.restore_grants(restore)
        if where != region:
            out.locations.append(DataLocation(where, LocationRole.SNAPSHOT_COPY, via=Via.RDS_SNAPSHOT_COPY,
                                              target=arn or None, account=account.id))
        out.facts.append({"arn": arn, "region": where,
                          "encrypted": snap.get("Encrypted") or snap.get("StorageEncrypted"),
                          "restorable_by": None if answer is None else restore})
    return out
