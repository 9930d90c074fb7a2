"""Vertex AI endpoints and datasets: where predictions are processed, where training data rests.

Vertex AI is a regional API: a resource of location ``L`` is read at ``https://L-aiplatform.<universe>``
(``global`` at ``https://aiplatform.<universe>``), see
https://cloud.google.com/vertex-ai/docs/reference/rest (service endpoints, checked 2026-12-07). The
location comes from Asset Inventory's answer, so it must look like a location before it names a host.

- **Endpoint** (``aiplatform.googleapis.com/Endpoint``, kind ``ai-inference``): ``endpoints.get``
  (https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.endpoints) answers
  ``deployedModels[]``, ``encryptionSpec.kmsKeyName``, ``labels`` and
  ``predictRequestResponseLoggingConfig`` (requests and responses copied to a BigQuery table). Its
  location holds its models; where the requests it serves are processed is the geography catalog's
  ``vertex_ai_endpoints`` fact (``auditor/geo/data/processing.yaml``, sourced and dated there).
- **Dataset** (``aiplatform.googleapis.com/Dataset``, kind ``data-lake``: a managed collection of
  training data): ``datasets.get``
  (https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.datasets) answers
  ``metadataSchemaUri``, ``encryptionSpec.kmsKeyName``, ``labels``, ``dataItemCount`` and
  ``metadata.inputConfig`` (the Cloud Storage or BigQuery source it was imported from).

Without Asset Inventory, each project is listed location by location: ``locations.list`` on the global
host (``GET /v1/projects/{p}/locations``, ``{"locations": [{"locationId"…}]}``), then ``endpoints.list`` and
``datasets.list`` (``{"endpoints": […]}``, ``{"datasets": […]}``) on each location's host
(https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations/list,
…/projects.locations.endpoints/list, …/projects.locations.datasets/list, checked 2026-12-07). The Vertex AI
API disabled or denied in a project is a coverage gap of that project (its endpoints and datasets unseen).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from auditor.connectors.gcp import iam
from auditor.connectors.gcp.service import Found, Service, listing_resource
from auditor.connectors.gcp.storage import _plan_key
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, Store
from auditor.geo.processing import vertex_endpoint_regions
from auditor.model.inventory import DataLocation, LocationRole, Resource
from auditor.model.vocab import GapReason, Kind, Via

if TYPE_CHECKING:
    from auditor.connectors.gcp.context import Project, Scan

NAME = "aiplatform"
ENDPOINT = "aiplatform.googleapis.com/Endpoint"
DATASET = "aiplatform.googleapis.com/Dataset"
OPERATIONS = {
    "aiplatform.projects.locations.endpoints.get": "aiplatform.endpoints.get",
    "aiplatform.projects.locations.datasets.get": "aiplatform.datasets.get",
    "aiplatform.projects.locations.list": "aiplatform.locations.list",
    "aiplatform.projects.locations.endpoints.list": "aiplatform.endpoints.list",
    "aiplatform.projects.locations.datasets.list": "aiplatform.datasets.list",
}
GLOBAL = "global"
_LOCATION = re.compile(r"^[a-z]+(?:-[a-z]+)*[0-9]+$")
_COLLECTION = {"endpoints": (ENDPOINT, Kind.AI_INFERENCE), "datasets": (DATASET, Kind.DATA_LAKE)}


def host(location: str) -> str | None:
    """The API host label for a location (``europe-west9`` -> ``europe-west9-aiplatform``), ``None`` when
    the text is not a location."""
    if location == GLOBAL:
        return NAME
    return f"{location}-{NAME}" if _LOCATION.match(location) else None


def _labels(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def from_asset(scan: Scan, row: Mapping[str, Any]) -> Found | None:
    return _found(scan, row, "cloudasset.searchAllResources")


def _found(scan: Scan, row: Mapping[str, Any], evidence: str) -> Found | None:
    """An Asset Inventory row or a listed endpoint/dataset (both carry ``name``, ``displayName``, ``labels``)."""
    name = str(row.get("name") or "")
    path = "projects/" + name.split("projects/", 1)[1] if "projects/" in name else ""
    bits = path.split("/")
    if len(bits) != 6 or bits[2] != "locations" or bits[4] not in _COLLECTION:
        return None
    native, kind = _COLLECTION[bits[4]]
    location = bits[3].lower()
    return Found(id=f"//aiplatform.{scan.session.endpoints.universe}/{path}", service=NAME, kind=kind,
                 native_type=native, name=str(row.get("displayName") or bits[5]),
                 project=scan.project_id(row.get("project")) or scan.project_id(bits[1]) or bits[1],
                 region=scan.region(location), labels=_labels(row.get("labels")),
                 evidence=(evidence,), facts={"path": path, "location": location})


def discover(scan: Scan, project: Project) -> list[Found]:
    """Every endpoint and dataset of ``project``, location by location (Asset Inventory could not be searched)."""
    locations = scan.pages(NAME, "aiplatform.projects.locations.list", f"/v1/projects/{project.id}/locations",
                           "locations", project=project.id, host=NAME)
    wanted: list[tuple[str, str]] = []
    for loc in locations or ():
        where = str(loc.get("locationId") or "").lower()
        label = host(where)
        if label is not None and where != GLOBAL:
            wanted += [(where, "endpoints"), (where, "datasets")]

    def listing(item: tuple[str, str]) -> list[Found]:
        where, collection = item
        operation = f"aiplatform.projects.locations.{collection}.list"
        rows = scan.pages(NAME, operation, f"/v1/projects/{project.id}/locations/{where}/{collection}", collection,
                          project=project.id, host=host(where))
        return [f for f in (_found(scan, r, operation) for r in rows or ()) if f is not None]

    return [f for found in scan.map(listing, wanted) for f in found]


def read(scan: Scan, found: Found, deep: bool) -> Resource:
    location = str(found.facts.get("location") or "")
    processing = _processing(location, found.region, found.native_type, ())
    base = replace(listing_resource(scan, found), locations=(DataLocation(found.region), *processing))
    if not deep:
        return base
    label = host(location)
    if label is None:
        scan.note(NAME, GapReason.ERROR, f"{location!r} is not a location: the resource was not read",
                  project=found.project, resource=found.id)
        return base
    endpoint = found.native_type == ENDPOINT
    operation = f"aiplatform.projects.locations.{'endpoints' if endpoint else 'datasets'}.get"
    data = scan.get(NAME, operation, f"/v1/{found.facts['path']}", project=found.project, resource=found.id,
                    host=label)
    if data is None:
        return base
    key_name = (data.get("encryptionSpec") or {}).get("kmsKeyName")
    attributes: dict[str, Any] = {"depth": "deep", "location": location,
                                  "kms_key_location": iam.key_location(key_name)}
    models: tuple[str, ...] = ()
    if endpoint:
        models = tuple(str(m.get("displayName") or m.get("model") or m.get("id") or "")
                       for m in data.get("deployedModels") or () if isinstance(m, Mapping))
        logging = data.get("predictRequestResponseLoggingConfig") or {}
        attributes |= {"deployed_models": list(models),
                       "request_response_logging": ((logging.get("bigqueryDestination") or {}).get("outputUri")
                                                    if logging.get("enabled") else None)}
    else:
        source = (data.get("metadata") or {}).get("inputConfig") or {}
        uris = (source.get("gcsSource") or {}).get("uri") or (source.get("bigquerySource") or {}).get("uri") or []
        attributes |= {"metadata_schema": data.get("metadataSchemaUri"), "data_items": data.get("dataItemCount"),
                       "sources": [str(u) for u in ([uris] if isinstance(uris, str) else uris)]}
    return replace(
        base, name=str(data.get("displayName") or found.name), tags=_labels(data.get("labels")) or dict(found.labels),
        locations=(DataLocation(found.region), *_processing(location, found.region, found.native_type, models)),
        encryption=iam.key_ref(key_name, scan.region, found.region), evidence=(*found.evidence, operation),
        attributes=attributes,
    )


def _processing(location: str, region: str, native: str, models: tuple[str, ...]) -> tuple[DataLocation, ...]:
    """Where an endpoint's requests are processed (the catalog's ``vertex_ai_endpoints`` fact)."""
    if native != ENDPOINT:
        return ()
    detail = f"deployed models: {', '.join(models)}" if models else None
    regions, _ = vertex_endpoint_regions(location, region)
    return tuple(DataLocation(r, LocationRole.PROCESSING, Via.VERTEX_AI_ENDPOINT, via_detail=detail) for r in regions)


# ---- plans -----------------------------------------------------------------------------------------


def endpoint(change: Change) -> Iterator[Fact]:
    """``google_vertex_ai_endpoint``: ``location`` is where predictions are processed."""
    where = change.region.value
    yield Store(kind=Kind.AI_INFERENCE, service=NAME, name=change.planned_name("display_name", "name"),
                locations=tuple(DataLocation(r, LocationRole.PROCESSING, Via.VERTEX_AI_ENDPOINT)
                                for r in vertex_endpoint_regions(where, where)[0]),
                key=_plan_key(change, "encryption_spec", 0, "kms_key_name"), evidence=(change.path("location"),))


def dataset(change: Change) -> Iterator[Fact]:
    """``google_vertex_ai_dataset``: ``region`` is where the dataset rests."""
    yield Store(kind=Kind.DATA_LAKE, service=NAME, name=change.planned_name("display_name", "name"),
                key=_plan_key(change, "encryption_spec", 0, "kms_key_name"),
                attributes={"metadata_schema": change.get("metadata_schema_uri")}, evidence=(change.path("region"),))


SERVICE = Service(
    name=NAME, operations=OPERATIONS,
    types=(TypeSpec(Kind.AI_INFERENCE, ENDPOINT, ("google_vertex_ai_endpoint",)),
           TypeSpec(Kind.DATA_LAKE, DATASET, ("google_vertex_ai_dataset",))),
    plan={"google_vertex_ai_endpoint": endpoint, "google_vertex_ai_dataset": dataset},
    from_asset=from_asset, discover=discover, read=read,
)
