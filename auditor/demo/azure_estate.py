"""The Azure part of "Hôpitaux de la Loire", seeded into the fake ARM (``seed``), and how to point
the real connector at it (``start``, ``environ``, ``azure_config``).

What the estate shows, each on purpose:

- FHIR service in francecentral (health by nature), exporting to a storage account, its key in
  a Key Vault in France; a DICOM service keeping its files in a zone-redundant account.
- ``stdpiloire`` GRS in westeurope, secondary northeurope (fine), with object replication to an
  account of another tenant (``allowCrossTenantReplication``).
- ``stimagerieloire`` RA-GRS in francecentral whose ``secondaryLocation`` ARM reports as eastus
  (not the documented pair: read from the resource, never assumed), anonymous blob access on a
  container, key in a vault in eastus, served through Front Door.
- Cosmos DB with an eastus read region; SQL database in a failover group with a westus server,
  geo-redundant backups, TDE key in eastus.
- A Lighthouse delegation from an outsourcing tenant, a guest, a foreign application and a
  ForeignGroup among the role assignments.
- PostgreSQL with a read replica in uksouth and geo-redundant backup, protected by a backup vault.
- A marketing account that is not health data; a subscription the credential may not read.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from auditor.config import AzureConfig, Config
from auditor.connectors import azure
from auditor.connectors.base import ScopeFilter
from auditor.demo import armjson as a
from auditor.demo import armjson_ai as ai
from auditor.demo import armjson_more as m
from auditor.demo.fakearm import FakeARM
from auditor.demo.sample import FOREIGN_TENANT, SUB, TENANT
from auditor.messages import say
from auditor.model.inventory import Inventory
from auditor.progress import Reporter

RESEARCH_SUB = "9b8d1f00-0000-4000-8000-0000000002ae"
ARCHIVE_SUB = "9b8d1f00-0000-4000-8000-0000000003ae"  # listed, but every read is denied
PARTNER_SUB = "3c2a7e55-0000-4000-8000-0000000007a1"  # another tenant's subscription
PARTNER_TENANT = "2e9b1d44-0000-4000-8000-0000000bea7e"
MSP_TENANT = FOREIGN_TENANT  # "Infogérance Atlantique", managing tenant of the Lighthouse delegation
CARE_GROUP = "mg-soins"  # management group of the care subscriptions
CLIENT_ID = "0d5e7c11-0000-4000-8000-00000000c11e"
CLIENT_SECRET = "demo-only-secret-4f2a9c"  # noqa: S105 - a fake credential the local fake ARM checks; never printed
HEALTH = {"DataClassification": "Sante"}
PHI = {"data-classification": "phi"}
MEMBER, GUEST, GROUP = "11111111-0000-4000-8000-00000000a001", "22222222-0000-4000-8000-00000000a002", \
    "33333333-0000-4000-8000-00000000a003"
FOREIGN_APP, FOREIGN_GROUP, MSP_GROUP = "44444444-0000-4000-8000-00000000a004", \
    "55555555-0000-4000-8000-00000000a005", "66666666-0000-4000-8000-00000000a006"

LOCATIONS = [  # name, display, geography, physical location, pair (Microsoft Learn regions list)
    ("francecentral", "France Central", "Europe", "Paris", "francesouth"),
    ("francesouth", "France South", "Europe", "Marseille", "francecentral"),
    ("westeurope", "West Europe", "Europe", "Netherlands", "northeurope"),
    ("northeurope", "North Europe", "Europe", "Ireland", "westeurope"),
    ("germanywestcentral", "Germany West Central", "Europe", "Frankfurt", "germanynorth"),
    ("swedencentral", "Sweden Central", "Europe", "Gävle", "swedensouth"),
    ("italynorth", "Italy North", "Europe", "Milan", None),
    ("uksouth", "UK South", "UK", "London", "ukwest"),
    ("switzerlandnorth", "Switzerland North", "Europe", "Zurich", "switzerlandwest"),
    ("eastus", "East US", "US", "Virginia", "westus"),
    ("westus", "West US", "US", "California", "eastus"),
]


def seed(fake: FakeARM) -> None:
    fake.tenants.append({  # shape of the Tenants_List example of the Azure REST API specs
        "id": f"/tenants/{TENANT}", "tenantId": TENANT, "tenantCategory": "Home", "country": "France",
        "countryCode": "FR", "displayName": "Hôpitaux de la Loire", "domains": ["hopitaux-loire.fr"],
        "defaultDomain": "hopitaux-loire.fr", "tenantType": "AAD"})
    fake.add_subscription(SUB, "loire-sante", managed_by=[MSP_TENANT])
    fake.add_subscription(RESEARCH_SUB, "loire-recherche")
    fake.add_subscription(ARCHIVE_SUB, "loire-archives")
    fake.deny(f"/subscriptions/{ARCHIVE_SUB}")
    fake.add_subscription(PARTNER_SUB, "partner-labo", tenant=PARTNER_TENANT, listed=False)
    fake.foreign(PARTNER_SUB, PARTNER_TENANT)
    fake.locations = [a.location(SUB, *row) for row in LOCATIONS]
    for sub_id, name in ((SUB, "loire-sante"), (ARCHIVE_SUB, "loire-archives")):  # research sits elsewhere
        fake.also_list(f"/providers/Microsoft.Management/managementGroups/{CARE_GROUP}/descendants",
                       m.management_group_subscription(CARE_GROUP, sub_id, name, TENANT))
    fake.data_boundary = m.data_boundary(TENANT, "EU")
    _care(fake)
    _research(fake)
    _access(fake)


def _care(fake: FakeARM) -> None:
    s, rg = SUB, "rg-sante"
    kv_fr = fake.put(m.key_vault(s, rg, "kv-loire-fr", "francecentral", TENANT, sku="premium"))
    fake.put(m.key_vault(s, rg, "kv-loire-us", "eastus", TENANT, purge_protection=False))
    ws = fake.put(m.health_workspace(s, rg, "wsloire", "francecentral"))
    fake.put(a.storage_account(s, rg, "stexportfhir", "francecentral", "Standard_LRS", tags=HEALTH))
    fake.put(m.fhir_service(ws["id"], "fhir-loire", "francecentral", TENANT, export_to="stexportfhir",
                            key_uri=f"{kv_fr['properties']['vaultUri']}/keys/fhir-kek/1f2e3d4c"))
    dicom_store = fake.put(a.storage_account(s, rg, "stdicomloire", "francecentral", "Standard_ZRS",
                                             public_network="Disabled", private_endpoints=1))
    fake.put(m.dicom_service(ws["id"], "dicom-loire", "francecentral", TENANT, dicom_store["id"]))
    dpi = fake.put(a.storage_account(s, rg, "stdpiloire", "westeurope", "Standard_GRS", secondary="northeurope",
                                     tags=PHI, cross_tenant=True))
    partner = f"/subscriptions/{PARTNER_SUB}/resourceGroups/rg-partner/providers/Microsoft.Storage/" \
              "storageAccounts/stpartnerlabo"
    fake.put(a.object_replication_policy(dpi["id"], "c6c23999-fd4e-433a-bcf9-1db69d27cd8a", "stdpiloire", partner))
    img = fake.put(a.storage_account(s, rg, "stimagerieloire", "francecentral", "Standard_RAGRS", secondary="eastus",
                                     tags=HEALTH, blob_public=True,
                                     key_uri="https://kv-loire-us.vault.azure.net/keys/cmk-imagerie"))
    fake.put(a.blob_container(img["id"], "radiologie-public", "Blob"))
    fake.put(a.blob_container(img["id"], "radiologie-interne", "None"))
    fake.put(a.storage_account(s, rg, "stmarketing", "westeurope", "Standard_LRS",
                               tags={"DataClassification": "Public"}, blob_public=True))
    fake.put(m.cosmos_account(s, rg, "cosmos-dossiers", "France Central", ["France Central", "East US"],
                              backup="Geo", tags=HEALTH))
    fr = fake.put(a.sql_server(s, rg, "sql-loire-fr", "francecentral", tags=HEALTH))
    us = fake.put(a.sql_server(s, "rg-dr", "sql-loire-us", "westus"))
    db = fake.put(a.sql_database(fr["id"], "pmsi", "francecentral", "Geo", "francesouth"))
    fake.put(a.failover_group(fr["id"], "fg-pmsi", "France Central", us["id"], "West US", [db["id"]]))
    fake.put(a.encryption_protector(fr["id"], "France Central",
                                    "https://kv-loire-us.vault.azure.net/keys/tde-pmsi/7d0a0c1f"))
    afd = fake.put(m.cdn_profile(s, "rg-web", "afd-portail-patients"))
    group = fake.put(m.afd_origin_group(afd["id"], "imagerie"))
    fake.put(m.afd_origin(group["id"], "blob", "stimagerieloire.blob.core.windows.net", img["id"]))
    fake.put(m.recovery_vault(s, rg, "rsv-loire", "francecentral", "GeoRedundant", crr=True))
    logs = fake.put(m.log_analytics_workspace(s, "rg-ops", "law-loire", "westeurope"))
    logs_us = fake.put(a.storage_account(s, "rg-ops", "stlogsus", "eastus", "Standard_LRS"))
    fhir = f"{ws['id']}/fhirservices/fhir-loire"
    fake.put(m.diagnostic_setting(fhir, "audit", workspace=logs["id"]))
    fake.put(m.diagnostic_setting(f"{img['id']}/blobServices/default", "reads", storage=logs_us["id"]))
    fake.put(m.diagnostic_setting(dpi["id"] + "/blobServices/default", "metrics-only", workspace=logs["id"],
                                  logs=False))
    # a discharge-summary assistant on Azure OpenAI in Paris: one deployment keeps prompts in the EU data
    # zone, the other is GlobalStandard (processed wherever the model runs)
    oai = fake.put(ai.cognitive_account(s, "rg-ia", "oai-resume-sejour", "francecentral", tags=HEALTH))
    fake.put(ai.cognitive_deployment(oai["id"], "gpt-4o-global", "GlobalStandard", "gpt-4o", "2024-11-20"))
    fake.put(ai.cognitive_deployment(oai["id"], "gpt-4o-eu", "DataZoneStandard", "gpt-4o", "2024-11-20"))


def _research(fake: FakeARM) -> None:
    s, rg = RESEARCH_SUB, "rg-recherche"
    pg = fake.put(m.flexible_server("Microsoft.DBforPostgreSQL", s, rg, "pg-eds-loire", "francecentral",
                                    geo_backup=True, tags=HEALTH))
    replica = fake.put(m.flexible_server("Microsoft.DBforPostgreSQL", s, rg, "pg-eds-loire-replica", "uksouth",
                                         geo_backup=False, role="AsyncReplica"))
    fake.also_list(f"{pg['id']}/replicas", replica)  # as ReplicasListByServer.json lists it under its source
    bv = fake.put(m.backup_vault(s, rg, "bv-recherche", "francecentral", "GeoRedundant", crr=False))
    fake.put(m.backup_instance(bv["id"], "pg-eds-loire-daily", pg["id"], "Microsoft.DBforPostgreSQL/flexibleServers"))
    fake.put(m.flexible_server("Microsoft.DBforMySQL", s, rg, "mysql-registre-cancers", "westeurope",
                               geo_backup=True, tags=HEALTH))
    fake.put(a.storage_account(s, rg, "stgenomique", "francecentral", "Standard_LRS", tags=HEALTH,
                               public_network="Disabled"))
    fake.put(m.api_for_fhir(s, rg, "fhir-legacy-loire", "westeurope", PARTNER_TENANT))  # trusts the lab's tenant
    cdn = fake.put(m.cdn_profile(s, rg, "cdn-publications", sku="Standard_Microsoft"))
    fake.put(m.cdn_endpoint(cdn["id"], "publications", "westeurope", "stgenomique.blob.core.windows.net"))


def _access(fake: FakeARM) -> None:
    for guid, name, actions, data in (
        (a.OWNER, "Owner", ["*"], []),
        (a.CONTRIBUTOR, "Contributor", ["*"], []),
        (a.READER, "Reader", ["*/read"], []),
        (a.BLOB_DATA_READER, "Storage Blob Data Reader",
         ["Microsoft.Storage/storageAccounts/blobServices/containers/read"],
         ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"]),
        (a.BLOB_DATA_CONTRIBUTOR, "Storage Blob Data Contributor",
         ["Microsoft.Storage/storageAccounts/blobServices/containers/*"],
         ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"]),
        (a.FHIR_DATA_READER, "FHIR Data Reader", [], ["Microsoft.HealthcareApis/workspaces/fhirservices/read"]),
    ):
        fake.put(m.role_definition(guid, name, actions, data,
                                   ["Microsoft.Authorization/*/Write"] if guid == a.CONTRIBUTOR else ()))
    sub = f"/subscriptions/{SUB}"
    care = f"{sub}/resourceGroups/rg-sante/providers"
    for scope, guid, who, kind, role in (
        (sub, "0f0e0d0c-0000-4000-8000-0000000000a1", MEMBER, "User", a.READER),
        (f"{care}/Microsoft.Storage/storageAccounts/stimagerieloire", "0f0e0d0c-0000-4000-8000-0000000000a2",
         GUEST, "User", a.BLOB_DATA_READER),
        (f"{care}/Microsoft.HealthcareApis/workspaces/wsloire", "0f0e0d0c-0000-4000-8000-0000000000a3",
         FOREIGN_APP, "ServicePrincipal", a.FHIR_DATA_READER),
        (f"{care}/Microsoft.DocumentDB/databaseAccounts/cosmos-dossiers", "0f0e0d0c-0000-4000-8000-0000000000a4",
         FOREIGN_GROUP, "ForeignGroup", a.CONTRIBUTOR),
        (f"{sub}/resourceGroups/rg-sante", "0f0e0d0c-0000-4000-8000-0000000000a5", GROUP, "Group",
         a.BLOB_DATA_CONTRIBUTOR),
    ):
        fake.put(m.role_assignment(scope, guid, who, kind, role))
    fake.put(m.registration_assignment(
        sub, "484a7d5f-9729-4b87-bc9b-26610985a013", "26c128c2-fefa-4340-9bb1-8e081c90ada2", managed_by=MSP_TENANT,
        managed_by_name="Infogérance Atlantique", managee=TENANT, name="Exploitation plateforme santé",
        authorizations=[(MSP_GROUP, "Équipe d'astreinte", a.CONTRIBUTOR)]))
    fake.graph_put(m.graph_user(MEMBER, "dr.martin@loire-sante.example"))
    fake.graph_put(m.graph_user(GUEST, "consultant_labo.example#EXT#@loiresante.onmicrosoft.com", "Guest"))
    fake.graph_put(m.graph_service_principal(FOREIGN_APP, "9a1c0b7e-0000-4000-8000-0000000000ab", PARTNER_TENANT,
                                             "Analytique Partenaire"))


def start(ca_dir: Path | None = None) -> FakeARM:
    """A running fake ARM holding the estate (stop it with ``.stop()``)."""
    fake = FakeARM(TENANT, ca_dir=ca_dir, page_size=2, graph_page_size=5, client_secret=CLIENT_SECRET)
    seed(fake)
    return fake.start()


def environ(fake: FakeARM) -> dict[str, str]:
    """The variables a real deployment would set; the connector reads exactly these."""
    return {"AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": CLIENT_ID, "AZURE_CLIENT_SECRET": CLIENT_SECRET,
            "REQUESTS_CA_BUNDLE": fake.ca_path}


def azure_config(fake: FakeARM, base: AzureConfig | None = None) -> AzureConfig:
    return replace(base or AzureConfig(), authority_host=fake.base_url, arm_endpoint=fake.base_url, tenant=TENANT)


def collect(config: Config, reporter: Reporter, in_scope: ScopeFilter) -> Inventory:
    """The Azure half of ``auditor demo``: the real connector against the estate on a local fake ARM.

    Nothing global changes: the credential variables and the CA go to the connector explicitly.
    """
    with tempfile.TemporaryDirectory(prefix="auditor-demo-arm-") as tmp:
        fake = start(Path(tmp))
        try:
            reporter.info(say("demo-azure", config.lang, url=fake.base_url))
            demo = replace(config, azure=azure_config(fake, config.azure))
            return azure.collect(demo, reporter, in_scope, environ=environ(fake))
        finally:
            fake.stop()
