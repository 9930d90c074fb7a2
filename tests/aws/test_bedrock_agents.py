"""Bedrock agents, knowledge bases, guardrails, provisioned throughput and observed use, over the emulator."""

from __future__ import annotations

import boto3

from auditor.model.inventory import LocationRole
from tests.aws.conftest import ACCOUNT, HEALTH, bucket, scan

REGION = "eu-west-3"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/bedrock"
EMBED = "arn:aws:bedrock:eu-west-3::foundation-model/amazon.titan-embed-text-v2:0"
COLLECTION = f"arn:aws:aoss:eu-west-1:{ACCOUNT}:collection/kbvectors"


def _agent(name: str, model: str, tags: dict[str, str] | None = None) -> str:
    client = boto3.client("bedrock-agent", region_name=REGION)
    return str(client.create_agent(agentName=name, foundationModel=model, agentResourceRoleArn=ROLE,
                                   tags=tags or {})["agent"]["agentArn"])


def _knowledge_base(name: str, bucket_name: str) -> str:
    client = boto3.client("bedrock-agent", region_name=REGION)
    kb = client.create_knowledge_base(
        name=name, roleArn=ROLE,
        knowledgeBaseConfiguration={"type": "VECTOR", "vectorKnowledgeBaseConfiguration": {"embeddingModelArn": EMBED}},
        storageConfiguration={"type": "OPENSEARCH_SERVERLESS", "opensearchServerlessConfiguration": {
            "collectionArn": COLLECTION, "vectorIndexName": "chunks",
            "fieldMapping": {"vectorField": "v", "textField": "t", "metadataField": "m"}}})["knowledgeBase"]
    client.create_data_source(knowledgeBaseId=kb["knowledgeBaseId"], name="records", dataSourceConfiguration={
        "type": "S3", "s3Configuration": {"bucketArn": f"arn:aws:s3:::{bucket_name}"}})
    return str(kb["knowledgeBaseArn"])


def _places(resource, role: LocationRole) -> list[str]:
    return [loc.region for loc in resource.locations if loc.role is role]


def test_agent_model_and_knowledge_base_sources_vectors_and_embeddings(aws):
    bucket("dossiers-patients", REGION, tags=HEALTH)
    _agent("triage", "us.anthropic.claude-3-haiku-20240307-v1:0", HEALTH)
    _agent("local", "anthropic.claude-3-haiku-20240307-v1:0")
    kb = _knowledge_base("clinical-notes", "dossiers-patients")

    found = {r.name: r for r in scan(regions=(REGION,)).resources if r.service == "bedrock-agent"}

    triage = found["triage"]
    assert (triage.kind, triage.native_type, triage.tags) == ("ai-inference", "AWS::Bedrock::Agent", HEALTH)
    assert _places(triage, LocationRole.PROCESSING) == ["us-east-1", "us-east-2", "us-west-2"]
    assert {loc.via for loc in triage.locations if loc.role is LocationRole.PROCESSING} == {"bedrock-agent-model"}
    assert _places(found["local"], LocationRole.PROCESSING) == [REGION]
    notes = found["clinical-notes"]
    assert (notes.id, notes.kind, notes.native_type) == (kb, "search", "AWS::Bedrock::KnowledgeBase")
    assert notes.attributes["reads"] == ["arn:aws:s3:::dossiers-patients"]
    assert _places(notes, LocationRole.PROCESSING) == [REGION]
    vectors = [loc for loc in notes.locations if loc.role is LocationRole.REPLICA]
    assert [(v.region, v.via, v.target) for v in vectors] == [("eu-west-1", "bedrock-kb-vector-store", COLLECTION)]


def test_guardrail_profile_provisioned_model_and_observed_use(aws):
    bedrock = boto3.client("bedrock", region_name=REGION)
    bedrock.create_guardrail(name="phi-filter", blockedInputMessaging="no", blockedOutputsMessaging="no",
                             crossRegionConfig={"guardrailProfileIdentifier": "eu.guardrail.v1:0"})
    bedrock.create_guardrail(name="local-filter", blockedInputMessaging="no", blockedOutputsMessaging="no")
    bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="summary-capacity",
                                                modelId="anthropic.claude-3-haiku-20240307-v1:0")
    boto3.client("cloudwatch", region_name=REGION).put_metric_data(Namespace="AWS/Bedrock", MetricData=[
        {"MetricName": "Invocations", "Dimensions": [{"Name": "ModelId", "Value": "global.anthropic.claude-sonnet-4"}],
         "Value": 3}])

    found = {r.name: r for r in scan(regions=(REGION,)).resources if r.service == "bedrock-models"}

    assert _places(found["phi-filter"], LocationRole.PROCESSING) == ["eu-central-1", "eu-west-1", "eu-west-3"]
    assert _places(found["local-filter"], LocationRole.PROCESSING) == [REGION]
    assert found["summary-capacity"].native_type == "bedrock:provisioned-model"
    assert _places(found["summary-capacity"], LocationRole.PROCESSING) == [REGION]
    invoked = found["global.anthropic.claude-sonnet-4"]
    assert (invoked.native_type, invoked.attributes["observed_use"]) == ("bedrock:model-invocation", True)
    assert _places(invoked, LocationRole.PROCESSING) == ["global"]


def test_invoked_application_profile_is_marked_observed(aws):
    client = boto3.client("bedrock", region_name=REGION)
    arn = client.create_inference_profile(
        inferenceProfileName="triage-profile",
        modelSource={"copyFrom": "arn:aws:bedrock:eu-west-3::inference-profile/eu.anthropic.claude-3-haiku"},
        tags=[{"key": "data-classification", "value": "health"}])["inferenceProfileArn"]
    boto3.client("cloudwatch", region_name=REGION).put_metric_data(Namespace="AWS/Bedrock", MetricData=[
        {"MetricName": "Invocations", "Dimensions": [{"Name": "ModelId", "Value": arn}], "Value": 1}])

    resources = scan(regions=(REGION,)).resources
    profile = next(r for r in resources if r.id == arn)
    assert profile.attributes["observed_use"] == [REGION]
    assert not [r for r in resources if r.native_type == "bedrock:model-invocation"]


def test_agent_on_an_application_profile_takes_the_regions_bedrock_records(aws):
    profile = boto3.client("bedrock", region_name=REGION).create_inference_profile(
        inferenceProfileName="triage-profile",
        modelSource={"copyFrom": "arn:aws:bedrock:eu-west-3::inference-profile/us.anthropic.claude-3-haiku"})
    _agent("triage", profile["inferenceProfileArn"])

    agent = next(r for r in scan(regions=(REGION,)).resources if r.name == "triage")
    assert _places(agent, LocationRole.PROCESSING) == ["us-east-1", "us-east-2", "us-west-2"]
