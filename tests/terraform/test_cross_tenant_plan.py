"""Access from other tenants where azurerm exposes it in a plan, judged by the access policies; and
what a plan cannot show (logging set outside Terraform) is "not assessable from a plan"."""

from __future__ import annotations

from pathlib import Path

from planbuilder import PlanBuilder, Ref, write
from plantools import by_id

from auditor.config import Config
from auditor.connectors.terraform import read_plan
from auditor.model.findings import Severity, Status
from auditor.model.inventory import Inventory, PrincipalKind
from auditor.pipeline import assess
from auditor.results.gate import gate

OWN = "11111111-1111-1111-1111-111111111111"
OTHER = "72f988bf-86f1-41af-91ab-2d7cd011db47"
SYNAPSE = ("/subscriptions/a7e99807-abbf-4642-bdec-2c809a96a8bc/resourceGroups/res9407/providers/"
           "Microsoft.Synapse/workspaces/testworkspace")
HEALTH = {"data-classification": "health"}


def plan(tmp_path: Path) -> Inventory:
    p = PlanBuilder()
    p.provider("azurerm", name="azurerm", full_name="registry.terraform.io/hashicorp/azurerm", version="~> 4.0")
    p.resource("azurerm_key_vault.kv", {"name": "kv-cohortes", "location": "francecentral", "tenant_id": OWN,
                                        "sku_name": "premium", "access_policy": [
                                            {"tenant_id": OWN, "object_id": "aaaa", "key_permissions": ["Get"]},
                                            {"tenant_id": OTHER, "object_id": "bbbb",
                                             "key_permissions": ["Get", "UnwrapKey", "WrapKey"]}]})
    p.resource("azurerm_key_vault_access_policy.partner", {"key_vault_id": Ref("azurerm_key_vault.kv.id"),
                                                           "tenant_id": OTHER, "object_id": "cccc",
                                                           "key_permissions": ["Decrypt"]})
    p.resource("azurerm_key_vault_key.cmk", {"name": "cmk", "key_vault_id": Ref("azurerm_key_vault.kv.id"),
                                             "key_type": "RSA-HSM", "key_size": 2048})
    p.resource("azurerm_storage_account.cohorte", {
        "name": "stcohorte", "location": "francecentral", "account_replication_type": "ZRS", "tags": HEALTH,
        "customer_managed_key": [{"key_vault_key_id": Ref("azurerm_key_vault_key.cmk.id")}],
        "network_rules": [{"default_action": "Deny", "private_link_access": [
            {"endpoint_resource_id": SYNAPSE, "endpoint_tenant_id": OTHER}]}]})
    p.resource("azurerm_cosmosdb_account.cohorte", {
        "name": "cosmos-cohorte", "location": "westeurope", "tags": HEALTH, "offer_type": "Standard",
        "geo_location": [{"location": "francecentral", "failover_priority": 0}]})
    write(p.build(), tmp_path / "plan.json")
    return read_plan(tmp_path / "plan.json")


def test_foreign_access_in_a_plan_is_judged(tmp_path: Path) -> None:
    inventory = plan(tmp_path)
    account = by_id(inventory, "azurerm_storage_account.cohorte")
    grants = {(g.source, g.principal, g.principal_kind, g.home) for g in account.access}
    assert ("resource-access-rule", SYNAPSE, PrincipalKind.FOREIGN_RESOURCE, OTHER) in grants
    assert {g[1] for g in grants if g[0] == "key-vault-access-policy"} == {"bbbb", "cccc"}  # not the own tenant's
    doc = assess(inventory, Config(profile="hds")).doc
    found = {f.policy_id: f for f in doc.findings if f.resource_id == account.id}
    assert found["ACC-004"].status is Status.FAIL and "testworkspace" in found["ACC-004"].message["en"]
    assert found["ACC-002"].status is Status.FAIL and "bbbb" in found["ACC-002"].message["en"]


def test_logging_a_plan_cannot_show_is_not_assessable_and_does_not_block(tmp_path: Path) -> None:
    inventory = plan(tmp_path)
    doc = assess(inventory, Config(profile="hds")).doc
    log = [f for f in doc.findings if f.policy_id == "LOG-001"]
    assert log and all(f.status is Status.UNKNOWN and not f.assessable for f in log)
    assert all(f.message["en"].startswith("Not assessable from a plan") for f in log)
    result = gate(doc, Severity.LOW, allow_unknown=False)
    assert result.exit_code == 1  # the foreign access fails; the logging unknowns alone would not block
    assert result.incomplete is False


def test_cosmos_account_location_differs_from_the_first_geo_location(tmp_path: Path) -> None:
    cosmos = by_id(plan(tmp_path), "azurerm_cosmosdb_account.cohorte")
    assert cosmos.region == "francecentral"
    assert cosmos.attributes["account_location"] == "westeurope"
    assert cosmos.attributes["primary_differs_from_account_location"] is True
    # no backup block: periodic, geo-redundant by default, so a copy sits in the pair
    assert any(loc.role.value == "backup" and loc.region == "francesouth" for loc in cosmos.locations)
