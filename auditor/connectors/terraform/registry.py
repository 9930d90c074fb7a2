"""Terraform resource type -> extractor.

The providers' service modules declare the Terraform types they map (``SERVICE.plan``, see
:mod:`auditor.connectors.spec`); the table below holds the extractors not yet moved next to their
live reads (AWS: none left).
"""

from __future__ import annotations

from auditor.connectors import aws, gcp
from auditor.connectors.aws.service import Service as AwsService
from auditor.connectors.gcp.service import Service as GcpService
from auditor.connectors.terraform import ai, azure
from auditor.connectors.terraform.facts import Extractor

_TABLE: dict[str, Extractor] = {
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

# The providers whose service modules declare their plan mappings.
SERVICES: tuple[AwsService | GcpService, ...] = (*aws.SERVICES, *gcp.SERVICES)


def _merged() -> dict[str, Extractor]:
    out = dict(_TABLE)
    for svc in SERVICES:
        for tf_type, extractor in svc.plan.items():
            if tf_type in out:
                raise RuntimeError(f"{tf_type} is mapped twice ({svc.name} and another declaration)")
            out[tf_type] = extractor
    return out


EXTRACTORS: dict[str, Extractor] = _merged()

PROVIDERS: dict[str, str] = {"aws": "aws", "azurerm": "azure", "google": "gcp", "google-beta": "gcp"}
