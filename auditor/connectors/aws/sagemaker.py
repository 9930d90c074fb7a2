"""Amazon SageMaker: where models are trained and served on data, and where requests are captured.

Listing, per account and scanned Region (read-only): ``ListEndpoints`` + ``DescribeEndpoint`` +
``DescribeEndpointConfig`` (the endpoint's config: its data capture destination), ``ListTrainingJobs``
+ ``DescribeTrainingJob`` (input channels and output path), ``ListDomains`` + ``DescribeDomain``,
``ListNotebookInstances``, and ``ListTags`` for each.

Places:

* an endpoint, training job, domain or notebook instance computes in its own Region -> a ``processing``
  location there (SageMaker runs its instances in the Region of the resource);
* an endpoint's data capture (``DataCaptureConfig.DestinationS3Uri``) stores every request and answer
  -> a ``log-destination`` location in the bucket's Region (``GetBucketLocation``, deep reads only);
* a training job's S3 input channels are the stores it reads (``reads``: bucket ARNs), so a job
  training on a health bucket is health processing by lineage (:func:`auditor.classify.lineage`);
  its output path is kept as ``output_s3_uri`` (model artifacts, not a copy of the records).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from auditor.connectors.aws import regional
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.s3 import normalise_location
from auditor.connectors.aws.service import Found, Read, Service, listing_resource
from auditor.connectors.aws.session import Account
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, Store
from auditor.connectors.terraform.values import items, text
from auditor.model.inventory import DataLocation, LocationRole
from auditor.model.vocab import Kind, Via

OPERATIONS = {f"sagemaker:{op}": f"sagemaker:{op}" for op in (
    "ListEndpoints", "DescribeEndpoint", "DescribeEndpointConfig", "ListTrainingJobs", "DescribeTrainingJob",
    "ListDomains", "DescribeDomain", "ListNotebookInstances", "ListTags")}
NAME = "sagemaker"
ENDPOINT, DOMAIN, NOTEBOOK = "AWS::SageMaker::Endpoint", "AWS::SageMaker::Domain", "AWS::SageMaker::NotebookInstance"
TRAINING_JOB = "sagemaker:training-job"  # no CloudFormation type: a job is run, not declared
UNKNOWN = "unknown"
_VIA = {ENDPOINT: Via.SAGEMAKER_ENDPOINT, TRAINING_JOB: Via.SAGEMAKER_TRAINING, DOMAIN: Via.SAGEMAKER_NOTEBOOK,
        NOTEBOOK: Via.SAGEMAKER_NOTEBOOK}


def bucket_of(uri: str | None) -> str | None:
    """``s3://bucket/prefix`` -> ``bucket``."""
    if not uri or not str(uri).startswith("s3://"):
        return None
    return str(uri)[5:].split("/", 1)[0] or None


def _tags(scan: Scan, account: Account, region: str, arn: str) -> tuple[dict[str, str], bool]:
    answer = scan.pages(account, region, "sagemaker", "ListTags", "Tags", resource=arn, ResourceArn=arn)
    return regional.tag_map(answer), answer is not None


def _found(scan: Scan, account: Account, region: str, arn: str, native: str, name: str, evidence: tuple[str, ...],
           facts: dict[str, Any]) -> Found:
    tags, readable = _tags(scan, account, region, arn)
    return Found(arn=arn, service=NAME, kind=Kind.AI_INFERENCE, native_type=native, name=name, account=account.id,
                 region=region, tags=tags, evidence=(*evidence, "sagemaker:ListTags"),
                 facts={**facts, "tags_readable": readable})


