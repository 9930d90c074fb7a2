"""Data Access audit logs: whether reads of a store's data are logged (``Resource.logging``, LOG-001).

Audit logging is configured in the ``auditConfigs`` of the IAM policies of the organisation, folders and
projects (``{"service": "storage.googleapis.com" | "allServices", "auditLogConfigs": [{"logType":
"DATA_READ", "exemptedMembers": […]}]}``, https://cloud.google.com/iam/docs/reference/rest/v1/Policy#AuditConfig);
a project's effective configuration is the union of its own and its ancestors'
(https://cloud.google.com/logging/docs/audit/configure-data-access, checked 2026-12-07). Those policies are
read in one paginated ``GET``: Cloud Asset Inventory ``assets.list`` with ``contentType=IAM_POLICY`` for the
organisation, folder and project asset types at the scan's scopes (``assets[]``: ``name``, ``assetType``,
``iamPolicy``, ``ancestors``; https://cloud.google.com/asset-inventory/docs/reference/rest/v1/assets/list,
checked 2026-12-07).

A store is logged (``logging`` on) when ``DATA_READ`` is on for its service (or ``allServices``) on its
project or an ancestor, and not logged (off) when every policy of the chain was read and none turns it on:
"Data Access audit logs—except for BigQuery Data Access audit logs—are disabled by default" (same page), so
BigQuery datasets are always logged. A Cloud Storage bucket with usage logs stays logged. Unknown: the
policies could not be read (one coverage gap of the scope), or the project's ancestors were not in the
answer (projects scanned one by one: a gap per project says so).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from auditor.connectors.gcp import assets
from auditor.connectors.gcp.context import Scan
from auditor.connectors.gcp.gaps import ReadError
from auditor.connectors.gcp.service import Service
from auditor.model.inventory import Resource
from auditor.model.vocab import GapReason

NAME = "cloudasset"
OPERATIONS = {"cloudasset.assets.list": "cloudasset.assets.listIamPolicy"}
SERVICE = Service(name=NAME, operations=OPERATIONS)
TYPES = ("cloudresourcemanager.googleapis.com/Organization", "cloudresourcemanager.googleapis.com/Folder",
         "cloudresourcemanager.googleapis.com/Project")
ALWAYS_ON = frozenset({"bigquery"})  # BigQuery's Data Access logs cannot be turned off
# The connector's service name -> the audited service names (any of them on is enough).
AUDITED: Mapping[str, tuple[str, ...]] = {
    "storage": ("storage.googleapis.com",), "sqladmin": ("cloudsql.googleapis.com",),
    "healthcare": ("healthcare.googleapis.com",), "spanner": ("spanner.googleapis.com",),
    "aiplatform": ("aiplatform.googleapis.com",), "cloudkms": ("cloudkms.googleapis.com",),
    "firestore": ("firestore.googleapis.com", "datastore.googleapis.com"),
}


@dataclass(frozen=True, slots=True)
class Node:
    """One organisation, folder or project: its own audit configuration, its ancestors (itself first)."""

    ident: str  # organizations/1, folders/2, projects/3 (number)
    configs: tuple[Mapping[str, Any], ...]
    ancestors: tuple[str, ...]


def read(scan: Scan) -> dict[str, Node] | None:
    nodes: dict[str, Node] = {}
    for scope in assets.scopes(scan):
        try:
            rows = list(scan.session.pages("cloudasset.assets.list", NAME, f"/v1/{scope}/assets", "assets",
                                           {"contentType": "IAM_POLICY", "assetTypes": ",".join(TYPES),
                                            "pageSize": assets.PAGE_SIZE}))
        except ReadError as err:
            scan.note(NAME, err.reason, f"the IAM policies' audit configurations could not be read at {scope} "
                      f"({err.text()}): whether Data Access audit logs are on is unknown",
                      project=scope.split("/", 1)[1] if scope.startswith("projects/") else None)
            return None
        for row in rows:
            ident = "/".join(str(row.get("name") or "").split("/")[-2:])
            configs = tuple(c for c in (row.get("iamPolicy") or {}).get("auditConfigs") or ()
                            if isinstance(c, Mapping))
            nodes[ident] = Node(ident, configs, tuple(str(a) for a in row.get("ancestors") or (ident,)))
    return nodes


def logged(configs: Sequence[Mapping[str, Any]], services: tuple[str, ...]) -> tuple[bool, list[str]]:
    """(DATA_READ on for one of ``services``, the members exempted from it)."""
    on, exempted = False, []
    for config in configs:
        if str(config.get("service") or "") not in (*services, "allServices"):
            continue
        for log in config.get("auditLogConfigs") or ():
            if isinstance(log, Mapping) and log.get("logType") == "DATA_READ":
                on = True
                exempted += [str(m) for m in log.get("exemptedMembers") or ()]
    return on, exempted


def apply(scan: Scan, resources: Sequence[Resource]) -> list[Resource]:
    deep = [r for r in resources if r.attributes.get("depth") == "deep"
            and (r.service in AUDITED or r.service in ALWAYS_ON)]
    if not deep:
        return list(resources)
    nodes = read(scan)
    judged = {id(r) for r in deep}
    numbers = {p.id: p.number for p in scan.projects}
    partial: set[str] = set()
    out = []
    for resource in resources:
        if id(resource) not in judged:
            out.append(resource)
            continue
        if resource.service in ALWAYS_ON:
            out.append(replace(resource, logging=True, attributes={**resource.attributes,
                                                                   "data_access_logs": "always on (BigQuery)"}))
            continue
        node = None if nodes is None else nodes.get(f"projects/{numbers.get(resource.account)}")
        if node is None:
            out.append(resource)
            continue
        chain = [nodes[a] for a in node.ancestors if nodes is not None and a in nodes]
        on, exempted = logged([c for n in chain for c in n.configs], AUDITED[resource.service])
        complete = len(chain) == len(node.ancestors)
        if not on and not complete:
            partial.add(resource.account)
            out.append(resource)
            continue
        out.append(replace(resource, logging=bool(on or resource.logging),
                           evidence=(*resource.evidence, "cloudasset.assets.list"),
                           attributes={**resource.attributes, "data_access_logs": "DATA_READ" if on else "off",
                                       **({"data_access_log_exempted": exempted} if exempted else {})}))
    for project in sorted(partial):
        scan.note(NAME, GapReason.NOT_READ, f"the audit configurations of the folders and organisation above "
                  f"project {project} are outside the scan's scope: Data Access audit logs set there are not seen",
                  project=project)
    return out
