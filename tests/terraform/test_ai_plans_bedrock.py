"""Bedrock agents, knowledge bases, guardrails and invocation logging in a plan."""

from __future__ import annotations

from pathlib import Path

from planbuilder import PlanBuilder, Ref, write
from plantools import by_id, places

from auditor.connectors.terraform import read_plan

EMBED = "arn:aws:bedrock:eu-west-3::foundation-model/amazon.titan-embed-text-v2:0"


def _plan(tmp_path: Path, *, agent: bool = True) -> Path:
    b = PlanBuilder(variables={})
    b.provider("aws", region="eu-west-3")
    b.resource("aws_s3_bucket.records", {"bucket": "dossiers-patients", "tags": {"data-classification": "health"}},
               unknown=("arn", "id"))
    b.resource("aws_s3_bucket.prompts", {"bucket": "prompt-logs"}, unknown=("arn", "id"))
    if agent:
        b.resource("aws_bedrockagent_agent.triage", {
            "agent_name": "triage", "foundation_model": "us.anthropic.claude-3-haiku-20240307-v1:0",
            "agent_resource_role_arn": "arn:aws:iam::123456789012:role/x"}, unknown=("agent_arn", "agent_id"))
    b.resource("aws_bedrockagent_knowledge_base.notes", {
        "name": "clinical-notes", "role_arn": "arn:aws:iam::123456789012:role/x",
        "knowledge_base_configuration": [{"type": "VECTOR", "vector_knowledge_base_configuration": [
            {"embedding_model_arn": EMBED}]}],
        "storage_configuration": [{"type": "OPENSEARCH_SERVERLESS", "opensearch_serverless_configuration": [
            {"collection_arn": "arn:aws:aoss:eu-west-1:123456789012:collection/kb", "vector_index_name": "i"}]}]},
        unknown=("arn", "id"))
    b.resource("aws_bedrockagent_data_source.records", {
        "name": "records", "knowledge_base_id": Ref("aws_bedrockagent_knowledge_base.notes.id"),
        "data_source_configuration": [{"type": "S3", "s3_configuration": [
            {"bucket_arn": Ref("aws_s3_bucket.records.arn")}]}]}, unknown=("data_source_id", "id"))
    b.resource("aws_bedrock_model_invocation_logging_configuration.this", {"logging_config": [{
        "text_data_delivery_enabled": True,
        "s3_config": [{"bucket_name": Ref("aws_s3_bucket.prompts.id"), "key_prefix": "bedrock"}],
        "cloudwatch_config": [{"log_group_name": "/bedrock/prompts", "role_arn": "arn:aws:iam::1:role/l"}]}]})
    path = tmp_path / "plan.json"
    write(b.build(), path)
    return path


def test_agent_knowledge_base_and_invocation_logs(tmp_path: Path) -> None:
    inventory = read_plan(_plan(tmp_path))

    triage = by_id(inventory, "aws_bedrockagent_agent.triage")
    logs = [("log-destination", "eu-west-3", "bedrock-invocation-logging s3"),
            ("log-destination", "eu-west-3", "bedrock-invocation-logging cloudwatch-logs")]
    assert places(triage)[1:] == [
        ("processing", r, "bedrock-agent-model us.anthropic.claude-3-haiku-20240307-v1:0")
        for r in ("us-east-1", "us-east-2", "us-west-2")] + logs
    notes = by_id(inventory, "aws_bedrockagent_knowledge_base.notes")
    assert notes.kind == "search"
    assert notes.attributes["reads"] == ["aws_s3_bucket.records"]
    assert places(notes)[1:] == [("processing", "eu-west-3", "bedrock-kb-embedding amazon.titan-embed-text-v2:0"),
                                 ("replica", "eu-west-1", "bedrock-kb-vector-store OPENSEARCH_SERVERLESS"), *logs]
    assert not [r for r in inventory.resources if r.id.startswith("aws_bedrockagent_data_source")]


def test_lineage_classifies_the_knowledge_base_as_health(tmp_path: Path) -> None:
    from auditor.classify import classify
    from auditor.config import ClassificationConfig
    from auditor.geo.resolve import resolve

    inventory = classify(resolve(read_plan(_plan(tmp_path, agent=False))), ClassificationConfig())
    notes = by_id(inventory, "aws_bedrockagent_knowledge_base.notes")
    assert notes.classification is not None and notes.classification.health
    assert notes.classification.rule == "reads health store dossiers-patients"
    records = by_id(inventory, "aws_s3_bucket.records")
    assert ("processing", "eu-west-3", "bedrock-kb-embedding amazon.titan-embed-text-v2:0") in places(records)


def test_sagemaker_endpoint_takes_the_capture_of_its_configuration(tmp_path: Path) -> None:
    b = PlanBuilder(variables={})
    b.provider("aws", region="eu-west-3")
    b.provider("aws.us", alias="us", region="us-east-1")
    b.resource("aws_s3_bucket.capture", {"bucket": "capture-us"}, unknown=("arn", "id"), provider="aws.us")
    b.resource("aws_sagemaker_endpoint_configuration.triage", {
        "name": "triage-config", "production_variants": [{"variant_name": "main", "model_name": "triage"}],
        "data_capture_config": [{"enable_capture": True, "initial_sampling_percentage": 100,
                                 "destination_s3_uri": "s3://capture-us/triage/"}]}, unknown=("arn", "id"))
    b.resource("aws_sagemaker_endpoint.triage", {
        "name": "triage-endpoint", "endpoint_config_name": Ref("aws_sagemaker_endpoint_configuration.triage.name")},
        unknown=("arn", "id"))
    b.resource("aws_sagemaker_notebook_instance.analyst", {"name": "analyst", "instance_type": "ml.t3.medium"})
    path = tmp_path / "plan.json"
    write(b.build(), path)
    inventory = read_plan(path)

    endpoint = by_id(inventory, "aws_sagemaker_endpoint.triage")
    assert places(endpoint) == [("primary", "eu-west-3", None), ("processing", "eu-west-3", "sagemaker-endpoint"),
                                ("log-destination", "us-east-1", "sagemaker-data-capture")]
    assert places(by_id(inventory, "aws_sagemaker_notebook_instance.analyst"))[1] == (
        "processing", "eu-west-3", "sagemaker-notebook")


def test_agent_on_a_planned_application_profile_takes_its_regions(tmp_path: Path) -> None:
    b = PlanBuilder(variables={})
    b.provider("aws", region="eu-west-3")
    b.resource("aws_bedrock_inference_profile.triage", {
        "name": "triage-profile", "model_source": [{
            "copy_from": "arn:aws:bedrock:eu-west-3::inference-profile/global.anthropic.claude-sonnet-4"}]},
        unknown=("models", "arn", "id"))
    b.resource("aws_bedrockagent_agent.triage", {
        "agent_name": "triage", "foundation_model": Ref("aws_bedrock_inference_profile.triage.arn"),
        "agent_resource_role_arn": "arn:aws:iam::123456789012:role/x"}, unknown=("agent_arn", "agent_id"))
    path = tmp_path / "plan.json"
    write(b.build(), path)
    agent = by_id(read_plan(path), "aws_bedrockagent_agent.triage")
    assert places(agent)[1:] == [("processing", "global", "bedrock-agent-model triage-profile")]
