"""More ARM JSON builders (see ``armjson``): Cosmos DB, Key Vault, backup, flexible servers,
Health Data Services, Front Door/CDN, role-based access, Lighthouse, data boundary, Graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from auditor.demo.armjson import Json, rg_id


# cosmos-db/resource-manager/Microsoft.DocumentDB/stable/2024-11-15/examples/CosmosDBDatabaseAccountGet.json
# (same item shape as CosmosDBDatabaseAccountList.json; locations are display names, as there)
def cosmos_account(sub: str, rg: str, name: str, where: str, regions: Sequence[str], *, backup: str = "Local",
                   tags: Mapping[str, str] | None = None, key_uri: str | None = None,
                   public_network: str = "Enabled") -> Json:
    def loc(display: str, priority: int) -> Json:
        slug = display.lower().replace(" ", "")
        return {"id": f"{name}-{slug}", "locationName": display, "failoverPriority": priority,
                "documentEndpoint": f"https://{name}-{slug}.documents.azure.com:443/", "provisioningState": "Succeeded"}

    locations = [loc(r, i) for i, r in enumerate(regions)]
    props: Json = {"provisioningState": "Succeeded", "documentEndpoint": f"https://{name}.documents.azure.com:443/",
                   "ipRules": [], "databaseAccountOfferType": "Standard", "publicNetworkAccess": public_network,
                   "consistencyPolicy": {"defaultConsistencyLevel": "Session", "maxIntervalInSeconds": 5,
                                         "maxStalenessPrefix": 100},
                   "writeLocations": locations[:1], "readLocations": locations, "locations": locations,
                   "failoverPolicies": [{"id": x["id"], "locationName": x["locationName"],
                                         "failoverPriority": x["failoverPriority"]} for x in locations],
                   "privateEndpointConnections": [], "enableMultipleWriteLocations": False,
                   "backupPolicy": {"type": "Periodic", "periodicModeProperties": {
                       "backupIntervalInMinutes": 240, "backupRetentionIntervalInHours": 720,
                       "backupStorageRedundancy": backup}},
                   "minimalTlsVersion": "Tls12"}
    if key_uri:
        props["keyVaultKeyUri"] = key_uri
    return {"id": f"{rg_id(sub, rg)}/providers/Microsoft.DocumentDB/databaseAccounts/{name}", "name": name,
            "location": where, "type": "Microsoft.DocumentDB/databaseAccounts", "kind": "GlobalDocumentDB",
            "tags": dict(tags or {}), "properties": props}


# keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/examples/getVault.json
# (an access-policy entry: {"tenantId", "objectId", "permissions": {"keys", "secrets", "certificates"}}, as there)
def key_vault(sub: str, rg: str, name: str, where: str, tenant: str, *, sku: str = "standard",
              purge_protection: bool = True, tags: Mapping[str, str] | None = None,
              access_policies: Sequence[tuple[str, str, Sequence[str]]] = ()) -> Json:
    policies = [{"tenantId": who_tenant, "objectId": obj,
                 "permissions": {"keys": list(keys), "secrets": ["get"], "certificates": ["get"]}}
                for who_tenant, obj, keys in access_policies]
    return {"id": f"{rg_id(sub, rg)}/providers/Microsoft.KeyVault/vaults/{name}", "name": name,
            "type": "Microsoft.KeyVault/vaults", "location": where, "tags": dict(tags or {}),
            "properties": {"sku": {"family": "A", "name": sku}, "tenantId": tenant, "accessPolicies": policies,
                           "enabledForDeployment": False, "enabledForDiskEncryption": False,
                           "enabledForTemplateDeployment": False, "enableSoftDelete": True,
                           "enablePurgeProtection": purge_protection, "enableRbacAuthorization": not policies,
                           "vaultUri": f"https://{name}.vault.azure.net", "provisioningState": "Succeeded",
                           "publicNetworkAccess": "Enabled"}}


# keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/examples/ManagedHsm_Get.json
def managed_hsm(sub: str, rg: str, name: str, where: str, tenant: str, *,
                tags: Mapping[str, str] | None = None) -> Json:
    return {"properties": {"tenantId": tenant, "initialAdminObjectIds": [], "enableSoftDelete": True,
                           "softDeleteRetentionInDays": 90, "enablePurgeProtection": True,
                           "hsmUri": f"https://{name}.managedhsm.azure.net", "provisioningState": "Succeeded",
                           "statusMessage": "ManagedHsm is functional."},
            "id": f"{rg_id(sub, rg)}/providers/Microsoft.KeyVault/managedHSMs/{name}", "name": name,
            "type": "Microsoft.KeyVault/managedHSMs", "location": where,
            "sku": {"family": "B", "name": "Standard_B1"}, "tags": dict(tags or {})}


# recoveryservices/resource-manager/Microsoft.RecoveryServices/stable/2024-04-01/examples/GETVault.json
def recovery_vault(sub: str, rg: str, name: str, where: str, redundancy: str, crr: bool, *,
                   tags: Mapping[str, str] | None = None) -> Json:
    return {"location": where, "name": name, "etag": "W/\"datetime'2024-12-15T12%3A36%3A51.68Z'\"",
            "tags": dict(tags or {}),
            "properties": {"publicNetworkAccess": "Enabled", "provisioningState": "Succeeded",
                           "redundancySettings": {"standardTierStorageRedundancy": redundancy,
                                                  "crossRegionRestore": "Enabled" if crr else "Disabled"},
                           "securitySettings": {"immutabilitySettings": {"state": "Disabled"}}},
            "id": f"{rg_id(sub, rg)}/providers/Microsoft.RecoveryServices/vaults/{name}",
            "type": "Microsoft.RecoveryServices/vaults", "sku": {"name": "Standard"}}


# dataprotection/resource-manager/Microsoft.DataProtection/stable/2024-04-01/examples/VaultCRUD/
# GetBackupVaultWithMSI.json
def backup_vault(sub: str, rg: str, name: str, where: str, redundancy: str, crr: bool, *,
                 tags: Mapping[str, str] | None = None) -> Json:
    return {"id": f"{rg_id(sub, rg)}/providers/Microsoft.DataProtection/backupVaults/{name}", "name": name,
            "type": "Microsoft.DataProtection/backupVaults", "location": where, "tags": dict(tags or {}),
            "properties": {"provisioningState": "Succeeded",
                           "storageSettings": [{"datastoreType": "VaultStore", "type": redundancy}],
                           "featureSettings": {"crossRegionRestoreSettings": {"state": "Enabled" if crr
                                                                                       else "Disabled"}},
                           "securitySettings": {"softDeleteSettings": {"state": "Enabled",
                                                                       "retentionDurationInDays": 14}}}}


# dataprotection/resource-manager/Microsoft.DataProtection/stable/2024-04-01/examples/BackupInstanceOperations/
# ListBackupInstances.json
def backup_instance(vault_id: str, name: str, source_id: str, datasource_type: str) -> Json:
    info = {"resourceID": source_id, "resourceUri": "", "datasourceType": datasource_type,
            "resourceName": source_id.rsplit("/", 1)[-1], "resourceType": datasource_type, "resourceLocation": "",
            "objectType": "Datasource"}
    return {"id": f"{vault_id}/backupInstances/{name}", "name": name,
            "type": "Microsoft.DataProtection/backupVaults/backupInstances",
            "properties": {"friendlyName": name, "dataSourceInfo": info,
                           "dataSourceSetInfo": {**info, "objectType": "DatasourceSet"},
                           "policyInfo": {"policyId": f"{vault_id}/backupPolicies/daily", "policyVersion": "3.2"},
                           "protectionStatus": {"status": "ProtectionConfigured"},
                           "provisioningState": "Succeeded", "objectType": "BackupInstance"}}


# postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2022-12-01/examples/ServerGet.json
# (MySQL: mysql/…/FlexibleServers/stable/2023-12-30/examples/ServerGet.json, same keys used here)
def flexible_server(provider: str, sub: str, rg: str, name: str, where: str, *, geo_backup: bool,
                    role: str = "Primary", tags: Mapping[str, str] | None = None) -> Json:
    return {"sku": {"name": "Standard_D4s_v3", "tier": "GeneralPurpose"},
            "properties": {"fullyQualifiedDomainName": f"{name}.{'postgres' if 'PostgreSQL' in provider else 'mysql'}"
                                                       ".database.azure.com", "version": "16",
                           "administratorLogin": "cloudsa", "state": "Ready", "availabilityZone": "1",
                           "storage": {"storageSizeGB": 512}, "replicationRole": role,
                           "backup": {"backupRetentionDays": 7,
                                      "geoRedundantBackup": "Enabled" if geo_backup else "Disabled"},
                           "network": {"publicNetworkAccess": "Disabled"},
                           "highAvailability": {"mode": "Disabled", "state": "NotEnabled"},
                           "dataEncryption": {"type": "SystemManaged"}},
            "location": where, "tags": dict(tags or {}),
            "id": f"{rg_id(sub, rg)}/providers/{provider}/flexibleServers/{name}", "name": name,
            "type": f"{provider}/flexibleServers"}


# healthcareapis/resource-manager/Microsoft.HealthcareApis/stable/2024-03-31/examples/workspaces/Workspaces_Get.json
def health_workspace(sub: str, rg: str, name: str, where: str, *, tags: Mapping[str, str] | None = None) -> Json:
    return {"name": name, "id": f"{rg_id(sub, rg)}/providers/Microsoft.HealthcareApis/workspaces/{name}",
            "type": "Microsoft.HealthcareApis/workspaces", "location": where, "tags": dict(tags or {}),
            "properties": {"provisioningState": "Succeeded", "publicNetworkAccess": "Enabled"}}


# healthcareapis/…/2024-03-31/examples/fhirservices/FhirServices_Get.json (location, tags and kind as in the
# FhirService schema, which the list example omits; ``smartIdentityProviders`` as in the 200 body of
# FhirServices_Create.json, same folder)
def fhir_service(workspace_id: str, name: str, where: str, tenant: str, *, export_to: str | None = None,
                 key_uri: str | None = None, public_network: str = "Enabled",
                 smart_providers: Sequence[tuple[str, str]] = ()) -> Json:
    auth: Json = {"authority": f"https://login.microsoftonline.com/{tenant}",
                  "audience": "https://azurehealthcareapis.com", "smartProxyEnabled": bool(smart_providers)}
    if smart_providers:
        auth["smartIdentityProviders"] = [
            {"authority": authority, "applications": [{"clientId": client, "audience": client,
                                                       "allowedDataActions": ["Read"]}]}
            for authority, client in smart_providers]
    props: Json = {"authenticationConfiguration": auth,
                   "corsConfiguration": {"origins": [], "headers": [], "methods": [], "allowCredentials": False},
                   "provisioningState": "Succeeded", "publicNetworkAccess": public_network}
    if export_to:
        props["exportConfiguration"] = {"storageAccountName": export_to}
    if key_uri:
        props["encryption"] = {"customerManagedKeyEncryption": {"keyEncryptionKeyUrl": key_uri}}
    return {"name": name, "id": f"{workspace_id}/fhirservices/{name}", "location": where, "kind": "fhir-R4",
            "type": "Microsoft.HealthcareApis/workspaces/fhirservices", "tags": {}, "properties": props,
            "identity": {"principalId": "2f1f372f-edcf-43f5-aedb-173da3cc5c1e", "tenantId": tenant,
                         "type": "SystemAssigned"}}


# healthcareapis/…/2024-03-31/examples/dicomservices/DicomServices_List.json (one item)
def dicom_service(workspace_id: str, name: str, where: str, tenant: str, storage_id: str) -> Json:
    return {"name": name, "id": f"{workspace_id}/dicomservices/{name}", "location": where,
            "type": "Microsoft.HealthcareApis/workspaces/dicomservices",
            "properties": {"authenticationConfiguration": {
                "authority": f"https://login.microsoftonline.com/{tenant}",
                "audiences": ["https://dicom.healthcareapis.azure.com"]},
                "provisioningState": "Succeeded", "serviceUrl": f"https://{name}.dicom.azurehealthcareapis.com",
                "eventState": "Disabled", "publicNetworkAccess": "Disabled",
                "storageConfiguration": {"storageResourceId": storage_id, "fileSystemName": "dicom"}}}


# healthcareapis/…/2024-03-31/examples/legacy/ServiceGet.json (Azure API for FHIR)
def api_for_fhir(sub: str, rg: str, name: str, where: str, authority_tenant: str) -> Json:
    return {"id": f"{rg_id(sub, rg)}/providers/Microsoft.HealthcareApis/services/{name}", "name": name,
            "location": where, "type": "Microsoft.HealthcareApis/services", "kind": "fhir-R4", "etag": "etagvalue",
            "tags": {}, "properties": {"provisioningState": "Succeeded", "accessPolicies": [],
                                       "cosmosDbConfiguration": {"offerThroughput": 1000},
                                       "authenticationConfiguration": {
                                           "authority": f"https://login.microsoftonline.com/{authority_tenant}",
                                           "audience": "https://azurehealthcareapis.com", "smartProxyEnabled": True},
                                       "privateEndpointConnections": [], "publicNetworkAccess": "Disabled"}}


# cdn/resource-manager/Microsoft.Cdn/stable/2024-02-01/examples/Profiles_List.json (one item)
def cdn_profile(sub: str, rg: str, name: str, *, sku: str = "Premium_AzureFrontDoor") -> Json:
    return {"name": name, "id": f"{rg_id(sub, rg)}/providers/Microsoft.Cdn/profiles/{name}",
            "type": "Microsoft.Cdn/profiles", "tags": {}, "location": "global", "sku": {"name": sku},
            "kind": "frontdoor" if "AzureFrontDoor" in sku else "cdn",
            "properties": {"originResponseTimeoutSeconds": 30, "provisioningState": "Succeeded",
                           "resourceState": "Active", "frontDoorId": "3b4682da-b3e2-47a1-96ca-08ab3cb7294e"}}


# cdn/…/2024-02-01/examples/Endpoints_ListByProfile.json (one item, classic CDN)
def cdn_endpoint(profile_id: str, name: str, where: str, origin_host: str) -> Json:
    rid = f"{profile_id}/endpoints/{name}"
    return {"name": name, "id": rid, "type": "Microsoft.Cdn/profiles/endpoints", "tags": {}, "location": where,
            "properties": {"hostName": f"{name}.azureedge.net", "originHostHeader": origin_host,
                           "provisioningState": "Succeeded", "resourceState": "Running", "isHttpAllowed": False,
                           "isHttpsAllowed": True, "queryStringCachingBehavior": "IgnoreQueryString",
                           "origins": [{"name": "origin", "id": f"{rid}/origins/origin",
                                        "properties": {"hostName": origin_host, "httpPort": 80, "httpsPort": 443,
                                                       "originHostHeader": origin_host, "priority": 1,
                                                       "weight": 1000, "enabled": True}}],
                           "contentTypesToCompress": [], "isCompressionEnabled": False,
                           "optimizationType": "GeneralWebDelivery", "geoFilters": []}}


# cdn/…/2024-02-01/examples/AFDOriginGroups_Create.json (200 body)
def afd_origin_group(profile_id: str, name: str) -> Json:
    return {"id": f"{profile_id}/originGroups/{name}", "type": "Microsoft.Cdn/profiles/origingroups", "name": name,
            "properties": {"loadBalancingSettings": {"sampleSize": 3, "successfulSamplesRequired": 3,
                                                     "additionalLatencyInMilliseconds": 1000},
                           "healthProbeSettings": {"probePath": "/", "probeRequestType": "HEAD",
                                                   "probeProtocol": "Https", "probeIntervalInSeconds": 100},
                           "provisioningState": "Succeeded", "deploymentStatus": "NotStarted"}}


# cdn/…/2024-02-01/examples/AFDOrigins_ListByOriginGroup.json (one item; azureOrigin as in the AFDOrigin schema)
def afd_origin(group_id: str, name: str, host: str, azure_origin: str | None = None) -> Json:
    return {"id": f"{group_id}/origins/{name}", "type": "Microsoft.Cdn/profiles/origingroups/origins", "name": name,
            "properties": {"hostName": host, "httpPort": 80, "httpsPort": 443, "originHostHeader": host,
                           "priority": 1, "weight": 1000, "enabledState": "Enabled", "provisioningState": "Succeeded",
                           "deploymentStatus": "NotStarted", "originGroupName": group_id.rsplit("/", 1)[-1],
                           "azureOrigin": {"id": azure_origin} if azure_origin else None,
                           "enforceCertificateNameCheck": True}}


# authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/examples/GetRoleDefinitionById.json
def role_definition(guid: str, name: str, actions: Iterable[str], data_actions: Iterable[str] = (),
                    not_actions: Iterable[str] = ()) -> Json:
    return {"properties": {"roleName": name, "type": "BuiltInRole", "description": name, "assignableScopes": ["/"],
                           "permissions": [{"actions": list(actions), "notActions": list(not_actions),
                                            "dataActions": list(data_actions), "notDataActions": []}]},
            "id": f"/providers/Microsoft.Authorization/roleDefinitions/{guid}",
            "type": "Microsoft.Authorization/roleDefinitions", "name": guid}


# authorization/…/2022-04-01/examples/RoleAssignments_ListForScope.json (one item)
def role_assignment(scope: str, guid: str, principal: str, principal_type: str, role: str) -> Json:
    return {"properties": {"roleDefinitionId": f"/providers/Microsoft.Authorization/roleDefinitions/{role}",
                           "principalId": principal, "principalType": principal_type, "scope": scope},
            "id": f"{scope.rstrip('/')}/providers/Microsoft.Authorization/roleAssignments/{guid}",
            "type": "Microsoft.Authorization/roleAssignments", "name": guid}


# managedservices/resource-manager/Microsoft.ManagedServices/stable/2022-10-01/examples/
# GetRegistrationAssignmentsWithManagedByTenantIdEqFilter.json (one item, definition expanded)
def registration_assignment(scope: str, guid: str, definition: str, *, managed_by: str, managed_by_name: str,
                            managee: str, name: str, authorizations: Sequence[tuple[str, str, str]]) -> Json:
    def_id = f"{scope}/providers/Microsoft.ManagedServices/registrationDefinitions/{definition}"
    return {"properties": {"registrationDefinitionId": def_id, "provisioningState": "Succeeded",
                           "registrationDefinition": {
                               "properties": {"description": name, "registrationDefinitionName": name,
                                              "authorizations": [{"principalId": p, "principalIdDisplayName": d,
                                                                  "roleDefinitionId": r}
                                                                 for p, d, r in authorizations],
                                              "provisioningState": "Succeeded", "manageeTenantId": managee,
                                              "managedByTenantId": managed_by, "managedByTenantName": managed_by_name},
                               "id": def_id, "type": "Microsoft.ManagedServices/registrationDefinitions",
                               "name": definition}},
            "id": f"{scope}/providers/Microsoft.ManagedServices/registrationAssignments/{guid}",
            "type": "Microsoft.ManagedServices/registrationAssignments", "name": guid}


# managementgroups/resource-manager/Microsoft.Management/stable/2021-04-01/examples/
# GetAllSubscriptionsFromManagementGroup.json (the descendants list uses the same item shape)
def management_group_subscription(group: str, sub: str, name: str, tenant: str) -> Json:
    return {"name": sub, "id": f"/providers/Microsoft.Management/managementGroups/{group}/subscriptions/{sub}",
            "type": "Microsoft.Management/managementGroups/subscriptions",
            "properties": {"displayName": name, "parent": {"id": f"/providers/Microsoft.Management/managementGroups/"
                                                                  f"{group}"},
                           "state": "Active", "tenant": tenant}}


# monitor/resource-manager/Microsoft.Insights/preview/2021-05-01-preview/examples/listDiagnosticSettings.json
def diagnostic_setting(resource_id: str, name: str, *, storage: str = "", workspace: str = "",
                       logs: bool = True) -> Json:
    return {"id": f"{resource_id}/providers/microsoft.insights/diagnosticSettings/{name}",
            "type": "Microsoft.Insights/diagnosticSettings", "name": name,
            "properties": {"storageAccountId": storage, "workspaceId": workspace,
                           "metrics": [{"category": "Transaction", "enabled": True,
                                        "retentionPolicy": {"enabled": False, "days": 0}}],
                           "logs": [{"categoryGroup": "allLogs", "enabled": logs,
                                     "retentionPolicy": {"enabled": False, "days": 0}}]}}


# operationalinsights/resource-manager/Microsoft.OperationalInsights/stable/2022-10-01/examples/
# WorkspacesSubscriptionList.json (one item)
def log_analytics_workspace(sub: str, rg: str, name: str, where: str) -> Json:
    return {"properties": {"customerId": "bc089d7b-485c-4aff-a71e-c00f362d8d2f", "provisioningState": "Succeeded",
                           "sku": {"name": "PerGB2018"}, "retentionInDays": 30,
                           "publicNetworkAccessForQuery": "Enabled", "publicNetworkAccessForIngestion": "Enabled"},
            "id": f"{rg_id(sub, rg)}/providers/Microsoft.OperationalInsights/workspaces/{name}", "name": name,
            "type": "Microsoft.OperationalInsights/workspaces", "location": where, "tags": {}}


# The data boundary resource as Microsoft Learn documents it (GET /providers/Microsoft.Resources/dataBoundaries/
# default, api-version 2024-08-01); the spec has no example file for it.
def data_boundary(tenant: str, value: str) -> Json:
    return {"id": f"/providers/Microsoft.Resources/dataBoundaries/{tenant}", "name": tenant,
            "type": "Microsoft.Resources/dataBoundaries",
            "properties": {"dataBoundary": value, "provisioningState": "Succeeded"}}


# Microsoft Graph v1.0 "user" resource type (GET /users/{id}?$select=id,userType,userPrincipalName)
def graph_user(oid: str, upn: str, user_type: str = "Member") -> Json:
    return {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,userType,userPrincipalName)/$entity",
            "id": oid, "userType": user_type, "userPrincipalName": upn}


# Microsoft Graph v1.0 "servicePrincipal" resource type (GET /servicePrincipals/{id}?$select=…)
def graph_service_principal(oid: str, app_id: str, owner_tenant: str, name: str) -> Json:
    return {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity",
            "id": oid, "appId": app_id, "appOwnerOrganizationId": owner_tenant, "displayName": name}
