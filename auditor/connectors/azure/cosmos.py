"""Cosmos DB accounts: every region that holds the data, and where periodic backups go.

``properties.locations`` lists every region of the account (failover priority 0 is the
primary); ``writeLocations``/``readLocations`` say which serve writes. Location names come as
display names (``East US``) and are normalised. Periodic backups with ``Geo`` redundancy sit in
the paired region of the primary; continuous backups stay in each region of the account. With
no ``backupPolicy`` the service default applies: periodic, geo-redundant backup storage. The
account's ARM ``location`` may differ from ``locations[0]`` (after a failover, or when created
so): the data's primary is ``locations[0]``, and the ARM location is kept as ``account_location``.
The customer-managed key's vault access policies are access grants (:func:`keyvault.key_grants`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from azure.mgmt.cosmosdb import CosmosDBManagementClient

from auditor.connectors.azure import keyvault
from auditor.connectors.azure.context import Row, Scan, base, network, region
from auditor.connectors.azure.planning import (
    MICROSOFT_MANAGED,
    cmk,
    identities,
    paired,
    public,
    vault_policies,
)
from auditor.connectors.azure.redundancy import geo_backup
from auditor.connectors.azure.service import Service
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform import places
from auditor.connectors.terraform.facts import Change, Fact, Store
from auditor.connectors.terraform.resolve import UNKNOWN, Resolved
from auditor.connectors.terraform.values import items, text
from auditor.model.inventory import DataLocation, KeyManager, KeyRef, LocationRole, Resource
from auditor.model.vocab import Kind, Via

NAMESPACE = "Microsoft.DocumentDB"
OPERATIONS = ("Microsoft.DocumentDB/databaseAccounts/read",)


def read(scan: Scan, row: Row) -> Resource:
    client = scan.session.sdk(CosmosDBManagementClient, row.subscription)
    data = scan.json(client.database_accounts.get, row.resource_group, row.name)
    props: dict[str, Any] = data.get("properties") or {}
    regions = sorted(props.get("locations") or props.get("readLocations") or (),
                     key=lambda loc: int(loc.get("failoverPriority") or 0))
    writes = {region(loc.get("locationName")) for loc in props.get("writeLocations") or ()}
    primary = region(regions[0].get("locationName")) if regions else region(data.get("location") or row.location)
    locations = [DataLocation(region=primary, role=LocationRole.PRIMARY)]
    for loc in regions[1:]:
        where = region(loc.get("locationName"))
        via = Via.COSMOS_WRITE_REGION if where in writes else Via.COSMOS_READ_REGION
        locations.append(DataLocation(region=where, role=LocationRole.REPLICA, via=via))
    policy = props.get("backupPolicy") or {}
    kind = str(policy.get("type") or "")
    redundancy = (policy.get("periodicModeProperties") or {}).get("backupStorageRedundancy")
    if not kind:  # not stated: the service default, periodic backups in geo-redundant storage
        kind, redundancy = "Periodic", redundancy or "Geo"
    elif kind.lower() == "periodic" and not redundancy:
        redundancy = "Geo"  # backupStorageRedundancy defaults to Geo
    if kind.lower() == "periodic" and geo_backup(redundancy):
        locations.append(scan.geo_copy(primary, LocationRole.BACKUP, Via.COSMOS_PERIODIC_BACKUP, detail="Geo"))
    elif kind.lower() == "periodic":
        locations.append(DataLocation(region=primary, role=LocationRole.BACKUP,
                                      via=Via.COSMOS_PERIODIC_BACKUP,
                                      via_detail=str(redundancy or 'unspecified')))
    elif kind.lower() == "continuous":
        for place in [primary, *(loc.region for loc in locations[1:])]:
            locations.append(DataLocation(region=place, role=LocationRole.BACKUP, via=Via.COSMOS_CONTINUOUS_BACKUP))
    key_uri = props.get("keyVaultKeyUri")
    key = (keyvault.key_ref(scan, key_uri, account=row.subscription, resource_id=row.id) if key_uri
           else KeyRef(manager=KeyManager.PROVIDER, region=primary, origin="Microsoft.DocumentDB"))
    account_location = region(data.get("location") or row.location)
    return replace(
        base(row, NAMESPACE, Kind.NOSQL, scan.tenant),
        region=primary, locations=tuple(locations), network=network(props), encryption=key,
        access=tuple(keyvault.key_grants(scan, key_uri, account=row.subscription, resource_id=row.id)),
        evidence=("Microsoft.ResourceGraph/resources/read", OPERATIONS[0]),
        attributes={"resource_group": row.resource_group, "arm_kind": data.get("kind"),
                    "account_location": account_location,
                    "primary_differs_from_account_location": account_location != primary,
                    "write_regions": sorted(writes),
                    "multiple_write_locations": props.get("enableMultipleWriteLocations"),
                    "backup_policy": kind or None, "backup_storage_redundancy": redundancy,
                    "disable_local_auth": props.get("disableLocalAuth"),
                    "virtual_network_filter": props.get("isVirtualNetworkFilterEnabled")},
    )



# -- in a Terraform plan ----------------------------------------------------------------------



def cosmosdb_account(change: Change) -> Iterator[Fact]:
    geo = sorted(items(change.get("geo_location")), key=lambda b: b[1].get("failover_priority") or 0)
    primary = change.region
    replicas: list[DataLocation] = []
    for position, (i, block) in enumerate(geo):
        unknown = change.unknown("geo_location", i, "location")
        name = text(block.get("location"))
        region = UNKNOWN if unknown or name is None else places.azure_location(name)
        if position == 0:
            primary = Resolved(region, change.path("geo_location", i, "location"))
        else:
            replicas.append(DataLocation(region, LocationRole.REPLICA, Via.COSMOS_READ_REGION))
    backup = text(change.get("backup", 0, "storage_redundancy"))
    kind = text(change.get("backup", 0, "type")) or "Periodic"
    if backup is None and kind == "Periodic" and not change.unknown("backup"):
        backup = "Geo"  # azurerm's (and the service's) default: periodic backups in geo-redundant storage
    if backup == "Geo":
        replicas.append(
            DataLocation(paired(primary.value), LocationRole.BACKUP, Via.COSMOS_PERIODIC_BACKUP,
                         via_detail="Geo")
        )
    yield Store(
        kind=Kind.NOSQL,
        service="cosmosdb",
        name=change.planned_name("name"),
        logging=change.new_logging(),
        region=primary,
        locations=tuple(replicas),
        key=cmk(change, "key_vault_key_id") if change.get("key_vault_key_id") else MICROSOFT_MANAGED,
        access=vault_policies(change, "key_vault_key_id"),
        network=public(change),
        identities=identities("cosmosdb", change),
        attributes={"account_location": change.text("location"),
                    "primary_differs_from_account_location": bool(change.text("location"))
                    and places.azure_location(str(change.text("location"))) != primary.value},
    )


SERVICE = Service(
    name=NAMESPACE, operations=OPERATIONS, read=read,
    types=(TypeSpec(Kind.NOSQL, "Microsoft.DocumentDB/databaseAccounts", ("azurerm_cosmosdb_account",)),),
    plan={
        "azurerm_cosmosdb_account": cosmosdb_account,
    },
)
