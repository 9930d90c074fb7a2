"""Azure SQL databases: failover-group partners, geo-replicas, backup redundancy, TDE key.

A database inherits its server's tags for the scope decision (health tagged on the server
covers every database on it). Server-level facts (network, failover groups, TDE protector)
are read once per server however many of its databases are in scope.

- Failover groups list partner servers *with their location*: any region, customer-chosen.
- Replication links give each geo-secondary's ``partnerLocation``.
- Backups: ``Geo``/``GeoZone`` redundancy keeps them in the database's
  ``defaultSecondaryLocation`` (ARM's own value; the pair table only when it is missing).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from azure.mgmt.sql import SqlManagementClient

from auditor.connectors.azure import keyvault
from auditor.connectors.azure.context import Index, Row, Scan, base, network, parent_id, region, subscription_of
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.planning import (
    MICROSOFT_MANAGED,
    cmk,
    identities,
    pair,
    paired,
    public,
    target,
)
from auditor.connectors.azure.redundancy import geo_backup
from auditor.connectors.azure.service import Service
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Attach, Change, Fact, Store, Target
from auditor.connectors.terraform.resolve import UNKNOWN, Resolved
from auditor.model.inventory import DataLocation, GapAspect, KeyManager, KeyRef, LocationRole, Network, Resource
from auditor.model.vocab import Kind, Via

NAMESPACE = "Microsoft.Sql"
DATABASE = "microsoft.sql/servers/databases"
SERVER = "microsoft.sql/servers"
OPERATIONS = (
    "Microsoft.Sql/servers/databases/read",
    "Microsoft.Sql/servers/read",
    "Microsoft.Sql/servers/failoverGroups/read",
    "Microsoft.Sql/servers/databases/replicationLinks/read",
    "Microsoft.Sql/servers/encryptionProtector/read",
)


def skip(row: Row) -> bool:
    """System databases (``master``) hold no customer data."""
    return row.name.lower() == "master" or "system" in str(row.kind or "").lower()


def tags(row: Row, index: Index) -> dict[str, str]:
    server = index.get(parent_id(row.id))
    return {**(server.tags if server else {}), **row.tags}


def read(scan: Scan, row: Row) -> Resource:
    server_name = parent_id(row.id).rsplit("/", 1)[-1]
    client = scan.session.sdk(SqlManagementClient, row.subscription)
    data = scan.json(client.databases.get, row.resource_group, server_name, row.name)
    props: dict[str, Any] = data.get("properties") or {}
    primary = region(data.get("location") or row.location)
    evidence = ["Microsoft.ResourceGraph/resources/read", OPERATIONS[0]]
    locations = [DataLocation(region=primary, role=LocationRole.PRIMARY)]
    seen: set[str] = set()
    for partner in _failover_partners(scan, client, row, server_name, evidence):
        seen.add(str(partner["id"]).lower())
        locations.append(DataLocation(region=region(partner.get("location")), role=LocationRole.REPLICA,
                                      via=Via.SQL_FAILOVER_GROUP, via_detail=str(partner['group']),
                                      target=partner["id"],
                                      account=subscription_of(str(partner["id"]))))
    for link in _replication_links(scan, client, row, server_name, evidence):
        target = str(link.get("partnerServer") or "")
        if any(s.rsplit("/", 1)[-1] == target.lower() for s in seen):
            continue
        locations.append(DataLocation(region=region(link.get("partnerLocation")), role=LocationRole.REPLICA,
                                      via=Via.SQL_GEO_REPLICATION, via_detail=str(link.get('linkType') or 'GEO'),
                                      target=f"{target}/{link.get('partnerDatabase') or row.name}"))
    redundancy = props.get("currentBackupStorageRedundancy") or props.get("requestedBackupStorageRedundancy")
    if geo_backup(redundancy):
        secondary = props.get("defaultSecondaryLocation")
        locations.append(DataLocation(region=region(secondary), role=LocationRole.BACKUP,
                                      via=Via.SQL_BACKUP_REDUNDANCY,
                                      via_detail=f"{redundancy}, defaultSecondaryLocation")
                         if secondary else scan.geo_copy(primary, LocationRole.BACKUP,
                                                        Via.SQL_BACKUP_REDUNDANCY, detail=str(redundancy)))
    elif redundancy:
        locations.append(DataLocation(region=primary, role=LocationRole.BACKUP,
                                      via=Via.SQL_BACKUP_REDUNDANCY, via_detail=str(redundancy)))
    server = _server(scan, client, row, server_name, evidence)
    return replace(
        base(row, NAMESPACE, Kind.DATABASE, scan.tenant),
        region=primary, tags=tags(row, scan.index), locations=tuple(locations),
        network=network(server.get("properties") or {}) if server else Network(),
        encryption=_tde(scan, client, row, server_name, evidence), evidence=tuple(evidence),
        attributes={"resource_group": row.resource_group, "sku": (data.get("sku") or {}).get("name"),
                    "server": parent_id(row.id), "backup_storage_redundancy": redundancy,
                    "default_secondary_location": props.get("defaultSecondaryLocation"),
                    "zone_redundant": props.get("zoneRedundant"),
                    "public_network_access": ((server or {}).get("properties") or {}).get("publicNetworkAccess")},
    )


def _server(scan: Scan, client: SqlManagementClient, row: Row, name: str, evidence: list[str]) -> dict[str, Any]:
    try:
        data: dict[str, Any] = scan.memo(("sql-server", parent_id(row.id).lower()),
                                        lambda: scan.json(client.servers.get, row.resource_group, name))
    except ReadError as err:
        scan.failed(NAMESPACE, err, account=row.subscription, region=row.location, resource_id=parent_id(row.id))
        return {}
    evidence.append(OPERATIONS[1])
    return data


def _failover_partners(scan: Scan, client: SqlManagementClient, row: Row, server: str,
                       evidence: list[str]) -> list[dict[str, Any]]:
    try:
        groups: list[dict[str, Any]] = scan.memo(
            ("sql-fg", parent_id(row.id).lower()),
            lambda: scan.json_list(client.failover_groups.list_by_server, row.resource_group, server))
    except ReadError as err:
        scan.failed(NAMESPACE, err, account=row.subscription, region=row.location, resource_id=parent_id(row.id),
                   aspect=GapAspect.LOCATION)
        return []
    evidence.append(OPERATIONS[2])
    partners = []
    for group in groups:
        props = group.get("properties") or {}
        if row.id.lower() not in {str(d).lower() for d in props.get("databases") or ()}:
            continue
        for partner in props.get("partnerServers") or ():
            partners.append({"id": partner.get("id"), "location": partner.get("location"),
                             "group": group.get("name")})
    return partners


def _replication_links(scan: Scan, client: SqlManagementClient, row: Row, server: str,
                       evidence: list[str]) -> list[dict[str, Any]]:
    try:
        links = scan.json_list(client.replication_links.list_by_database, row.resource_group, server, row.name)
    except ReadError as err:
        scan.failed(NAMESPACE, err, account=row.subscription, region=row.location, resource_id=row.id,
                   aspect=GapAspect.LOCATION)
        return []
    evidence.append(OPERATIONS[3])
    return [link.get("properties") or {} for link in links]


def _tde(scan: Scan, client: SqlManagementClient, row: Row, server: str, evidence: list[str]) -> KeyRef:
    try:
        data: dict[str, Any] = scan.memo(
            ("sql-tde", parent_id(row.id).lower()),
            lambda: scan.json(client.encryption_protectors.get, row.resource_group, server, "current"))
    except ReadError as err:
        scan.failed(NAMESPACE, err, account=row.subscription, region=row.location, resource_id=parent_id(row.id),
                   aspect=GapAspect.KEY)
        return KeyRef(manager=KeyManager.UNKNOWN)
    evidence.append(OPERATIONS[4])
    props = data.get("properties") or {}
    if str(props.get("serverKeyType")).lower() == "azurekeyvault":
        return keyvault.key_ref(scan, props.get("uri"), account=row.subscription, resource_id=row.id)
    return KeyRef(manager=KeyManager.PROVIDER, region=row.location, origin="ServiceManaged")



# -- in a Terraform plan ----------------------------------------------------------------------



def mssql_server(change: Change) -> Iterator[Fact]:
    yield Store(
        kind=Kind.DATABASE,
        service="sql",
        name=change.planned_name("name"),
        network=public(change),
        key=MICROSOFT_MANAGED,
        identities=identities("sql", change),
    )


def mssql_database(change: Change) -> Iterator[Fact]:
    # storage_account_type defaults to Geo: backups go to the paired region unless told otherwise
    redundancy = "storage_account_type"
    yield Store(
        kind=Kind.DATABASE,
        service="sql",
        name=change.planned_name("name"),
        logging=change.new_logging(),
        locations=pair(change, redundancy, LocationRole.BACKUP, Via.SQL_BACKUP_REDUNDANCY, geo_backup),
        key=cmk(change, "transparent_data_encryption_key_vault_key_id")
        if change.get("transparent_data_encryption_key_vault_key_id")
        else MICROSOFT_MANAGED,
        network=_server_network(change),
        identities=identities("sql", change),
        evidence=(change.path(redundancy),),
    )
    if change.text("create_mode") == "Secondary":
        yield Attach(
            target(change, "creation_source_database_id", Kind.DATABASE, "sql"),
            locations=(DataLocation(change.region.value, LocationRole.REPLICA, Via.SQL_GEO_REPLICATION,
                                    change.address),),
            evidence=(change.path("creation_source_database_id"),),
        )


def _server_network(change: Change) -> Network:
    """A database is reached through its server's endpoint: the server's public network setting (as live)."""
    servers = change.refs("server_id")
    server = change.other(servers[0]) if servers else None
    return public(server) if server is not None else Network()


def mssql_failover_group(change: Change) -> Iterator[Fact]:
    partners = change.refs("partner_server", 0, "id")
    region = change.region_of(partners[0]) if partners else Resolved(UNKNOWN, "partner server not in the plan")
    location = DataLocation(region.value, LocationRole.REPLICA, Via.SQL_FAILOVER_GROUP,
                            partners[0] if partners else None)
    evidence = (change.path("partner_server", 0, "id"), region.evidence)
    for address in change.refs("databases"):
        yield Attach(Target((address,), create=False), locations=(location,), evidence=evidence)
    for database_id in change.get("databases") or []:
        if isinstance(database_id, str):
            yield Attach(Target(identity=f"sql:{database_id}", create=False), locations=(location,), evidence=evidence)
    yield Attach(target(change, "server_id", Kind.DATABASE, "sql"), locations=(location,), evidence=evidence)


def sql_database(change: Change) -> Iterator[Fact]:
    """``azurerm_sql_database`` (azurerm up to 3.x, the predecessor of ``azurerm_mssql_database``).

    It has no backup-redundancy argument: Azure SQL Database keeps its backups in geo-redundant
    storage by default, i.e. also in the paired region ("Backup storage redundancy",
    https://learn.microsoft.com/azure/azure-sql/database/automated-backups-overview, checked
    2026-12-07). A secondary (``OnlineSecondary``,
    ``NonReadableSecondary``) is a geo-replica of ``source_database_id``.
    """
    yield Store(
        kind=Kind.DATABASE,
        service="sql",
        name=change.planned_name("name"),
        logging=change.new_logging(),
        locations=(DataLocation(paired(change.region.value), LocationRole.BACKUP,
                                Via.SQL_BACKUP_REDUNDANCY, via_detail="Geo (Azure SQL default)"),),
        key=MICROSOFT_MANAGED,
        identities=identities("sql", change),
        evidence=(change.path("name"),),
    )
    if change.text("create_mode") in ("OnlineSecondary", "NonReadableSecondary"):
        yield Attach(
            target(change, "source_database_id", Kind.DATABASE, "sql"),
            locations=(DataLocation(change.region.value, LocationRole.REPLICA, Via.SQL_GEO_REPLICATION,
                                    change.address),),
            evidence=(change.path("source_database_id"),),
        )


SERVICE = Service(
    name=NAMESPACE, operations=OPERATIONS, read=read, tags=tags, skip=skip,
    types=(TypeSpec(Kind.DATABASE, "Microsoft.Sql/servers/databases",
                    ("azurerm_mssql_database", "azurerm_sql_database")),),
    index=(SERVER,),  # listed too (not read deeply): databases take their server's tags
    plan={
        "azurerm_mssql_server": mssql_server,
        "azurerm_mssql_database": mssql_database,
        "azurerm_sql_server": mssql_server,
        "azurerm_sql_database": sql_database,
        "azurerm_mssql_failover_group": mssql_failover_group,
    },
)
