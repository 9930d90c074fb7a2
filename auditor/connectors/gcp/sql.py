"""Cloud SQL instances: region, read replicas (cross-region too), where backups are kept, the key.

``instances.list`` (https://cloud.google.com/sql/docs/mysql/admin-api/rest/v1/instances, checked
2026-12-07) answers every instance of a project with ``region``, ``replicaNames``,
``masterInstanceName``, ``settings.backupConfiguration`` (``enabled``, ``location``),
``settings.ipConfiguration`` and ``diskEncryptionConfiguration.kmsKeyName``; one call per project
serves every instance and its replicas' regions.

Backups with no ``location`` are kept "in the multi-region that is geographically closest to the
instance" (https://cloud.google.com/sql/docs/mysql/backup-recovery/backups#default-backup-location,
checked 2026-12-07): ``eu`` for ``europe-*``, ``us`` for ``us-*``/``northamerica-*``, ``asia`` for
``asia-*``, and ``unknown`` elsewhere and outside googleapis.com (never a guess).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from auditor.connectors.gcp import iam
from auditor.connectors.gcp.service import Found, Service, listing_resource
from auditor.connectors.gcp.storage import _plan_key
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Attach, Change, Fact, Store, Target
from auditor.connectors.universes import DEFAULT_UNIVERSE
from auditor.model.inventory import DataLocation, LocationRole, Network, Resource
from auditor.model.vocab import Kind, Via

if TYPE_CHECKING:
    from auditor.connectors.gcp.context import Project, Scan

NAME = "sqladmin"
ASSET = "sqladmin.googleapis.com/Instance"
OPERATIONS = {"sql.instances.list": "cloudsql.instances.list"}
UNKNOWN = "unknown"
_NEAREST = (("europe-", "eu"), ("us-", "us"), ("northamerica-", "us"), ("asia-", "asia"))


def _id(scan: Scan, project: str, name: str) -> str:
    return f"//cloudsql.{scan.session.endpoints.universe}/projects/{project}/instances/{name}"


def from_asset(scan: Scan, row: Mapping[str, Any]) -> Found | None:
    parts = str(row.get("name") or "").split("/")
    if len(parts) < 4 or parts[-2] != "instances":
        return None
    project, name = parts[-3], parts[-1]
    labels = row.get("labels")
    return Found(id=_id(scan, project, name), service=NAME, kind=Kind.DATABASE, native_type=ASSET, name=name,
                 project=project, region=scan.region(row.get("location")),
                 labels={str(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else {},
                 evidence=("cloudasset.searchAllResources",))


def _instances(scan: Scan, project: str) -> dict[str, dict[str, Any]] | None:
    def listing() -> dict[str, dict[str, Any]] | None:
        items = scan.pages(NAME, "sql.instances.list", f"/v1/projects/{project}/instances", "items", project=project)
        return None if items is None else {str(i.get("name")): i for i in items if i.get("name")}

    return scan.once((NAME, project), listing)


def discover(scan: Scan, project: Project) -> list[Found]:
    out = []
    for name, data in (_instances(scan, project.id) or {}).items():
        labels = (data.get("settings") or {}).get("userLabels") or {}
        out.append(Found(id=_id(scan, project.id, name), service=NAME, kind=Kind.DATABASE, native_type=ASSET,
                         name=name, project=project.id, region=scan.region(data.get("region")),
                         labels={str(k): str(v) for k, v in labels.items()}, evidence=("sql.instances.list",)))
    return out


def backup_region(scan: Scan, region: str, configured: Any) -> tuple[str, str]:
    if configured:
        return scan.region(configured), "backupConfiguration.location"
    if scan.session.endpoints.universe == DEFAULT_UNIVERSE:
        for prefix, multi in _NEAREST:
            if region.startswith(prefix):
                return multi, "default: the multi-region nearest the instance"
    return UNKNOWN, "default location not documented for this region or universe"


def read(scan: Scan, found: Found, deep: bool) -> Resource:
    base = listing_resource(scan, found)
    if not deep:
        return base
    listing = _instances(scan, found.project)
    data = (listing or {}).get(found.name)
    if data is None:
        return base  # the listing failed (a gap is recorded) or the instance went away
    region = scan.region(data.get("region")) if data.get("region") else found.region
    settings = data.get("settings") or {}
    locations = [DataLocation(region, LocationRole.PRIMARY)]
    for replica in data.get("replicaNames") or ():
        other = (listing or {}).get(str(replica)) or {}
        locations.append(DataLocation(scan.region(other.get("region")) if other else UNKNOWN, LocationRole.REPLICA,
                                      Via.READ_REPLICA, target=_id(scan, found.project, str(replica)),
                                      account=found.project))
    backup = settings.get("backupConfiguration") or {}
    if backup.get("enabled"):
        where, why = backup_region(scan, region, backup.get("location"))
        locations.append(DataLocation(where, LocationRole.BACKUP, Via.CLOUD_SQL_BACKUP, via_detail=why))
    ip = settings.get("ipConfiguration") or {}
    ranges = tuple(str(n.get("value")) for n in ip.get("authorizedNetworks") or () if n.get("value"))
    key_name = (data.get("diskEncryptionConfiguration") or {}).get("kmsKeyName")
    labels = settings.get("userLabels") or {}
    return replace(
        base, region=region, locations=tuple(locations), encryption=iam.key_ref(key_name, scan.region, region),
        network=Network(public_endpoint=bool(ip.get("ipv4Enabled")), allowed_ranges=ranges,
                        private_endpoints=1 if ip.get("privateNetwork") else 0),
        tags={str(k): str(v) for k, v in labels.items()} or dict(found.labels),
        evidence=(*found.evidence, "sql.instances.list"),
        attributes={"depth": "deep", "database_version": data.get("databaseVersion"),
                    "master_instance": data.get("masterInstanceName"), "backups": bool(backup.get("enabled")),
                    "kms_key_location": iam.key_location(key_name)},
    )


# ---- plans -----------------------------------------------------------------------------------------


def instance(change: Change) -> Iterator[Fact]:
    region = change.region
    backup = change.get("settings", 0, "backup_configuration", 0)
    locations: list[DataLocation] = []
    if isinstance(backup, Mapping) and backup.get("enabled"):
        configured = change.text("settings", 0, "backup_configuration", 0, "location")
        where = configured.lower() if configured else next(
            (m for p, m in _NEAREST if region.value.startswith(p)), UNKNOWN)
        locations.append(DataLocation(where, LocationRole.BACKUP, Via.CLOUD_SQL_BACKUP,
                                      via_detail="backup_configuration.location" if configured
                                      else "default: the multi-region nearest the instance"))
    ip = change.get("settings", 0, "ip_configuration", 0)
    ranges = tuple(str(n.get("value")) for n in (ip or {}).get("authorized_networks") or ()
                   if isinstance(n, Mapping) and n.get("value")) if isinstance(ip, Mapping) else ()
    name = change.text("name")
    yield Store(kind=Kind.DATABASE, service=NAME, name=change.planned_name("name"), locations=tuple(locations),
                key=_plan_key(change, "encryption_key_name"),
                network=Network(public_endpoint=bool(ip.get("ipv4_enabled", True)) if isinstance(ip, Mapping)
                                else None, allowed_ranges=ranges),
                identities=(f"sql:{name}",) if name else (), evidence=(change.path("region"),))
    master = change.text("master_instance_name")
    if master:
        yield Attach(Target(tuple(change.refs("master_instance_name")), f"sql:{master}", Kind.DATABASE, NAME, master),
                     locations=(DataLocation(region.value, LocationRole.REPLICA, Via.READ_REPLICA,
                                             target=change.address),),
                     evidence=(change.path("master_instance_name"),))


SERVICE = Service(
    name=NAME, operations=OPERATIONS,
    types=(TypeSpec(Kind.DATABASE, ASSET, ("google_sql_database_instance",)),),
    plan={"google_sql_database_instance": instance},
    from_asset=from_asset, discover=discover, read=read,
)
