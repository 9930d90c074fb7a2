"""Azure OpenAI: each deployment's type (sku.name) places where prompts are processed."""

from __future__ import annotations

from azure_helpers import by_name, scan

from auditor.demo import armjson_ai as ai
from auditor.demo.fakearm import FakeARM
from auditor.demo.sample import SUB
from auditor.model.inventory import LocationRole


def _processing(resource):
    return [(loc.region, loc.via_detail) for loc in resource.locations if loc.role is LocationRole.PROCESSING]


def test_deployment_types_place_processing(fake: FakeARM) -> None:
    acct = fake.put(ai.cognitive_account(SUB, "rg-ia", "oai-local", "swedencentral", kind="AIServices"))
    fake.put(ai.cognitive_deployment(acct["id"], "gpt-std", "Standard", "gpt-4o", "2024-11-20"))
    fake.put(ai.cognitive_deployment(acct["id"], "gpt-new", "SomeFutureType", "gpt-4o", "2024-11-20"))
    fake.put(ai.cognitive_account(SUB, "rg-ia", "speech-fr", "francecentral", kind="SpeechServices"))
    inventory = scan(fake)

    demo = by_name(inventory, "oai-resume-sejour")
    assert (demo.kind, demo.native_type, demo.region) == ("ai-inference", "microsoft.cognitiveservices/accounts",
                                                          "francecentral")
    processing = _processing(demo)
    assert ("global", "GlobalStandard deployment gpt-4o-global") in processing
    zone = {r for r, via in processing if via.endswith("gpt-4o-eu")}
    assert {"francecentral", "swedencentral", "westeurope"} <= zone and not {"uksouth", "eastus"} & zone
    assert demo.attributes["deployments"] == {"gpt-4o-global": "GlobalStandard", "gpt-4o-eu": "DataZoneStandard"}

    assert _processing(by_name(inventory, "oai-local")) == [
        ("swedencentral", "Standard deployment gpt-std"),
        ("unknown", "SomeFutureType deployment gpt-new")]  # not in the catalog: unknown, not a pass
    assert _processing(by_name(inventory, "speech-fr")) == []
