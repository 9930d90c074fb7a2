"""BigQuery datasets: location (a region or the ``US``/``EU`` multi-regions), the CMEK, access entries.

``datasets.get`` (https://cloud.google.com/bigquery/docs/reference/rest/v2/datasets, checked
2026-12-07) answers ``location``, ``labels``, ``defaultEncryptionConfiguration.kmsKeyName`` and the
``access`` list: each entry has a ``role`` and one of ``userByEmail``, ``groupByEmail``, ``domain``,
``specialGroup`` (``projectReaders``/``projectWriters``/``projectOwners``/``allAuthenticatedUsers``),
``iamMember`` (``allUsers``…), ``view``, ``routine`` or ``dataset`` (an authorized view, routine or
dataset, possibly in another project: it reads the data through its own readers). Table snapshots and
clones of its tables held in other datasets: :mod:`auditor.connectors.gcp.bigquery_copies`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from auditor.connectors.gcp import bigquery_copies, iam
from auditor.connectors.gcp.service import Found, Service, listing_resource
from auditor.connectors.gcp.storage import _plan_key
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, Store
from auditor.model.inventory import AccessGrant, Permission, PrincipalKind, Resource
from auditor.model.vocab import GrantSource, Kind

if TYPE_CHECKING:
    from auditor.connectors.gcp.context import Project, Scan

NAME = "bigquery"
ASSET = "bigquery.googleapis.com/Dataset"
TABLE = "bigquery.googleapis.com/Table"
OPERATIONS = {
    "bigquery.datasets.list": "bigquery.datasets.get",
    "bigquery.datasets.get": "bigquery.datasets.get",
    **bigquery_copies.OPERATIONS,
}
NO_PLANNED_COPY = (
    "a table snapshot or clone is a place of its base table's dataset, read live (bigquery_copies); the google "
    "provider cannot plan one: google_bigquery_table has no snapshot or clone definition and google_bigquery_job's "
    "copy block has no operation type (a plain copy, which leaves no trace of its source)")
_SPECIAL = {"projectReaders": "projectViewer", "projectWriters": "projectEditor", "projectOwners": "projectOwner"}
_ROLES = {"READER": "roles/bigquery.dataViewer", "WRITER": "roles/bigquery.dataEditor",
          "OWNER": "roles/bigquery.dataOwner"}


def _labels(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def _id(scan: Scan, project: str, dataset: str) -> str:
    return f"//bigquery.{scan.session.endpoints.universe}/projects/{project}/datasets/{dataset}"


def from_asset(scan: Scan, row: Mapping[str, Any]) -> Found | None:
    parts = str(row.get("name") or "").split("/")
    if len(parts) < 4 or parts[-2] != "datasets":
        return None
    project, dataset = parts[-3], parts[-1]
    return Found(id=_id(scan, project, dataset), service=NAME, kind=Kind.WAREHOUSE, native_type=ASSET, name=dataset,
                 project=project, region=scan.region(row.get("location")), labels=_labels(row.get("labels")),
                 evidence=("cloudasset.searchAllResources",))


def discover(scan: Scan, project: Project) -> list[Found]:
    items = scan.pages(NAME, "bigquery.datasets.list", f"/bigquery/v2/projects/{project.id}/datasets", "datasets",
                       {"all": "true"}, project=project.id)
    out = []
    for item in items or ():
        ref = item.get("datasetReference") or {}
        dataset = str(ref.get("datasetId") or "")
        if dataset:
            out.append(Found(id=_id(scan, project.id, dataset), service=NAME, kind=Kind.WAREHOUSE, native_type=ASSET,
                             name=dataset, project=project.id, region=scan.region(item.get("location")),
                             labels=_labels(item.get("labels")), evidence=("bigquery.datasets.list",)))
    return out


def read(scan: Scan, found: Found, deep: bool) -> Resource:
    base = listing_resource(scan, found)
    if not deep:
        return base
    data = scan.get(NAME, "bigquery.datasets.get", f"/bigquery/v2/projects/{found.project}/datasets/{found.name}",
                    project=found.project, resource=found.id)
    if data is None:
        return base
    region = scan.region(data.get("location")) if data.get("location") else found.region
    key_name = (data.get("defaultEncryptionConfiguration") or {}).get("kmsKeyName")
    access, authorized = _access(scan, found, data.get("access") or [])
    return replace(
        base, region=region, locations=replace_region(base, region), access=tuple(access),
        encryption=iam.key_ref(key_name, scan.region, region), tags=_labels(data.get("labels")) or dict(found.labels),
        evidence=(*found.evidence, "bigquery.datasets.get"),
        attributes={"depth": "deep", "authorized": authorized, "kms_key_location": iam.key_location(key_name),
                    "default_table_expiration_ms": data.get("defaultTableExpirationMs")},
    )


def replace_region(base: Resource, region: str) -> tuple[Any, ...]:
    return tuple(replace(loc, region=region) for loc in base.locations)


def _access(scan: Scan, found: Found, entries: list[Any]) -> tuple[list[AccessGrant], list[str]]:
    grants: list[AccessGrant] = []
    authorized: list[str] = []
    domains = scan.config.gcp.domains
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        role = _ROLES.get(str(entry.get("role") or ""), str(entry.get("role") or "roles/bigquery.dataViewer"))
        src = GrantSource.RESOURCE_POLICY
        if entry.get("userByEmail"):
            member = ("serviceAccount:" if str(entry["userByEmail"]).endswith(".gserviceaccount.com") else "user:") \
                + str(entry["userByEmail"])
        elif entry.get("groupByEmail"):
            member = f"group:{entry['groupByEmail']}"
        elif entry.get("domain"):
            member = f"domain:{entry['domain']}"
        elif entry.get("iamMember"):
            member = str(entry["iamMember"])
        elif entry.get("specialGroup"):
            special = str(entry["specialGroup"])
            if special == "allAuthenticatedUsers":
                member = "allAuthenticatedUsers"
            else:
                member = f"{_SPECIAL.get(special, 'projectViewer')}:{found.project}"
        else:
            other = entry.get("view") or entry.get("routine") or (entry.get("dataset") or {}).get("dataset") or {}
            project = str(other.get("projectId") or "")
            label = "/".join(str(other.get(k)) for k in ("projectId", "datasetId", "tableId", "routineId")
                             if other.get(k))
            if label:
                authorized.append(label)
                grants.append(AccessGrant(label, PrincipalKind.ACCOUNT, Permission.READ, GrantSource.RESOURCE_POLICY,
                                          home=project or None,
                                          condition="authorized view/routine/dataset: its readers see this data"))
            continue
        grants.append(iam.grant(member, role, src, scan.organization, domains))
    return grants, authorized


# ---- plans -----------------------------------------------------------------------------------------


def dataset(change: Change) -> Iterator[Fact]:
    yield Store(kind=Kind.WAREHOUSE, service=NAME, name=change.planned_name("dataset_id"),
                key=_plan_key(change, "default_encryption_configuration", 0, "kms_key_name"),
                identities=tuple(f"bq:{v}" for v in (change.text("dataset_id"),) if v),
                evidence=(change.path("location"),))


SERVICE = Service(
    name=NAME, operations=OPERATIONS,
    types=(TypeSpec(Kind.WAREHOUSE, ASSET, ("google_bigquery_dataset",)),
           TypeSpec(Kind.SNAPSHOT, TABLE, not_in_plans=NO_PLANNED_COPY)),
    plan={"google_bigquery_dataset": dataset},
    from_asset=from_asset, discover=discover, read=read, link=bigquery_copies.link, unsearched=(TABLE,),
)
