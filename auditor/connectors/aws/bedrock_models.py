"""Amazon Bedrock guardrails, provisioned throughput and the models actually invoked; invocation logs in plans.

Listing, per account and scanned Bedrock Region (read-only): ``ListGuardrails`` (a guardrail with a
cross-Region profile, ``crossRegionDetails``, evaluates prompts in the Regions of that profile's
geography), ``ListProvisionedModelThroughputs`` (dedicated capacity for a model, in its own Region),
``ListTagsForResource`` for each, and CloudWatch ``ListMetrics`` on the ``AWS/Bedrock`` namespace:
the values of the ``ModelId`` dimension of the ``Invocations`` metric are the model IDs, system-defined
profiles (``us.…``, ``global.…``) and application profiles that were actually invoked from that Region
in the metrics' retention window. An invoked application profile gets ``observed_use``; any other
invoked ID becomes a resource of its own (``bedrock:model-invocation``: not a resource AWS defines,
the evidence that something calls it), placed by the processing catalog.

Plans: ``aws_bedrock_guardrail``, ``aws_bedrock_provisioned_model_throughput`` and
``aws_bedrock_model_invocation_logging_configuration``, whose S3 bucket and CloudWatch log group receive
every prompt and answer of the account and Region: each becomes a ``log-destination`` of every Bedrock
resource the plan holds in that Region (a resource of its own when the plan holds none).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from auditor.connectors.aws import regional
from auditor.connectors.aws.bedrock import log_locations
from auditor.connectors.aws.bedrock_agents import model_places
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, Link, Read, Service, listing_resource
from auditor.connectors.aws.session import Account
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Attach, Change, Fact, Store, Target
from auditor.connectors.terraform.values import dig, items, text
from auditor.model.inventory import DataLocation, LocationRole, Resource
from auditor.model.vocab import Kind, Via

OPERATIONS = {
    "bedrock:ListGuardrails": "bedrock:ListGuardrails",
    "bedrock:ListProvisionedModelThroughputs": "bedrock:ListProvisionedModelThroughputs",
    "cloudwatch:ListMetrics": "cloudwatch:ListMetrics",
}
NAME = "bedrock-models"
GUARDRAIL, PROVISIONED, INVOKED = "AWS::Bedrock::Guardrail", "bedrock:provisioned-model", "bedrock:model-invocation"
UNKNOWN = "unknown"
_OBSERVED = "bedrock-models.observed"
_BEDROCK_PLAN_TYPES = ("aws_bedrock_inference_profile", "aws_bedrockagent_agent", "aws_bedrockagent_knowledge_base",
                       "aws_bedrock_guardrail", "aws_bedrock_provisioned_model_throughput")


def _tags(scan: Scan, account: Account, region: str, arn: str) -> tuple[dict[str, str], bool]:
    answer = scan.call(account, region, "bedrock", "ListTagsForResource", resource=arn, resourceARN=arn)
    return {str(t["key"]): str(t.get("value", "")) for t in (answer or {}).get("tags") or []}, answer is not None


def _invoked(scan: Scan, account: Account, region: str) -> list[str] | None:
    metrics = scan.pages(account, region, "cloudwatch", "ListMetrics", "Metrics", Namespace="AWS/Bedrock",
                         MetricName="Invocations")
    if metrics is None:
        return None
    return sorted({str(d["Value"]) for m in metrics for d in m.get("Dimensions") or [] if d.get("Name") == "ModelId"})


def _listing(scan: Scan, account: Account, region: str) -> list[Found]:
    out = []
    for g in scan.pages(account, region, "bedrock", "ListGuardrails", "guardrails") or []:
        arn = str(g["arn"])
        tags, readable = _tags(scan, account, region, arn)
        out.append(Found(arn=arn, service=NAME, kind=Kind.AI_INFERENCE, native_type=GUARDRAIL,
                         name=str(g.get("name") or g.get("id")), account=account.id, region=region, tags=tags,
                         evidence=("bedrock:ListGuardrails",),
                         facts={"guardrail_profile": dig(g, "crossRegionDetails", "guardrailProfileId"),
                                "tags_readable": readable}))
    for p in scan.pages(account, region, "bedrock", "ListProvisionedModelThroughputs",
                        "provisionedModelSummaries") or []:
        arn = str(p["provisionedModelArn"])
        tags, readable = _tags(scan, account, region, arn)
        out.append(Found(arn=arn, service=NAME, kind=Kind.AI_INFERENCE, native_type=PROVISIONED,
                         name=str(p.get("provisionedModelName") or arn), account=account.id, region=region, tags=tags,
                         evidence=("bedrock:ListProvisionedModelThroughputs",),
                         facts={"model": p.get("modelArn"), "foundation_model": p.get("foundationModelArn"),
                                "tags_readable": readable}))
    invoked = _invoked(scan, account, region)
    scan.shared.setdefault(_OBSERVED, {})[(account.id, region)] = invoked
    profiles = scan.shared.get("bedrock.raw", {})
    known = {str(v.get("inferenceProfileId")) for v in profiles.values()} | set(profiles)
    for model in invoked or ():
        if model in known or ":provisioned-model/" in model:
            continue  # an application profile or provisioned model the listing already has: a link
        out.append(Found(arn=f"{account.arn('bedrock', 'model-invocation', region)}/{model}", service=NAME,
                         kind=Kind.AI_INFERENCE, native_type=INVOKED, name=model, account=account.id, region=region,
                         evidence=("cloudwatch:ListMetrics",), facts={"model": model, "observed_use": True}))
    return out


def discover(scan: Scan) -> list[Found]:
    only = regional.sparse("bedrock")
    return [f for _, _, found in regional.per_region(scan, lambda a, r: _listing(scan, a, r), only=only) for f in found]


def read(scan: Scan, found: Found, deep: bool) -> Read:
    """Every place comes from the listing: no further call, in scope or not."""
    facts = found.facts
    if found.native_type == GUARDRAIL:
        profile = facts.get("guardrail_profile")
        places = (model_places(str(profile), found.region, Via.BEDROCK_GUARDRAIL, {}) if profile else
                  [DataLocation(found.region, LocationRole.PROCESSING, via=Via.BEDROCK_GUARDRAIL)])
    elif found.native_type == PROVISIONED:
        places = [DataLocation(found.region, LocationRole.PROCESSING, via=Via.BEDROCK_PROVISIONED_MODEL,
                               via_detail=str(facts.get("model") or "").rsplit("/", 1)[-1] or None)]
    else:
        places = model_places(str(facts.get("model")), found.region, Via.BEDROCK_OBSERVED_USE,
                              scan.shared.get("bedrock.raw", {}))
    logs, readable = log_locations(scan, found.account, found.region)
    resource = listing_resource(
        found, scan.organization, locations=tuple(dict.fromkeys([DataLocation(found.region), *places, *logs])),
        attributes={"depth": "deep" if deep else "listing", **facts, "invocation_logging_readable": readable})
    return Read(resource)


def link(scan: Scan, resources: Mapping[str, Resource]) -> list[Link]:
    """``observed_use`` on the application profiles and provisioned models the metrics show invoked."""
    by_id = {str(r.attributes.get("inference_profile_id")): r.id for r in resources.values()
             if r.attributes.get("inference_profile_id")}
    out = []
    for (_, region), invoked in scan.shared.get(_OBSERVED, {}).items():
        for model in invoked or ():
            target = model if model in resources else by_id.get(model)
            if target is not None:
                out.append(Link(target, resources[target].locations[0], ("cloudwatch:ListMetrics",),
                                "observed_use", region))
    return out


# -- Terraform ------------------------------------------------------------------------------------


def plan_guardrail(change: Change) -> Iterator[Fact]:
    profile = next((text(c.get("guardrail_profile_identifier")) for _, c in items(change.get("cross_region_config"))),
                   None)
    places = (model_places(profile, change.region.value, Via.BEDROCK_GUARDRAIL, {}) if profile else
              [DataLocation(change.region.value, LocationRole.PROCESSING, via=Via.BEDROCK_GUARDRAIL)])
    yield Store(kind=Kind.AI_INFERENCE, service=NAME, name=change.planned_name("name"), locations=tuple(places),
                attributes={"guardrail_profile": profile}, identities=(f"{NAME}:{change.planned_name('name')}",))


def plan_provisioned(change: Change) -> Iterator[Fact]:
    model = change.text("model_arn")
    yield Store(kind=Kind.AI_INFERENCE, service=NAME, name=change.planned_name("provisioned_model_name"),
                locations=(DataLocation(change.region.value, LocationRole.PROCESSING,
                                        via=Via.BEDROCK_PROVISIONED_MODEL,
                                        via_detail=(model or "").rsplit("/", 1)[-1] or None),),
                attributes={"model": model})


def _bucket_region(change: Change, path: tuple[str | int, ...]) -> tuple[str, str | None]:
    name = change.text(*path)
    refs = change.refs(*path)
    address = refs[0] if refs else (change.find(("aws_s3_bucket",), "bucket", name) if name else None)
    if address is not None:
        return change.region_of(address).value, address
    return UNKNOWN, name


def invocation_logs(change: Change) -> list[DataLocation]:
    """The places a planned model invocation logging configuration delivers prompts and answers to."""
    out = []
    for i, config in items(change.get("logging_config")):
        for j, s3 in items(config.get("s3_config")):
            if s3.get("bucket_name") or change.unknown("logging_config", i, "s3_config", j, "bucket_name"):
                region, target = _bucket_region(change, ("logging_config", i, "s3_config", j, "bucket_name"))
                out.append(DataLocation(region, LocationRole.LOG_DESTINATION, via=Via.BEDROCK_INVOCATION_LOGGING,
                                        via_detail="s3", target=target))
        for _, cw in items(config.get("cloudwatch_config")):
            if cw.get("log_group_name"):
                out.append(DataLocation(change.region.value, LocationRole.LOG_DESTINATION,
                                        via=Via.BEDROCK_INVOCATION_LOGGING, via_detail="cloudwatch-logs",
                                        target=str(cw["log_group_name"])))
    return out


def plan_logging(change: Change) -> Iterator[Fact]:
    logs = tuple(invocation_logs(change))
    if not logs:
        return
    region = change.region.value
    targets = [a for a, e in change.resolver.entries.items()
               if e.type in _BEDROCK_PLAN_TYPES and change.region_of(a).value == region]
    for address in targets:
        yield Attach(Target((address,), create=False), locations=logs, evidence=(change.path("logging_config"),))
    if not targets:  # the logs exist whatever the plan invokes: keep them visible
        yield Store(kind=Kind.AI_INFERENCE, service="bedrock", name=f"model invocation logging ({region})",
                    locations=logs, evidence=(change.path("logging_config"),))


SERVICE = Service(
    name=NAME, operations=OPERATIONS, discover=discover, read=read, link=link,
    types=(TypeSpec(Kind.AI_INFERENCE, GUARDRAIL, ("aws_bedrock_guardrail",)),
           TypeSpec(Kind.AI_INFERENCE, PROVISIONED, ("aws_bedrock_provisioned_model_throughput",)),
           TypeSpec(Kind.AI_INFERENCE, INVOKED,
                    not_in_plans="observed use (CloudWatch metrics of invocations), not a resource Terraform creates"),
           ),
    plan={"aws_bedrock_guardrail": plan_guardrail, "aws_bedrock_provisioned_model_throughput": plan_provisioned,
          "aws_bedrock_model_invocation_logging_configuration": plan_logging},
    vias=(Via.BEDROCK_GUARDRAIL, Via.BEDROCK_PROVISIONED_MODEL, Via.BEDROCK_OBSERVED_USE),
    after=("bedrock",),  # its listing reads the inference profiles bedrock's listing keeps
)
