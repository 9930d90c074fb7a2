"""azurerm in a plan: one region whatever the spelling, pairs, customer-chosen replicas."""

from __future__ import annotations

import pytest
from plantools import by_id, places

from auditor.model.inventory import Inventory, KeyManager, PrincipalKind


@pytest.mark.parametrize(
    ("address", "written"),
    [
        ("azurerm_storage_account.scans", "West Europe"),
        ("azurerm_storage_account.labs", "westeurope"),
        ("azurerm_storage_account.notes", "WestEurope"),
        ("azurerm_storage_account.exports", "azurerm_resource_group.health.location"),
    ],
)
def test_every_spelling_of_west_europe_is_one_region(azure: Inventory, address: str, written: str) -> None:
    resource = by_id(azure, address)
    assert resource.provider == "azure"
    assert resource.region == "westeurope", written


def test_a_location_known_only_at_apply_is_unknown(azure: Inventory) -> None:
    assert by_id(azure, "azurerm_storage_account.drifting").region == "unknown"


@pytest.mark.parametrize(
    ("address", "secondary", "via"),
    [
        ("azurerm_storage_account.scans", "northeurope", "storage-geo-replication GRS"),
        ("azurerm_storage_account.notes", "northeurope", "storage-geo-replication RAGZRS"),
        ("azurerm_storage_account.research", "francesouth", "storage-geo-replication GRS"),
        ("azurerm_storage_account.backup_us", "westus", "storage-geo-replication GRS"),
    ],
)
def test_geo_redundant_storage_has_a_secondary_in_the_pair(
    azure: Inventory, address: str, secondary: str, via: str
) -> None:
    assert ("geo-secondary", secondary, via) in places(by_id(azure, address))


@pytest.mark.parametrize("address", ["azurerm_storage_account.labs", "azurerm_storage_account.exports"])
def test_local_or_zone_redundant_storage_stays_in_its_region(azure: Inventory, address: str) -> None:
    assert [role for role, _, _ in places(by_id(azure, address))] == ["primary"]


def test_object_replication_adds_the_destination_region(azure: Inventory) -> None:
    assert ("replica", "eastus", "object-replication") in places(by_id(azure, "azurerm_storage_account.scans"))


def test_cosmos_geo_locations_and_geo_backup(azure: Inventory) -> None:
    cosmos = by_id(azure, "azurerm_cosmosdb_account.patients")
    assert cosmos.kind == "nosql"
    assert places(cosmos) == [
        ("primary", "westeurope", None),
        ("replica", "northeurope", "cosmos-read-region"),
        ("replica", "eastus", "cosmos-read-region"),
        ("backup", "northeurope", "cosmos-periodic-backup Geo"),
    ]


def test_sql_database_inherits_the_server_location_and_follows_its_failover_group(azure: Inventory) -> None:
    database = by_id(azure, "azurerm_mssql_database.ehr")
    assert database.region == "westeurope"
    assert ("backup", "northeurope", "sql-backup-redundancy Geo") in places(database)
    assert ("replica", "switzerlandnorth", "sql-failover-group") in places(database)


def test_backup_vault_redundancy(azure: Inventory) -> None:
    assert ("geo-secondary", "francesouth", "backup-vault-geo-redundancy GeoRedundant") in places(
        by_id(azure, "azurerm_recovery_services_vault.vm_backups")
    )
    local = by_id(azure, "azurerm_data_protection_backup_vault.blobs")
    assert places(local) == [("primary", "germanywestcentral", None)]


def test_postgresql_geo_redundant_backup(azure: Inventory) -> None:
    assert ("backup", "northeurope", "geo-redundant-backup") in places(
        by_id(azure, "azurerm_postgresql_flexible_server.registry")
    )


def test_public_container_customer_key_health_api_and_diagnostics(azure: Inventory) -> None:
    scans = by_id(azure, "azurerm_storage_account.scans")
    assert [(g.principal_kind, g.source) for g in scans.access] == [(PrincipalKind.PUBLIC, "container-acl")]
    assert scans.logging is True
    assert ("log-destination", "northeurope", "diagnostic-settings log_analytics_workspace_id") in places(scans)
    labs = by_id(azure, "azurerm_storage_account.labs")
    assert labs.encryption is not None
    assert (labs.encryption.manager, labs.encryption.region) == (KeyManager.CUSTOMER, "westeurope")
    assert by_id(azure, "azurerm_healthcare_fhir_service.fhir").kind == "health-api"
    assert "azurerm_resource_group.health" not in {r.id for r in azure.resources}  # not a data store


def test_subscription_from_the_provider_configuration(azure: Inventory) -> None:
    assert {r.account for r in azure.resources} == {"5f0e8d9c-1b2a-4c3d-9e8f-0a1b2c3d4e5f"}
