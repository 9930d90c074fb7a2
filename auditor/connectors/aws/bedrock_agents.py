"""Amazon Bedrock agents and knowledge bases: the models they send data to and the stores they read.

Listing, per account and scanned Bedrock Region (all calls read-only): ``ListAgents`` then ``GetAgent``
(the foundation model or inference profile), ``ListKnowledgeBases`` then ``GetKnowledgeBase`` (the
embedding model, the vector store) and ``ListDataSources`` / ``GetDataSource`` (the S3 buckets it
ingests), ``ListTagsForResource`` for each. Everything is read at listing time: a knowledge base with no
tag is still health processing when it ingests a health bucket (classification by lineage reads the
``reads`` attribute, see :func:`auditor.classify.lineage`), so its places must be known whatever the scope.

Places:

* an agent's model -> ``processing`` locations: the Regions of an application inference profile as
  the Bedrock module read them, else those the processing catalog gives for a system-defined profile
  (``us.``, ``eu.``, ``global.``…) or the agent's own Region for a model invoked directly;
* a knowledge base's embedding model -> ``processing`` locations the same way; its vector store holds
  chunks of the source documents -> a ``replica`` location in the store's Region (from its ARN) or
  ``unknown`` for a store outside AWS (Pinecone, Redis Enterprise Cloud, MongoDB Atlas);
* the account's model invocation logging (read by :mod:`auditor.connectors.aws.bedrock`) ->
  ``log-destination`` locations, as for inference profiles.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from auditor.connectors.aws import bedrock, regional
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, Read, Service, listing_resource
from auditor.connectors.aws.session import Account
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, Store
from auditor.connectors.terraform.values import dig, items, text
from auditor.geo.processing import bedrock_processing, bedrock_regions
from auditor.model.inventory import DataLocation, LocationRole
from auditor.model.vocab import Kind, Via

OPERATIONS = {
    "bedrock-agent:ListAgents": "bedrock:ListAgents",
    "bedrock-agent:GetAgent": "bedrock:GetAgent",
    "bedrock-agent:ListKnowledgeBases": "bedrock:ListKnowledgeBases",
    "bedrock-agent:GetKnowledgeBase": "bedrock:GetKnowledgeBase",
    "bedrock-agent:ListDataSources": "bedrock:ListDataSources",
    "bedrock-agent:GetDataSource": "bedrock:GetDataSource",
    "bedrock-agent:ListTagsForResource": "bedrock:ListTagsForResource",
}
NAME = "bedrock-agent"
AGENT, KNOWLEDGE_BASE = "AWS::Bedrock::Agent", "AWS::Bedrock::KnowledgeBase"
UNKNOWN = "unknown"
_VECTOR_ARNS = {  # storageConfiguration.<member> -> the field naming the store by ARN
    "opensearchServerlessConfiguration": "collectionArn",
    "opensearchManagedClusterConfiguration": "domainArn",
    "rdsConfiguration": "resourceArn",
    "neptuneAnalyticsConfiguration": "graphArn",
    "s3VectorsConfiguration": "vectorBucketArn",
}


def model_places(model: str | None, region: str, via: Via, profiles: dict[str, dict[str, Any]],
                 detail: str | None = None) -> list[DataLocation]:
    """Where a request naming ``model`` (model ID/ARN, system-defined or application profile) is processed."""
    if not model:
        return [DataLocation(UNKNOWN, LocationRole.PROCESSING, via=via, via_detail=detail)]
    if ":application-inference-profile/" in model:
        raw = profiles.get(model)
        models = [str(m.get("modelArn")) for m in (raw or {}).get("models") or [] if m.get("modelArn")]
        places = [loc.region for loc in bedrock_processing(models, region)]
    else:
        places = list(bedrock_regions(model, region)[0])
    return [DataLocation(r, LocationRole.PROCESSING, via=via, via_detail=detail or model.rsplit("/", 1)[-1])
            for r in dict.fromkeys(places)]


def vector_store(storage: dict[str, Any] | None) -> DataLocation:
    """Where a knowledge base keeps its chunks and vectors (``unknown`` outside AWS or not stated)."""
    storage = storage or {}
    kind = str(storage.get("type") or UNKNOWN)
    for member, field in _VECTOR_ARNS.items():
        arn = dig(storage, member, field)
        if arn:
            return DataLocation(regional.arn_region(str(arn)), LocationRole.REPLICA, via=Via.BEDROCK_KB_VECTOR_STORE,
                                via_detail=kind, target=str(arn))
    return DataLocation(UNKNOWN, LocationRole.REPLICA, via=Via.BEDROCK_KB_VECTOR_STORE, via_detail=kind)


def _tags(scan: Scan, account: Account, region: str, arn: str) -> tuple[dict[str, str], bool]:
    answer = scan.call(account, region, "bedrock-agent", "ListTagsForResource", resource=arn, resourceArn=arn)
    return ({str(k): str(v) for k, v in ((answer or {}).get("tags") or {}).items()}, answer is not None)


def _agents(scan: Scan, account: Account, region: str) -> list[Found]:
    summaries = scan.pages(account, region, "bedrock-agent", "ListAgents", "agentSummaries") or []
    out = []
    for summary in summaries:
        ident = str(summary["agentId"])
        agent = (scan.call(account, region, "bedrock-agent", "GetAgent", agentId=ident) or {}).get("agent") or {}
        arn = str(agent.get("agentArn") or account.arn("bedrock", f"agent/{ident}", region))
        tags, readable = _tags(scan, account, region, arn)
        out.append(Found(arn=arn, service=NAME, kind=Kind.AI_INFERENCE, native_type=AGENT,
                         name=str(summary.get("agentName") or ident), account=account.id, region=region, tags=tags,
                         evidence=("bedrock-agent:ListAgents", "bedrock-agent:GetAgent"),
                         facts={"foundation_model": agent.get("foundationModel"), "model_readable": bool(agent),
                                "tags_readable": readable}))
    return out


def _sources(scan: Scan, account: Account, region: str, kb: str) -> tuple[list[str], bool]:
    """The S3 buckets a knowledge base ingests (ARNs); ``False`` when they could not all be read."""
    listed = scan.pages(account, region, "bedrock-agent", "ListDataSources", "dataSourceSummaries",
                        knowledgeBaseId=kb)
    if listed is None:
        return [], False
    buckets, complete = [], True
    for summary in listed:
        answer = scan.call(account, region, "bedrock-agent", "GetDataSource", knowledgeBaseId=kb,
                           dataSourceId=str(summary["dataSourceId"]))
        if answer is None:
            complete = False
            continue
        bucket = dig(answer, "dataSource", "dataSourceConfiguration", "s3Configuration", "bucketArn")
        if bucket:
            buckets.append(str(bucket))
    return buckets, complete


def _knowledge_bases(scan: Scan, account: Account, region: str) -> list[Found]:
    summaries = scan.pages(account, region, "bedrock-agent", "ListKnowledgeBases", "knowledgeBaseSummaries") or []
    out = []
    for summary in summaries:
        ident = str(summary["knowledgeBaseId"])
        kb = (scan.call(account, region, "bedrock-agent", "GetKnowledgeBase", knowledgeBaseId=ident)
              or {}).get("knowledgeBase") or {}
        arn = str(kb.get("knowledgeBaseArn") or account.arn("bedrock", f"knowledge-base/{ident}", region))
        tags, readable = _tags(scan, account, region, arn)
        reads, complete = _sources(scan, account, region, ident)
        out.append(Found(arn=arn, service=NAME, kind=Kind.SEARCH, native_type=KNOWLEDGE_BASE,
                         name=str(summary.get("name") or ident), account=account.id, region=region, tags=tags,
                         evidence=("bedrock-agent:ListKnowledgeBases", "bedrock-agent:GetKnowledgeBase",
                                   "bedrock-agent:ListDataSources"),
                         facts={"embedding_model": dig(kb, "knowledgeBaseConfiguration",
                                                       "vectorKnowledgeBaseConfiguration", "embeddingModelArn"),
                                "storage": kb.get("storageConfiguration"), "reads": reads,
                                "reads_complete": complete, "tags_readable": readable}))
    return out


def discover(scan: Scan) -> list[Found]:
    only = regional.sparse("bedrock")  # botocore has rules only for bedrock-agent: ask where Bedrock is
    listed = regional.per_region(scan, lambda a, r: [*_agents(scan, a, r), *_knowledge_bases(scan, a, r)], only=only)
    return [f for _, _, found in listed for f in found]


def read(scan: Scan, found: Found, deep: bool) -> Read:
    """Every place comes from the listing: no further call, in scope or not."""
    profiles = scan.shared.get("bedrock.raw", {})
    facts = dict(found.facts)
    if found.native_type == AGENT:
        places = model_places(facts.get("foundation_model"), found.region, Via.BEDROCK_AGENT_MODEL, profiles)
    else:
        places = [*model_places(facts.get("embedding_model"), found.region, Via.BEDROCK_KB_EMBEDDING, profiles),
                  vector_store(facts.pop("storage", None))]
    logs, readable = bedrock.log_locations(scan, found.account, found.region)
    resource = listing_resource(
        found, scan.organization, locations=tuple(dict.fromkeys([DataLocation(found.region), *places, *logs])),
        attributes={"depth": "deep" if deep else "listing", **facts, "invocation_logging_readable": readable})
    return Read(resource)


# -- Terraform ------------------------------------------------------------------------------------


def _planned_profile(change: Change, address: str) -> list[DataLocation] | None:
    """The places of an application inference profile planned alongside (an agent naming it by reference)."""
    profile = change.other(address)
    if profile is None or profile.type != "aws_bedrock_inference_profile":
        return None
    models = [str(m.get("model_arn")) for _, m in items(profile.get("models")) if m.get("model_arn")]
    copied = next((str(s["copy_from"]) for _, s in items(profile.get("model_source")) if s.get("copy_from")), None)
    return [DataLocation(loc.region, LocationRole.PROCESSING, via=Via.BEDROCK_AGENT_MODEL,
                         via_detail=profile.planned_name("name"))
            for loc in bedrock_processing(models, change.region_of(address).value, copied)]


def plan_agent(change: Change) -> Iterator[Fact]:
    model = change.text("foundation_model")
    places = next((p for a in change.refs("foundation_model") if (p := _planned_profile(change, a)) is not None),
                  None)
    yield Store(kind=Kind.AI_INFERENCE, service=NAME, name=change.planned_name("agent_name"),
                locations=tuple(places if places is not None else
                                model_places(model, change.region.value, Via.BEDROCK_AGENT_MODEL, {})),
                attributes={"foundation_model": model}, identities=(f"{NAME}:{change.planned_name('agent_name')}",),
                evidence=(change.path("foundation_model"),))


def plan_knowledge_base(change: Change) -> Iterator[Fact]:
    embedding = next((text(v.get("embedding_model_arn")) for _, c in items(change.get("knowledge_base_configuration"))
                      for _, v in items(c.get("vector_knowledge_base_configuration"))), None)
    storage: dict[str, Any] = {}
    for _, block in items(change.get("storage_configuration")):
        storage["type"] = block.get("type")
        for member, field in (("opensearch_serverless_configuration", "collection_arn"),
                              ("rds_configuration", "resource_arn")):
            for _, inner in items(block.get(member)):
                if text(inner.get(field)):
                    storage[_camel(member)] = {_camel(field): inner[field]}
    yield Store(kind=Kind.SEARCH, service=NAME, name=change.planned_name("name"),
                locations=(*model_places(embedding, change.region.value, Via.BEDROCK_KB_EMBEDDING, {}),
                           vector_store(storage)),
                attributes={"embedding_model": embedding, "reads": _ingested(change)},
                identities=(f"{NAME}:{change.planned_name('name')}",),
                evidence=(change.path("knowledge_base_configuration"), change.path("storage_configuration")))


def _ingested(change: Change) -> list[str]:
    """The buckets the plan's ``aws_bedrockagent_data_source`` resources feed into this knowledge base
    (their addresses when referenced, else their ARNs)."""
    reads: list[str] = []
    for address, entry in change.resolver.entries.items():
        source = change.other(address) if entry.type == "aws_bedrockagent_data_source" else None
        if source is None or change.address not in source.refs("knowledge_base_id"):
            continue
        for i, config in items(source.get("data_source_configuration")):
            for j, s3 in items(config.get("s3_configuration")):
                path = ("data_source_configuration", i, "s3_configuration", j, "bucket_arn")
                reads += source.refs(*path) or ([str(s3["bucket_arn"])] if text(s3.get("bucket_arn")) else [])
    return list(dict.fromkeys(reads))


def plan_data_source(change: Change) -> Iterator[Fact]:
    """``aws_bedrockagent_data_source``: read by the knowledge base it feeds (:func:`plan_knowledge_base`)."""
    return iter(())


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(p.title() for p in rest)


SERVICE = Service(
    name=NAME, operations=OPERATIONS, discover=discover, read=read,
    types=(TypeSpec(Kind.AI_INFERENCE, AGENT, ("aws_bedrockagent_agent",)),
           TypeSpec(Kind.SEARCH, KNOWLEDGE_BASE, ("aws_bedrockagent_knowledge_base", "aws_bedrockagent_data_source"))),
    plan={"aws_bedrockagent_agent": plan_agent, "aws_bedrockagent_knowledge_base": plan_knowledge_base,
          "aws_bedrockagent_data_source": plan_data_source},
    vias=(Via.BEDROCK_AGENT_MODEL, Via.BEDROCK_KB_EMBEDDING, Via.BEDROCK_KB_VECTOR_STORE),
)
