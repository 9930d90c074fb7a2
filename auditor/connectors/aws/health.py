"""AWS HealthLake FHIR data stores and AWS HealthImaging data stores: health data by nature.

Both services exist in a few regions only; they are asked there alone (botocore's endpoint data for
HealthLake; AWS's endpoint list for HealthImaging, whose botocore model has endpoint rules only:
https://docs.aws.amazon.com/general/latest/gr/healthimaging.html).

Listing: ``ListFHIRDatastores`` (HealthLake) and ``ListDatastores`` (HealthImaging) per account and
region. The kind ``health-api`` and the native types ``AWS::HealthLake::FHIRDatastore`` /
``AWS::HealthImaging::Datastore`` make the classification put them in scope whatever their tags.

Deep reads: tags (``ListTagsForResource``), the key (HealthLake ``SseConfiguration``: an AWS owned key
or a customer-managed KMS key; HealthImaging ``GetDatastore`` -> ``kmsKeyArn``, AWS owned when
absent) and, for HealthLake, the SMART on FHIR identity provider (who issues the tokens that read
the data) as facts. Neither service replicates a data store to another region.
"""

from __future__ import annotations

from typing import Any

from auditor.connectors.aws import regional
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, KeyLookup, Read, Service, listing_resource
from auditor.connectors.aws.session import Account
from auditor.connectors.spec import TypeSpec
from auditor.model.inventory import KeyManager, KeyRef
from auditor.model.vocab import Kind

OPERATIONS = {
    "healthlake:ListFHIRDatastores": "healthlake:ListFHIRDatastores",
    "healthlake:ListTagsForResource": "healthlake:ListTagsForResource",
    "medical-imaging:ListDatastores": "medical-imaging:ListDatastores",
    "medical-imaging:GetDatastore": "medical-imaging:GetDatastore",
    "medical-imaging:ListTagsForResource": "medical-imaging:ListTagsForResource",
}
KIND = Kind.HEALTH_API
FHIR, IMAGING = "AWS::HealthLake::FHIRDatastore", "AWS::HealthImaging::Datastore"
IMAGING_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")
_RAW = "health.raw"


def _fhir_stores(scan: Scan, account: Account, region: str) -> list[Any] | None:
    """``ListFHIRDatastores`` page after page (botocore has no paginator for it)."""
    items: list[Any] = []
    token = None
    while True:
        params: dict[str, str] = {"NextToken": token} if token else {}
        answer = scan.call(account, region, "healthlake", "ListFHIRDatastores", **params)
        if answer is None:
            return None
        items += answer.get("DatastorePropertiesList") or []
        token = answer.get("NextToken")
        if not token:
            return items


def discover(scan: Scan) -> list[Found]:
    fhir = regional.per_region(scan, lambda a, r: _fhir_stores(scan, a, r), only=regional.sparse("healthlake"))
    imaging = regional.per_region(
        scan, lambda a, r: scan.pages(a, r, "medical-imaging", "ListDatastores", "datastoreSummaries"),
        only=regional.sparse("medical-imaging", IMAGING_REGIONS))
    raw: dict[str, dict[str, Any]] = {}
    found = []
    for account, region, stores in fhir:
        for s in stores or ():
            arn = str(s["DatastoreArn"])
            raw[arn] = s
            found.append(Found(arn=arn, service="health", kind=KIND, native_type=FHIR,
                               name=str(s.get("DatastoreName") or s["DatastoreId"]), account=account.id, region=region,
                               evidence=("healthlake:ListFHIRDatastores",),
                               facts={"datastore_id": s.get("DatastoreId"), "status": s.get("DatastoreStatus"),
                                      "fhir_version": s.get("DatastoreTypeVersion"),
                                      "endpoint": s.get("DatastoreEndpoint")}))
    for account, region, stores in imaging:
        for s in stores or ():
            arn = str(s["datastoreArn"])
            raw[arn] = s
            found.append(Found(arn=arn, service="health", kind=KIND, native_type=IMAGING,
                               name=str(s.get("datastoreName") or s["datastoreId"]), account=account.id,
                               region=region, evidence=("medical-imaging:ListDatastores",),
                               facts={"datastore_id": s.get("datastoreId"), "status": s.get("datastoreStatus")}))
    scan.shared[_RAW] = raw
    return found


