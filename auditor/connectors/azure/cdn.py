"""Front Door and CDN profiles (``Microsoft.Cdn/profiles``): global edge caches in front of a store.

Profiles are ``global`` and Front Door/CDN are permanently outside the EU Data Boundary. ``link``
reads the origins of every profile (Front Door: origin groups → origins; classic CDN: endpoints)
and, when an origin is an in-scope store (by Azure resource id or by its host name), adds an
``edge-cache`` location in region ``global`` to that store and keeps the profile as a ``cdn``
resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from auditor.connectors.azure.context import Mapper, Row, Scan, base, host_label
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.service import Link, Reader, Service
from auditor.connectors.spec import TypeSpec
from auditor.model.inventory import DataLocation, LocationRole, Resource
from auditor.model.vocab import Kind, Via

NAMESPACE = "Microsoft.Cdn"
PROFILE = "microsoft.cdn/profiles"
OPERATIONS = (
    "Microsoft.Cdn/profiles/read",
    "Microsoft.Cdn/profiles/originGroups/read",
    "Microsoft.Cdn/profiles/originGroups/origins/read",
    "Microsoft.Cdn/profiles/endpoints/read",
)
API = "2024-02-01"
GLOBAL = "global"


def _origins(scan: Scan, row: Row) -> list[dict[str, Any]]:
    """``{"host": …, "resource": …}`` for every origin the profile pulls from."""
    if "azurefrontdoor" in str(row.sku or "").lower() or str(row.kind or "").lower() == "frontdoor":
        found = []
        for group in scan.session.pages(f"{row.id}/originGroups", API):
            for origin in scan.session.pages(f"{group['id']}/origins", API):
                props = origin.get("properties") or {}
                found.append({"host": props.get("hostName"), "resource": (props.get("azureOrigin") or {}).get("id")})
        return found
    found = []
    for endpoint in scan.session.pages(f"{row.id}/endpoints", API):
        for origin in (endpoint.get("properties") or {}).get("origins") or ():
            found.append({"host": (origin.get("properties") or {}).get("hostName"), "resource": None})
    return found


def _match(origin: Mapping[str, Any], resources: Mapping[str, Resource]) -> str | None:
    rid = str(origin.get("resource") or "").lower()
    if rid in resources:
        return rid
    host = str(origin.get("host") or "").lower()
    if not host:
        return None
    label = host_label(host)
    for key, res in resources.items():
        if res.kind == "cdn":
            continue
        name = res.name.lower()
        if label == name or (res.kind == "health-api" and label.endswith(f"-{name}")):
            return key
    return None


def read(scan: Scan, row: Row) -> Resource:
    origins = _origins(scan, row)
    return replace(
        base(row, NAMESPACE, Kind.CDN, scan.tenant), region=GLOBAL,
        locations=(DataLocation(region=GLOBAL, role=LocationRole.EDGE_CACHE, via=Via.CDN,
                                via_detail=str(row.sku) if row.sku else None),),
        evidence=("Microsoft.ResourceGraph/resources/read", *OPERATIONS),
        attributes={"resource_group": row.resource_group, "sku": row.sku, "arm_kind": row.kind,
                    "origins": sorted({str(o.get("host")) for o in origins if o.get("host")})},
    )


def link(scan: Scan, resources: Mapping[str, Resource], read_row: Reader, pmap: Mapper = map) -> list[Link]:
    """An edge-cache location on every store a profile pulls from; the profile is kept as a ``cdn`` resource."""

    def origins_of(profile: Row) -> tuple[Row, list[dict[str, Any]] | None]:
        try:
            return profile, _origins(scan, profile)
        except ReadError as err:
            scan.failed(NAMESPACE, err, account=profile.subscription, region=GLOBAL, resource_id=profile.id)
            return profile, None

    links: list[Link] = []
    for profile, origins in list(pmap(origins_of, scan.index.of_type(PROFILE))):
        if origins is None:
            continue
        hits = sorted({key for key in (_match(o, resources) for o in origins) if key})
        if not hits:
            continue
        holder = resources.get(profile.id.lower()) or read_row(profile)
        edge = DataLocation(region=GLOBAL, role=LocationRole.EDGE_CACHE,
                            via=Via.FRONT_DOOR if 'frontdoor' in str(profile.sku).lower() else Via.CDN,
                            via_detail=profile.name, target=profile.id, account=profile.subscription)
        links.extend(Link(target=key, location=edge, evidence=(OPERATIONS[0],), holder=holder) for key in hits)
    return links


SERVICE = Service(
    name=NAMESPACE, operations=OPERATIONS, read=read, link=link,
    types=(TypeSpec(Kind.CDN, "Microsoft.Cdn/profiles", not_in_plans=(
        "not mapped yet: a plan tells which store a profile caches only through its origin resources "
        "(azurerm_cdn_frontdoor_origin), which no extractor reads")),),
)
