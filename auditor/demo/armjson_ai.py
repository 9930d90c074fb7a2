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
