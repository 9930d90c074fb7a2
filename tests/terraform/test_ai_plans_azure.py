"""Azure ML / AI Foundry workspaces and AI Search in a plan: processing places and lineage."""

from __future__ import annotations

from pathlib import Path

from planbuilder import AZURERM, PlanBuilder, Ref, write
from plantools import by_id, places

from auditor.classify import classify
from auditor.config import ClassificationConfig
from auditor.connectors.terraform import read_plan
from auditor.geo.resolve import resolve


def test_workspace_project_and_search_service(tmp_path: Path) -> None:
    b = PlanBuilder(variables={})
    b.provider("azurerm", name="azurerm", full_name=AZURERM, version="~> 4.0")
    b.resource("azurerm_storage_account.records", {
        "name": "stdossiersia", "location": "francecentral", "resource_group_name": "rg-ia",
        "account_replication_type": "LRS", "tags": {"data-classification": "health"}}, unknown=("id",))
    b.resource("azurerm_machine_learning_workspace.ml", {
        "name": "mlw-orientation", "location": "swedencentral", "resource_group_name": "rg-ia",
        "storage_account_id": Ref("azurerm_storage_account.records.id"), "key_vault_id": "/kv"}, unknown=("id",))
    b.resource("azurerm_ai_foundry.hub", {
        "name": "hub-ia", "location": "francecentral", "resource_group_name": "rg-ia",
        "storage_account_id": Ref("azurerm_storage_account.records.id")}, unknown=("id",))
    b.resource("azurerm_ai_foundry_project.project", {
        "name": "projet-orientation", "location": "francecentral",
        "ai_services_hub_id": Ref("azurerm_ai_foundry.hub.id")},
        unknown=("id",))
    b.resource("azurerm_search_service.search", {
        "name": "srch-notes", "location": "westeurope", "resource_group_name": "rg-ia", "sku": "standard"},
        unknown=("id",))
    b.resource("azurerm_search_shared_private_link_service.link", {
        "name": "to-store", "search_service_id": Ref("azurerm_search_service.search.id"),
        "subresource_name": "blob", "target_resource_id": Ref("azurerm_storage_account.records.id")}, unknown=("id",))
    path = tmp_path / "plan.json"
    write(b.build(), path)
    inventory = classify(resolve(read_plan(path)), ClassificationConfig())

    ml = by_id(inventory, "azurerm_machine_learning_workspace.ml")
    assert places(ml) == [("primary", "swedencentral", None),
                          ("processing", "swedencentral", "azure-ml-workspace Default")]
    assert ml.attributes["reads"] == ["azurerm_storage_account.records"]
    for address in ("azurerm_machine_learning_workspace.ml", "azurerm_ai_foundry.hub",
                    "azurerm_ai_foundry_project.project", "azurerm_search_service.search"):
        found = by_id(inventory, address).classification
        assert found is not None and found.rule == "reads health store stdossiersia", address
    search = by_id(inventory, "azurerm_search_service.search")
    assert (search.kind, places(search)[1]) == ("search", ("processing", "westeurope", "azure-ai-search"))
    records = by_id(inventory, "azurerm_storage_account.records")
    assert ("processing", "swedencentral", "azure-ml-workspace Default") in places(records)
