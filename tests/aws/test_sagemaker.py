"""SageMaker: endpoints (data capture), training jobs (inputs, lineage), domains and notebooks, over moto."""

from __future__ import annotations

import boto3

from auditor.classify import classify
from auditor.config import ClassificationConfig
from auditor.geo.resolve import resolve
from auditor.model.inventory import LocationRole
from tests.aws.conftest import ACCOUNT, HEALTH, bucket, scan

REGION = "eu-west-3"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
IMAGE = f"{ACCOUNT}.dkr.ecr.eu-west-3.amazonaws.com/triage:latest"


def _client():  # type: ignore[no-untyped-def]
    return boto3.client("sagemaker", region_name=REGION)


def test_endpoint_capture_training_inputs_domain_and_notebook(aws):
    bucket("dossiers-patients", REGION, tags=HEALTH)
    bucket("capture-us", "us-east-1")
    sm = _client()
    sm.create_model(ModelName="triage", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    sm.create_endpoint_config(EndpointConfigName="triage-config", ProductionVariants=[{
        "VariantName": "main", "ModelName": "triage", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}],
        DataCaptureConfig={"EnableCapture": True, "InitialSamplingPercentage": 100,
                           "DestinationS3Uri": "s3://capture-us/triage/",
                           "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]})
    sm.create_endpoint(EndpointName="triage-endpoint", EndpointConfigName="triage-config",
                       Tags=[{"Key": "data-classification", "Value": "health"}])
    sm.create_training_job(
        TrainingJobName="readmission-model", RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        InputDataConfig=[{"ChannelName": "train", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": "s3://dossiers-patients/train/"}}}],
        OutputDataConfig={"S3OutputPath": "s3://models-out/readmission/"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})
    sm.create_notebook_instance(NotebookInstanceName="analyst", InstanceType="ml.t3.medium", RoleArn=ROLE)

    inventory = scan(regions=(REGION,))
    found = {r.name: r for r in inventory.resources if r.service == "sagemaker"}

    endpoint = found["triage-endpoint"]
    assert endpoint.native_type == "AWS::SageMaker::Endpoint" and endpoint.tags == HEALTH
    assert [(loc.role, loc.region, loc.via) for loc in endpoint.locations] == [
        (LocationRole.PRIMARY, REGION, None), (LocationRole.PROCESSING, REGION, "sagemaker-endpoint"),
        (LocationRole.LOG_DESTINATION, "us-east-1", "sagemaker-data-capture")]
    job = found["readmission-model"]
    assert job.native_type == "sagemaker:training-job"
    assert job.attributes["reads"] == ["arn:aws:s3:::dossiers-patients"]
    assert job.attributes["output_s3_uri"] == "s3://models-out/readmission/"
    assert found["analyst"].native_type == "AWS::SageMaker::NotebookInstance"

    classified = {r.name: r for r in classify(resolve(inventory), ClassificationConfig()).resources}
    job = classified["readmission-model"]
    assert job.classification is not None and job.classification.rule == "reads health store dossiers-patients"
    records = classified["dossiers-patients"]
    assert (REGION, "sagemaker-training") in [(loc.region, loc.via) for loc in records.locations
                                              if loc.role is LocationRole.PROCESSING]
