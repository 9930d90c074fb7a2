"""ARM JSON builders for AI services, each shaped like an Azure REST API spec example (see ``armjson``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.demo.armjson import rg_id

Json = dict[str, Any]


# cognitiveservices/resource-manager/Microsoft.CognitiveServices/stable/2024-10-01/examples/GetAccount.json
# (kind and sku changed to an Azure OpenAI account's; etag dropped)
def cognitive_account(sub: str, rg: str, name: str, where: str, *, kind: str = "OpenAI",
                      tags: Mapping[str, str] | None = None) -> Json:
    return {"id": f"{rg_id(sub, rg)}/providers/Microsoft.CognitiveServices/accounts/{name}", "name": name,
            "type": "Microsoft.CognitiveServices/accounts", "location": where, "sku": {"name": "S0"}, "kind": kind,
            "tags": dict(tags or {}),
            "properties": {"endpoint": f"https://{name}.openai.azure.com/", "provisioningState": "Succeeded"}}


# cognitiveservices/resource-manager/Microsoft.CognitiveServices/stable/2024-10-01/examples/ListDeployments.json
# (one item of "value"; sku.name is the deployment type)
def cognitive_deployment(account_id: str, name: str, sku: str, model: str, version: str) -> Json:
    return {"id": f"{account_id}/deployments/{name}", "name": name,
            "type": "Microsoft.CognitiveServices/accounts/deployments", "sku": {"name": sku, "capacity": 1},
            "properties": {"model": {"format": "OpenAI", "name": model, "version": version},
                           "provisioningState": "Succeeded"}}


# machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2024-10-01/examples/
# Workspace/get.json
# (identity, encryption, private links dropped; kind added: Default, Hub or Project)
def ml_workspace(sub: str, rg: str, name: str, where: str, *, storage: str, kind: str = "Default",
                 hub: str | None = None, tags: Mapping[str, str] | None = None) -> Json:
    props: Json = {"storageAccount": storage,
                   "keyVault": f"{rg_id(sub, rg)}/providers/Microsoft.KeyVault/vaults/{name}-kv",
                   "applicationInsights": f"{rg_id(sub, rg)}/providers/microsoft.insights/components/{name}-ai",
                   "friendlyName": name, "hbiWorkspace": False, "publicNetworkAccess": "Disabled"}
    if hub:
        props["hubResourceId"] = hub
    return {"id": f"{rg_id(sub, rg)}/providers/Microsoft.MachineLearningServices/workspaces/{name}", "name": name,
            "type": "Microsoft.MachineLearningServices/workspaces", "location": where, "kind": kind,
            "tags": dict(tags or {}), "properties": props}


# machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2024-10-01/examples/Compute/get/
# ComputeInstance.json (one compute of a workspace; only id, name, type, location and computeType kept)
def ml_compute(workspace_id: str, name: str, where: str) -> Json:
    return {"id": f"{workspace_id}/computes/{name}", "name": name,
            "type": "Microsoft.MachineLearningServices/workspaces/computes", "location": where,
            "properties": {"computeType": "ComputeInstance", "provisioningState": "Succeeded"}}


# search/resource-manager/Microsoft.Search/stable/2025-05-01/examples/SearchGetService.json (systemData dropped)
def search_service(sub: str, rg: str, name: str, where: str, *, tags: Mapping[str, str] | None = None) -> Json:
    return {"id": f"{rg_id(sub, rg)}/providers/Microsoft.Search/searchServices/{name}", "name": name,
            "location": where, "type": "Microsoft.Search/searchServices", "tags": dict(tags or {}),
            "sku": {"name": "standard"},
            "properties": {"replicaCount": 3, "partitionCount": 1, "status": "running", "hostingMode": "default",
                           "provisioningState": "succeeded", "publicNetworkAccess": "enabled",
                           "networkRuleSet": {"ipRules": []}, "privateEndpointConnections": []}}


# search/resource-manager/Microsoft.Search/stable/2025-05-01/examples/ListSharedPrivateLinkResourcesByService.json
# (one item of "value")
def search_private_link(service_id: str, name: str, target: str, group: str = "blob") -> Json:
    return {"name": name, "type": "Microsoft.Search/searchServices/sharedPrivateLinkResources",
            "id": f"{service_id}/sharedPrivateLinkResources/{name}",
            "properties": {"requestMessage": "please approve", "groupId": group, "privateLinkResourceId": target,
                           "status": "Approved", "resourceRegion": None}}
