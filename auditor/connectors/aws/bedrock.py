"""Amazon Bedrock: where prompts are processed (application inference profiles) and where they are logged.

Listing: ``ListInferenceProfiles(typeEquals=APPLICATION)`` per account and scanned Bedrock region,
``ListTagsForResource`` per profile (classification needs the tags), and once per region
``GetModelInvocationLoggingConfiguration``.

An application inference profile records the models it copies, one foundation-model ARN per Region
it routes to: each Region becomes a ``processing`` location (``global`` for a global profile). A
profile whose model list is empty falls back on the processing-geography catalog
(``auditor.geo.processing``) for the ID it was copied from. Model invocation logging delivers prompts
and answers, i.e. copies of what the profile processes: its S3 bucket (``GetBucketLocation``) and
CloudWatch Logs group (same Region as the configuration) become ``log-destination`` locations of every
profile of that account and Region.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from auditor.connectors.aws import regional
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.s3 import normalise_location
from auditor.connectors.aws.service import Found, Read, Service, listing_resource
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, Store
from auditor.connectors.terraform.values import items
from auditor.geo.processing import bedrock_processing
from auditor.model.inventory import DataLocation, LocationRole
from auditor.model.vocab import Kind, Via

OPERATIONS = {
    "bedrock:ListInferenceProfiles": "bedrock:ListInferenceProfiles",
    "bedrock:ListTagsForResource": "bedrock:ListTagsForResource",
    "bedrock:GetModelInvocationLoggingConfiguration": "bedrock:GetModelInvocationLoggingConfiguration",
}
KIND, NATIVE = Kind.AI_INFERENCE, "AWS::Bedrock::ApplicationInferenceProfile"
_RAW, _LOGGING = "bedrock.raw", "bedrock.logging"
UNKNOWN = "unknown"


def discover(scan: Scan) -> list[Found]:
    only = regional.sparse("bedrock")
    listed = regional.per_region(scan, lambda a, r: scan.pages(a, r, "bedrock", "ListInferenceProfiles",
                                                                "inferenceProfileSummaries", typeEquals="APPLICATION"),
                                 only=only)
    logging = regional.per_region(scan, lambda a, r: scan.call(a, r, "bedrock",
                                                               "GetModelInvocationLoggingConfiguration"), only=only)
    scan.shared[_LOGGING] = {(a.id, r): answer for a, r, answer in logging}
    raw: dict[str, dict[str, Any]] = {}
    pending = []
    for account, region, profiles in listed:
        for profile in profiles or ():
            arn = str(profile["inferenceProfileArn"])
            raw[arn] = profile
            pending.append((account, region, profile, arn))
    tags = scan.map(lambda p: scan.call(p[0], p[1], "bedrock", "ListTagsForResource", resource=p[3],
                                        resourceARN=p[3]), pending)
    scan.shared[_RAW] = raw
    found = []
    for (account, region, profile, arn), answer in zip(pending, tags, strict=True):
        tag_map = {str(t["key"]): str(t.get("value", "")) for t in (answer or {}).get("tags") or []}
        found.append(Found(arn=arn, service="bedrock", kind=KIND, native_type=NATIVE,
                           name=str(profile.get("inferenceProfileName") or profile.get("inferenceProfileId")),
                           account=account.id, region=region, tags=tag_map,
                           evidence=("bedrock:ListInferenceProfiles", "bedrock:ListTagsForResource"),
                           facts={"inference_profile_id": profile.get("inferenceProfileId"),
                                  "tags_readable": answer is not None}))
    return found


def log_locations(scan: Scan, account_id: str, region: str) -> tuple[list[DataLocation], bool]:
    """Where model invocation logs of this account and Region go; ``False`` when that could not be read."""
    answer = scan.shared.get(_LOGGING, {}).get((account_id, region))
    if answer is None:
        return [], False
    config = answer.get("loggingConfig") or {}
    account = scan.account(account_id)
    out = []
    bucket = (config.get("s3Config") or {}).get("bucketName")
    if bucket and account is not None:
        where = scan.call(account, account.home_region, "s3", "GetBucketLocation", Bucket=str(bucket),
                          resource=f"arn:{account.partition}:s3:::{bucket}")
        out.append(DataLocation(UNKNOWN if where is None else normalise_location(where.get("LocationConstraint"),
                                                                                account.partition),
                                LocationRole.LOG_DESTINATION, via=Via.BEDROCK_INVOCATION_LOGGING, via_detail="s3",
                                target=f"arn:{account.partition}:s3:::{bucket}"))
    group = (config.get("cloudWatchConfig") or {}).get("logGroupName")
    if group:
        out.append(DataLocation(region, LocationRole.LOG_DESTINATION, via=Via.BEDROCK_INVOCATION_LOGGING,
                                via_detail="cloudwatch-logs",
                                target=str(group)))
    return out, True


def read(scan: Scan, found: Found, deep: bool) -> Read:
    if not deep:
        return regional.shallow(scan, found)
    profile = scan.shared[_RAW][found.arn]
    models = [str(m.get("modelArn")) for m in profile.get("models") or [] if m.get("modelArn")]
    processing = bedrock_processing(models, found.region)
    logs, logs_readable = log_locations(scan, found.account, found.region)
    resource = listing_resource(
        found, scan.organization, locations=tuple(dict.fromkeys([DataLocation(found.region), *processing, *logs])),
        evidence=(*found.evidence, "bedrock:GetModelInvocationLoggingConfiguration"),
        attributes={"depth": "deep", **found.facts, "models": models, "invocation_logging_readable": logs_readable})
    return Read(resource)


# -- in a Terraform plan ----------------------------------------------------------------------


def bedrock_inference_profile(change: Change) -> Iterator[Fact]:
    """Where prompts will be processed: the Regions of ``models`` when the plan knows them, else those the
    processing-geography catalog gives for ``model_source.copy_from``."""
    models = [str(m.get("model_arn")) for _, m in items(change.get("models")) if m.get("model_arn")]
    copied = next((str(s.get("copy_from")) for _, s in items(change.get("model_source")) if s.get("copy_from")), None)
    yield Store(kind=Kind.AI_INFERENCE, service="bedrock", name=change.planned_name("name"),
                locations=tuple(bedrock_processing(models, change.region.value, copied)),
                attributes={"copied_from": copied}, identities=(f"bedrock:{change.planned_name('name')}",))


SERVICE = Service(
    name="bedrock", operations=OPERATIONS, discover=discover, read=read,
    types=(TypeSpec(KIND, NATIVE, terraform=("aws_bedrock_inference_profile",)),),
    plan={"aws_bedrock_inference_profile": bedrock_inference_profile},
    vias=(Via.BEDROCK_INFERENCE_PROFILE, Via.BEDROCK_INVOCATION_LOGGING),
)
