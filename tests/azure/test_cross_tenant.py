"""Access paths from other tenants, read by the real connector from the local HTTPS fake ARM
answering the Azure REST API example shapes (each builder in ``auditor/demo/armjson*.py`` names
its example), then judged by the access policies; and gaps that leave one aspect unread."""

from __future__ import annotations

from azure_helpers import by_name, scan

from auditor.config import Config
from auditor.demo import armjson as a
from auditor.demo import armjson_more as m
from auditor.demo import azure_estate as est
from auditor.demo.fakearm import FakeARM
from auditor.model.findings import Finding, Status
from auditor.model.inventory import GapAspect, Inventory, LocationRole, PrincipalKind
from auditor.pipeline import assess

RG = "rg-cohortes"
# the tenant and resource of the resourceAccessRules entry of StorageAccountUpdate.json
SYNAPSE_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
SYNAPSE = ("/subscriptions/a7e99807-abbf-4642-bdec-2c809a96a8bc/resourceGroups/res9407/providers/"
           "Microsoft.Synapse/workspaces/testworkspace")
# the SMART identity provider of FhirServices_Create.json (an Azure AD B2C tenant)
B2C = "https://login.b2clogin.com/11111111-1111-1111-1111-111111111111/v2.0"
B2C_APP = "22222222-2222-2222-2222-222222222222"
FOREIGN_OBJECT = "0c6b2e3f-0000-4000-8000-00000000f0e1"


def findings(inventory: Inventory, name: str, config: Config | None = None) -> dict[str, Finding]:
    doc = assess(inventory, config or Config(profile="hds")).doc
    rid = by_name(inventory, name).id
    return {f.policy_id: f for f in doc.findings if f.resource_id == rid}


def test_a_resource_of_another_tenant_let_through_the_storage_firewall(fake: FakeARM) -> None:
    fake.put(a.storage_account(est.SUB, RG, "stcohorte", "francecentral", "Standard_ZRS", tags=est.HEALTH,
                               default_action="Deny", resource_rules=[(SYNAPSE_TENANT, SYNAPSE)]))
    inventory = scan(fake)
    (grant,) = [g for g in by_name(inventory, "stcohorte").access if g.source == "resource-access-rule"]
    assert (grant.principal, grant.principal_kind, grant.home) == (SYNAPSE, PrincipalKind.FOREIGN_RESOURCE,
                                                                    SYNAPSE_TENANT)
    found = findings(inventory, "stcohorte")
    assert found["ACC-004"].status is Status.FAIL and "testworkspace" in found["ACC-004"].message["en"]
    trusted = Config(profile="hds", trusted_azure_tenants=(SYNAPSE_TENANT,))
    after = findings(inventory, "stcohorte", trusted).get("ACC-004")  # the subscription's Lighthouse may remain
    assert after is None or "testworkspace" not in after.message["en"]


def test_key_vault_access_policies_that_decrypt_are_access_to_the_data(fake: FakeARM) -> None:
    vault = fake.put(m.key_vault(est.SUB, RG, "kv-cohortes", "francecentral", est.TENANT, access_policies=[
        (est.TENANT, "5d2f8a1e-0000-4000-8000-0000000000c1", ["get", "wrapKey", "unwrapKey"]),
        (est.PARTNER_TENANT, FOREIGN_OBJECT, ["get", "unwrapKey"]),
        (est.PARTNER_TENANT, "7a1b2c3d-0000-4000-8000-0000000000c3", ["list"]),  # cannot decrypt
    ]))
    key = f"{vault['properties']['vaultUri']}/keys/cmk-cohorte"
    fake.put(a.storage_account(est.SUB, RG, "stcohortecmk", "francecentral", "Standard_LRS", tags=est.HEALTH,
                               key_uri=key))
    inventory = scan(fake)
    grants = [g for g in by_name(inventory, "stcohortecmk").access if g.source == "key-vault-access-policy"]
    assert {(g.principal, g.home) for g in grants} == {("5d2f8a1e-0000-4000-8000-0000000000c1", est.TENANT),
                                                      (FOREIGN_OBJECT, est.PARTNER_TENANT)}
    assert all("unwrapKey" in (g.condition or "") for g in grants)
    found = findings(inventory, "stcohortecmk")
    assert found["ACC-002"].status is Status.FAIL and FOREIGN_OBJECT in found["ACC-002"].message["en"]
    assert est.TENANT not in found["ACC-002"].message["en"]  # the own tenant's entry is internal


def test_a_smart_identity_provider_of_another_tenant_lets_its_application_read(fake: FakeARM) -> None:
    ws = fake.put(m.health_workspace(est.SUB, RG, "wscohortes", "francecentral"))
    fake.put(m.fhir_service(ws["id"], "fhir-cohortes", "francecentral", est.TENANT, smart_providers=[(B2C, B2C_APP)]))
    inventory = scan(fake)
    (grant,) = [g for g in by_name(inventory, "fhir-cohortes").access if g.source == "smart-identity-provider"]
    assert (grant.principal, grant.principal_kind, grant.home) == (
        B2C_APP, PrincipalKind.FOREIGN_TENANT_APP, "11111111-1111-1111-1111-111111111111")
    found = findings(inventory, "fhir-cohortes")
    assert found["ACC-004"].status is Status.FAIL and B2C_APP in found["ACC-004"].message["en"]


def test_a_foreign_group_fails_without_its_tenant_id(estate: tuple[FakeARM, Inventory]) -> None:
    inventory = estate[1]
    (grant,) = [g for g in by_name(inventory, "cosmos-dossiers").access if g.principal == est.FOREIGN_GROUP]
    assert grant.principal_kind is PrincipalKind.FOREIGN_GROUP and grant.home is None
    found = findings(inventory, "cosmos-dossiers")
    assert found["ACC-004"].status is Status.FAIL and est.FOREIGN_GROUP in found["ACC-004"].message["en"]
    assert "ACC-003" not in found or est.FOREIGN_GROUP not in found["ACC-003"].evidence


def test_cosmos_whose_account_location_differs_from_its_first_region(fake: FakeARM) -> None:
    fake.put(m.cosmos_account(est.SUB, RG, "cosmos-cohortes", "West Europe", ["France Central", "North Europe"],
                              backup="Local", tags=est.HEALTH))
    cosmos = by_name(scan(fake), "cosmos-cohortes")
    assert cosmos.region == "francecentral"  # locations[0] (failover priority 0) holds the data
    assert cosmos.attributes["account_location"] == "westeurope"
    assert cosmos.attributes["primary_differs_from_account_location"] is True
    assert ("francecentral", LocationRole.PRIMARY) in {(loc.region, loc.role) for loc in cosmos.locations}


def test_an_unreadable_replication_setting_leaves_residency_of_the_primary_decided(fake: FakeARM) -> None:
    account = fake.put(a.storage_account(est.SUB, RG, "stcohorteor", "francecentral", "Standard_LRS",
                                         tags=est.HEALTH))
    fake.deny(f"{account['id']}/objectReplicationPolicies")
    inventory = scan(fake)
    gaps = [g for g in inventory.coverage_gaps if g.resource_id == account["id"]]
    assert [(g.reason, g.aspect) for g in gaps] == [("access-denied", GapAspect.LOCATION)]
    found = findings(inventory, "stcohorteor")
    assert "RES-001" not in found  # its region was read: francecentral, inside the zone
    assert found["RES-002"].status is Status.UNKNOWN
    assert found["RES-002"].message["en"].startswith("Where stcohorteor copies its data")
    assert "cannot be placed in a country" not in found["RES-002"].message["en"]
