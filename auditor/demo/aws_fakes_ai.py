"""The Amazon Bedrock operations moto 5.2 lacks, for :class:`auditor.demo.aws_fakes.GapFiller`.

moto answers agents and knowledge bases but has no route for knowledge-base data sources
(``CreateDataSource``, ``ListDataSources``, ``GetDataSource``), guardrails (``CreateGuardrail``,
``ListGuardrails``) or provisioned throughput (``CreateProvisionedModelThroughput``,
``ListProvisionedModelThroughputs``): its server answers HTTP 500. These are answered here from a small
state, in the shapes of botocore's service models (``bedrock-agent/2023-06-05``, ``bedrock/2023-04-20``);
only the fields the connector reads are filled. Both ``bedrock`` and ``bedrock-agent`` sign as
``bedrock``, so they arrive on the same route and are told apart by path.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

Reply = tuple[int, Any, dict[str, str]]


class Request(Protocol):
    method: str
    path: str
    region: str
    account: str

    def json(self) -> dict[str, Any]: ...


@dataclass(slots=True)
class AiState:
    data_sources: list[dict[str, Any]] = field(default_factory=list)  # (+ "_where")
    guardrails: list[dict[str, Any]] = field(default_factory=list)  # (+ "_where", "_tags")
    provisioned: list[dict[str, Any]] = field(default_factory=list)  # (+ "_where", "_tags")


def _public(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if not k.startswith("_")}


def _mine(items: list[dict[str, Any]], req: Request) -> list[dict[str, Any]]:
    return [i for i in items if i["_where"] == (req.account, req.region)]


def bedrock(state: AiState, req: Request) -> Reply | None:
    """An answer for the operations above, ``None`` for everything else (moto answers those)."""
    parts = [p for p in req.path.split("/") if p]
    if len(parts) >= 3 and parts[0] == "knowledgebases" and parts[2] == "datasources":
        return _data_sources(state, req, parts)
    if parts == ["guardrails"]:
        return _guardrails(state, req)
    if parts in (["provisioned-model-throughput"], ["provisioned-model-throughputs"]):
        return _provisioned(state, req)
    if parts == ["listTagsForResource"] and req.method == "POST":
        arn = str(req.json().get("resourceARN") or "")
        found = [g for g in (*state.guardrails, *state.provisioned)
                 if arn in (g.get("arn"), g.get("provisionedModelArn"))]
        return (200, {"tags": found[0]["_tags"]}, {}) if found else None
    return None


def _data_sources(state: AiState, req: Request, parts: list[str]) -> Reply | None:
    kb = parts[1]
    mine = [d for d in _mine(state.data_sources, req) if d["knowledgeBaseId"] == kb]
    if req.method == "PUT" and len(parts) == 3:
        body = req.json()
        source = {"knowledgeBaseId": kb, "dataSourceId": uuid.uuid4().hex[:10].upper(), "name": body.get("name"),
                  "status": "AVAILABLE", "dataSourceConfiguration": body.get("dataSourceConfiguration") or {},
                  "createdAt": time.time(), "updatedAt": time.time(), "_where": (req.account, req.region)}
        state.data_sources.append(source)
        return 200, {"dataSource": _public(source)}, {}
    if req.method == "POST" and len(parts) == 3:
        keys = ("knowledgeBaseId", "dataSourceId", "name", "status", "updatedAt")
        return 200, {"dataSourceSummaries": [{k: d[k] for k in keys} for d in mine]}, {}
    if req.method == "GET" and len(parts) == 4:
        found = [d for d in mine if d["dataSourceId"] == parts[3]]
        if not found:
            return 404, {"message": f"data source {parts[3]} not found"}, {
                "x-amzn-ErrorType": "ResourceNotFoundException"}
        return 200, {"dataSource": _public(found[0])}, {}
    return None


def _guardrails(state: AiState, req: Request) -> Reply | None:
    if req.method == "POST":
        body = req.json()
        ident = uuid.uuid4().hex[:12]
        arn = f"arn:aws:bedrock:{req.region}:{req.account}:guardrail/{ident}"
        guardrail: dict[str, Any] = {"id": ident, "arn": arn, "status": "READY", "name": body.get("name"),
                                     "version": "DRAFT", "createdAt": time.time(), "updatedAt": time.time(),
                                     "_where": (req.account, req.region), "_tags": list(body.get("tags") or [])}
        profile = (body.get("crossRegionConfig") or {}).get("guardrailProfileIdentifier")
        if profile:
            guardrail["crossRegionDetails"] = {"guardrailProfileId": str(profile).rsplit("/", 1)[-1],
                                               "guardrailProfileArn": str(profile)}
        state.guardrails.append(guardrail)
        return 202, {"guardrailId": ident, "guardrailArn": arn, "version": "DRAFT", "createdAt": time.time()}, {}
    if req.method == "GET":
        return 200, {"guardrails": [_public(g) for g in _mine(state.guardrails, req)]}, {}
    return None


def _provisioned(state: AiState, req: Request) -> Reply | None:
    if req.method == "POST":
        body = req.json()
        ident = uuid.uuid4().hex[:12]
        arn = f"arn:aws:bedrock:{req.region}:{req.account}:provisioned-model/{ident}"
        model = str(body.get("modelId") or "")
        model_arn = model if model.startswith("arn:") else f"arn:aws:bedrock:{req.region}::foundation-model/{model}"
        item = {"provisionedModelName": body.get("provisionedModelName"), "provisionedModelArn": arn,
                "modelArn": model_arn, "desiredModelArn": model_arn, "foundationModelArn": model_arn,
                "modelUnits": body.get("modelUnits", 1), "desiredModelUnits": body.get("modelUnits", 1),
                "status": "InService", "creationTime": time.time(), "lastModifiedTime": time.time(),
                "_where": (req.account, req.region), "_tags": list(body.get("tags") or [])}
        state.provisioned.append(item)
        return 201, {"provisionedModelArn": arn}, {}
    if req.method == "GET":
        return 200, {"provisionedModelSummaries": [_public(p) for p in _mine(state.provisioned, req)]}, {}
    return None
