"""The AWS part of the demo estate, "Hôpitaux de la Loire", seeded into a running emulator.

``seed(endpoint_url)`` creates, over HTTP with fake credentials, an Organization (the group's
management account and a research member account) and a dozen buckets in five regions, each
illustrating one residency or access situation a DPO must see:

=================================  ===================================================================
loire-dpi-patients (eu-west-3)     patient records, CMK in Paris, replicated to Virginia (us-east-1)
loire-dpi-dr-virginia (us-east-1)  that replica
loire-pacs-imagerie (eu-west-3)    imaging archive made public-read by an ACL, by mistake
loire-labo-resultats (eu-west-3)   lab results, multi-Region key with a replica in us-east-1, replicated
                                   to Ireland (EU: fine)
loire-labo-dr (eu-west-1)          that replica
loire-comptes-rendus (eu-west-3)   the compliant one: CMK in Paris, Block Public Access, access logs
loire-eds-omop (eu-central-1)      health data warehouse, key with imported (external) material whose
                                   policy lets a foreign account decrypt
loire-urgences-rpu-londres         emergency records in London (eu-west-2: adequacy, not EEA)
loire-facturation-pmsi (eu-west-3) billing/medical coding: a public policy that Block Public Access
                                   neutralises (recorded, not effective)
loire-site-web (us-east-1)         public website (public policy, not health data)
loire-marketing (eu-west-1)        marketing material, not health data
loire-exports-tmp (eu-west-3)      untagged (unclassified)
loire-logs-acces (eu-west-3)       access-log bucket
member account "loire-recherche":
loire-recherche-cohorte-patients   research cohort shared with a foreign university's account, and with
                                   the whole organisation through an aws:PrincipalOrgID condition
loire-recherche-genomique          genomics in a region no catalog knows (xx-mystery-1)
=================================  ===================================================================

and, beyond S3, in the main account:

=================================  ===================================================================
loire-dpi-postgres (RDS, Paris)    the patient-record database, with a read replica in Virginia
loire-rdv-patients (DynamoDB)      appointments (Paris), a global table with a replica in Ireland
loire-sauvegardes (AWS Backup)     the Paris vault; plan loire-pmsi-quotidien backs the PMSI bucket up
                                   there and copies every backup to loire-sauvegardes-dr (Oregon)
loire-pacs-disque (EBS snapshot)   a snapshot of the imaging server's disk, restorable by everyone
pacs CDN (CloudFront)              a distribution in front of loire-pacs-imagerie: edge caches worldwide
loire-fhir (HealthLake, Ireland)   the FHIR data store of the patient portal
=================================  ===================================================================

HealthLake, DynamoDB replicas and AWS Backup selections are answered by the emulator's gap filler
(:mod:`auditor.demo.aws_fakes`): moto itself lacks them.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

FOREIGN_ACCOUNT = "999988887777"  # a partner university outside the group
HEALTH = {"data-classification": "health"}
PHI = {"DataClassification": "PHI"}
_CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "aws_session_token": "testing"}


def seed(endpoint_url: str) -> None:
    """Create the estate in the emulator at ``endpoint_url`` (empty state expected)."""
    main = _Account(endpoint_url, _CREDS)
    account_id = main.client("sts").get_caller_identity()["Account"]
    org = main.client("organizations")
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    member = org.create_account(Email="recherche@loire.example", AccountName="loire-recherche")
    member_id = member["CreateAccountStatus"]["AccountId"]
    creds = main.client("sts").assume_role(RoleArn=f"arn:aws:iam::{member_id}:role/OrganizationAccountAccessRole",
                                           RoleSessionName="seed")["Credentials"]
    research = _Account(endpoint_url, {"aws_access_key_id": creds["AccessKeyId"],
                                       "aws_secret_access_key": creds["SecretAccessKey"],
                                       "aws_session_token": creds["SessionToken"]})
    _main_account(main, account_id)
    _beyond_s3(main, account_id)
    _research_account(research, org_id)


class _Account:
    def __init__(self, endpoint_url: str, creds: dict[str, str]) -> None:
        self.endpoint_url = endpoint_url
        self.creds = creds

    def client(self, service: str, region: str = "us-east-1") -> Any:
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint_url, **self.creds)

    def bucket(self, name: str, region: str, tags: dict[str, str] | None = None) -> Any:
        s3 = self.client("s3", region)
        extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=name, **extra)
        if tags:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
        return s3

    def kms_key(self, region: str, description: str, **options: Any) -> str:
        key: str = self.client("kms", region).create_key(Description=description, **options)["KeyMetadata"]["Arn"]
        return key


def _sse_kms(s3: Any, name: str, key_arn: str) -> None:
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}}]})


def _sse_s3(s3: Any, name: str) -> None:
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})


def _replicate(s3: Any, account_id: str, source: str, destination: str) -> None:
    s3.put_bucket_versioning(Bucket=source, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": f"arn:aws:iam::{account_id}:role/loire-replication",
        "Rules": [{"ID": f"to-{destination}", "Status": "Enabled", "Priority": 1, "Filter": {},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}]})


def _log_to(s3: Any, source: str, target: str) -> None:
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": target, "TargetPrefix": f"{source}/"}})


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _main_account(a: _Account, account_id: str) -> None:
    logs = a.bucket("loire-logs-acces", "eu-west-3", {"data-classification": "internal"})
    logs.put_bucket_policy(Bucket="loire-logs-acces", Policy=_policy(
        {"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": "arn:aws:s3:::loire-logs-acces/*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}))

    dpi_key = a.kms_key("eu-west-3", "DPI patients (Paris)")
    dpi = a.bucket("loire-dpi-patients", "eu-west-3", HEALTH)
    a.bucket("loire-dpi-dr-virginia", "us-east-1", HEALTH)
    _sse_kms(dpi, "loire-dpi-patients", dpi_key)
    _replicate(dpi, account_id, "loire-dpi-patients", "loire-dpi-dr-virginia")
    _log_to(dpi, "loire-dpi-patients", "loire-logs-acces")

    pacs = a.bucket("loire-pacs-imagerie", "eu-west-3", {"classification": "données-de-santé"})
    pacs.put_bucket_acl(Bucket="loire-pacs-imagerie", ACL="public-read")

    kms_paris = a.client("kms", "eu-west-3")
    labo_key = kms_paris.create_key(Description="Laboratoire (multi-Region)", MultiRegion=True)["KeyMetadata"]
    kms_paris.replicate_key(KeyId=labo_key["KeyId"], ReplicaRegion="us-east-1")
    labo = a.bucket("loire-labo-resultats", "eu-west-3", PHI)
    labo_dr = a.bucket("loire-labo-dr", "eu-west-1", PHI)
    _sse_kms(labo, "loire-labo-resultats", labo_key["Arn"])
    _sse_s3(labo_dr, "loire-labo-dr")
    _replicate(labo, account_id, "loire-labo-resultats", "loire-labo-dr")

    cr_key = a.kms_key("eu-west-3", "Comptes rendus (Paris)")
    cr = a.bucket("loire-comptes-rendus", "eu-west-3", HEALTH)
    _sse_kms(cr, "loire-comptes-rendus", cr_key)
    cr.put_public_access_block(Bucket="loire-comptes-rendus", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    _log_to(cr, "loire-comptes-rendus", "loire-logs-acces")

    eds_key = a.kms_key("eu-central-1", "Entrepôt de données de santé (BYOK)", Origin="EXTERNAL",
                        Policy=_policy(
                            {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                             "Action": "kms:*", "Resource": "*"},
                            {"Sid": "Partner", "Effect": "Allow",
                             "Principal": {"AWS": f"arn:aws:iam::{FOREIGN_ACCOUNT}:root"},
                             "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}))
    eds = a.bucket("loire-eds-omop", "eu-central-1", HEALTH)
    _sse_kms(eds, "loire-eds-omop", eds_key)

    a.bucket("loire-urgences-rpu-londres", "eu-west-2", HEALTH)
    pmsi = a.bucket("loire-facturation-pmsi", "eu-west-3", HEALTH)
    _sse_s3(pmsi, "loire-facturation-pmsi")
    pmsi.put_bucket_policy(Bucket="loire-facturation-pmsi", Policy=_policy(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::loire-facturation-pmsi/*"}))
    pmsi.put_public_access_block(Bucket="loire-facturation-pmsi", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": True})

    web = a.bucket("loire-site-web", "us-east-1", {"data-classification": "public"})
    web.put_bucket_policy(Bucket="loire-site-web", Policy=_policy(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::loire-site-web/*"}))
    a.bucket("loire-marketing", "eu-west-1", {"data-classification": "public", "team": "communication"})
    a.bucket("loire-exports-tmp", "eu-west-3")
    _sse_s3(logs, "loire-logs-acces")


def _research_account(a: _Account, org_id: str) -> None:
    cohort = a.bucket("loire-recherche-cohorte-patients", "eu-west-3", {"projet": "cohorte-diabete"})
    cohort.put_bucket_policy(Bucket="loire-recherche-cohorte-patients", Policy=_policy(
        {"Sid": "PartnerUniversity", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{FOREIGN_ACCOUNT}:root"}, "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": ["arn:aws:s3:::loire-recherche-cohorte-patients",
                      "arn:aws:s3:::loire-recherche-cohorte-patients/*"]},
        {"Sid": "WholeGroup", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::loire-recherche-cohorte-patients/*",
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}}}))
    a.bucket("loire-recherche-genomique", "xx-mystery-1", HEALTH)


def _beyond_s3(a: _Account, account_id: str) -> None:
    paris_rds = a.client("rds", "eu-west-3")
    db = paris_rds.create_db_instance(
        DBInstanceIdentifier="loire-dpi-postgres", Engine="postgres", DBInstanceClass="db.t3.medium",
        AllocatedStorage=20, MasterUsername="dpi", MasterUserPassword="demo-only-password", BackupRetentionPeriod=7,
        StorageEncrypted=True, KmsKeyId=a.kms_key("eu-west-3", "DPI PostgreSQL (Paris)"),
        Tags=[{"Key": k, "Value": v} for k, v in HEALTH.items()])["DBInstance"]
    a.client("rds", "us-east-1").create_db_instance_read_replica(
        DBInstanceIdentifier="loire-dpi-postgres-lecture", SourceDBInstanceIdentifier=db["DBInstanceArn"],
        SourceRegion="eu-west-3")

    dynamo = a.client("dynamodb", "eu-west-3")
    dynamo.create_table(TableName="loire-rdv-patients", BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "rdv", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "rdv", "AttributeType": "S"}],
                        Tags=[{"Key": k, "Value": v} for k, v in HEALTH.items()])
    dynamo.update_table(TableName="loire-rdv-patients", ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])

    backup = a.client("backup", "eu-west-3")
    backup.create_backup_vault(BackupVaultName="loire-sauvegardes")
    dr = a.client("backup", "us-west-2").create_backup_vault(BackupVaultName="loire-sauvegardes-dr")
    plan = backup.create_backup_plan(BackupPlan={"BackupPlanName": "loire-pmsi-quotidien", "Rules": [{
        "RuleName": "quotidien", "TargetBackupVaultName": "loire-sauvegardes",
        "ScheduleExpression": "cron(0 3 * * ? *)",
        "CopyActions": [{"DestinationBackupVaultArn": dr["BackupVaultArn"]}]}]})
    backup.create_backup_selection(BackupPlanId=plan["BackupPlanId"], BackupSelection={
        "SelectionName": "pmsi", "IamRoleArn": f"arn:aws:iam::{account_id}:role/loire-backup",
        "Resources": ["arn:aws:s3:::loire-facturation-pmsi"]})

    ec2 = a.client("ec2", "eu-west-3")
    volume = ec2.create_volume(AvailabilityZone="eu-west-3a", Size=8)
    snapshot = ec2.create_snapshot(VolumeId=volume["VolumeId"], Description="PACS server disk", TagSpecifications=[
        {"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": "loire-pacs-disque"},
                                              *({"Key": k, "Value": v} for k, v in HEALTH.items())]}])
    ec2.modify_snapshot_attribute(SnapshotId=snapshot["SnapshotId"], Attribute="createVolumePermission",
                                  OperationType="add", GroupNames=["all"])

    a.client("cloudfront").create_distribution(DistributionConfig={
        "CallerReference": "loire-pacs", "Comment": "PACS viewer", "Enabled": True, "PriceClass": "PriceClass_100",
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "pacs", "DomainName": "loire-pacs-imagerie.s3.eu-west-3.amazonaws.com",
            "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "pacs", "ViewerProtocolPolicy": "https-only", "MinTTL": 0,
                                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}}})

    a.client("healthlake", "eu-west-1").create_fhir_datastore(
        DatastoreName="loire-fhir", DatastoreTypeVersion="R4",
        Tags=[{"Key": "projet", "Value": "portail-patient"}])

    # the emergency triage assistant: Claude through a `us.` inference profile, called from Paris; prompts
    # and answers are logged to a Paris bucket and a CloudWatch Logs group
    bedrock = a.client("bedrock", "eu-west-3")
    a.bucket("loire-ia-journaux", "eu-west-3", HEALTH)
    bedrock.put_model_invocation_logging_configuration(loggingConfig={
        "s3Config": {"bucketName": "loire-ia-journaux", "keyPrefix": "bedrock/"},
        "cloudWatchConfig": {"logGroupName": "/loire/bedrock/invocations",
                             "roleArn": f"arn:aws:iam::{account_id}:role/loire-bedrock-logs"},
        "textDataDeliveryEnabled": True})
    bedrock.create_inference_profile(
        inferenceProfileName="loire-triage-urgences",
        modelSource={"copyFrom": "arn:aws:bedrock:eu-west-3::inference-profile/"
                                 "us.anthropic.claude-3-haiku-20240307-v1:0"},
        tags=[{"key": k, "value": v} for k, v in HEALTH.items()])

    # a knowledge base over the discharge letters (no tag of its own: health by lineage, it ingests a
    # health bucket), and a readmission model trained in Virginia on the OMOP warehouse (RES-007)
    agents = a.client("bedrock-agent", "eu-west-3")
    role = f"arn:aws:iam::{account_id}:role/loire-ia"
    kb = agents.create_knowledge_base(
        name="loire-kb-courriers", roleArn=role,
        knowledgeBaseConfiguration={"type": "VECTOR", "vectorKnowledgeBaseConfiguration": {
            "embeddingModelArn": "arn:aws:bedrock:eu-west-3::foundation-model/amazon.titan-embed-text-v2:0"}},
        storageConfiguration={"type": "OPENSEARCH_SERVERLESS", "opensearchServerlessConfiguration": {
            "collectionArn": f"arn:aws:aoss:eu-west-3:{account_id}:collection/loire-kb",
            "vectorIndexName": "courriers", "fieldMapping": {"vectorField": "v", "textField": "t",
                                                             "metadataField": "m"}}})["knowledgeBase"]
    agents.create_data_source(knowledgeBaseId=kb["knowledgeBaseId"], name="comptes-rendus", dataSourceConfiguration={
        "type": "S3", "s3Configuration": {"bucketArn": "arn:aws:s3:::loire-comptes-rendus"}})
    image = f"{account_id}.dkr.ecr.us-east-1.amazonaws.com/readmission:latest"
    a.client("sagemaker", "us-east-1").create_training_job(
        TrainingJobName="loire-readmission-30j", RoleArn=role,
        AlgorithmSpecification={"TrainingImage": image, "TrainingInputMode": "File"},
        InputDataConfig=[{"ChannelName": "train", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": "s3://loire-eds-omop/sejours/"}}}],
        OutputDataConfig={"S3OutputPath": "s3://loire-exports-tmp/modeles/"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})
