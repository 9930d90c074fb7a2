"""HealthLake and HealthImaging data stores: health data by nature, asked only where the services exist."""

from __future__ import annotations

import boto3

from auditor.config import Config
from auditor.connectors.aws import calls
from auditor.model.inventory import KeyManager
from auditor.pipeline import scope_filter
from tests.aws.conftest import scan


def test_data_stores_are_in_scope_whatever_their_tags(aws, served):
    key = boto3.client("kms", region_name="eu-west-1").create_key()["KeyMetadata"]["Arn"]
    fhir = boto3.client("healthlake", region_name="eu-west-1").create_fhir_datastore(
        DatastoreName="portail", DatastoreTypeVersion="R4", Tags=[{"Key": "projet", "Value": "portail"}],
        SseConfiguration={"KmsEncryptionConfig": {"CmkType": "CUSTOMER_MANAGED_KMS_KEY", "KmsKeyId": key}})
    boto3.client("medical-imaging", region_name="us-east-1").create_datastore(datastoreName="pacs-cloud",
                                                                             clientToken="t1")

    inventory = scan(regions=("eu-west-1", "us-east-1", "eu-west-3"), in_scope=scope_filter(Config()))
    found = {r.name: r for r in inventory.resources if r.kind == "health-api"}

    portail = found["portail"]
    assert (portail.id, portail.service, portail.native_type, portail.region) == (
        fhir["DatastoreArn"], "healthlake", "AWS::HealthLake::FHIRDatastore", "eu-west-1")
    assert portail.attributes["depth"] == "deep" and portail.tags == {"projet": "portail"}
    assert (portail.encryption.manager, portail.encryption.key_id) == (KeyManager.CUSTOMER, key)
    pacs = found["pacs-cloud"]
    assert (pacs.service, pacs.native_type, pacs.region) == ("medical-imaging", "AWS::HealthImaging::Datastore",
                                                             "us-east-1")
    assert (pacs.encryption.manager, pacs.encryption.origin) == (KeyManager.PROVIDER, "AWS_OWNED")
    counts = calls.last_scan()  # Paris has neither service: never asked there
    assert counts["healthlake:ListFHIRDatastores"] == 2 and counts["medical-imaging:ListDatastores"] == 2
    assert "GET /datastore" in served.requests()  # over HTTP, like every other service
