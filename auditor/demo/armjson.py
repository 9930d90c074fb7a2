"""ARM JSON builders for the fake ARM, each shaped like an Azure REST API spec example.

Every builder names the example it follows (``Azure/azure-rest-api-specs``, path under
``specification/``). Only identifiers and values change; keys and nesting are the example's,
trimmed of fields nothing reads (endpoints lists, timestamps) where the example is long.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
FHIR_DATA_READER = "4c8d0bbc-75d3-4935-991f-5f3c56d81508"

Json = dict[str, Any]


def rg_id(sub: str, rg: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}"


# resources/resource-manager/Microsoft.Resources/stable/2022-12-01/examples/GetLocations.json
# (the example shows a bare array; the service and the SDK use {"value": [...]}, which the fake serves)
def location(sub: str, name: str, display: str, geography: str, physical: str, paired: str | None) -> Json:
    return {"id": f"/subscriptions/{sub}/locations/{name}", "name": name, "type": "Region", "displayName": display,
            "regionalDisplayName": f"({geography}) {display}",
            "metadata": {"regionType": "Physical", "regionCategory": "Recommended", "geographyGroup": geography,
                         "physicalLocation": physical,
                         "pairedRegion": [{"name": paired, "id": f"/subscriptions/{sub}/locations/{paired}"}]
                         if paired else []}}


# storage/resource-manager/Microsoft.Storage/stable/2023-05-01/examples/StorageAccountGetProperties.json
# (``networkAcls.resourceAccessRules`` as in the 200 body of StorageAccountUpdate.json, same folder)
def storage_account(sub: str, rg: str, name: str, where: str, sku: str, *, secondary: str | None = None,
                    tags: Mapping[str, str] | None = None, blob_public: bool | None = False,
                    public_network: str | None = "Enabled", cross_tenant: bool | None = False,
                    key_uri: str | None = None, default_action: str = "Allow", ip_rules: Sequence[str] = (),
                    private_endpoints: int = 0, resource_rules: Sequence[tuple[str, str]] = ()) -> Json:
    props: Json = {
        "creationTime": "2024-05-24T13:25:33.4863236Z", "primaryLocation": where, "provisioningState": "Succeeded",
        "primaryEndpoints": {"blob": f"https://{name}.blob.core.windows.net/",
                             "dfs": f"https://{name}.dfs.core.windows.net/"},
        "networkAcls": {"resourceAccessRules": [{"tenantId": tenant, "resourceId": rid}
                                                for tenant, rid in resource_rules],
                        "bypass": "AzureServices", "defaultAction": default_action,
                        "ipRules": [{"value": ip, "action": "Allow"} for ip in ip_rules], "virtualNetworkRules": []},
        "encryption": {"services": {"blob": {"keyType": "Account", "enabled": True}}, "keySource": "Microsoft.Storage"},
        "statusOfPrimary": "available", "supportsHttpsTrafficOnly": True, "minimumTlsVersion": "TLS1_2",
        "isSkuConversionBlocked": False, "accountMigrationInProgress": False,
    }
    if secondary:
        props.update(secondaryLocation=secondary, statusOfSecondary="available")
    if blob_public is not None:
        props["allowBlobPublicAccess"] = blob_public
    if public_network is not None:
        props["publicNetworkAccess"] = public_network
    if cross_tenant is not None:
        props["allowCrossTenantReplication"] = cross_tenant
    if key_uri:
        vault, _, key = key_uri.partition("/keys/")
        props["encryption"].update(keySource="Microsoft.Keyvault", keyvaultproperties={
            "keyvaulturi": vault, "keyname": key.split("/")[0], "keyversion": "",
            "currentVersionedKeyIdentifier": f"{key_uri.rstrip('/')}/0682afdd9c104f4285df20107e956cad"})
    if private_endpoints:
        props["privateEndpointConnections"] = [_private_endpoint(f"{rg_id(sub, rg)}/providers/Microsoft.Storage/"
                                                                 f"storageAccounts/{name}", i)
                                               for i in range(private_endpoints)]
    return {"id": f"{rg_id(sub, rg)}/providers/Microsoft.Storage/storageAccounts/{name}", "kind": "StorageV2",
            "location": where, "name": name, "properties": props, "sku": {"name": sku, "tier": "Standard"},
            "tags": dict(tags or {}), "type": "Microsoft.Storage/storageAccounts"}


def _private_endpoint(owner: str, i: int) -> Json:
    # the privateEndpointConnections entry of sql/…/2021-11-01/examples/ServerGet.json
    return {"id": f"{owner}/privateEndpointConnections/pe-{i}",
            "properties": {"provisioningState": "Ready",
                           "privateEndpoint": {"id": f"{owner.split('/providers/')[0]}/providers/"
                                                     f"Microsoft.Network/privateEndpoints/pe-{i}"},
                           "privateLinkServiceConnectionState": {"status": "Approved", "description": "Auto-approved",
                                                                 "actionsRequired": "None"}}}


# storage/resource-manager/Microsoft.Storage/stable/2023-05-01/examples/BlobContainersList.json
def blob_container(account_id: str, name: str, public_access: str = "None") -> Json:
    return {"id": f"{account_id}/blobServices/default/containers/{name}", "name": name,
            "type": "Microsoft.Storage/storageAccounts/blobServices/containers", "etag": "\"0x8D589847D51C7DE\"",
            "properties": {"publicAccess": public_access, "leaseStatus": "Unlocked", "leaseState": "Available",
                           "lastModifiedTime": "2024-03-14T08:20:47Z", "hasImmutabilityPolicy": False,
                           "hasLegalHold": False}}


# storage/resource-manager/Microsoft.Storage/stable/2023-05-01/examples/
# StorageAccountListObjectReplicationPolicies.json
def object_replication_policy(account_id: str, policy: str, source: str, destination: str) -> Json:
    return {"id": f"{account_id}/objectReplicationPolicies/{policy}", "name": policy,
            "type": "Microsoft.Storage/storageAccounts/objectReplicationPolicies",
            "properties": {"sourceAccount": source, "destinationAccount": destination}}


# sql/resource-manager/Microsoft.Sql/stable/2021-11-01/examples/ServerGet.json
def sql_server(sub: str, rg: str, name: str, where: str, *, tags: Mapping[str, str] | None = None,
               public_network: str = "Enabled", private_endpoints: int = 0) -> Json:
    rid = f"{rg_id(sub, rg)}/providers/Microsoft.Sql/servers/{name}"
    return {"tags": dict(tags or {}), "id": rid, "name": name, "type": "Microsoft.Sql/servers", "location": where,
            "kind": "v12.0",
            "properties": {"fullyQualifiedDomainName": f"{name}.database.windows.net", "administratorLogin": "dbadmin",
                           "version": "12.0", "state": "Ready", "publicNetworkAccess": public_network,
                           "privateEndpointConnections": [_private_endpoint(rid, i) for i in range(private_endpoints)]}}


# sql/resource-manager/Microsoft.Sql/stable/2021-11-01/examples/GetVCoreDatabase.json
def sql_database(server_id: str, name: str, where: str, redundancy: str, default_secondary: str | None, *,
                 tags: Mapping[str, str] | None = None) -> Json:
    props: Json = {"collation": "SQL_Latin1_General_CP1_CI_AS", "maxSizeBytes": 268435456000, "status": "Online",
                   "databaseId": "6c764297-577b-470f-9af4-96d3d41e2ba3", "creationDate": "2024-06-07T04:41:33.937Z",
                   "currentServiceObjectiveName": "GP_Gen5_2", "requestedServiceObjectiveName": "GP_Gen5_2",
                   "catalogCollation": "SQL_Latin1_General_CP1_CI_AS", "zoneRedundant": False, "readScale": "Disabled",
                   "currentSku": {"name": "GP_Gen5", "tier": "GeneralPurpose", "capacity": 2},
                   "currentBackupStorageRedundancy": redundancy, "requestedBackupStorageRedundancy": redundancy,
                   "isLedgerOn": False}
    if default_secondary:
        props["defaultSecondaryLocation"] = default_secondary
    return {"sku": {"name": "GP_Gen5", "tier": "GeneralPurpose", "capacity": 2}, "kind": "v12.0,user,vcore",
            "properties": props, "location": where, "tags": dict(tags or {}), "id": f"{server_id}/databases/{name}",
            "name": name, "type": "Microsoft.Sql/servers/databases"}


# sql/resource-manager/Microsoft.Sql/stable/2021-11-01/examples/FailoverGroupCreateOrUpdate.json (200 body)
def failover_group(server_id: str, name: str, where: str, partner_id: str, partner_where: str,
                   databases: Iterable[str]) -> Json:
    return {"id": f"{server_id}/failoverGroups/{name}", "name": name, "type": "Microsoft.Sql/servers/failoverGroups",
            "location": where,
            "properties": {"readWriteEndpoint": {"failoverPolicy": "Automatic",
                                                 "failoverWithDataLossGracePeriodMinutes": 480},
                           "readOnlyEndpoint": {"failoverPolicy": "Disabled"}, "replicationRole": "Primary",
                           "replicationState": "CATCH_UP",
                           "partnerServers": [{"id": partner_id, "location": partner_where,
                                               "replicationRole": "Secondary"}],
                           "databases": list(databases)}}


# sql/resource-manager/Microsoft.Sql/stable/2021-11-01/examples/ReplicationLinkListByDatabase.json
def replication_link(database_id: str, link: str, partner_server: str, partner_db: str, partner_where: str) -> Json:
    return {"properties": {"partnerServer": partner_server, "partnerDatabase": partner_db,
                           "partnerLocation": partner_where, "role": "Primary", "partnerRole": "Secondary",
                           "replicationMode": "ASYNC", "startTime": "2024-06-21T08:11:46.907Z", "percentComplete": 100,
                           "replicationState": "CATCH_UP", "isTerminationAllowed": True, "linkType": "GEO"},
            "id": f"{database_id}/replicationLinks/{link}", "name": link}


# sql/resource-manager/Microsoft.Sql/stable/2021-11-01/examples/EncryptionProtectorCreateOrUpdateServiceManaged.json
# (the AzureKeyVault variant adds "uri" and serverKeyType "AzureKeyVault", per the EncryptionProtector schema)
def encryption_protector(server_id: str, where: str, key_uri: str | None = None) -> Json:
    props: Json = {"serverKeyName": "ServiceManaged", "serverKeyType": "ServiceManaged"}
    if key_uri:
        props = {"serverKeyName": key_uri.split("//")[1].replace("/", "_"), "serverKeyType": "AzureKeyVault",
                 "uri": key_uri}
    return {"id": f"{server_id}/encryptionProtector/current", "name": "current",
            "type": "Microsoft.Sql/servers/encryptionProtector", "location": where,
            "kind": "azurekeyvault" if key_uri else "servicemanaged", "properties": props}
