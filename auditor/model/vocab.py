"""The shared vocabulary: every closed set of names the model, the policies and the options use.

Each set is a ``StrEnum``: its members compare equal to their text (``Kind.KEY == "key"``), the
JSON Schemas derived from the model list their values, ``auditor policies validate`` refuses a
policy that compares a field with a name outside its set, and reports translate them
(``via.<value>`` in ``reports/i18n``). Adding a name is one line here (plus its translations).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from auditor.errors import ConfigError

E = TypeVar("E", bound=StrEnum)


class Kind(StrEnum):
    """What a resource is, whatever the cloud calls it (``Resource.kind``)."""

    OBJECT_STORE = "object-store"
    FILE_STORE = "file-store"
    DATABASE = "database"
    NOSQL = "nosql"
    WAREHOUSE = "warehouse"
    SNAPSHOT = "snapshot"
    BACKUP_VAULT = "backup-vault"
    KEY = "key"
    CDN = "cdn"
    HEALTH_API = "health-api"
    AI_INFERENCE = "ai-inference"  # a model endpoint: where prompts are processed (Bedrock profile, Azure OpenAI)
    # No connector produces these yet; the shipped policies already name them (a search index, a data lake).
    DATA_LAKE = "data-lake"
    SEARCH = "search"


class Via(StrEnum):
    """The mechanism that puts a copy somewhere (``DataLocation.via``); its particulars go in ``via_detail``."""

    # AWS
    S3_REPLICATION = "s3-replication"
    S3_ACCESS_LOGGING = "s3-server-access-logging"
    EFS_REPLICATION = "efs-replication"
    EFS_REPLICATION_SOURCE = "efs-replication-source"
    EBS_COPY_SNAPSHOT = "ebs-copy-snapshot"
    RDS_READ_REPLICA = "rds-read-replica"
    RDS_READ_REPLICA_CLUSTER = "rds-read-replica-cluster"
    AURORA_GLOBAL_DATABASE = "aurora-global-database"
    RDS_SNAPSHOT_COPY = "rds-snapshot-copy"
    RDS_AUTOMATED_BACKUPS_REPLICATION = "rds-automated-backups-replication"
    DYNAMODB_GLOBAL_TABLE = "dynamodb-global-table"
    DYNAMODB_GLOBAL_TABLE_2017 = "dynamodb-global-table-2017"
    REDSHIFT_SNAPSHOT_COPY = "redshift-snapshot-copy"
    KMS_MULTI_REGION = "kms-multi-region"
    KMS_MULTI_REGION_REPLICA = "kms-multi-region-replica"
    AWS_BACKUP = "aws-backup"
    BACKUP_COPY = "backup-copy"
    BACKUP_COPY_ACTION = "backup-copy-action"
    BACKUP_COPY_JOB = "backup-copy-job"
    CLOUDFRONT = "cloudfront"
    BEDROCK_INFERENCE_PROFILE = "bedrock-inference-profile"  # processing: a Region the profile routes to
    BEDROCK_INVOCATION_LOGGING = "bedrock-invocation-logging"  # prompts and answers delivered to S3 / CloudWatch
    BEDROCK_AGENT_MODEL = "bedrock-agent-model"  # processing: the model (or profile) an agent invokes
    BEDROCK_KB_EMBEDDING = "bedrock-kb-embedding"  # processing: a knowledge base's embedding model
    BEDROCK_KB_VECTOR_STORE = "bedrock-kb-vector-store"  # a knowledge base's chunks and vectors (copies)
    BEDROCK_GUARDRAIL = "bedrock-guardrail"  # processing: a guardrail (and its cross-Region profile)
    BEDROCK_PROVISIONED_MODEL = "bedrock-provisioned-model"  # processing: provisioned throughput of a model
    BEDROCK_OBSERVED_USE = "bedrock-observed-use"  # processing: a model ID seen in the AWS/Bedrock metrics
    SAGEMAKER_ENDPOINT = "sagemaker-endpoint"  # processing: a real-time inference endpoint
    SAGEMAKER_DATA_CAPTURE = "sagemaker-data-capture"  # requests and responses captured to S3 (copies)
    SAGEMAKER_TRAINING = "sagemaker-training"  # processing: a training job on its input data
    SAGEMAKER_NOTEBOOK = "sagemaker-notebook"  # processing: a notebook instance / Studio domain
    # Azure
    STORAGE_GEO_REPLICATION = "storage-geo-replication"  # GRS, RA-GRS, GZRS, RA-GZRS
    OBJECT_REPLICATION = "object-replication"
    SQL_FAILOVER_GROUP = "sql-failover-group"
    SQL_GEO_REPLICATION = "sql-geo-replication"
    SQL_BACKUP_REDUNDANCY = "sql-backup-redundancy"
    COSMOS_WRITE_REGION = "cosmos-write-region"
    COSMOS_READ_REGION = "cosmos-read-region"
    COSMOS_PERIODIC_BACKUP = "cosmos-periodic-backup"
    COSMOS_CONTINUOUS_BACKUP = "cosmos-continuous-backup"
    GEO_REDUNDANT_BACKUP = "geo-redundant-backup"
    LOCALLY_REDUNDANT_BACKUP = "locally-redundant-backup"
    READ_REPLICA = "read-replica"
    BACKUP_VAULT_GEO_REDUNDANCY = "backup-vault-geo-redundancy"
    AZURE_BACKUP = "azure-backup"
    KEY_VAULT_PAIRED_REGION = "key-vault-paired-region"
    MANAGED_HSM_REGION = "managed-hsm-region"
    DIAGNOSTIC_SETTINGS = "diagnostic-settings"
    FHIR_EXPORT = "fhir-export"
    DICOM_STORAGE = "dicom-storage"
    CDN = "cdn"
    FRONT_DOOR = "front-door"
    AZURE_OPENAI_DEPLOYMENT = "azure-openai-deployment"  # processing: detail = deployment type and name
    AZURE_ML_WORKSPACE = "azure-ml-workspace"  # processing: an Azure ML / AI Foundry workspace's compute region
    AZURE_AI_SEARCH = "azure-ai-search"  # processing: a search service's indexers and queries (index: a copy)
    # Google Cloud
    GCS_DUAL_REGION = "gcs-dual-region"  # every object in each region of a dual-region bucket
    CLOUD_SQL_BACKUP = "cloud-sql-backup"  # where Cloud SQL keeps backups (backupConfiguration.location)
    SPANNER_REPLICA = "spanner-replica"  # a replica of a Spanner instance configuration (detail: its type)
    VERTEX_AI_ENDPOINT = "vertex-ai-endpoint"  # processing: a Vertex AI endpoint's region (detail: deployed models)
    BIGQUERY_TABLE_SNAPSHOT = "bigquery-table-snapshot"  # a table snapshot of one of the dataset's tables
    BIGQUERY_TABLE_CLONE = "bigquery-table-clone"  # a table clone of one of the dataset's tables
    # Anything else: a planned attribute Terraform only knows after apply, a file written by an older version.
    UNKNOWN = "unknown"
    OTHER = "other"


class GrantSource(StrEnum):
    """What gives a principal its access (``AccessGrant.source``)."""

    BUCKET_POLICY = "bucket-policy"
    ACL = "acl"
    KEY_POLICY = "key-policy"
    VAULT_POLICY = "vault-policy"
    FILE_SYSTEM_POLICY = "file-system-policy"
    RESOURCE_POLICY = "resource-policy"
    IAM = "iam"  # an identity policy of the principal
    SNAPSHOT_SHARE = "snapshot-share"
    OBJECT_REPLICATION = "object-replication"
    ROLE_ASSIGNMENT = "role-assignment"
    ROLE_ASSIGNMENT_CONTROL_PLANE = "role-assignment-control-plane"
    LIGHTHOUSE = "lighthouse"
    BLOB_PUBLIC_ACCESS = "blob-public-access"
    CONTAINER_ACL = "container-acl"
    FHIR_ACCESS_POLICY = "fhir-access-policy"
    RESOURCE_ACCESS_RULE = "resource-access-rule"  # a resource of another tenant let through a storage firewall
    KEY_VAULT_ACCESS_POLICY = "key-vault-access-policy"
    SMART_IDENTITY_PROVIDER = "smart-identity-provider"
    TOKEN_AUTHORITY = "token-authority"  # noqa: S105 - a grant source, not a secret
    UNKNOWN = "unknown"


class GapReason(StrEnum):
    """Why something could not be read (``CoverageGap.reason``). Every reason is a gap: none is compliant."""

    ACCESS_DENIED = "access-denied"
    UNASSUMABLE_ROLE = "unassumable-role"
    REGION_DISABLED = "region-disabled"
    THROTTLED = "throttled"
    API_UNAVAILABLE = "api-unavailable"
    UNREACHABLE = "endpoint-unreachable"
    CREDENTIAL_UNAVAILABLE = "credential-unavailable"  # no token at all: the scan cannot start
    UNTRUSTED_LINK = "untrusted-link"  # a nextLink or redirect named another origin: the listing is incomplete
    NOT_FOUND = "not-found"
    NOT_READ = "not-read"
    MISSING_SHARD = "missing-shard"
    DEFERRED = "deferred"  # Terraform deferred the change
    UNKNOWN_AT_PLAN = "unknown-at-plan"  # the value is only known at apply time
    UNREADABLE = "unreadable"
    UNREADABLE_PLAN_ENTRY = "unreadable-plan-entry"
    NOT_IN_PLAN = "not-in-plan"  # what a plan can never show (logging set outside Terraform): not assessable
    PROVIDER_UNREACHABLE = "provider-unreachable"  # a whole provider could not be read (credential, network)
    ERROR = "error"


class Lang(StrEnum):
    """Languages of every user-facing text (``--lang``, ``lang:``)."""

    EN = "en"
    FR = "fr"


class OutputFormat(StrEnum):
    """What ``--format`` / ``formats:`` accept (each one is a renderer in ``auditor.render``)."""

    HTML = "html"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    CSV = "csv"
    MD = "md"
    REGISTERS = "registers"
    ART30 = "art30"
    TRANSFER_MAP = "transfer-map"
    PDF = "pdf"
    CODEQUALITY = "codequality"


class DiffFormat(StrEnum):
    """What ``auditor diff --format`` accepts."""

    TEXT = "text"
    MD = "md"
    JSON = "json"


def choices(enum: type[StrEnum]) -> str:
    """``"en, fr"``: the values of a set, for an error message."""
    return ", ".join(m.value for m in enum)


def parse(enum: type[E], value: str, option: str) -> E:
    """``value`` as a member of ``enum``, or a ConfigError naming the option and the accepted values."""
    try:
        return enum(value.strip().lower())
    except ValueError:
        raise ConfigError("cli.one-of", what=option, value=value, known=choices(enum)) from None


def parse_formats(value: str | Iterable[str], option: str = "--format") -> tuple[OutputFormat, ...]:
    """The one check of output formats: ``"html,md"`` (or a list of such) -> ``(HTML, MD)``, in order, once each."""
    items = [value] if isinstance(value, str) else list(value)
    names = [parse(OutputFormat, name, option) for item in items for name in item.split(",") if name.strip()]
    if not names:
        raise ConfigError("cli.no-format", hint="hint.choose-among", choices=choices(OutputFormat))
    return tuple(dict.fromkeys(names))
