"""Terraform resource type -> extractor.

The providers' service modules declare the Terraform types they map (``SERVICE.plan``, see
:mod:`auditor.connectors.spec`); the table below holds the extractors not yet moved next to their
live reads.
"""

from __future__ import annotations

from auditor.connectors import aws
from auditor.connectors.terraform import ai, aws_data, aws_s3, azure
from auditor.connectors.terraform.facts import Extractor

_TABLE: dict[str, Extractor] = {
    # AWS: stores
    "aws_s3_bucket": aws_s3.bucket,
    "aws_kms_key": aws_data.kms_key,
    "aws_db_instance": aws_data.db_instance,
    "aws_rds_cluster": aws_data.rds_cluster,
    "aws_dynamodb_table": aws_data.dynamodb_table,
    "aws_backup_vault": aws_data.backup_vault,
    "aws_cloudfront_distribution": aws_data.cloudfront_distribution,
    # AWS: what shapes or copies a store
    "aws_s3_bucket_replication_configuration": aws_s3.replication,
    "aws_s3_bucket_policy": aws_s3.policy,
    "aws_s3_bucket_logging": aws_s3.logging,
    "aws_s3_bucket_acl": aws_s3.acl,
    "aws_s3_bucket_public_access_block": aws_s3.public_access_block,
    "aws_s3_bucket_server_side_encryption_configuration": aws_s3.encryption,
    "aws_kms_replica_key": aws_data.kms_replica_key,
    "aws_db_instance_automated_backups_replication": aws_data.db_backups_replication,
    "aws_dynamodb_table_replica": aws_data.dynamodb_table_replica,
    "aws_backup_plan": aws_data.backup_plan,
    "aws_backup_selection": aws_data.backup_selection,
    # AWS: where data is processed
    "aws_bedrock_inference_profile": ai.bedrock_inference_profile,
    # Azure: stores
    "azurerm_storage_account": azure.storage_account,
    "azurerm_cosmosdb_account": azure.cosmosdb_account,
    "azurerm_mssql_server": azure.mssql_server,
    "azurerm_mssql_database": azure.mssql_database,
    "azurerm_postgresql_flexible_server": azure.postgresql_flexible_server,
    # Azure: the types of azurerm 1.x-3.x that those replace (same arguments for what is read)
    "azurerm_sql_server": azure.mssql_server,
    "azurerm_sql_database": azure.sql_database,
    "azurerm_postgresql_server": azure.postgresql_flexible_server,
    "azurerm_recovery_services_vault": azure.recovery_services_vault,
    "azurerm_data_protection_backup_vault": azure.data_protection_backup_vault,
    "azurerm_key_vault": azure.key_vault,
    "azurerm_healthcare_service": azure.healthcare,
    "azurerm_healthcare_fhir_service": azure.healthcare,
    "azurerm_healthcare_dicom_service": azure.healthcare,
    # Azure: what shapes or copies a store
    "azurerm_storage_container": azure.storage_container,
    "azurerm_storage_account_customer_managed_key": azure.storage_account_cmk,
    "azurerm_storage_account_network_rules": azure.storage_network_rules,
    "azurerm_storage_object_replication": azure.storage_object_replication,
    "azurerm_mssql_failover_group": azure.mssql_failover_group,
    "azurerm_monitor_diagnostic_setting": azure.diagnostic_setting,
    # Azure: where data is processed
    "azurerm_cognitive_account": ai.cognitive_account,
    "azurerm_cognitive_deployment": ai.cognitive_deployment,
}

EXTRACTORS: dict[str, Extractor] = {**_TABLE, **{t: f for s in aws.SERVICES for t, f in s.plan.items()}}

PROVIDERS: dict[str, str] = {"aws": "aws", "azurerm": "azure"}
