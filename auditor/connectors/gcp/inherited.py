"""Grants a store inherits from its organisation, folders and project.

Cloud Asset Inventory ``searchAllIamPolicies`` (a ``GET``:
https://cloud.google.com/asset-inventory/docs/reference/rest/v1/TopLevel/searchAllIamPolicies, checked
2026-12-07) answers every IAM policy under the scope: ``results[]`` with ``resource``
(``//cloudresourcemanager.googleapis.com/projects/<number>``, ``…/folders/<id>``,
``…/organizations/<id>``), ``project``, ``folders``, ``organization`` and ``policy.bindings``.
A binding on an ancestor applies to every store below it. Only roles that reach a store's data are
kept: basic ``roles/owner`` and ``roles/editor``, and the roles of the store's own service
(``roles/storage.*`` on a bucket, ``roles/bigquery.*`` on a dataset…), and every custom role (kept here;
:mod:`auditor.connectors.gcp.roles` then reads its permissions and keeps it only if they reach the
data). Policies on the stores themselves are read by their service modules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from auditor.connectors.gcp import assets, iam
from auditor.connectors.gcp.context import Scan
from auditor.connectors.gcp.gaps import ReadError
from auditor.connectors.gcp.service import Service
from auditor.model.inventory import AccessGrant, Resource
from auditor.model.vocab import GrantSource

NAME = "cloudasset"
OPERATIONS = {"cloudasset.searchAllIamPolicies": "cloudasset.assets.searchAllIamPolicies"}
SERVICE = Service(name=NAME, operations=OPERATIONS)
BASIC = ("roles/owner", "roles/editor")
CUSTOM = ("organizations/", "projects/")  # custom roles: judged by their permissions afterwards (roles.py)
SERVICE_ROLES = {"storage": "roles/storage.", "bigquery": "roles/bigquery.", "sqladmin": "roles/cloudsql.",
                 "healthcare": "roles/healthcare.", "firestore": "roles/datastore.",
                 "spanner": "roles/spanner.", "cloudkms": "roles/cloudkms.",
                 "aiplatform": "roles/aiplatform."}


@dataclass(frozen=True, slots=True)
class Ancestor:
    kind: str  # organizations, folders, projects
    ident: str
    bindings: tuple[Mapping[str, Any], ...]
    folders: tuple[str, ...] = ()  # for a project: its folders


def read(scan: Scan) -> list[Ancestor] | None:
    """The organisation's, folders' and projects' policies (None: they could not be read, a gap says so)."""
    out: list[Ancestor] = []
    for scope in assets.scopes(scan):
        try:
            rows = list(scan.session.pages("cloudasset.searchAllIamPolicies", NAME,
                                           f"/v1/{scope}:searchAllIamPolicies", "results"))
        except ReadError as err:
            scan.failed(NAME, err, project=scope.split("/", 1)[1] if scope.startswith("projects/") else None)
            return None
        for row in rows:
            resource = str(row.get("resource") or "")
            parts = resource.split("/")
            if len(parts) < 2 or not resource.startswith("//cloudresourcemanager.") or parts[-2] not in (
                    "organizations", "folders", "projects"):
                continue
            bindings = tuple(b for b in (row.get("policy") or {}).get("bindings") or () if isinstance(b, Mapping))
            folders = tuple(str(f).rsplit("/", 1)[-1] for f in row.get("folders") or ())
            out.append(Ancestor(parts[-2], parts[-1], bindings, folders))
    return out


def apply(scan: Scan, resources: Sequence[Resource], ancestors: Sequence[Ancestor]) -> list[Resource]:
    by_project: dict[str, Ancestor] = {}
    for a in ancestors:
        if a.kind == "projects":
            by_project[scan.project_id(a.ident) or a.ident] = a
    out = []
    for resource in resources:
        if resource.attributes.get("depth") != "deep" or resource.service not in SERVICE_ROLES:
            out.append(resource)
            continue
        project = by_project.get(resource.account)
        folders = set(project.folders) if project is not None else set()
        grants: list[AccessGrant] = []
        for a in ancestors:
            applies = (a.kind == "organizations" or (a.kind == "folders" and a.ident in folders)
                       or (a.kind == "projects" and (scan.project_id(a.ident) or a.ident) == resource.account))
            if applies:
                grants += _grants(scan, resource.service, a)
        out.append(replace(resource, access=(*resource.access, *grants),
                           evidence=(*resource.evidence, "cloudasset.searchAllIamPolicies")))
    return out


def _grants(scan: Scan, service: str, ancestor: Ancestor) -> list[AccessGrant]:
    prefix = SERVICE_ROLES[service]
    kept = [b for b in ancestor.bindings if str(b.get("role") or "") in BASIC
            or str(b.get("role") or "").startswith((prefix, *CUSTOM))]
    grants = iam.policy_grants({"bindings": kept}, GrantSource.ROLE_ASSIGNMENT, scan.organization,
                               scan.config.gcp.domains)
    where = f"inherited from {ancestor.kind}/{ancestor.ident}"
    return [replace(g, condition=f"{g.condition}; {where}" if g.condition else where) for g in grants]
