"""Live scan and plan gate agree on every Azure type they both know.

One row per Azure type with a plan mapping (the meta test checks that every such type is here):
the same resource is served by the fake ARM (the JSON shapes of the Azure REST API spec examples)
and written as a planned azurerm change; the normalised resources must be the same: region,
the regions of every copy with its role (the GRS/geo-backup pair included), the key manager,
whether the network lets the internet in, and whether anyone anonymous can read.

A row may leave out an aspect the plan cannot know, with the reason (``plan_cannot_tell``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from auditor.config import Config
from auditor.connectors import azure
from auditor.connectors.base import everything
from auditor.connectors.terraform import read_plan
from auditor.demo import armjson as a
from auditor.demo import armjson_ai as ai
from auditor.demo import armjson_more as m
from auditor.demo import azure_estate
from auditor.demo.fakearm import FakeARM
from auditor.demo.sample import SUB, TENANT
from auditor.model.inventory import Inventory, PrincipalKind, Resource
from auditor.progress import NullReporter
from tests.terraform.planbuilder import AZURERM, PlanBuilder, Ref

RG = "rg-parity"
RG_ID = f"/subscriptions/{SUB}/resourceGroups/{RG}"
Json = dict[str, Any]


@dataclass(frozen=True)
class Case:
    native: str  # the ARM type (TypeSpec.native)
    name: str  # the resource's name, live and planned
    arm: Callable[[], list[Json]]  # objects the fake serves (the store first)
    terraform: list[tuple[str, Json]]  # planned changes (address, configuration); the store first
    plan_cannot_tell: Mapping[str, str] = field(default_factory=dict)  # aspect -> why



def _ws() -> Json:
    return m.health_workspace(SUB, RG, "wsparity", "francecentral")


def _server() -> Json:
    return a.sql_server(SUB, RG, "sql-parity", "francecentral", public_network="Disabled")


CASES = [
    Case("Microsoft.Storage/storageAccounts", "stparitygrs",
         lambda: [acct := a.storage_account(SUB, RG, "stparitygrs", "francecentral", "Standard_GRS",
                                            secondary="francesouth", blob_public=True),
                  a.blob_container(acct["id"], "open", "Blob")],
         [("azurerm_storage_account.grs", {"name": "stparitygrs", "location": "France Central",
                                           "account_replication_type": "GRS", "public_network_access_enabled": True,
                                           "allow_nested_items_to_be_public": True}),
          ("azurerm_storage_container.open", {"name": "open", "container_access_type": "blob",
                                              "storage_account_id": Ref("azurerm_storage_account.grs.id")})]),
    Case("Microsoft.Storage/storageAccounts", "stparityragzrs",
         lambda: [a.storage_account(SUB, RG, "stparityragzrs", "westeurope", "Standard_RAGZRS",
                                    secondary="northeurope", public_network="Disabled")],
         [("azurerm_storage_account.ragzrs", {"name": "stparityragzrs", "location": "westeurope",
                                              "account_replication_type": "RAGZRS",
                                              "public_network_access_enabled": False,
                                              "allow_nested_items_to_be_public": False})]),
    Case("Microsoft.Storage/storageAccounts", "stparitylrs",
         lambda: [a.storage_account(SUB, RG, "stparitylrs", "francecentral", "Standard_LRS")],
         [("azurerm_storage_account.lrs", {"name": "stparitylrs", "location": "francecentral",
                                           "account_replication_type": "LRS", "public_network_access_enabled": True,
                                           "allow_nested_items_to_be_public": False})]),
    Case("Microsoft.Storage/storageAccounts", "stparitycmk",  # a customer key in the vault of the kvparity row
         lambda: [a.storage_account(SUB, RG, "stparitycmk", "francecentral", "Standard_ZRS",
                                    key_uri="https://kvparity.vault.azure.net/keys/cmk")],
         [("azurerm_storage_account.cmk", {"name": "stparitycmk", "location": "francecentral",
                                           "account_replication_type": "ZRS", "public_network_access_enabled": True,
                                           "customer_managed_key": [
                                               {"key_vault_key_id": Ref("azurerm_key_vault_key.cmk.id")}]}),
          ("azurerm_key_vault_key.cmk", {"name": "cmk", "key_vault_id": Ref("azurerm_key_vault.kv.id"),
                                         "key_type": "RSA", "key_size": 2048})]),
    Case("Microsoft.Storage/storageAccounts", "stparitycdn",  # behind the Front Door of the afdparity row
         lambda: [a.storage_account(SUB, RG, "stparitycdn", "francecentral", "Standard_LRS")],
         [("azurerm_storage_account.cdn", {"name": "stparitycdn", "location": "francecentral",
                                           "account_replication_type": "LRS", "public_network_access_enabled": True})]),
    Case("Microsoft.Cdn/profiles", "afdparity",
         lambda: [afd := m.cdn_profile(SUB, RG, "afdparity"), group := m.afd_origin_group(afd["id"], "og"),
                  m.afd_origin(group["id"], "blob", "stparitycdn.blob.core.windows.net",
                               f"{RG_ID}/providers/Microsoft.Storage/storageAccounts/stparitycdn")],
         [("azurerm_cdn_frontdoor_profile.afd", {"name": "afdparity", "sku_name": "Premium_AzureFrontDoor"}),
          ("azurerm_cdn_frontdoor_origin_group.og",
           {"name": "og", "cdn_frontdoor_profile_id": Ref("azurerm_cdn_frontdoor_profile.afd.id")}),
          ("azurerm_cdn_frontdoor_origin.blob",
           {"name": "blob", "cdn_frontdoor_origin_group_id": Ref("azurerm_cdn_frontdoor_origin_group.og.id"),
            "host_name": Ref("azurerm_storage_account.cdn.primary_blob_host")})]),
    Case("Microsoft.Storage/storageAccounts", "stparityclassic",  # behind the classic CDN of the cdnparity row
         lambda: [a.storage_account(SUB, RG, "stparityclassic", "westeurope", "Standard_LRS")],
         [("azurerm_storage_account.classic", {"name": "stparityclassic", "location": "westeurope",
                                               "account_replication_type": "LRS",
                                               "public_network_access_enabled": True})]),
    Case("Microsoft.Cdn/profiles", "cdnparity",
         lambda: [cdn := m.cdn_profile(SUB, RG, "cdnparity", sku="Standard_Microsoft"),
                  m.cdn_endpoint(cdn["id"], "edge", "global", "stparityclassic.blob.core.windows.net")],
         [("azurerm_cdn_profile.cdn", {"name": "cdnparity", "location": "global", "sku": "Standard_Microsoft"}),
          ("azurerm_cdn_endpoint.edge",
           {"name": "edge", "location": "global", "profile_name": Ref("azurerm_cdn_profile.cdn.name"),
            "origin": [{"name": "blob", "host_name": Ref("azurerm_storage_account.classic.primary_blob_host")}]})]),
    Case("Microsoft.Sql/servers/databases", "dbparity",
         lambda: [srv := _server(), a.sql_database(srv["id"], "dbparity", "francecentral", "Geo", "francesouth"),
                  a.encryption_protector(srv["id"], "francecentral")],
         [("azurerm_mssql_database.db", {"name": "dbparity", "storage_account_type": "Geo",
                                         "server_id": Ref("azurerm_mssql_server.srv.id")}),
          ("azurerm_mssql_server.srv", {"name": "sql-parity", "location": "France Central", "version": "12.0",
                                        "public_network_access_enabled": False})]),
    Case("Microsoft.DocumentDB/databaseAccounts", "cosmosparity",
         lambda: [m.cosmos_account(SUB, RG, "cosmosparity", "France Central", ["France Central", "North Europe"],
                                   backup="Geo")],
         [("azurerm_cosmosdb_account.db", {"name": "cosmosparity", "location": "francecentral",
                                           "offer_type": "Standard", "public_network_access_enabled": True,
                                           "geo_location": [{"location": "France Central", "failover_priority": 0},
                                                            {"location": "northeurope", "failover_priority": 1}],
                                           "backup": [{"type": "Periodic", "storage_redundancy": "Geo"}]})]),
    Case("Microsoft.DBforPostgreSQL/flexibleServers", "pgparity",
         lambda: [m.flexible_server("Microsoft.DBforPostgreSQL", SUB, RG, "pgparity", "francecentral",
                                    geo_backup=True)],
         [("azurerm_postgresql_flexible_server.pg", {"name": "pgparity", "location": "France Central",
                                                     "geo_redundant_backup_enabled": True,
                                                     "public_network_access_enabled": False})]),
    Case("Microsoft.DBforMySQL/flexibleServers", "mysqlparity",
         lambda: [m.flexible_server("Microsoft.DBforMySQL", SUB, RG, "mysqlparity", "westeurope", geo_backup=False)],
         [("azurerm_mysql_flexible_server.my", {"name": "mysqlparity", "location": "West Europe",
                                                "geo_redundant_backup_enabled": False,
                                                "public_network_access_enabled": False})]),
    Case("Microsoft.RecoveryServices/vaults", "rsvparity",
         lambda: [m.recovery_vault(SUB, RG, "rsvparity", "francecentral", "GeoRedundant", True)],
         [("azurerm_recovery_services_vault.v", {"name": "rsvparity", "location": "francecentral", "sku": "Standard",
                                                 "storage_mode_type": "GeoRedundant",
                                                 "cross_region_restore_enabled": True,
                                                 "public_network_access_enabled": True})]),
    Case("Microsoft.DataProtection/backupVaults", "bvparity",
         lambda: [m.backup_vault(SUB, RG, "bvparity", "germanywestcentral", "GeoRedundant", False)],
         [("azurerm_data_protection_backup_vault.v", {"name": "bvparity", "location": "Germany West Central",
                                                      "datastore_type": "VaultStore", "redundancy": "GeoRedundant"})],
         {"public_endpoint": "azurerm_data_protection_backup_vault has no network argument"}),
    Case("Microsoft.KeyVault/vaults", "kvparity",
         lambda: [m.key_vault(SUB, RG, "kvparity", "francecentral", TENANT)],
         [("azurerm_key_vault.kv", {"name": "kvparity", "location": "France Central", "sku_name": "standard",
                                    "tenant_id": TENANT, "public_network_access_enabled": True})]),
    Case("Microsoft.KeyVault/managedHSMs", "hsmparity",
         lambda: [m.managed_hsm(SUB, RG, "hsmparity", "francecentral", TENANT)],
         [("azurerm_key_vault_managed_hardware_security_module.hsm",
           {"name": "hsmparity", "location": "francecentral", "sku_name": "Standard_B1", "tenant_id": TENANT,
            "public_network_access_enabled": True})]),
    Case("Microsoft.HealthcareApis/workspaces", "wsparity", lambda: [_ws()],
         [("azurerm_healthcare_workspace.ws", {"name": "wsparity", "location": "francecentral",
                                               "public_network_access_enabled": True})]),
    Case("Microsoft.HealthcareApis/workspaces/fhirservices", "fhirparity",
         lambda: [m.fhir_service(f"{RG_ID}/providers/Microsoft.HealthcareApis/workspaces/wsparity", "fhirparity",
                                 "francecentral", TENANT)],
         [("azurerm_healthcare_fhir_service.fhir", {"name": "fhirparity", "location": "francecentral",
                                                    "kind": "fhir-R4", "public_network_access_enabled": True})]),
    Case("Microsoft.HealthcareApis/workspaces/dicomservices", "dicomparity",
         lambda: [m.dicom_service(f"{RG_ID}/providers/Microsoft.HealthcareApis/workspaces/wsparity", "dicomparity",
                                  "francecentral", TENANT, "")],
         [("azurerm_healthcare_dicom_service.dicom", {"name": "dicomparity", "location": "francecentral",
                                                      "public_network_access_enabled": False})]),
    Case("Microsoft.HealthcareApis/services", "apiparity",
         lambda: [m.api_for_fhir(SUB, RG, "apiparity", "francecentral", TENANT)],
         [("azurerm_healthcare_service.api", {"name": "apiparity", "location": "francecentral", "kind": "fhir-R4",
                                              "public_network_access_enabled": False})]),
    Case("Microsoft.CognitiveServices/accounts", "oaiparity",
         lambda: [acct := ai.cognitive_account(SUB, RG, "oaiparity", "swedencentral"),
                  ai.cognitive_deployment(acct["id"], "gpt-eu", "DataZoneStandard", "gpt-4o", "2024-11-20")],
         [("azurerm_cognitive_account.oai", {"name": "oaiparity", "location": "swedencentral", "kind": "OpenAI",
                                             "sku_name": "S0"}),
          ("azurerm_cognitive_deployment.gpt", {"name": "gpt-eu", "sku": [{"name": "DataZoneStandard"}],
                                                "cognitive_account_id": Ref("azurerm_cognitive_account.oai.id")})]),
    Case("Microsoft.MachineLearningServices/workspaces", "mlparity",
         lambda: [ai.ml_workspace(SUB, RG, "mlparity", "francecentral",
                                  storage=f"{RG_ID}/providers/Microsoft.Storage/storageAccounts/stparitylrs")],
         [("azurerm_machine_learning_workspace.ml",
           {"name": "mlparity", "location": "francecentral",
            "storage_account_id": Ref("azurerm_storage_account.lrs.id"),
            "key_vault_id": Ref("azurerm_key_vault.kv.id"), "identity": [{"type": "SystemAssigned"}]})]),
    Case("Microsoft.Search/searchServices", "srchparity",
         lambda: [ai.search_service(SUB, RG, "srchparity", "westeurope")],
         [("azurerm_search_service.srch", {"name": "srchparity", "location": "westeurope", "sku": "standard"})]),
]


def facts(resource: Resource) -> dict[str, Any]:
    """What a verdict rests on, in a form both sources can give."""
    return {
        "region": resource.region,
        "copies": sorted({(loc.region, str(loc.role)) for loc in resource.locations if loc.region != resource.region}),
        "key": str(resource.encryption.manager) if resource.encryption else None,
        "public_endpoint": resource.network.public_endpoint,
        "anonymous_read": any(g.principal_kind is PrincipalKind.PUBLIC for g in resource.access),
    }


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Inventory]:
    fake = FakeARM(TENANT, ca_dir=tmp_path_factory.mktemp("arm"), client_secret=azure_estate.CLIENT_SECRET)
    fake.add_subscription(SUB, "parity")
    fake.locations = [a.location(SUB, *row) for row in azure_estate.LOCATIONS]
    fake.data_boundary = m.data_boundary(TENANT, "EU")
    for case in CASES:
        fake.put_all(case.arm())
    fake.start()
    try:
        config = Config(azure=azure_estate.azure_config(fake))
        yield azure.collect(config, NullReporter(), everything, environ=azure_estate.environ(fake))
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    b = PlanBuilder()
    b.provider("azurerm", name="azurerm", full_name=AZURERM, version="~> 4.0", features=[{}], subscription_id=SUB)
    for case in CASES:
        for address, config in case.terraform:
            b.resource(address, {"resource_group_name": RG, **config})
    path = Path(tmp_path_factory.mktemp("plan")) / "plan.json"
    path.write_text(json.dumps(b.build()), "utf-8")
    return read_plan(path)


def _named(inventory: Inventory, name: str) -> Resource:
    found = [r for r in inventory.resources if r.name == name]
    assert len(found) == 1, f"{name}: {[r.name for r in inventory.resources]}"
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_live_and_planned_resources_agree(case: Case, live: Inventory, planned: Inventory) -> None:
    scanned, plan = facts(_named(live, case.name)), facts(_named(planned, case.name))
    for aspect in case.plan_cannot_tell:
        scanned.pop(aspect), plan.pop(aspect)
    assert plan == scanned


def test_the_rows_are_not_vacuous(live: Inventory, planned: Inventory) -> None:
    """The aspects compared do vary across the rows, on both sides (a pair, an edge cache, a customer key…)."""
    for inventory in (live, planned):
        assert ("francesouth", "geo-secondary") in facts(_named(inventory, "stparitygrs"))["copies"]
        assert ("global", "edge-cache") in facts(_named(inventory, "stparitycdn"))["copies"]
        assert ("global", "edge-cache") in facts(_named(inventory, "stparityclassic"))["copies"]
        assert ("francesouth", "backup") in facts(_named(inventory, "dbparity"))["copies"]
        assert facts(_named(inventory, "stparitycmk"))["key"] == "customer"
        assert facts(_named(inventory, "stparitygrs"))["anonymous_read"] is True
        assert facts(_named(inventory, "dbparity"))["public_endpoint"] is False


def test_every_azure_type_with_a_plan_mapping_has_a_row() -> None:
    mapped = {spec.native for s in azure.SERVICES for spec in s.types if spec.terraform}
    assert mapped == {c.native for c in CASES}
    for case in CASES:
        spec = next(t for s in azure.SERVICES for t in s.types if t.native == case.native)
        assert case.terraform[0][0].split(".")[0] in spec.terraform

