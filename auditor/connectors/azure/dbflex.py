"""PostgreSQL and MySQL flexible servers: geo-redundant backups and read replicas.

``backup.geoRedundantBackup = Enabled`` keeps backups in the paired region; every read replica
(listed by ``…/replicas``) is a full copy in its own, customer-chosen region. A server that is
itself a replica records its source.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from auditor.connectors.azure import keyvault
from auditor.connectors.azure.context import Row, Scan, base, network, region, subscription_of
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.planning import (
    MICROSOFT_MANAGED,
    identities,
    pair,
    public,
)
from auditor.connectors.azure.service import Service
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, Store
from auditor.model.inventory import DataLocation, GapAspect, KeyManager, KeyRef, LocationRole, Resource
from auditor.model.vocab import Kind, Via

POSTGRES = "microsoft.dbforpostgresql/flexibleservers"
MYSQL = "microsoft.dbformysql/flexibleservers"
OPERATIONS = (
    "Microsoft.DBforPostgreSQL/flexibleServers/read",
    "Microsoft.DBforPostgreSQL/flexibleServers/replicas/read",
    "Microsoft.DBforMySQL/flexibleServers/read",
    "Microsoft.DBforMySQL/flexibleServers/replicas/read",
)
API = {POSTGRES: "2022-12-01", MYSQL: "2023-12-30"}


def read(scan: Scan, row: Row) -> Resource:
    service = "Microsoft.DBforPostgreSQL" if row.type == POSTGRES else "Microsoft.DBforMySQL"
    ops = OPERATIONS[:2] if row.type == POSTGRES else OPERATIONS[2:]
    data = scan.session.get(row.id, API[row.type])
    props: dict[str, Any] = data.get("properties") or {}
    primary = region(data.get("location") or row.location)
    locations = [DataLocation(region=primary, role=LocationRole.PRIMARY)]
    evidence = ["Microsoft.ResourceGraph/resources/read", ops[0]]
    backup = props.get("backup") or {}
    if str(backup.get("geoRedundantBackup")).lower() == "enabled":
        locations.append(scan.geo_copy(primary, LocationRole.BACKUP, Via.GEO_REDUNDANT_BACKUP))
    else:
        locations.append(DataLocation(region=primary, role=LocationRole.BACKUP, via=Via.LOCALLY_REDUNDANT_BACKUP))
    try:
        for replica in scan.session.pages(f"{row.id}/replicas", API[row.type]):
            rid = str(replica.get("id") or "")
            if rid.lower() == row.id.lower():
                continue
            locations.append(DataLocation(region=region(replica.get("location")), role=LocationRole.REPLICA,
                                          via=Via.READ_REPLICA, target=rid, account=subscription_of(rid)))
        evidence.append(ops[1])
    except ReadError as err:
        scan.failed(service, err, account=row.subscription, region=primary, resource_id=row.id,
                   aspect=GapAspect.LOCATION)
    return replace(
        base(row, service, Kind.DATABASE, scan.tenant), region=primary, locations=tuple(locations),
        network=network(props.get("network") or {}), encryption=_key(scan, row, props, primary),
        evidence=tuple(evidence),
        attributes={"resource_group": row.resource_group, "sku": (data.get("sku") or {}).get("name"),
                    "version": props.get("version"), "replication_role": props.get("replicationRole"),
                    "source_server": props.get("sourceServerResourceId"),
                    "geo_redundant_backup": backup.get("geoRedundantBackup"),
                    "high_availability": (props.get("highAvailability") or {}).get("mode")},
    )


def _key(scan: Scan, row: Row, props: Mapping[str, Any], primary: str) -> KeyRef:
    enc = props.get("dataEncryption") or {}
    if str(enc.get("type")).lower() == "azurekeyvault":
        uri = enc.get("primaryKeyURI") or enc.get("primaryKeyUri")
        return keyvault.key_ref(scan, uri, account=row.subscription, resource_id=row.id)
    return KeyRef(manager=KeyManager.PROVIDER, region=primary, origin="SystemManaged")



# -- in a Terraform plan ----------------------------------------------------------------------



def postgresql_flexible_server(change: Change) -> Iterator[Fact]:
    """``azurerm_postgresql_flexible_server`` (and the retired single server: same arguments for what is read)."""
    yield _flexible_server(change, "postgresql")


def mysql_flexible_server(change: Change) -> Iterator[Fact]:
    yield _flexible_server(change, "mysql")


def _flexible_server(change: Change, service: str) -> Store:
    return Store(
        kind=Kind.DATABASE,
        service=service,
        name=change.planned_name("name"),
        logging=change.new_logging(),
        locations=pair(change, "geo_redundant_backup_enabled", LocationRole.BACKUP, Via.GEO_REDUNDANT_BACKUP, _never,
                        detail=""),
        network=public(change),
        key=MICROSOFT_MANAGED,
        identities=identities(service, change),
    )


def _never(value: object) -> bool:
    return False


SERVICE = Service(
    name="Microsoft.DBforPostgreSQL", operations=OPERATIONS, read=read,  # and Microsoft.DBforMySQL
    types=(TypeSpec(Kind.DATABASE, "Microsoft.DBforPostgreSQL/flexibleServers",
                    ("azurerm_postgresql_flexible_server",)),
           TypeSpec(Kind.DATABASE, "Microsoft.DBforMySQL/flexibleServers", ("azurerm_mysql_flexible_server",))),
    plan={
        "azurerm_postgresql_flexible_server": postgresql_flexible_server,
        "azurerm_postgresql_server": postgresql_flexible_server,
        "azurerm_mysql_flexible_server": mysql_flexible_server,
    },
)
