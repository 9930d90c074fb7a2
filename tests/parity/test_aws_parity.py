"""Live scan and plan gate agree: the same resource created on the emulator and written as a planned change
yields the same normalised resource, for every registered AWS type that a plan can hold.

One estate is created on the moto server (one account, ``eu-west-3`` with copies in ``us-east-1``) and
scanned once; the same estate is written as one plan document in ``terraform show -json`` shape and read
once (its second part, from S3 access logging to Aurora replicas, in :mod:`tests.parity.aws_estate_more`).
Each row of :data:`ROWS` names the live resource, the planned one and what of the projection (:func:`project`)
the two must share. Where plan and live legitimately differ, the row says so (``differs``).
The IAM constructs of the issue are rows of :data:`CONSTRUCTS`, each on a bucket, key, table and vault policy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from auditor.classify import classify_one
from auditor.config import ClassificationConfig
from auditor.connectors import aws as aws_connector
from auditor.connectors.terraform import read_plan
from auditor.model.inventory import Classification, Inventory, Resource
from tests.aws.conftest import ACCOUNT, HEALTH, scan
from tests.parity import aws_estate_more
from tests.parity.aws_estate_more import _client, _table
from tests.terraform.planbuilder import PlanBuilder, Ref, write

Both = tuple[Inventory, Inventory, dict[str, str]]  # (live, planned, names of what the emulator created)
HOME, AWAY = "eu-west-3", "us-east-1"
FOREIGN, ORG = "999988887777", "o-abcdef1234"
TRAIL = f"arn:aws:cloudtrail:{HOME}:{FOREIGN}:trail/t"


def _allow(**statement: Any) -> dict[str, Any]:
    return {"Effect": "Allow", **statement}


def _deny(**statement: Any) -> dict[str, Any]:
    return {"Effect": "Deny", **statement}


def _star(prefix: str, action: str, condition: dict[str, Any]) -> list[dict[str, Any]]:
    return [_allow(Principal="*", Action=f"{prefix}:{action}", Condition=condition)]


# What the Deny statements take away: every read probe. Not ``kms:*``: the emulator (like AWS) would then refuse
# the scan's own DescribeKey, and the live side would see nothing to compare.
DENIED = {"s3": "s3:*", "kms": ["kms:Decrypt", "kms:ReEncrypt*"], "dynamodb": "dynamodb:*", "backup": "backup:*"}
READ = {"s3": "GetObject", "kms": "Decrypt", "dynamodb": "GetItem", "backup": "CopyFromBackupVault"}

# construct -> statements for an IAM prefix and the read action probed (Resource is set per store)
CONSTRUCTS: dict[str, Any] = {
    "allow-everyone": lambda p, a: [_allow(Principal="*", Action=f"{p}:{a}")],
    "not-principal": lambda p, a: [_allow(NotPrincipal={"AWS": f"arn:aws:iam::{FOREIGN}:root"}, Action=f"{p}:{a}")],
    "not-action": lambda p, a: [_allow(Principal={"AWS": FOREIGN}, NotAction=f"{p}:Delete*")],
    "not-resource": lambda p, a: [_allow(Principal="*", Action=f"{p}:{a}", NotResource="arn:aws:s3:::elsewhere")],
    "deny-outside-org": lambda p, a: [
        _allow(Principal="*", Action=f"{p}:{a}"),
        _deny(Principal="*", Action=DENIED[p], Condition={"StringNotEquals": {"aws:PrincipalOrgID": ORG}})],
    "deny-everyone": lambda p, a: [_allow(Principal={"AWS": FOREIGN}, Action=f"{p}:{a}"),
                                   _deny(Principal="*", Action=DENIED[p])],
    "org-id": lambda p, a: _star(p, a, {"StringEquals": {"aws:PrincipalOrgID": ORG}}),
    "principal-account": lambda p, a: _star(p, a, {"StringEquals": {"aws:PrincipalAccount": FOREIGN}}),
    "source-vpce": lambda p, a: _star(p, a, {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
    "source-vpc": lambda p, a: _star(p, a, {"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}),
    "source-ip": lambda p, a: _star(p, a, {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}),
    "source-account": lambda p, a: _star(p, a, {"StringEquals": {"aws:SourceAccount": FOREIGN}}),
    "source-arn": lambda p, a: _star(p, a, {"ArnLike": {"aws:SourceArn": TRAIL}}),
    "unknown-condition": lambda p, a: _star(p, a, {"StringEquals": {"aws:PrincipalTag/team": "x"}}),
}
def _document(statements: list[dict[str, Any]], resource: str | None) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {**s, "Resource": resource} if resource and "NotResource" not in s else s for s in statements]})


# -- the projection -------------------------------------------------------------------------------


def project(resource: Resource) -> dict[str, Any]:
    """What both sources must agree on, without what only names them differently (ARN vs address)."""
    rules = ClassificationConfig()
    return {
        "kind": resource.kind.value,
        "region": resource.region,
        # a primary location's mechanism only repeats the store's own nature (a multi-Region key)
        "locations": sorted({(loc.role.value, loc.region, loc.via.value if loc.via and loc.role != "primary" else None)
                             for loc in resource.locations}),
        "key": (resource.encryption.manager.value, resource.encryption.region) if resource.encryption else None,
        "grants": sorted({(g.principal, g.principal_kind.value, g.permission.value, g.home)
                          for g in resource.access if g.condition != "GetBucketPolicyStatus: IsPublic"}),
        "network": resource.network.public_endpoint,
        "logging": resource.logging is True,  # off and "not set by this plan" read alike
        "classification": classify_one(resource.provider, resource.kind, resource.native_type, resource.name,
                                       resource.tags, rules),
    }


HEALTHY = Classification("health", True, "tag data-classification=health")
S3_PUBLIC = ("the live scan takes AWS's own verdict (GetBucketPolicyStatus) and the account's Block Public Access "
             "as the bucket's public endpoint; a plan shows neither, so it leaves it unknown")


@dataclass(frozen=True)
class Row:
    """One planned type: the live resource (by name), the planned one (by address), what may differ."""

    tf_type: str
    live: str
    planned: str
    differs: dict[str, str]  # projection field -> why plan and live legitimately disagree on it
    expect: dict[str, Any] = field(default_factory=dict)  # what both must show (the comparison is not vacuous)


ROWS: list[Row] = [
    Row("aws_s3_bucket", "par-records", "aws_s3_bucket.records", {"network": S3_PUBLIC},
        {"key": ("customer", HOME), "classification": HEALTHY,
         "locations": [("primary", HOME, None), ("replica", AWAY, "s3-replication")]}),
    Row("aws_kms_key", "par-key", "aws_kms_key.key", {
        "classification": "the live scan does not read a key's tags (a key is judged by the stores it protects); "
                          "a plan has them at hand"}),
    Row("aws_db_instance", "par-db", "aws_db_instance.db", {}, {
        "key": ("customer", HOME), "network": True,
        "locations": [("primary", HOME, None), ("replica", AWAY, "rds-read-replica")]}),
    Row("aws_kms_replica_key", "par-mrk", "aws_kms_key.mrk", {"classification": "as for aws_kms_key"},
        {"locations": [("primary", HOME, None), ("replica", AWAY, "kms-multi-region")]}),
    Row("aws_rds_cluster", "par-cluster", "aws_rds_cluster.cluster", {
        "network": "a cluster has no public endpoint of its own (its instances do): neither side names one"}),
    Row("aws_dynamodb_table", "par-table", "aws_dynamodb_table.table", {}, {"key": ("customer", HOME)}),
    Row("aws_backup_vault", "par-vault", "aws_backup_vault.vault", {}, {"key": ("customer", HOME)}),
    Row("aws_cloudfront_distribution", "par-cdn-origin", "aws_s3_bucket.cdn_origin", {"network": S3_PUBLIC},
        {"locations": [("edge-cache", "global", "cloudfront"), ("primary", HOME, None)]}),
    Row("aws_bedrock_inference_profile", "par-profile", "aws_bedrock_inference_profile.profile", {}),
    Row("aws_bedrockagent_agent", "par-agent", "aws_bedrockagent_agent.agent", {},
        {"locations": [("primary", HOME, None), ("processing", "us-east-1", "bedrock-agent-model"),
                       ("processing", "us-east-2", "bedrock-agent-model"),
                       ("processing", "us-west-2", "bedrock-agent-model")]}),
    Row("aws_bedrockagent_knowledge_base", "par-kb", "aws_bedrockagent_knowledge_base.kb", {},
        {"locations": [("primary", HOME, None), ("processing", HOME, "bedrock-kb-embedding"),
                       ("replica", AWAY, "bedrock-kb-vector-store")]}),
    Row("aws_bedrockagent_data_source", "par-kb", "aws_bedrockagent_knowledge_base.kb", {}),
    Row("aws_bedrock_guardrail", "par-guard", "aws_bedrock_guardrail.guard", {},
        {"locations": [("primary", HOME, None), ("processing", "eu-central-1", "bedrock-guardrail"),
                       ("processing", "eu-west-1", "bedrock-guardrail"), ("processing", HOME, "bedrock-guardrail")]}),
    Row("aws_bedrock_provisioned_model_throughput", "par-pt", "aws_bedrock_provisioned_model_throughput.pt", {}),
    Row("aws_sagemaker_endpoint", "par-endpoint", "aws_sagemaker_endpoint.endpoint", {},
        {"locations": [("log-destination", AWAY, "sagemaker-data-capture"), ("primary", HOME, None),
                       ("processing", HOME, "sagemaker-endpoint")]}),
    Row("aws_sagemaker_endpoint_configuration", "par-endpoint", "aws_sagemaker_endpoint.endpoint", {}),
    Row("aws_sagemaker_notebook_instance", "par-nb", "aws_sagemaker_notebook_instance.nb", {}),
    Row("aws_sagemaker_domain", "par-domain", "aws_sagemaker_domain.domain", {}),
    Row("aws_s3_bucket_logging", "par-logged", "aws_s3_bucket.logged", {"network": S3_PUBLIC},
        {"logging": True, "locations": [("primary", HOME, None)]}),  # a same-region log bucket is no copy
    Row("aws_s3_bucket_acl", "par-acl", "aws_s3_bucket.acl", {"network": S3_PUBLIC},
        {"grants": [("http://acs.amazonaws.com/groups/global/AllUsers", "public", "read", None)]}),
    Row("aws_s3_bucket_public_access_block", "par-pab", "aws_s3_bucket.pab", {"network": S3_PUBLIC},
        {"grants": []}),
    Row("aws_dynamodb_table (replica block)", "par-gt-inline", "aws_dynamodb_table.gt_inline", {},
        {"locations": [("primary", HOME, None), ("replica", AWAY, "dynamodb-global-table")]}),
    Row("aws_dynamodb_table_replica", "par-gt-apart", "aws_dynamodb_table.gt_apart", {},
        {"locations": [("primary", HOME, None), ("replica", AWAY, "dynamodb-global-table")]}),
    Row("aws_backup_plan + aws_backup_selection", "par-backed", "aws_dynamodb_table.backed", {},
        {"locations": [("backup", HOME, "aws-backup"), ("backup", AWAY, "backup-copy-action"),
                       ("primary", HOME, None)]}),
    Row("aws_rds_cluster (cross-Region replica)", "par-aurora", "aws_rds_cluster.aurora",
        {"network": "as for aws_rds_cluster"},
        {"locations": [("primary", HOME, None), ("replica", AWAY, "rds-read-replica-cluster")]}),
]


def test_every_planned_aws_type_has_a_parity_row() -> None:
    stores = {t for svc in aws_connector.SERVICES for spec in svc.types for t in spec.terraform}
    assert stores <= {row.tf_type for row in ROWS}


# -- the estate, live and planned -------------------------------------------------------------------


def _seed() -> dict[str, str]:
    """Create the estate on the emulator; returns the names the plan needs (key ARN)."""
    kms = _client("kms")
    key = kms.create_key(Description="par-key", Tags=[{"TagKey": k, "TagValue": v} for k, v in HEALTH.items()])
    key_arn = key["KeyMetadata"]["Arn"]
    model = f"arn:aws:bedrock:{HOME}::foundation-model/mistral.mistral-large-2402-v1:0"
    names = {"key_arn": key_arn, "model": model, "par-key": key_arn}
    s3 = _client("s3")
    s3_away = _client("s3", AWAY)
    for name, client, region in (("par-records", s3, HOME), ("par-records-replica", s3_away, AWAY),
                                 ("par-cdn-origin", s3, HOME)):
        kwargs = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        client.create_bucket(Bucket=name, **kwargs)
        client.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in HEALTH.items()]})
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket="par-records", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}}]})
    s3.put_bucket_replication(Bucket="par-records", ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication",
        "Rules": [{"ID": "away", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": "arn:aws:s3:::par-records-replica"}}]})
    for construct, statements in CONSTRUCTS.items():
        name = f"par-pol-{construct}"
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": HOME})
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in HEALTH.items()]})
        s3.put_bucket_policy(Bucket=name, Policy=_document(statements("s3", READ["s3"]), f"arn:aws:s3:::{name}/*"))
        made = kms.create_key(Description=f"par-kpol-{construct}", Policy=_document(statements("kms", "Decrypt"), "*"))
        names[f"par-kpol-{construct}"] = made["KeyMetadata"]["Arn"]
        table = _table(f"par-tpol-{construct}")
        _client("dynamodb").put_resource_policy(ResourceArn=table,
                                                Policy=_document(statements("dynamodb", "GetItem"), table))
        names[f"par-tpol-{construct}"] = table
        _client("backup").create_backup_vault(BackupVaultName=f"par-vpol-{construct}", BackupVaultTags=HEALTH)
        _client("backup").put_backup_vault_access_policy(
            BackupVaultName=f"par-vpol-{construct}", Policy=_document(statements("backup", "CopyFromBackupVault"), "*"))
    mrk = kms.create_key(Description="par-mrk", MultiRegion=True)["KeyMetadata"]
    kms.replicate_key(KeyId=mrk["KeyId"], ReplicaRegion=AWAY)  # the emulator takes a key id here, not an ARN
    names["par-mrk"] = mrk["Arn"]
    rds = _client("rds")
    rds.create_db_instance(DBInstanceIdentifier="par-db", Engine="postgres", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="u", MasterUserPassword="password1",
                           StorageEncrypted=True, KmsKeyId=key_arn, PubliclyAccessible=True,
                           Tags=[{"Key": k, "Value": v} for k, v in HEALTH.items()])
    rds.create_db_cluster(DBClusterIdentifier="par-cluster", Engine="aurora-postgresql", MasterUsername="u",
                          MasterUserPassword="password1", StorageEncrypted=True, KmsKeyId=key_arn,
                          Tags=[{"Key": k, "Value": v} for k, v in HEALTH.items()])
    db_arn = f"arn:aws:rds:{HOME}:{ACCOUNT}:db:par-db"
    names["db_arn"] = db_arn
    _client("rds", AWAY).create_db_instance_read_replica(DBInstanceIdentifier="par-db-away",
                                                         SourceDBInstanceIdentifier=db_arn,
                                                         DBInstanceClass="db.t3.micro")
    _table("par-table", SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_arn})
    _client("backup").create_backup_vault(BackupVaultName="par-vault", EncryptionKeyArn=key_arn,
                                          BackupVaultTags=HEALTH)
    _client("cloudfront", AWAY).create_distribution(DistributionConfig={
        "CallerReference": "par", "Comment": "par-cdn", "Enabled": True, "PriceClass": "PriceClass_100",
        "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "par-cdn-origin.s3.eu-west-3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "https-only",
                                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "MinTTL": 0, "TrustedSigners": {"Enabled": False, "Quantity": 0}}})
    _client("bedrock").create_inference_profile(inferenceProfileName="par-profile", modelSource={"copyFrom": model},
                                                tags=[{"key": k, "value": v} for k, v in HEALTH.items()])
    _seed_ai()
    aws_estate_more.seed(names)
    return names


ROLE = f"arn:aws:iam::{ACCOUNT}:role/ai"
US_MODEL = "us.anthropic.claude-3-haiku-20240307-v1:0"
EMBED = f"arn:aws:bedrock:{HOME}::foundation-model/amazon.titan-embed-text-v2:0"
COLLECTION = f"arn:aws:aoss:{AWAY}:{ACCOUNT}:collection/par"


def _seed_ai() -> None:
    """Bedrock agents, knowledge bases, guardrails, provisioned throughput; SageMaker endpoint, notebook, domain."""
    agents = _client("bedrock-agent")
    agents.create_agent(agentName="par-agent", foundationModel=US_MODEL, agentResourceRoleArn=ROLE)
    kb = agents.create_knowledge_base(
        name="par-kb", roleArn=ROLE,
        knowledgeBaseConfiguration={"type": "VECTOR", "vectorKnowledgeBaseConfiguration": {"embeddingModelArn": EMBED}},
        storageConfiguration={"type": "OPENSEARCH_SERVERLESS", "opensearchServerlessConfiguration": {
            "collectionArn": COLLECTION, "vectorIndexName": "i",
            "fieldMapping": {"vectorField": "v", "textField": "t", "metadataField": "m"}}})["knowledgeBase"]
    agents.create_data_source(knowledgeBaseId=kb["knowledgeBaseId"], name="records", dataSourceConfiguration={
        "type": "S3", "s3Configuration": {"bucketArn": "arn:aws:s3:::par-records"}})
    bedrock = _client("bedrock")
    bedrock.create_guardrail(name="par-guard", blockedInputMessaging="no", blockedOutputsMessaging="no",
                             crossRegionConfig={"guardrailProfileIdentifier": "eu.guardrail.v1:0"})
    bedrock.create_provisioned_model_throughput(modelUnits=1, provisionedModelName="par-pt",
                                                modelId="anthropic.claude-3-haiku-20240307-v1:0")
    sm = _client("sagemaker")
    sm.create_model(ModelName="par-model", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
    sm.create_endpoint_config(EndpointConfigName="par-config", ProductionVariants=[{
        "VariantName": "main", "ModelName": "par-model", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}],
        DataCaptureConfig={"EnableCapture": True, "InitialSamplingPercentage": 100,
                           "DestinationS3Uri": "s3://par-records-replica/capture/",
                           "CaptureOptions": [{"CaptureMode": "Input"}]})
    sm.create_endpoint(EndpointName="par-endpoint", EndpointConfigName="par-config")
    sm.create_notebook_instance(NotebookInstanceName="par-nb", InstanceType="ml.t3.medium", RoleArn=ROLE)
    sm.create_domain(DomainName="par-domain", AuthMode="IAM", DefaultUserSettings={"ExecutionRole": ROLE},
                     SubnetIds=["subnet-1"], VpcId="vpc-1")


def _plan(path: Path, names: dict[str, str]) -> Path:
    b = PlanBuilder()
    b.provider("aws", region=HOME, allowed_account_ids=[ACCOUNT])
    b.provider("aws.away", alias="away", region=AWAY, allowed_account_ids=[ACCOUNT])
    key_arn = names["key_arn"]
    b.resource("aws_kms_key.key", {"description": "par-key", "tags": HEALTH}, computed={"arn": key_arn})
    for address, bucket, provider in (("records", "par-records", None), ("records_replica", "par-records-replica",
                                                                           "aws.away"), ("cdn_origin", "par-cdn-origin",
                                                                                         None)):
        b.resource(f"aws_s3_bucket.{address}", {"bucket": bucket, "tags": HEALTH}, provider=provider)
    b.resource("aws_s3_bucket_server_side_encryption_configuration.records", {"bucket": "par-records", "rule": [
        {"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms", "kms_master_key_id": key_arn}]}]})
    b.resource("aws_s3_bucket_replication_configuration.records", {
        "bucket": "par-records", "role": f"arn:aws:iam::{ACCOUNT}:role/replication",
        "rule": [{"id": "away", "status": "Enabled", "destination": [{"bucket": "arn:aws:s3:::par-records-replica"}]}]})
    for construct, statements in CONSTRUCTS.items():
        slug = construct.replace("-", "_")
        name = f"par-pol-{construct}"
        b.resource(f"aws_s3_bucket.pol_{slug}", {"bucket": name, "tags": HEALTH})
        b.resource(f"aws_s3_bucket_policy.pol_{slug}", {
            "bucket": name, "policy": _document(statements("s3", READ["s3"]), f"arn:aws:s3:::{name}/*")})
        b.resource(f"aws_kms_key.kpol_{slug}", {"description": f"par-kpol-{construct}",
                                                "policy": _document(statements("kms", "Decrypt"), "*")})
        table = names[f"par-tpol-{construct}"]
        b.resource(f"aws_dynamodb_table.tpol_{slug}", {"name": f"par-tpol-{construct}", "hash_key": "id",
                                                       "tags": HEALTH}, computed={"arn": table})
        b.resource(f"aws_dynamodb_resource_policy.tpol_{slug}", {
            "resource_arn": table, "policy": _document(statements("dynamodb", "GetItem"), table)})
        b.resource(f"aws_backup_vault.vpol_{slug}", {"name": f"par-vpol-{construct}", "tags": HEALTH})
        b.resource(f"aws_backup_vault_policy.vpol_{slug}", {
            "backup_vault_name": f"par-vpol-{construct}",
            "policy": _document(statements("backup", "CopyFromBackupVault"), "*")})
    # a replica names its source by ARN when the source exists already, and then the plan knows that ARN
    b.resource("aws_db_instance.db", {"identifier": "par-db", "engine": "postgres", "storage_encrypted": True,
                                      "kms_key_id": key_arn, "publicly_accessible": True, "tags": HEALTH},
               computed={"arn": names["db_arn"]})
    b.resource("aws_db_instance.db_away", {"identifier": "par-db-away", "replicate_source_db": names["db_arn"]},
               provider="aws.away")
    mrk = names["par-mrk"]
    b.resource("aws_kms_key.mrk", {"description": "par-mrk", "multi_region": True}, computed={"arn": mrk})
    b.resource("aws_kms_replica_key.mrk_away", {"primary_key_arn": mrk}, provider="aws.away")
    b.resource("aws_rds_cluster.cluster", {"cluster_identifier": "par-cluster", "engine": "aurora-postgresql",
                                           "storage_encrypted": True, "kms_key_id": key_arn, "tags": HEALTH})
    b.resource("aws_dynamodb_table.table", {"name": "par-table", "hash_key": "id", "tags": HEALTH,
                                            "server_side_encryption": [{"enabled": True, "kms_key_arn": key_arn}]})
    b.resource("aws_backup_vault.vault", {"name": "par-vault", "kms_key_arn": key_arn, "tags": HEALTH})
    b.resource("aws_cloudfront_distribution.cdn", {
        "comment": "par-cdn", "enabled": True, "price_class": "PriceClass_100",
        "origin": [{"origin_id": "o", "domain_name": "par-cdn-origin.s3.eu-west-3.amazonaws.com"}]})
    b.resource("aws_bedrock_inference_profile.profile", {
        "name": "par-profile", "model_source": [{"copy_from": names["model"]}], "tags": HEALTH})
    b.resource("aws_bedrockagent_agent.agent", {"agent_name": "par-agent", "foundation_model": US_MODEL,
                                                "agent_resource_role_arn": ROLE})
    b.resource("aws_bedrockagent_knowledge_base.kb", {
        "name": "par-kb", "role_arn": ROLE,
        "knowledge_base_configuration": [{"type": "VECTOR", "vector_knowledge_base_configuration": [
            {"embedding_model_arn": EMBED}]}],
        "storage_configuration": [{"type": "OPENSEARCH_SERVERLESS", "opensearch_serverless_configuration": [
            {"collection_arn": COLLECTION, "vector_index_name": "i"}]}]})
    b.resource("aws_bedrockagent_data_source.records", {
        "name": "records", "knowledge_base_id": Ref("aws_bedrockagent_knowledge_base.kb.id"),
        "data_source_configuration": [{"type": "S3", "s3_configuration": [
            {"bucket_arn": Ref("aws_s3_bucket.records.arn")}]}]})
    b.resource("aws_bedrock_guardrail.guard", {"name": "par-guard", "cross_region_config": [
        {"guardrail_profile_identifier": "eu.guardrail.v1:0"}]})
    b.resource("aws_bedrock_provisioned_model_throughput.pt", {
        "provisioned_model_name": "par-pt", "model_units": 1,
        "model_arn": f"arn:aws:bedrock:{HOME}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"})
    b.resource("aws_sagemaker_endpoint_configuration.config", {
        "name": "par-config", "production_variants": [{"variant_name": "main", "model_name": "par-model"}],
        "data_capture_config": [{"enable_capture": True, "destination_s3_uri": "s3://par-records-replica/capture/"}]})
    b.resource("aws_sagemaker_endpoint.endpoint", {
        "name": "par-endpoint", "endpoint_config_name": Ref("aws_sagemaker_endpoint_configuration.config.name")})
    b.resource("aws_sagemaker_notebook_instance.nb", {"name": "par-nb", "instance_type": "ml.t3.medium",
                                                      "role_arn": ROLE})
    b.resource("aws_sagemaker_domain.domain", {"domain_name": "par-domain", "auth_mode": "IAM",
                                               "vpc_id": "vpc-1", "subnet_ids": ["subnet-1"]})
    aws_estate_more.plan(b, names)
    write(b.build(), path)
    return path


@pytest.fixture(scope="module")
def both(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Both]:
    """(live, planned): the estate scanned once and planned once."""
    import os
    import urllib.request

    from auditor.demo.moto_server import emulator_wiring

    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
           "AWS_DEFAULT_REGION": HOME, "AWS_ENDPOINT_URL": moto_endpoint, "AWS_CONFIG_FILE": os.devnull,
           "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true"}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        for key in ("AWS_PROFILE", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):
            mp.delenv(key, raising=False)
        with emulator_wiring():
            try:
                names = _seed()
                live = scan(in_scope=lambda _: True, regions=(HOME, AWAY), scope="all")
            finally:
                urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST"))
    planned = read_plan(_plan(tmp_path_factory.mktemp("parity") / "plan.json", names), include_unchanged=True)
    yield live, planned, names


def _live(both: Both, name: str) -> Resource:
    inventory, _, names = both
    found = [r for r in inventory.resources if r.name == name or r.id == names.get(name)]
    assert found, f"{name}: not in the live scan ({sorted(r.name for r in inventory.resources)})"
    return found[0]


def _planned(inventory: Inventory, address: str) -> Resource:
    found = [r for r in inventory.resources if r.id == address]
    assert found, f"{address}: not in the plan ({sorted(r.id for r in inventory.resources)})"
    return found[0]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.tf_type)
def test_live_and_planned_resources_agree(both: Both, row: Row) -> None:
    a, b = project(_live(both, row.live)), project(_planned(both[1], row.planned))
    disagree = {k: (a[k], b[k]) for k in a if a[k] != b[k] and k not in row.differs}
    assert not disagree, disagree
    assert {k: a[k] for k in row.expect} == row.expect


@pytest.mark.parametrize("construct", list(CONSTRUCTS))
@pytest.mark.parametrize("prefix", ["s3", "kms", "dynamodb", "backup"])
def test_every_iam_construct_reads_alike_on_both_sources(both: Both, construct: str, prefix: str) -> None:
    slug = construct.replace("-", "_")
    live, planned = {"s3": (f"par-pol-{construct}", f"aws_s3_bucket.pol_{slug}"),
                     "kms": (f"par-kpol-{construct}", f"aws_kms_key.kpol_{slug}"),
                     "dynamodb": (f"par-tpol-{construct}", f"aws_dynamodb_table.tpol_{slug}"),
                     "backup": (f"par-vpol-{construct}", f"aws_backup_vault.vpol_{slug}")}[prefix]
    a, b = project(_live(both, live))["grants"], project(_planned(both[1], planned))["grants"]
    assert a == b
    assert a or construct == "deny-everyone"  # the comparison is not vacuous


def test_every_live_native_type_is_declared(both: Both) -> None:
    declared = {spec.native for svc in aws_connector.SERVICES for spec in svc.types}
    assert {r.native_type for r in both[0].resources} <= declared