def _endpoints(scan: Scan, account: Account, region: str) -> list[Found]:
    out = []
    for e in scan.pages(account, region, "sagemaker", "ListEndpoints", "Endpoints") or []:
        name = str(e["EndpointName"])
        described = scan.call(account, region, "sagemaker", "DescribeEndpoint", EndpointName=name) or {}
        config_name = described.get("EndpointConfigName")
        config = (scan.call(account, region, "sagemaker", "DescribeEndpointConfig", EndpointConfigName=config_name)
                  if config_name else None) or {}
        capture = config.get("DataCaptureConfig") or {}
        out.append(_found(scan, account, region, str(e["EndpointArn"]), ENDPOINT, name,
                          ("sagemaker:ListEndpoints", "sagemaker:DescribeEndpoint", "sagemaker:DescribeEndpointConfig"),
                          {"endpoint_config": config_name, "config_readable": bool(config),
                           "data_capture_s3_uri": capture.get("DestinationS3Uri")
                           if capture.get("EnableCapture", True) else None}))
    return out


def _training_jobs(scan: Scan, account: Account, region: str) -> list[Found]:
    out = []
    for j in scan.pages(account, region, "sagemaker", "ListTrainingJobs", "TrainingJobSummaries") or []:
        name = str(j["TrainingJobName"])
        job = scan.call(account, region, "sagemaker", "DescribeTrainingJob", TrainingJobName=name)
        inputs = [str(((c.get("DataSource") or {}).get("S3DataSource") or {}).get("S3Uri") or "")
                  for c in (job or {}).get("InputDataConfig") or []]
        reads = list(dict.fromkeys(f"arn:{account.partition}:s3:::{b}" for u in inputs if (b := bucket_of(u))))
        out.append(_found(scan, account, region, str(j["TrainingJobArn"]), TRAINING_JOB, name,
                          ("sagemaker:ListTrainingJobs", "sagemaker:DescribeTrainingJob"),
                          {"input_s3_uris": [u for u in inputs if u], "reads": reads, "reads_complete": job is not None,
                           "output_s3_uri": ((job or {}).get("OutputDataConfig") or {}).get("S3OutputPath")}))
    return out


def _domains(scan: Scan, account: Account, region: str) -> list[Found]:
    out = []
    for d in scan.pages(account, region, "sagemaker", "ListDomains", "Domains") or []:
        described = scan.call(account, region, "sagemaker", "DescribeDomain", DomainId=str(d["DomainId"])) or {}
        out.append(_found(scan, account, region, str(d["DomainArn"]), DOMAIN, str(d.get("DomainName") or d["DomainId"]),
                          ("sagemaker:ListDomains", "sagemaker:DescribeDomain"),
                          {"home_efs_file_system_id": described.get("HomeEfsFileSystemId"),
                           "kms_key_id": described.get("KmsKeyId")}))
    return out


def _notebooks(scan: Scan, account: Account, region: str) -> list[Found]:
    return [_found(scan, account, region, str(n["NotebookInstanceArn"]), NOTEBOOK, str(n["NotebookInstanceName"]),
                   ("sagemaker:ListNotebookInstances",), {"instance_type": n.get("InstanceType")})
            for n in scan.pages(account, region, "sagemaker", "ListNotebookInstances", "NotebookInstances") or []]


def discover(scan: Scan) -> list[Found]:
    def listing(account: Account, region: str) -> list[Found]:
        return [*_endpoints(scan, account, region), *_training_jobs(scan, account, region),
                *_domains(scan, account, region), *_notebooks(scan, account, region)]

    return [f for _, _, found in regional.per_region(scan, listing) for f in found]


def _capture(scan: Scan, found: Found) -> list[DataLocation]:
    bucket = bucket_of(found.facts.get("data_capture_s3_uri"))
    account = scan.account(found.account)
    if bucket is None or account is None:
        return []
    arn = f"arn:{account.partition}:s3:::{bucket}"
    where = scan.call(account, account.home_region, "s3", "GetBucketLocation", Bucket=bucket, resource=arn)
    region = UNKNOWN if where is None else normalise_location(where.get("LocationConstraint"), account.partition)
    return [DataLocation(region, LocationRole.LOG_DESTINATION, via=Via.SAGEMAKER_DATA_CAPTURE, target=arn)]


