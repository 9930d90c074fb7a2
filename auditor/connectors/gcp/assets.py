"""Discovery through Cloud Asset Inventory: one paginated search over the organisation (or folders,
or each project), for exactly the asset types the service modules declare.

``GET /v1/{scope}:searchAllResources?assetTypes=…`` (a GET, so the guard needs no exception:
https://cloud.google.com/asset-inventory/docs/reference/rest/v1/TopLevel/searchAllResources, checked
2026-12-07) answers ``ResourceSearchResult`` rows with ``name``, ``assetType``, ``project``
(``projects/<number>``), ``location``, ``labels`` and ``kmsKeys``.

When the search cannot be made (API not enabled, permission missing) at a scope, each service
lists its own resources in the projects of that scope instead, and a coverage gap says so:
the per-service listing sees less (no resource of a service that is itself denied).
"""

from __future__ import annotations

from collections.abc import Sequence

from auditor.connectors.gcp.context import Project, Scan
from auditor.connectors.gcp.gaps import ReadError
from auditor.connectors.gcp.service import Found, Service

NAME = "cloudasset"
OPERATIONS = {"cloudasset.searchAllResources": "cloudasset.assets.searchAllResources"}
SERVICE = Service(name=NAME, operations=OPERATIONS)
PAGE_SIZE = "500"


def scopes(scan: Scan) -> list[str]:
    cfg = scan.config.gcp
    if cfg.projects is None and cfg.folders:
        return [f"folders/{f}" for f in cfg.folders]
    if cfg.projects is None and cfg.organization:
        return [f"organizations/{cfg.organization}"]
    return [f"projects/{p.id}" for p in scan.projects]


def discover(scan: Scan, services: Sequence[Service]) -> list[Found]:
    by_type = {t.native: svc for svc in services for t in svc.types
               if svc.from_asset is not None and t.native not in svc.unsearched}
    found: dict[str, Found] = {}
    fallback: list[Project] = []
    for scope in scopes(scan):
        try:
            rows = list(scan.session.pages("cloudasset.searchAllResources", NAME, f"/v1/{scope}:searchAllResources",
                                           "results", {"assetTypes": ",".join(sorted(by_type)),
                                                       "pageSize": PAGE_SIZE}))
        except ReadError as err:
            fallback += _fallback(scan, scope, err)
            continue
        for row in rows:
            svc = by_type.get(str(row.get("assetType") or ""))
            item = svc.from_asset(scan, row) if svc is not None and svc.from_asset is not None else None
            if item is not None:
                found[item.id] = item
    for project in fallback:
        for svc in services:
            if svc.discover is not None:
                for item in svc.discover(scan, project):
                    found.setdefault(item.id, item)
    return list(found.values())


def _fallback(scan: Scan, scope: str, err: ReadError) -> list[Project]:
    """Asset Inventory failed at ``scope``: say so, and name the projects to list service by service."""
    if scope.startswith("projects/"):
        projects = [p for p in scan.projects if p.id == scope.split("/", 1)[1]]
    else:
        projects = list(scan.projects)
    scan.note(NAME, err.reason,
              f"Cloud Asset Inventory could not be searched at {scope} ({err.text()}); each service was listed "
              "project by project instead, which misses the resources of any service that is denied or disabled",
              project=scope.split("/", 1)[1] if scope.startswith("projects/") else None)
    return projects
