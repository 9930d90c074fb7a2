"""AI services in a plan: processing places, the same as the live scan gives for the same resource."""

from __future__ import annotations

from pathlib import Path

from planbuilder import AZURERM, PlanBuilder, Ref, write
from plantools import by_id, places

from auditor.connectors.terraform import read_plan
from auditor.demo.aws_fakes import _copied_models
from auditor.geo.processing import azure_processing, bedrock_processing

US_PROFILE = "arn:aws:bedrock:eu-west-3::inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"


def _plan(tmp_path: Path) -> Path:
    b = PlanBuilder(variables={})
    b.provider("aws", region="eu-west-3")
    b.provider("azurerm", name="azurerm", full_name=AZURERM, version="~> 4.0")
    b.resource("aws_bedrock_inference_profile.triage", {
        "name": "triage-assistant", "model_source": [{"copy_from": US_PROFILE}],
        "tags": {"data-classification": "health"}}, unknown=("models", "arn", "id"))
    b.resource("azurerm_cognitive_account.summary", {
        "name": "oai-resume-sejour", "location": "francecentral", "kind": "OpenAI", "sku_name": "S0",
        "resource_group_name": "rg-ia"}, unknown=("id", "endpoint"))
    for name, sku in (("gpt-4o-global", "GlobalStandard"), ("gpt-4o-eu", "DataZoneStandard")):
        b.resource(f"azurerm_cognitive_deployment.{name.replace('-', '_')}", {
            "name": name, "cognitive_account_id": Ref("azurerm_cognitive_account.summary.id"),
            "sku": [{"name": sku}], "model": [{"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}]},
            unknown=("id",))
    path = tmp_path / "plan.json"
    write(b.build(), path)
    return path


def test_plan_places_processing_like_the_live_scan(tmp_path: Path) -> None:
    inventory = read_plan(_plan(tmp_path))

    triage = by_id(inventory, "aws_bedrock_inference_profile.triage")
    assert triage.kind == "ai-inference" and triage.region == "eu-west-3"
    assert places(triage)[1:] == [("processing", r, "bedrock-inference-profile")
                                  for r in ("us-east-1", "us-east-2", "us-west-2")]
    # parity: the live scan reads the models Bedrock records for the same copy_from
    live_models = [m["modelArn"] for m in _copied_models(US_PROFILE, "eu-west-3")]
    assert list(triage.locations[1:]) == bedrock_processing(live_models, "eu-west-3")

    summary = by_id(inventory, "azurerm_cognitive_account.summary")
    assert summary.region == "francecentral"
    processing = [loc for loc in summary.locations if str(loc.role) == "processing"]
    live = azure_processing([("gpt-4o-global", "GlobalStandard"), ("gpt-4o-eu", "DataZoneStandard")], "francecentral")
    assert sorted(processing, key=repr) == sorted(live, key=repr)
    flagged = ("processing", "global", "azure-openai-deployment GlobalStandard deployment gpt-4o-global")
    assert flagged in places(summary)
