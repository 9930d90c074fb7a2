"""Recovery Services vaults and Backup vaults: where backups of a dataset end up.

A vault is a data store in its own right (``backup-vault``): its region, and its paired
region when storage is ``GeoRedundant``. ``link`` then reads what every vault protects and adds
a ``backup`` location to each protected dataset in scope; a vault that protects in-scope data
is itself read even if nothing tagged it. Cross-region restore is recorded: it makes the
paired-region copy readable on demand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from auditor.connectors.azure import keyvault
from auditor.connectors.azure.context import Mapper, Row, Scan, base, network, region
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.planning import MICROSOFT_MANAGED, identities, pair, public
from auditor.connectors.azure.redundancy import geo_backup
from auditor.connectors.azure.service import Link, Reader, Service
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, Store
from auditor.model.inventory import DataLocation, KeyManager, KeyRef, LocationRole, Resource
from auditor.model.vocab import Kind, Via

NAMESPACE = "Microsoft.RecoveryServices"
RSV = "microsoft.recoveryservices/vaults"
BACKUP_VAULT = "microsoft.dataprotection/backupvaults"
OPERATIONS = (
    "Microsoft.RecoveryServices/vaults/read",
    "Microsoft.RecoveryServices/vaults/backupProtectedItems/read",
    "Microsoft.DataProtection/backupVaults/read",
    "Microsoft.DataProtection/backupVaults/backupInstances/read",
)
RSV_API = "2024-04-01"
DPP_API = "2024-04-01"


def _service(row: Row) -> str:
    return NAMESPACE if row.type == RSV else "Microsoft.DataProtection"


def _redundancy(row: Row, props: Mapping[str, Any]) -> tuple[str | None, bool | None]:
    if row.type == RSV:
        settings = props.get("redundancySettings") or {}
        crr = settings.get("crossRegionRestore")
        return settings.get("standardTierStorageRedundancy"), None if crr is None else str(crr) == "Enabled"
    stores = props.get("storageSettings") or ()
    kinds = [str(s.get("type")) for s in stores if s.get("datastoreType") in (None, "VaultStore")]
    crr = ((props.get("featureSettings") or {}).get("crossRegionRestoreSettings") or {}).get("state")
    return (kinds[0] if kinds else None), None if crr is None else str(crr) == "Enabled"


def read(scan: Scan, row: Row) -> Resource:
    data = scan.session.get(row.id, RSV_API if row.type == RSV else DPP_API)
    props: dict[str, Any] = data.get("properties") or {}
    home = region(data.get("location") or row.location)
    storage, crr = _redundancy(row, props)
    locations = [DataLocation(region=home, role=LocationRole.PRIMARY)]
    if geo_backup(storage):
        locations.append(scan.geo_copy(home, LocationRole.GEO_SECONDARY, Via.BACKUP_VAULT_GEO_REDUNDANCY,
                                      detail="GeoRedundant"))
    op = OPERATIONS[0] if row.type == RSV else OPERATIONS[2]
    return replace(
        base(row, _service(row), Kind.BACKUP_VAULT, scan.tenant), region=home, locations=tuple(locations),
        encryption=_key(scan, row, props, home),
        network=network(props), evidence=("Microsoft.ResourceGraph/resources/read", op),
        attributes={"resource_group": row.resource_group, "storage_redundancy": storage,
                    "cross_region_restore": crr, "immutability": ((props.get("securitySettings") or {})
                                                                  .get("immutabilitySettings") or {}).get("state")},
    )


def _key(scan: Scan, row: Row, props: Mapping[str, Any], home: str) -> KeyRef:
    """Backups are encrypted with platform-managed keys unless the vault names a customer key
    (RSV: ``encryption.keyVaultProperties.keyUri``; Backup vault:
    ``securitySettings.encryptionSettings.keyVaultProperties.keyUri``). Source: "Encryption of backup
    data using customer-managed keys", https://learn.microsoft.com/azure/backup/encryption-at-rest-with-cmk,
    checked 2026-12-07."""
    settings = props.get("encryption") if row.type == RSV else (props.get("securitySettings") or {}).get(
        "encryptionSettings")
    uri = ((settings or {}).get("keyVaultProperties") or {}).get("keyUri")
    if uri:
        return keyvault.key_ref(scan, str(uri), account=row.subscription, resource_id=row.id)
    return KeyRef(manager=KeyManager.PROVIDER, region=home, origin=_service(row))


def _protected(scan: Scan, vault: Row) -> list[str]:
    """Source resource ids of everything the vault backs up."""
    if vault.type == RSV:
        items = scan.session.pages(f"{vault.id}/backupProtectedItems", RSV_API)
        return [str((i.get("properties") or {}).get("sourceResourceId") or "") for i in items]
    instances = scan.session.pages(f"{vault.id}/backupInstances", DPP_API)
    ids = []
    for item in instances:
        props = item.get("properties") or {}
        info = props.get("dataSourceSetInfo") or props.get("dataSourceInfo") or {}
        ids.append(str(info.get("resourceID") or ""))
    return ids


def link(scan: Scan, resources: Mapping[str, Resource], read_row: Reader, pmap: Mapper = map) -> list[Link]:
    """Backup copies of protected in-scope resources (``resources`` is keyed by lower-case id)."""

    def protected(vault: Row) -> tuple[Row, list[str] | None]:
        try:
            return vault, [s.lower() for s in _protected(scan, vault) if s]
        except ReadError as err:
            scan.failed(_service(vault), err, account=vault.subscription, region=vault.location, resource_id=vault.id)
            return vault, None

    links: list[Link] = []
    for vault, sources in list(pmap(protected, scan.index.of_type(RSV, BACKUP_VAULT))):
        if sources is None:
            continue
        hits = [key for key in resources if any(key == s or key.startswith(s + "/") or s.startswith(key + "/")
                                                for s in sources)]
        if not hits:
            continue
        holder = resources.get(vault.id.lower()) or read_row(vault)
        op = OPERATIONS[1] if vault.type == RSV else OPERATIONS[3]
        for key in hits:
            links.extend(
                Link(target=key, holder=holder, evidence=(op,) if n == 0 else (),
                     location=replace(loc, role=LocationRole.BACKUP, via=Via.AZURE_BACKUP, via_detail=_copy_detail(loc),
                                      target=vault.id, account=vault.subscription))
                for n, loc in enumerate(holder.locations))
    return links


def _copy_detail(loc: DataLocation) -> str:
    """Where the vault keeps this copy: its own region, or the copy its storage redundancy makes."""
    if loc.via is None:
        return "vault region"
    return f"{loc.via}, {loc.via_detail}" if loc.via_detail else str(loc.via)



# -- in a Terraform plan ----------------------------------------------------------------------



def recovery_services_vault(change: Change) -> Iterator[Fact]:
    yield _vault(change, "recoveryservices", "storage_mode_type")


def data_protection_backup_vault(change: Change) -> Iterator[Fact]:
    yield _vault(change, "dataprotection", "redundancy")


def _vault(change: Change, service: str, attribute: str) -> Store:
    return Store(
        kind=Kind.BACKUP_VAULT,
        service=service,
        name=change.planned_name("name"),
        locations=pair(change, attribute, LocationRole.GEO_SECONDARY, Via.BACKUP_VAULT_GEO_REDUNDANCY,
                        geo_backup),
        key=MICROSOFT_MANAGED,
        network=public(change),  # azurerm_data_protection_backup_vault has no such argument: unknown
        identities=identities(service, change),
        attributes={
            attribute: change.get(attribute),
            "cross_region_restore_enabled": change.get("cross_region_restore_enabled"),
        },
    )


SERVICE = Service(
    name=NAMESPACE, operations=OPERATIONS, read=read, link=link,
    types=(TypeSpec(Kind.BACKUP_VAULT, "Microsoft.RecoveryServices/vaults", ("azurerm_recovery_services_vault",)),
           TypeSpec(Kind.BACKUP_VAULT, "Microsoft.DataProtection/backupVaults",
                    ("azurerm_data_protection_backup_vault",))),
    plan={
        "azurerm_recovery_services_vault": recovery_services_vault,
        "azurerm_data_protection_backup_vault": data_protection_backup_vault,
    },
)
