"""Bedrock: application inference profiles place processing; invocation logs are copies."""

from __future__ import annotations

import boto3

from auditor.model.inventory import LocationRole
from tests.aws.conftest import ACCOUNT, HEALTH, bucket, scan

US_PROFILE = "arn:aws:bedrock:eu-west-3::inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"
EU_MODEL = "arn:aws:bedrock:eu-west-3::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"


def _profile(name: str, source: str, tags: dict[str, str] | None = None) -> str:
    client = boto3.client("bedrock", region_name="eu-west-3")
    return str(client.create_inference_profile(
        inferenceProfileName=name, modelSource={"copyFrom": source},
        tags=[{"key": k, "value": v} for k, v in (tags or {}).items()])["inferenceProfileArn"])


def test_us_profile_is_processed_in_the_us_and_logs_are_copies(aws):
    bucket("prompt-logs", "us-east-1")
    boto3.client("bedrock", region_name="eu-west-3").put_model_invocation_logging_configuration(loggingConfig={
        "s3Config": {"bucketName": "prompt-logs", "keyPrefix": "bedrock/"},
        "cloudWatchConfig": {"logGroupName": "/bedrock/prompts", "roleArn": f"arn:aws:iam::{ACCOUNT}:role/logs"},
        "textDataDeliveryEnabled": True})
    triage = _profile("triage-assistant", US_PROFILE, HEALTH)
    _profile("local-summary", EU_MODEL, HEALTH)

    found = {r.name: r for r in scan(regions=("eu-west-3",)).resources if r.service == "bedrock"}

    profile = found["triage-assistant"]
    assert (profile.id, profile.kind, profile.native_type) == (triage, "ai-inference",
                                                               "AWS::Bedrock::ApplicationInferenceProfile")
    assert profile.tags == HEALTH
    assert [(loc.role, loc.region) for loc in profile.locations] == [
        (LocationRole.PRIMARY, "eu-west-3"),
        (LocationRole.PROCESSING, "us-east-1"), (LocationRole.PROCESSING, "us-east-2"),
        (LocationRole.PROCESSING, "us-west-2"),
        (LocationRole.LOG_DESTINATION, "us-east-1"), (LocationRole.LOG_DESTINATION, "eu-west-3")]
    assert {loc.via for loc in profile.locations if loc.role is LocationRole.PROCESSING} == {
        "bedrock-inference-profile"}
    assert profile.locations[4].target == "arn:aws:s3:::prompt-logs"
    local = found["local-summary"]
    assert [(loc.role, loc.region) for loc in local.locations if loc.role is LocationRole.PROCESSING] == [
        (LocationRole.PROCESSING, "eu-west-3")]


def test_no_profiles_no_logging(aws):
    assert not [r for r in scan(regions=("eu-west-3",)).resources if r.service == "bedrock"]