def read(scan: Scan, found: Found, deep: bool) -> Read:
    """The processing place comes from the listing; the capture bucket's Region is read deeply only."""
    places = [DataLocation(found.region), DataLocation(found.region, LocationRole.PROCESSING,
                                                       via=_VIA[found.native_type])]
    if deep:
        places += _capture(scan, found)
    evidence = (*found.evidence, "s3:GetBucketLocation") if deep and found.facts.get("data_capture_s3_uri") else ()
    resource = listing_resource(found, scan.organization, locations=tuple(dict.fromkeys(places)),
                                attributes={"depth": "deep" if deep else "listing"},
                                **({"evidence": evidence} if evidence else {}))
    return Read(resource)


# -- Terraform ------------------------------------------------------------------------------------


def _processing(change: Change, native: str) -> DataLocation:
    return DataLocation(change.region.value, LocationRole.PROCESSING, via=_VIA[native])


def plan_endpoint(change: Change) -> Iterator[Fact]:
    """An endpoint with the data capture of the endpoint configuration it names."""
    logs: list[DataLocation] = []
    capture_uri = None
    for address in change.refs("endpoint_config_name"):
        config = change.other(address)
        for _, block in items(config.get("data_capture_config") if config else None):
            capture_uri = text(block.get("destination_s3_uri"))
            if block.get("enable_capture") is False:
                continue
            bucket = bucket_of(capture_uri)
            found = change.find(("aws_s3_bucket",), "bucket", bucket) if bucket else None
            region = change.region_of(found).value if found else UNKNOWN
            logs.append(DataLocation(region, LocationRole.LOG_DESTINATION, via=Via.SAGEMAKER_DATA_CAPTURE,
                                     target=found or (f"arn:aws:s3:::{bucket}" if bucket else None)))
    yield Store(kind=Kind.AI_INFERENCE, service=NAME, name=change.planned_name("name"),
                locations=(_processing(change, ENDPOINT), *logs),
                attributes={"data_capture_s3_uri": capture_uri}, evidence=(change.path("endpoint_config_name"),))


def plan_endpoint_configuration(change: Change) -> Iterator[Fact]:
    """Read through the endpoint that names it (:func:`plan_endpoint`)."""
    return iter(())


def plan_domain(change: Change) -> Iterator[Fact]:
    yield Store(kind=Kind.AI_INFERENCE, service=NAME, name=change.planned_name("domain_name"),
                locations=(_processing(change, DOMAIN),))


def plan_notebook(change: Change) -> Iterator[Fact]:
    yield Store(kind=Kind.AI_INFERENCE, service=NAME, name=change.planned_name("name"),
                locations=(_processing(change, NOTEBOOK),), attributes={"instance_type": change.text("instance_type")})


SERVICE = Service(
    name=NAME, operations=OPERATIONS, discover=discover, read=read,
    types=(TypeSpec(Kind.AI_INFERENCE, ENDPOINT, ("aws_sagemaker_endpoint", "aws_sagemaker_endpoint_configuration")),
           TypeSpec(Kind.AI_INFERENCE, TRAINING_JOB, not_in_plans="a training job is run (API, SDK), not declared"),
           TypeSpec(Kind.AI_INFERENCE, DOMAIN, ("aws_sagemaker_domain",)),
           TypeSpec(Kind.AI_INFERENCE, NOTEBOOK, ("aws_sagemaker_notebook_instance",))),
    plan={"aws_sagemaker_endpoint": plan_endpoint, "aws_sagemaker_endpoint_configuration": plan_endpoint_configuration,
          "aws_sagemaker_domain": plan_domain, "aws_sagemaker_notebook_instance": plan_notebook},
    vias=(Via.SAGEMAKER_ENDPOINT, Via.SAGEMAKER_DATA_CAPTURE, Via.SAGEMAKER_TRAINING,
          Via.SAGEMAKER_NOTEBOOK),
)
