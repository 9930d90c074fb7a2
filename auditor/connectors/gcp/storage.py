"""Cloud Storage buckets: where every object lives, the key, who can read it.

- **Place** (https://cloud.google.com/storage/docs/locations, checked 2026-12-07): ``locationType``
  ``region`` (one region), ``dual-region`` (a predefined pair such as ``EUR4``, or a configurable
  dual-region whose ``customPlacementConfig.dataLocations`` names the two regions, each holding
  every object), ``multi-region`` (``EU``/``US``/``ASIA``: the geography catalog says which
  countries or zone they may span). ``rpo: ASYNC_TURBO`` is turbo replication.
- **Key**: ``encryption.defaultKmsKeyName`` names a Cloud KMS key whose key ring location is in
  its name; without it Google-managed keys encrypt the objects.
- **Access**: the bucket's IAM policy (``allUsers``, ``allAuthenticatedUsers``, other domains);
  ``iamConfiguration.publicAccessPrevention: enforced`` makes public members ineffective. Without
  uniform bucket-level access, object ACLs may grant more: they are not read (a coverage gap).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from auditor.connectors.gcp import iam
from auditor.connectors.gcp.service import Found, Service, listing_resource
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Attach, Change, Fact, KeyLink, Store, Target
from auditor.connectors.terraform.resolve import Resolved
from auditor.model.inventory import DataLocation, GapAspect, KeyManager, LocationRole, PrincipalKind, Resource
from auditor.model.vocab import GapReason, GrantSource, Kind, Via

if TYPE_CHECKING:
    from auditor.connectors.gcp.context import Project, Scan

NAME = "storage"
ASSET = "storage.googleapis.com/Bucket"
OPERATIONS = {
    "storage.buckets.list": "storage.buckets.list",
    "storage.buckets.get": "storage.buckets.get",
    "storage.buckets.getIamPolicy": "storage.buckets.getIamPolicy",
}


def _labels(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def from_asset(scan: Scan, row: Mapping[str, Any]) -> Found | None:
    name = str(row.get("name") or "").rsplit("/", 1)[-1]
    if not name:
        return None
    return Found(id=f"//storage.{scan.session.endpoints.universe}/{name}", service=NAME, kind=Kind.OBJECT_STORE,
                 native_type=ASSET, name=name, project=scan.project_id(row.get("project")) or "unknown",
                 region=scan.region(row.get("location")), labels=_labels(row.get("labels")),
                 evidence=("cloudasset.searchAllResources",))


def _found(scan: Scan, project: str, data: Mapping[str, Any], evidence: str) -> Found:
    name = str(data.get("name") or "")
    return Found(id=f"//storage.{scan.session.endpoints.universe}/{name}", service=NAME, kind=Kind.OBJECT_STORE,
                 native_type=ASSET, name=name, project=project, region=scan.region(data.get("location")),
                 labels=_labels(data.get("labels")), evidence=(evidence,))


def discover(scan: Scan, project: Project) -> list[Found]:
    items = scan.pages(NAME, "storage.buckets.list", "/storage/v1/b", "items", {"project": project.id},
                       project=project.id)
    return [_found(scan, project.id, b, "storage.buckets.list") for b in items or () if b.get("name")]


def read(scan: Scan, found: Found, deep: bool) -> Resource:
    base = listing_resource(scan, found)
    if not deep:
        return base
    path = f"/storage/v1/b/{quote(found.name, safe='')}"
    data = scan.get(NAME, "storage.buckets.get", path, project=found.project, resource=found.id)
    if data is None:
        return base
    region = scan.region(data.get("location")) if data.get("location") else found.region
    locations = _locations(scan, region, data)
    if locations[0].via is Via.GCS_DUAL_REGION:  # a configurable dual region: its first region is its home,
        region = locations[0].region  # as in a plan (the pair's label stays in location_type/data_locations)
    iam_config = data.get("iamConfiguration") or {}
    prevention = str(iam_config.get("publicAccessPrevention") or "inherited")
    uniform = bool((iam_config.get("uniformBucketLevelAccess") or {}).get("enabled"))
    evidence = [*found.evidence, "storage.buckets.get"]
    access = []
    policy = scan.get(NAME, "storage.buckets.getIamPolicy", f"{path}/iam", project=found.project,
                      resource=found.id, aspect=GapAspect.ACCESS)
    if policy is not None:
        evidence.append("storage.buckets.getIamPolicy")
        for grant in iam.policy_grants(policy, GrantSource.BUCKET_POLICY, scan.organization, scan.config.gcp.domains):
            public = grant.principal_kind in (PrincipalKind.PUBLIC, PrincipalKind.ANY_AUTHENTICATED)
            if public and prevention == "enforced":
                continue  # public access prevention makes the binding ineffective
            access.append(grant)
    if not uniform:
        scan.note(NAME, GapReason.NOT_READ, "uniform bucket-level access is off: object ACLs may grant more than "
                  "the bucket's IAM policy, and they are not read", project=found.project, resource=found.id,
                  aspect=GapAspect.ACCESS)
    key_name = (data.get("encryption") or {}).get("defaultKmsKeyName")
    placement = (data.get("customPlacementConfig") or {}).get("dataLocations") or []
    return replace(
        base, region=region, locations=locations, access=tuple(access), evidence=tuple(evidence),
        tags=_labels(data.get("labels")) or dict(found.labels),
        encryption=iam.key_ref(key_name, scan.region, region),
        logging=True if data.get("logging") else None,
        attributes={
            "depth": "deep", "location_type": data.get("locationType"), "storage_class": data.get("storageClass"),
            "data_locations": [scan.region(x) for x in placement],
            "turbo_replication": data.get("rpo") == "ASYNC_TURBO",
            "public_access_prevention": prevention, "uniform_bucket_level_access": uniform,
            "soft_delete_seconds": (data.get("softDeletePolicy") or {}).get("retentionDurationSeconds"),
            "kms_key_location": iam.key_location(key_name),
        },
    )


def _locations(scan: Scan, region: str, data: Mapping[str, Any]) -> tuple[DataLocation, ...]:
    placement = (data.get("customPlacementConfig") or {}).get("dataLocations") or []
    if placement:
        return tuple(DataLocation(scan.region(x), LocationRole.PRIMARY, Via.GCS_DUAL_REGION,
                                  via_detail=f"dual-region {region.upper()}: every object in each region")
                     for x in placement)
    return (DataLocation(region, LocationRole.PRIMARY),)


# ---- plans -----------------------------------------------------------------------------------------


def _plan_region(change: Change, value: Any) -> str:
    return str(value).lower() if isinstance(value, str) else "unknown"


def bucket(change: Change) -> Iterator[Fact]:
    name = change.text("name")
    region = change.region
    placement = change.get("custom_placement_config", 0, "data_locations")
    locations: tuple[DataLocation, ...] = ()
    if isinstance(placement, list) and placement:
        locations = tuple(DataLocation(_plan_region(change, x), LocationRole.PRIMARY, Via.GCS_DUAL_REGION,
                                       via_detail=f"dual-region {region.value.upper()}") for x in placement)
        region = Resolved(locations[0].region, change.path("custom_placement_config", 0, "data_locations", 0))
    yield Store(
        kind=Kind.OBJECT_STORE, service=NAME, name=change.planned_name("name"), region=region,
        locations=locations[1:], key=_plan_key(change, "encryption", 0, "default_kms_key_name"),
        identities=(f"gcs:{name}",) if name else (),
        attributes={"public_access_prevention": change.get("public_access_prevention"),
                    "uniform_bucket_level_access": change.get("uniform_bucket_level_access"),
                    "storage_location": region.value if not locations else change.text("location")},
        evidence=(change.path("location"),),
    )


def _plan_key(change: Change, *path: str | int) -> KeyLink:
    key = change.text(*path)
    if key:
        return KeyLink(KeyManager.CUSTOMER, key=Target(tuple(change.refs(*path)), None, Kind.KEY, "cloudkms",
                                                        create=False),
                       key_id=key, region=(iam.key_location(key) or "unknown").lower(), evidence=change.path(*path))
    if change.unknown(*path):
        return KeyLink(KeyManager.CUSTOMER, key=Target(tuple(change.refs(*path)), None, Kind.KEY, "cloudkms",
                                                        create=False), evidence=change.path(*path))
    return KeyLink(KeyManager.PROVIDER, key_id="google-managed", evidence="Google-managed encryption by default")


def bucket_iam(change: Change) -> Iterator[Fact]:
    """``google_storage_bucket_iam_member`` / ``_binding``: members granted on a bucket."""
    name = change.text("bucket")
    members = change.get("members") if change.get("members") is not None else [change.get("member")]
    role = change.text("role") or ""
    grants = tuple(iam.grant(str(m), role, GrantSource.BUCKET_POLICY, None, ()) for m in members or ()
                   if isinstance(m, str))
    if grants:
        yield Attach(Target(tuple(change.refs("bucket")), f"gcs:{name}" if name else None, Kind.OBJECT_STORE, NAME,
                            name), access=grants, evidence=(change.path("role"),))


SERVICE = Service(
    name=NAME, operations=OPERATIONS,
    types=(TypeSpec(Kind.OBJECT_STORE, ASSET, ("google_storage_bucket",)),),
    plan={"google_storage_bucket": bucket, "google_storage_bucket_iam_member": bucket_iam,
          "google_storage_bucket_iam_binding": bucket_iam},
    from_asset=from_asset, discover=discover, read=read,
)
