"""azurerm in a plan: storage, Cosmos DB, SQL, PostgreSQL, vaults, Key Vault and health APIs.

Geo-redundancy that Azure decides (GRS/GZRS storage, geo-redundant backups, GeoRedundant
vaults) lands in the region's pair, taken from the geography catalog; redundancy that the
customer chooses (Cosmos DB ``geo_location``, SQL failover groups, object replication) lands
where the plan says.

Access from other tenants, where azurerm exposes it: a storage account's
``network_rules.private_link_access`` with an ``endpoint_tenant_id`` (the provider's name for
``networkAcls.resourceAccessRules``; also ``azurerm_storage_account_network_rules``), and the
access policies of the Key Vault holding a store's customer-managed key (inline ``access_policy``
blocks and ``azurerm_key_vault_access_policy``) whose ``tenant_id`` is not the vault's and whose
``key_permissions`` decrypt. azurerm 4.x has no argument for FHIR ``smartIdentityProviders``.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.connectors.terraform import places
from auditor.connectors.terraform.facts import Attach, Change, Fact, KeyLink, Store, Target
from auditor.connectors.terraform.resolve import UNKNOWN, Resolved
from auditor.connectors.terraform.values import items, text
from auditor.model.inventory import (
    AccessGrant,
    DataLocation,
    KeyManager,
    LocationRole,
    Network,
    Permission,
    PrincipalKind,
)
from auditor.model.vocab import GrantSource, Kind, Via

GEO_REDUNDANT_STORAGE = frozenset({"GRS", "RAGRS", "GZRS", "RAGZRS"})
MICROSOFT_MANAGED = KeyLink(KeyManager.PROVIDER, key_id="Microsoft-managed key")


def _identities(service: str, change: Change) -> tuple[str, ...]:
    return tuple(f"{service}:{v}" for a in ("name", "id") if (v := change.text(a)))


def _target(change: Change, attribute: str, kind: Kind, service: str, create: bool = True) -> Target:
    value = change.text(attribute)
    return Target(tuple(change.refs(attribute)), f"{service}:{value}" if value else None, kind, service, value, create)


def _pair(
    change: Change, attribute: str, role: LocationRole, via: Via, redundant: set[str] | frozenset[str],
    detail: str = "{value}",
) -> tuple[DataLocation, ...]:
    """A location in the paired region when ``attribute`` asks for geo-redundancy (``detail`` may use {value})."""
    if change.unknown(attribute):
        return (DataLocation(UNKNOWN, role, via, via_detail=f"{attribute} unknown until apply"),)
    value = change.get(attribute)
    if value is True or (isinstance(value, str) and value in redundant):
        return (DataLocation(places.azure_pair(change.region.value), role, via, via_detail=detail.format(value=value)),)
    return ()


def _public(change: Change) -> Network:
    value = change.get("public_network_access_enabled")
    known = isinstance(value, bool) and not change.unknown("public_network_access_enabled")
    return Network(public_endpoint=value if known else None)


_DECRYPTING = frozenset({"decrypt", "unwrapkey", "release", "all"})


def _private_link_access(change: Change, *path: str | int) -> tuple[AccessGrant, ...]:
    """Resources of another (named) tenant let through the storage firewall."""
    out = []
    for i, _ in items(change.get(*path, "private_link_access")):
        tenant = change.text(*path, "private_link_access", i, "endpoint_tenant_id")
        resource = change.text(*path, "private_link_access", i, "endpoint_resource_id") or "?"
        if not tenant:
            continue  # the provider's own tenant (the default)
        out.append(AccessGrant(resource, PrincipalKind.FOREIGN_RESOURCE, Permission.READ,
                               GrantSource.RESOURCE_ACCESS_RULE, home=tenant.lower(),
                               condition=f"network_rules.private_link_access: {resource} of "
                               f"tenant {tenant} passes the firewall"))
    return tuple(out)


def _vault_policies(change: Change, *key_path: str | int) -> tuple[AccessGrant, ...]:
    """Entries of the key's vault, of another tenant than the vault's, that can decrypt with its keys."""
    keys = change.refs(*key_path)
    key = change.other(keys[0]) if keys else None
    vaults = key.refs("key_vault_id") if key is not None else []
    vault = change.other(vaults[0]) if vaults else None
    if vault is None:
        return ()
    home = (vault.text("tenant_id") or "").lower()
    entries: list[tuple[Change, tuple[str | int, ...]]] = [
        (vault, ("access_policy", i)) for i, _ in items(vault.get("access_policy"))]
    for entry in change.resolver.entries.values():
        if entry.type == "azurerm_key_vault_access_policy":
            other = change.other(entry.address)
            if other is not None and vault.address in other.refs("key_vault_id"):
                entries.append((other, ()))
    out = []
    for owner, path in entries:
        tenant = (owner.text(*path, "tenant_id") or "").lower()
        permissions = [str(p) for p in owner.get(*path, "key_permissions") or ()]
        reading = sorted(p for p in permissions if p.lower() in _DECRYPTING)
        if not tenant or tenant == home or not reading:
            continue
        who = owner.text(*path, "object_id") or "?"
        out.append(AccessGrant(who, PrincipalKind.UNKNOWN, Permission.READ, GrantSource.KEY_VAULT_ACCESS_POLICY,
                               home=tenant, condition=f"access policy of {vault.address}: keys {', '.join(reading)}"))
    return tuple(out)


def _cmk(change: Change, *path: str | int) -> KeyLink:
    key = Target(tuple(change.refs(*path)), None, Kind.KEY, "keyvault", change.text(*path), create=False)
    return KeyLink(
        KeyManager.CUSTOMER, key=key, key_id=change.text(*path) or change.address, evidence=change.path(*path)
    )


# -- Storage ----------------------------------------------------------------------------------


def storage_account(change: Change) -> Iterator[Fact]:
    has_cmk = bool(change.get("customer_managed_key"))
    yield Store(
        kind=Kind.OBJECT_STORE,
        service="storage",
        name=change.planned_name("name"),
        logging=change.new_logging(),
        locations=_pair(
            change, "account_replication_type", LocationRole.GEO_SECONDARY, Via.STORAGE_GEO_REPLICATION,
                GEO_REDUNDANT_STORAGE
        ),
        key=_cmk(change, "customer_managed_key", 0, "key_vault_key_id") if has_cmk else MICROSOFT_MANAGED,
        access=(*_private_link_access(change, "network_rules", 0),
                *_vault_policies(change, "customer_managed_key", 0, "key_vault_key_id")),
        network=_public(change),
        identities=_identities("storage", change),
        attributes={
            "account_replication_type": change.get("account_replication_type"),
            "allow_nested_items_to_be_public": change.get("allow_nested_items_to_be_public"),
        },
        evidence=(change.path("account_replication_type"),),
    )


def _account_target(change: Change) -> Target:
    if change.get("storage_account_id") or change.refs("storage_account_id"):
        return _target(change, "storage_account_id", Kind.OBJECT_STORE, "storage")
    return _target(change, "storage_account_name", Kind.OBJECT_STORE, "storage")


def storage_container(change: Change) -> Iterator[Fact]:
    access = change.text("container_access_type")
    if access not in ("blob", "container"):
        return
    target = _account_target(change)
    for address in target.addresses:
        account = change.other(address)
        if account is not None and account.get("allow_nested_items_to_be_public") is False:
            return  # the account forbids public containers: the setting has no effect
    grant = AccessGrant("*", PrincipalKind.PUBLIC, Permission.READ, GrantSource.CONTAINER_ACL,
                        condition=f"container {access}")
    yield Attach(target, access=(grant,), evidence=(change.path("container_access_type"),))


def storage_network_rules(change: Change) -> Iterator[Fact]:
    grants = _private_link_access(change)
    if grants:
        yield Attach(_account_target(change), access=grants, evidence=(change.path("private_link_access"),))


def storage_account_cmk(change: Change) -> Iterator[Fact]:
    key = Target(tuple(change.refs("key_vault_id")), None, Kind.KEY, "keyvault", create=False)
    link = KeyLink(KeyManager.CUSTOMER, key=key, key_id=change.text("key_name") or change.address)
    yield Attach(_account_target(change), key=link, evidence=(change.path("key_name"),))


def storage_object_replication(change: Change) -> Iterator[Fact]:
    destinations = change.refs("destination_storage_account_id")
    region = change.region_of(destinations[0]) if destinations else Resolved(UNKNOWN, "destination not in the plan")
    location = DataLocation(
        region.value,
        LocationRole.REPLICA,
        Via.OBJECT_REPLICATION,
        destinations[0] if destinations else change.text("destination_storage_account_id"),
    )
    yield Attach(
        _target(change, "source_storage_account_id", Kind.OBJECT_STORE, "storage"),
        locations=(location,),
        evidence=(change.path("destination_storage_account_id"), region.evidence),
    )


# -- Cosmos DB --------------------------------------------------------------------------------


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
            DataLocation(places.azure_pair(primary.value), LocationRole.BACKUP, Via.COSMOS_PERIODIC_BACKUP,
                         via_detail="Geo")
        )
    yield Store(
        kind=Kind.NOSQL,
        service="cosmosdb",
        name=change.planned_name("name"),
        logging=change.new_logging(),
        region=primary,
        locations=tuple(replicas),
        key=_cmk(change, "key_vault_key_id") if change.get("key_vault_key_id") else MICROSOFT_MANAGED,
        access=_vault_policies(change, "key_vault_key_id"),
        network=_public(change),
        identities=_identities("cosmosdb", change),
        attributes={"account_location": change.text("location"),
                    "primary_differs_from_account_location": bool(change.text("location"))
                    and places.azure_location(str(change.text("location"))) != primary.value},
    )


# -- SQL / PostgreSQL -------------------------------------------------------------------------


def mssql_server(change: Change) -> Iterator[Fact]:
    yield Store(
        kind=Kind.DATABASE,
        service="sql",
        name=change.planned_name("name"),
        network=_public(change),
        key=MICROSOFT_MANAGED,
        identities=_identities("sql", change),
    )


def mssql_database(change: Change) -> Iterator[Fact]:
    # storage_account_type defaults to Geo: backups go to the paired region unless told otherwise
    redundancy = "storage_account_type"
    yield Store(
        kind=Kind.DATABASE,
        service="sql",
        name=change.planned_name("name"),
        logging=change.new_logging(),
        locations=_pair(change, redundancy, LocationRole.BACKUP, Via.SQL_BACKUP_REDUNDANCY, {"Geo", "GeoZone"}),
        key=_cmk(change, "transparent_data_encryption_key_vault_key_id")
        if change.get("transparent_data_encryption_key_vault_key_id")
        else MICROSOFT_MANAGED,
        identities=_identities("sql", change),
        evidence=(change.path(redundancy),),
    )
    if change.text("create_mode") == "Secondary":
        yield Attach(
            _target(change, "creation_source_database_id", Kind.DATABASE, "sql"),
            locations=(DataLocation(change.region.value, LocationRole.REPLICA, Via.SQL_GEO_REPLICATION,
                                    change.address),),
            evidence=(change.path("creation_source_database_id"),),
        )


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
    yield Attach(_target(change, "server_id", Kind.DATABASE, "sql"), locations=(location,), evidence=evidence)


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
        locations=(DataLocation(places.azure_pair(change.region.value), LocationRole.BACKUP,
                                Via.SQL_BACKUP_REDUNDANCY, via_detail="Geo (Azure SQL default)"),),
        key=MICROSOFT_MANAGED,
        identities=_identities("sql", change),
        evidence=(change.path("name"),),
    )
    if change.text("create_mode") in ("OnlineSecondary", "NonReadableSecondary"):
        yield Attach(
            _target(change, "source_database_id", Kind.DATABASE, "sql"),
            locations=(DataLocation(change.region.value, LocationRole.REPLICA, Via.SQL_GEO_REPLICATION,
                                    change.address),),
            evidence=(change.path("source_database_id"),),
        )


def postgresql_flexible_server(change: Change) -> Iterator[Fact]:
    yield Store(
        kind=Kind.DATABASE,
        service="postgresql",
        name=change.planned_name("name"),
        logging=change.new_logging(),
        locations=_pair(change, "geo_redundant_backup_enabled", LocationRole.BACKUP, Via.GEO_REDUNDANT_BACKUP, set(),
                        detail=""),
        network=_public(change),
        key=MICROSOFT_MANAGED,
        identities=_identities("postgresql", change),
    )


# -- Vaults, keys, health APIs ----------------------------------------------------------------


def recovery_services_vault(change: Change) -> Iterator[Fact]:
    yield _vault(change, "recoveryservices", "storage_mode_type")


def data_protection_backup_vault(change: Change) -> Iterator[Fact]:
    yield _vault(change, "dataprotection", "redundancy")


def _vault(change: Change, service: str, attribute: str) -> Store:
    return Store(
        kind=Kind.BACKUP_VAULT,
        service=service,
        name=change.planned_name("name"),
        locations=_pair(change, attribute, LocationRole.GEO_SECONDARY, Via.BACKUP_VAULT_GEO_REDUNDANCY,
                        {"GeoRedundant"}),
        key=MICROSOFT_MANAGED,
        identities=_identities(service, change),
        attributes={
            attribute: change.get(attribute),
            "cross_region_restore_enabled": change.get("cross_region_restore_enabled"),
        },
    )


def key_vault(change: Change) -> Iterator[Fact]:
    yield Store(
        kind=Kind.KEY,
        service="keyvault",
        name=change.planned_name("name"),
        network=_public(change),
        identities=_identities("keyvault", change),
    )


def healthcare(change: Change) -> Iterator[Fact]:
    yield Store(
        kind=Kind.HEALTH_API,
        service="healthcareapis",
        name=change.planned_name("name"),
        logging=change.new_logging(),
        network=_public(change),
        key=MICROSOFT_MANAGED,
        identities=_identities("healthcareapis", change),
    )


def diagnostic_setting(change: Change) -> Iterator[Fact]:
    """Diagnostic logs of a store: logging is on, and the destination holds what was logged."""
    destinations = [
        (attribute, address)
        for attribute in ("storage_account_id", "log_analytics_workspace_id", "eventhub_authorization_rule_id")
        for address in change.refs(attribute)
    ]
    locations = tuple(
        DataLocation(
            change.region_of(address).value, LocationRole.LOG_DESTINATION, Via.DIAGNOSTIC_SETTINGS, address,
            via_detail=attribute
        )
        for attribute, address in destinations
    )
    logs = [b for _, b in items(change.get("enabled_log"))] + [
        b for _, b in items(change.get("log")) if b.get("enabled") is not False
    ]
    if not logs and not change.unknown("enabled_log"):
        return  # metrics only: nobody's reads are recorded
    for address in change.refs("target_resource_id"):
        yield Attach(
            Target((address,), create=False),
            locations=locations,
            logging=True,
            evidence=(change.path("target_resource_id"),),
        )
