"""Firestore (and Datastore) databases: their location, a region or a multi-region (``eur3``, ``nam5``).

``databases.list`` (https://cloud.google.com/firestore/docs/reference/rest/v1/projects.databases, checked
2026-12-07) answers every database of a project with ``name``, ``locationId``, ``type``
(``FIRESTORE_NATIVE``/``DATASTORE_MODE``) and ``cmekConfig.kmsKeyName``; one call per project serves all.
The geography catalog says which regions ``eur3`` and ``nam5`` span. Databases carry no labels:
classification decides on their names (and ``scope: all``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from auditor.connectors.gcp import iam
from auditor.connectors.gcp.service import Found, Service, listing_resource
from auditor.connectors.gcp.storage import _plan_key
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import PLANNED_ACCOUNT, Change, Fact, Store
from auditor.model.inventory import Resource
from auditor.model.vocab import Kind

if TYPE_CHECKING:
    from auditor.connectors.gcp.context import Project, Scan

NAME = "firestore"
ASSET = "firestore.googleapis.com/Database"
OPERATIONS = {"firestore.projects.databases.list": "datastore.databases.list"}


def _found(scan: Scan, project: str, database: str, location: Any, evidence: str) -> Found:
    return Found(id=f"//firestore.{scan.session.endpoints.universe}/projects/{project}/databases/{database}",
                 service=NAME, kind=Kind.NOSQL, native_type=ASSET, name=f"{project}/{database}", project=project,
                 region=scan.region(location), evidence=(evidence,), facts={"database": database})


def from_asset(scan: Scan, row: Mapping[str, Any]) -> Found | None:
    parts = str(row.get("name") or "").split("/")
    if len(parts) < 4 or parts[-2] != "databases":
        return None
    return _found(scan, parts[-3], parts[-1], row.get("location"), "cloudasset.searchAllResources")


def _databases(scan: Scan, project: str) -> dict[str, dict[str, Any]] | None:
    def listing() -> dict[str, dict[str, Any]] | None:
        page = scan.get(NAME, "firestore.projects.databases.list", f"/v1/projects/{project}/databases",
                        project=project)
        if page is None:
            return None
        return {str(d.get("name") or "").rsplit("/", 1)[-1]: d for d in page.get("databases") or ()
                if isinstance(d, dict)}

    return scan.once((NAME, project), listing)


def discover(scan: Scan, project: Project) -> list[Found]:
    return [_found(scan, project.id, name, d.get("locationId"), "firestore.projects.databases.list")
            for name, d in (_databases(scan, project.id) or {}).items() if name]


def read(scan: Scan, found: Found, deep: bool) -> Resource:
    base = listing_resource(scan, found)
    if not deep:
        return base
    data = (_databases(scan, found.project) or {}).get(str(found.facts.get("database")))
    if data is None:
        return base
    region = scan.region(data.get("locationId")) if data.get("locationId") else found.region
    key_name = (data.get("cmekConfig") or {}).get("kmsKeyName")
    return replace(base, region=region, locations=tuple(replace(loc, region=region) for loc in base.locations),
                   encryption=iam.key_ref(key_name, scan.region, region),
                   evidence=(*found.evidence, "firestore.projects.databases.list"),
                   attributes={"depth": "deep", "type": data.get("type"),
                               "kms_key_location": iam.key_location(key_name)})


def database(change: Change) -> Iterator[Fact]:
    """Named ``<project>/<database>`` as the live scan names it (every project has a ``(default)``)."""
    name, project = change.text("name") or "(default)", change.account()
    yield Store(kind=Kind.NOSQL, service=NAME, name=f"{project}/{name}" if project != PLANNED_ACCOUNT else name,
                key=_plan_key(change, "cmek_config", 0, "kms_key_name"), evidence=(change.path("location_id"),))


SERVICE = Service(
    name=NAME, operations=OPERATIONS,
    types=(TypeSpec(Kind.NOSQL, ASSET, ("google_firestore_database",)),),
    plan={"google_firestore_database": database},
    from_asset=from_asset, discover=discover, read=read,
)
