"""Azure ML / AI Foundry workspaces and Azure AI Search: processing places and the stores they read."""

from __future__ import annotations

from azure_helpers import by_name, scan

from auditor.classify import classify
from auditor.config import ClassificationConfig
from auditor.demo import armjson
from auditor.demo import armjson_ai as ai
from auditor.demo.fakearm import FakeARM
from auditor.demo.sample import SUB
from auditor.geo.resolve import resolve
from auditor.model.inventory import LocationRole

HEALTH = {"data-classification": "health"}


def _processing(resource):
    return [(loc.region, loc.via, loc.via_detail) for loc in resource.locations if loc.role is LocationRole.PROCESSING]


def test_workspace_and_search_read_health_stores(fake: FakeARM) -> None:
    store = fake.put(armjson.storage_account(SUB, "rg-ia", "stdossiersia", "francecentral", "Standard_LRS",
                                             tags=HEALTH))
    hub = fake.put(ai.ml_workspace(SUB, "rg-ia", "hub-ia", "francecentral", storage=store["id"], kind="Hub"))
    fake.put(ai.ml_compute(hub["id"], "ci-analyst", "swedencentral"))
    fake.put(ai.ml_workspace(SUB, "rg-ia", "projet-orientation", "francecentral", storage=store["id"], kind="Project",
                             hub=hub["id"]))
    search = fake.put(ai.search_service(SUB, "rg-ia", "srch-notes", "westeurope"))
    fake.put(ai.search_private_link(search["id"], "to-store", store["id"]))

    inventory = scan(fake)

    workspace = by_name(inventory, "hub-ia")
    assert (workspace.kind, workspace.native_type) == ("ai-inference", "microsoft.machinelearningservices/workspaces")
    assert workspace.attributes["arm_kind"] == "Hub" and workspace.attributes["reads"] == [store["id"]]
    assert _processing(workspace) == [("francecentral", "azure-ml-workspace", "Hub"),
                                      ("swedencentral", "azure-ml-workspace", "Hub compute")]
    assert by_name(inventory, "projet-orientation").attributes["hub"] == hub["id"]
    service = by_name(inventory, "srch-notes")
    assert (service.kind, service.region) == ("search", "westeurope")
    assert service.attributes["reads"] == [store["id"]]
    assert _processing(service) == [("westeurope", "azure-ai-search", None)]

    classified = {r.name: r for r in classify(resolve(inventory), ClassificationConfig()).resources}
    for name in ("hub-ia", "projet-orientation", "srch-notes"):
        rule = classified[name].classification
        assert rule is not None and rule.rule == "reads health store stdossiersia", name
    records = classified["stdossiersia"]
    assert {(loc.region, loc.via) for loc in records.locations if loc.role is LocationRole.PROCESSING} >= {
        ("swedencentral", "azure-ml-workspace"), ("westeurope", "azure-ai-search")}
