"""Front Door and CDN profiles (``Microsoft.Cdn/profiles``): global edge caches in front of a store.

Profiles are ``global`` and Front Door/CDN are permanently outside the EU Data Boundary. ``link``
reads the origins of every profile (Front Door: origin groups → origins; classic CDN: endpoints)
and, when an origin is an in-scope store (by Azure resource id or by its host name), adds an
``edge-cache`` location in region ``global`` to that store and keeps the profile as a ``cdn``
resource.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from auditor.connectors.azure.context import Mapper, Row, Scan, base, host_label
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.planning import identities
from auditor.connectors.azure.service import Link, Reader, Service
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Attach, Change, Fact, Store, Target
from auditor.connectors.terraform.resolve import Resolved
from auditor.connectors.terraform.values import items
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


# -- in a Terraform plan: a profile is a global store; each origin adds an edge cache to the store it pulls from


def frontdoor_profile(change: Change) -> Iterator[Fact]:
    yield _profile(change, Via.FRONT_DOOR, change.text("sku_name"))


def cdn_profile(change: Change) -> Iterator[Fact]:
    yield _profile(change, Via.CDN, change.text("sku"))


def _profile(change: Change, via: Via, sku: str | None) -> Store:
    name = change.planned_name("name")
    return Store(kind=Kind.CDN, service="cdn", name=name, region=Resolved(GLOBAL, "Front Door and CDN are global"),
                 locations=(DataLocation(GLOBAL, LocationRole.EDGE_CACHE, via, via_detail=sku),),
                 attributes={"sku": sku}, identities=identities("cdn", change))


def frontdoor_origin(change: Change) -> Iterator[Fact]:
    """``azurerm_cdn_frontdoor_origin``: its group names the profile, its ``host_name`` the store."""
    groups = change.refs("cdn_frontdoor_origin_group_id")
    group = change.other(groups[0]) if groups else None
    profiles = group.refs("cdn_frontdoor_profile_id") if group is not None else []
    yield from _edge(change, ("host_name",), Via.FRONT_DOOR, profiles[0] if profiles else None)


def cdn_endpoint(change: Change) -> Iterator[Fact]:
    """``azurerm_cdn_endpoint`` (classic CDN): each ``origin`` block's ``host_name`` is a store it caches."""
    profiles = change.refs("profile_name")
    for i, _ in items(change.get("origin")):
        yield from _edge(change, ("origin", i, "host_name"), Via.CDN, profiles[0] if profiles else None)


def _edge(change: Change, path: tuple[str | int, ...], via: Via, profile: str | None) -> Iterator[Fact]:
    host = change.text(*path)
    label = host_label(host) if host else None
    edge = DataLocation(GLOBAL, LocationRole.EDGE_CACHE, via, profile or change.address)
    identity = f"storage:{label}" if (host and ".blob." in host) or (host and ".dfs." in host) else None
    yield Attach(Target(tuple(change.refs(*path)), identity, create=False), locations=(edge,),
                 evidence=(change.path(*path),))


SERVICE = Service(
    name=NAMESPACE, operations=OPERATIONS, read=read, link=link,
    types=(TypeSpec(Kind.CDN, "Microsoft.Cdn/profiles", ("azurerm_cdn_frontdoor_profile", "azurerm_cdn_profile")),),
    plan={
        "azurerm_cdn_frontdoor_profile": frontdoor_profile,
        "azurerm_cdn_profile": cdn_profile,
        "azurerm_cdn_frontdoor_origin": frontdoor_origin,
        "azurerm_cdn_endpoint": cdn_endpoint,
    },
)
