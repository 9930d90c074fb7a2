"""VPC Service Controls: the service perimeters a store's project is in, for the store's API.

Access Context Manager v1 (https://cloud.google.com/access-context-manager/docs/reference/rest, checked
2026-12-07): ``accessPolicies.list`` (``GET /v1/accessPolicies?parent=organizations/<id>``,
``{"accessPolicies": [{"name": "accessPolicies/<n>", "parent", "title", "scopes"}]}``) then
``servicePerimeters.list`` of each (``GET /v1/accessPolicies/<n>/servicePerimeters``,
``{"servicePerimeters": [{"name", "title", "perimeterType", "status": {"resources": ["projects/<number>"],
"restrictedServices": ["storage.googleapis.com"…], "accessLevels", "ingressPolicies", "egressPolicies"},
"spec", "useExplicitDryRunSpec"}]}``). A store is inside a perimeter when its project is one of the
perimeter's ``resources`` and its API is restricted (or ``RESTRICTED-SERVICES``, every supported one):
its data can then only be reached from inside the perimeter or through its access levels and ingress
rules. A dry-run ``spec`` is recorded as such (it only logs violations).

Kept on each store as ``attributes.vpc_service_perimeters`` and shown with its access in the report. No
policy judges it yet: ingress rules and access levels would have to be read to say whom a perimeter lets
in. Unreadable (the API denied or disabled, or no ``gcp.organization`` to list the policies of): a
coverage gap of the scan, which no store check depends on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from auditor.connectors.gcp.context import Scan
from auditor.connectors.gcp.service import Service
from auditor.model.inventory import Resource
from auditor.model.vocab import GapReason

NAME = "accesscontextmanager"
OPERATIONS = {
    "accesscontextmanager.accessPolicies.list": "accesscontextmanager.policies.list",
    "accesscontextmanager.accessPolicies.servicePerimeters.list": "accesscontextmanager.servicePerimeters.list",
}
SERVICE = Service(name=NAME, operations=OPERATIONS)
ALL = "RESTRICTED-SERVICES"
# The connector's service name -> the API names a perimeter restricts.
API: Mapping[str, tuple[str, ...]] = {
    "storage": ("storage.googleapis.com",), "bigquery": ("bigquery.googleapis.com",),
    "sqladmin": ("sqladmin.googleapis.com",), "healthcare": ("healthcare.googleapis.com",),
    "firestore": ("firestore.googleapis.com", "datastore.googleapis.com"), "spanner": ("spanner.googleapis.com",),
    "cloudkms": ("cloudkms.googleapis.com",), "aiplatform": ("aiplatform.googleapis.com",),
}


@dataclass(frozen=True, slots=True)
class Perimeter:
    name: str
    title: str
    resources: frozenset[str]  # projects/<number>
    restricted: frozenset[str]
    dry_run: bool = False

    def label(self) -> str:
        return f"{self.title or self.name.rsplit('/', 1)[-1]}{' (dry run)' if self.dry_run else ''}"


def _perimeters(item: Mapping[str, Any]) -> list[Perimeter]:
    out = []
    name, title = str(item.get("name") or ""), str(item.get("title") or "")
    for key, dry in (("status", False), ("spec", True)):
        config = item.get(key)
        if not isinstance(config, Mapping) or (dry and not item.get("useExplicitDryRunSpec")):
            continue
        out.append(Perimeter(name, title, frozenset(str(r) for r in config.get("resources") or ()),
                             frozenset(str(s) for s in config.get("restrictedServices") or ()), dry))
    return out


def read(scan: Scan) -> list[Perimeter] | None:
    if not scan.organization:
        scan.note(NAME, GapReason.NOT_READ, "VPC Service Controls perimeters are listed from the organisation's "
                  "access policies: configure gcp.organization to read them")
        return None
    policies = scan.pages(NAME, "accesscontextmanager.accessPolicies.list", "/v1/accessPolicies", "accessPolicies",
                          {"parent": f"organizations/{scan.organization}"})
    if policies is None:
        return None
    out: list[Perimeter] = []
    for policy in policies:
        name = str(policy.get("name") or "")
        if not name.startswith("accessPolicies/") or name.count("/") != 1:
            continue
        items = scan.pages(NAME, "accesscontextmanager.accessPolicies.servicePerimeters.list",
                           f"/v1/{name}/servicePerimeters", "servicePerimeters")
        if items is None:
            return None
        out += [p for item in items for p in _perimeters(item)]
    return out


def apply(scan: Scan, resources: Sequence[Resource]) -> list[Resource]:
    if not any(r.attributes.get("depth") == "deep" and r.service in API for r in resources):
        return list(resources)
    perimeters = read(scan)
    if not perimeters:
        return list(resources)
    numbers = {p.id: p.number for p in scan.projects}
    out = []
    for resource in resources:
        project = f"projects/{numbers.get(resource.account)}"
        inside = [p.label() for p in perimeters if resource.attributes.get("depth") == "deep"
                  and resource.service in API and project in p.resources
                  and (ALL in p.restricted or p.restricted & set(API[resource.service]))]
        if inside:
            resource = replace(resource, evidence=(*resource.evidence,
                                                   "accesscontextmanager.accessPolicies.servicePerimeters.list"),
                               attributes={**resource.attributes, "vpc_service_perimeters": inside})
        out.append(resource)
    return out
