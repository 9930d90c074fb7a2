"""Azure AI Search services (``Microsoft.Search/searchServices``): indexes built from other stores.

A search service stores its indexes (chunks of the documents its indexers read, and their vectors) in
its own region, and runs its indexers and queries there: its region is its primary location and a
``processing`` location (``via: azure-ai-search``). Which stores its indexers read is data-plane
configuration (data sources), not visible through ARM; what ARM shows is the shared private links a
service opens to reach them (``…/sharedPrivateLinkResources``, ``privateLinkResourceId``): those stores
are its ``reads``, so a search service indexing a health storage account or Cosmos DB account is
health processing by lineage (:func:`auditor.classify.lineage`). A service reaching its sources over
public endpoints shows no such link: its ``reads`` then stay empty (the docs say so).

Plans: ``azurerm_search_service`` and ``azurerm_search_shared_private_link_service``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from auditor.connectors.azure.context import Row, Scan, base, parent_id, region
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.service import Service
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Extractor, Fact, Store
from auditor.model.inventory import DataLocation, LocationRole, Resource
from auditor.model.vocab import Kind, Via

NAMESPACE = "Microsoft.Search"
SEARCH = "microsoft.search/searchservices"
OPERATIONS = (
    "Microsoft.Search/searchServices/read",
    "Microsoft.Search/searchServices/sharedPrivateLinkResources/read",
)
API = "2025-05-01"


def _store_of(link_target: str) -> str:
    """``…/databaseAccounts/x/privateLinkResources/Sql`` -> ``…/databaseAccounts/x`` (the store itself)."""
    low = link_target.lower()
    return parent_id(link_target) if "/privatelinkresources/" in low else link_target


def read(scan: Scan, row: Row) -> Resource:
    data = scan.session.get(row.id, API)
    props = data.get("properties") or {}
    home = region(data.get("location") or row.location)
    reads: list[str] = []
    complete = True
    try:
        reads = [_store_of(str((s.get("properties") or {}).get("privateLinkResourceId")))
                 for s in scan.session.pages(f"{row.id}/sharedPrivateLinkResources", API)
                 if (s.get("properties") or {}).get("privateLinkResourceId")]
    except ReadError as err:
        complete = False
        scan.failed(NAMESPACE, err, account=row.subscription, region=home, resource_id=row.id)
    return replace(
        base(row, NAMESPACE, Kind.SEARCH, scan.tenant), region=home,
        locations=(DataLocation(home), DataLocation(home, LocationRole.PROCESSING, via=Via.AZURE_AI_SEARCH)),
        evidence=("Microsoft.ResourceGraph/resources/read", *OPERATIONS),
        attributes={"resource_group": row.resource_group, "sku": (data.get("sku") or {}).get("name"),
                    "replica_count": props.get("replicaCount"), "reads": list(dict.fromkeys(reads)),
                    "reads_complete": complete},
    )


# -- Terraform ------------------------------------------------------------------------------------


def _linked(change: Change) -> list[str]:
    """The stores the plan's shared private links of this service reach."""
    out: list[str] = []
    for address, entry in change.resolver.entries.items():
        link = change.other(address) if entry.type == "azurerm_search_shared_private_link_service" else None
        if link is None or change.address not in link.refs("search_service_id"):
            continue
        out += link.refs("target_resource_id") or ([t] if (t := link.text("target_resource_id")) else [])
    return list(dict.fromkeys(out))


def plan_search(change: Change) -> Iterator[Fact]:
    yield Store(kind=Kind.SEARCH, service=NAMESPACE, name=change.planned_name("name"),
                locations=(DataLocation(change.region.value, LocationRole.PROCESSING, via=Via.AZURE_AI_SEARCH),),
                attributes={"sku": change.text("sku"), "reads": _linked(change)},
                identities=(f"{NAMESPACE}:{change.planned_name('name')}",))


def plan_shared_private_link(change: Change) -> Iterator[Fact]:
    """Read through the search service it belongs to (:func:`plan_search`)."""
    return iter(())


TYPE_SPECS = (TypeSpec(Kind.SEARCH, "Microsoft.Search/searchServices", ("azurerm_search_service",)),)
PLAN: Mapping[str, Extractor] = {"azurerm_search_service": plan_search,
                           "azurerm_search_shared_private_link_service": plan_shared_private_link}

SERVICE = Service(name=NAMESPACE, operations=OPERATIONS, read=read, types=TYPE_SPECS, plan=PLAN)
