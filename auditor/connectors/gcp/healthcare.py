"""Cloud Healthcare API datasets and their FHIR, DICOM and HL7v2 stores.

A dataset lives in one location (``projects/P/locations/L/datasets/D``) and every store in it keeps
its data there (https://cloud.google.com/healthcare-api/docs/concepts/regions, checked
2026-12-07). ``datasets.get`` answers ``encryptionSpec.kmsKeyName`` (CMEK); the stores are listed
(``fhirStores``, ``dicomStores``, ``hl7V2Stores``) with their labels, which classification reads;
``datasets.getIamPolicy`` is a GET (``v1/{resource}:getIamPolicy``) answering the usual bindings.
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
from auditor.model.inventory import GapAspect, Resource
from auditor.model.vocab import GrantSource, Kind

if TYPE_CHECKING:
    from auditor.connectors.gcp.context import Project, Scan

NAME = "healthcare"
ASSET = "healthcare.googleapis.com/Dataset"
OPERATIONS = {
    "healthcare.projects.locations.list": "healthcare.locations.list",
    "healthcare.projects.locations.datasets.list": "healthcare.datasets.list",
    "healthcare.projects.locations.datasets.get": "healthcare.datasets.get",
    "healthcare.projects.locations.datasets.getIamPolicy": "healthcare.datasets.getIamPolicy",
    "healthcare.projects.locations.datasets.fhirStores.list": "healthcare.fhirStores.list",
    "healthcare.projects.locations.datasets.dicomStores.list": "healthcare.dicomStores.list",
    "healthcare.projects.locations.datasets.hl7V2Stores.list": "healthcare.hl7V2Stores.list",
}
STORES = (("fhirStores", "FHIR"), ("dicomStores", "DICOM"), ("hl7V2Stores", "HL7v2"))


def _found(scan: Scan, path: str, region: Any, evidence: str) -> Found | None:
    parts = path.strip("/").split("/")
    if len(parts) < 6 or parts[-2] != "datasets":
        return None
    project, location, dataset = parts[-5], parts[-3], parts[-1]
    return Found(id=f"//healthcare.{scan.session.endpoints.universe}/projects/{project}/locations/{location}"
                    f"/datasets/{dataset}", service=NAME, kind=Kind.HEALTH_API, native_type=ASSET, name=dataset,
                 project=project, region=scan.region(region or location), evidence=(evidence,),
                 facts={"path": f"projects/{project}/locations/{location}/datasets/{dataset}"})


def from_asset(scan: Scan, row: Mapping[str, Any]) -> Found | None:
    found = _found(scan, str(row.get("name") or ""), row.get("location"), "cloudasset.searchAllResources")
    return None if found is None else replace(found, project=scan.project_id(found.project) or found.project)


def discover(scan: Scan, project: Project) -> list[Found]:
    locations = scan.pages(NAME, "healthcare.projects.locations.list", f"/v1/projects/{project.id}/locations",
                           "locations", project=project.id)
    out: list[Found] = []
    for loc in locations or ():
        where = str(loc.get("locationId") or "")
        items = scan.pages(NAME, "healthcare.projects.locations.datasets.list",
                           f"/v1/projects/{project.id}/locations/{where}/datasets", "datasets", project=project.id)
        for item in items or ():
            found = _found(scan, str(item.get("name") or ""), where, "healthcare.projects.locations.datasets.list")
            if found is not None:
                out.append(found)
    return out


def read(scan: Scan, found: Found, deep: bool) -> Resource:
    base = listing_resource(scan, found)
    if not deep:
        return base
    path = f"/v1/{found.facts['path']}"
    data = scan.get(NAME, "healthcare.projects.locations.datasets.get", path, project=found.project,
                    resource=found.id)
    if data is None:
        return base
    evidence = [*found.evidence, "healthcare.projects.locations.datasets.get"]
    stores: list[str] = []
    labels: dict[str, str] = {}
    for key, label in STORES:
        op = f"healthcare.projects.locations.datasets.{key}.list"
        items = scan.pages(NAME, op, f"{path}/{key}", key, project=found.project, resource=found.id,
                           aspect=GapAspect.CLASSIFICATION)
        for item in items or ():
            stores.append(f"{label} {str(item.get('name') or '').rsplit('/', 1)[-1]}")
            labels.update({str(k): str(v) for k, v in (item.get("labels") or {}).items()})
        if items is not None:
            evidence.append(op)
    access = []
    policy = scan.get(NAME, "healthcare.projects.locations.datasets.getIamPolicy", f"{path}:getIamPolicy",
                      project=found.project, resource=found.id, aspect=GapAspect.ACCESS)
    if policy is not None:
        evidence.append("healthcare.projects.locations.datasets.getIamPolicy")
        access = iam.policy_grants(policy, GrantSource.RESOURCE_POLICY, scan.organization, scan.config.gcp.domains)
    key_name = (data.get("encryptionSpec") or {}).get("kmsKeyName")
    return replace(base, tags=labels, access=tuple(access), evidence=tuple(evidence),
                   encryption=iam.key_ref(key_name, scan.region, found.region),
                   attributes={**base.attributes, "depth": "deep", "stores": stores,
                               "kms_key_location": iam.key_location(key_name)})


# ---- plans -----------------------------------------------------------------------------------------


def dataset(change: Change) -> Iterator[Fact]:
    name = change.text("name")
    yield Store(kind=Kind.HEALTH_API, service=NAME, name=change.planned_name("name"),
                key=_plan_key(change, "encryption_spec", 0, "kms_key_name"),
                identities=(f"healthcare:{name}",) if name else (), evidence=(change.path("location"),))


def store(change: Change) -> Iterator[Fact]:
    """A FHIR/DICOM/HL7v2 store: its labels and name on its dataset (whose location it shares)."""
    labels = change.get("labels")
    yield Attach(Target(tuple(change.refs("dataset")), None, Kind.HEALTH_API, NAME, change.text("name"),
                        create=False),
                 attributes={"stores": [f"{change.type.removeprefix('google_healthcare_')} {change.text('name')}"],
                             **({"store_labels": dict(labels)} if isinstance(labels, dict) else {})},
                 evidence=(change.path("dataset"),))


SERVICE = Service(
    name=NAME, operations=OPERATIONS,
    types=(TypeSpec(Kind.HEALTH_API, ASSET, ("google_healthcare_dataset",)),),
    plan={"google_healthcare_dataset": dataset, "google_healthcare_fhir_store": store,
          "google_healthcare_dicom_store": store, "google_healthcare_hl7_v2_store": store},
    from_asset=from_asset, discover=discover, read=read,
)