def _service(found: Found) -> str:
    return "healthlake" if found.native_type == FHIR else "medical-imaging"


def read(scan: Scan, found: Found, deep: bool) -> Read:
    if not deep:  # only with classification rules that replace the shipped ones
        return Read(listing_resource(found, scan.organization, service=_service(found)))
    account = scan.account(found.account)
    assert account is not None, "a listed data store always belongs to a scanned account"
    raw = scan.shared[_RAW][found.arn]
    if found.native_type == FHIR:
        return _fhir(scan, account, found, raw)
    return _imaging(scan, account, found)


def _fhir(scan: Scan, account: Account, found: Found, raw: dict[str, Any]) -> Read:
    tags = scan.call(account, found.region, "healthlake", "ListTagsForResource", resource=found.arn,
                     ResourceARN=found.arn)
    kms = (raw.get("SseConfiguration") or {}).get("KmsEncryptionConfig") or {}
    lookup = None
    if kms.get("CmkType") == "CUSTOMER_MANAGED_KMS_KEY" and kms.get("KmsKeyId"):
        keyref = KeyRef(KeyManager.UNKNOWN, str(kms["KmsKeyId"]), found.region)
        lookup = KeyLookup(account.id, found.region, str(kms["KmsKeyId"]))
    elif kms.get("CmkType") == "AWS_OWNED_KMS_KEY" or not kms:
        keyref = regional.aws_owned(found.region)
    else:
        keyref = KeyRef(KeyManager.UNKNOWN, region=found.region)
    idp = raw.get("IdentityProviderConfiguration") or {}
    resource = listing_resource(
        found, scan.organization, service="healthlake",
        tags=regional.tag_map((tags or {}).get("Tags")) or dict(found.tags),
        encryption=keyref, evidence=(*found.evidence, "healthlake:ListTagsForResource"),
        attributes={"depth": "deep", **found.facts, **({"tags_unreadable": True} if tags is None else {}),
                    "authorization_strategy": idp.get("AuthorizationStrategy"),
                    "identity_provider_lambda": idp.get("IdpLambdaArn")})
    return Read(resource, key=lookup)


def _imaging(scan: Scan, account: Account, found: Found) -> Read:
    ident = found.facts.get("datastore_id")
    props = scan.call(account, found.region, "medical-imaging", "GetDatastore", resource=found.arn,
                      datastoreId=ident)
    tags = scan.call(account, found.region, "medical-imaging", "ListTagsForResource", resource=found.arn,
                     resourceArn=found.arn)
    store = (props or {}).get("datastoreProperties") or {}
    lookup = None
    if props is None:
        keyref = KeyRef(KeyManager.UNKNOWN, region=found.region)
    elif store.get("kmsKeyArn"):
        keyref = KeyRef(KeyManager.UNKNOWN, str(store["kmsKeyArn"]), found.region)
        lookup = KeyLookup(account.id, found.region, str(store["kmsKeyArn"]))
    else:
        keyref = regional.aws_owned(found.region)
    resource = listing_resource(
        found, scan.organization, service="medical-imaging",
        tags=regional.tag_map((tags or {}).get("tags")) or dict(found.tags),
        encryption=keyref,
        evidence=(*found.evidence, "medical-imaging:GetDatastore", "medical-imaging:ListTagsForResource"),
        attributes={"depth": "deep", **found.facts, **({"tags_unreadable": True} if tags is None else {}),
                    "lambda_authorizer": store.get("lambdaAuthorizerArn")})
    return Read(resource, key=lookup)


SERVICE = Service(
    name="health", operations=OPERATIONS, discover=discover, read=read,
    types=(TypeSpec(KIND, FHIR, not_in_plans="the Terraform AWS provider has no resource for HealthLake data stores"),
           TypeSpec(KIND, IMAGING, not_in_plans=(
               "the Terraform AWS provider has no resource for HealthImaging data stores"))),
)
