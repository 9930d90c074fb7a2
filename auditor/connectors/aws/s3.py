"""S3: every bucket's real region and tags (cheap), then residency and access for those in scope.

Listing (every bucket of every account): ``ListBuckets`` with ``MaxBuckets`` (AWS gives each
bucket's ``BucketRegion`` only when the request has a parameter: then no location call); an
endpoint that omits it is asked once per enabled region with the ``BucketRegion`` filter, and
only what that leaves undecided costs a ``GetBucketLocation`` (``null`` is us-east-1, ``EU`` is
eu-west-1); tags in bulk
(:mod:`tagging`, ``GetBucketTagging`` as the fallback). Buckets are listed globally: one outside
the configured regions is still reported, since that is exactly what residency is about.

Deep reads (in-scope buckets, and the replica destinations they point to): replication rules
(destination region read from the destination bucket itself), bucket policy, policy status,
ACL, bucket + account Block Public Access, default encryption (the KMS key is resolved by
:mod:`kms`), access logging, and the Multi-Region Access Points the bucket belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from auditor.connectors.aws import gaps, policy, s3_access, s3_account, s3_plan, tagging
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, KeyLookup, Read, Service, listing_resource
from auditor.connectors.aws.session import Account
from auditor.connectors.spec import TypeSpec
from auditor.model.inventory import DataLocation, GapAspect, KeyManager, KeyRef, LocationRole, Network, Permission
from auditor.model.vocab import GrantSource, Kind, Via

OPERATIONS = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketLocation": "s3:GetBucketLocation",
    "s3:HeadBucket": "s3:ListBucket",
    "s3:GetBucketTagging": "s3:GetBucketTagging",
    "s3:GetBucketReplication": "s3:GetReplicationConfiguration",
    "s3:GetBucketPolicy": "s3:GetBucketPolicy",
    "s3:GetBucketPolicyStatus": "s3:GetBucketPolicyStatus",
    "s3:GetBucketAcl": "s3:GetBucketAcl",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetBucketLogging": "s3:GetBucketLogging",
    **s3_account.OPERATIONS,
    **tagging.OPERATIONS,
}
KIND, NATIVE = Kind.OBJECT_STORE, "AWS::S3::Bucket"
UNKNOWN = "unknown"
_INDEX = "s3.index"
LIST_PAGE = 10_000  # ListBuckets' MaxBuckets: its largest page


def normalise_location(constraint: str | None, partition: str = "aws") -> str:
    """A ``LocationConstraint`` as a region code (``None``/``""``: us-east-1; ``EU``: eu-west-1)."""
    if not constraint:
        return "us-east-1" if partition == "aws" else UNKNOWN
    return "eu-west-1" if constraint == "EU" else constraint


def discover(scan: Scan) -> list[Found]:
    # AWS puts BucketRegion in the listing only when the request has a parameter: MaxBuckets (paged) saves
    # a GetBucketLocation per bucket.
    listed = scan.map(lambda a: scan.pages(a, a.home_region, "s3", "ListBuckets", "Buckets",
                                           PaginationConfig={"PageSize": LIST_PAGE}), scan.accounts)
    entries = [(a, b) for a, buckets in zip(scan.accounts, listed, strict=True) for b in buckets or ()]
    region: dict[str, str] = {str(b["Name"]): str(b["BucketRegion"]) for _, b in entries if b.get("BucketRegion")}
    unplaced = [(a, b) for a, b in entries if not b.get("BucketRegion")]
    unnamed: dict[str, set[str]] = {}
    for a, b in unplaced:
        unnamed.setdefault(a.id, set()).add(str(b["Name"]))
    region.update(_filtered(scan, {a.id: a for a, _ in unplaced}, unnamed))
    need = [(a, b) for a, b in unplaced if str(b["Name"]) not in region]
    located = scan.map(lambda e: _location(scan, e[0], str(e[1]["Name"])), need)
    region.update({str(b["Name"]): r for (_, b), r in zip(need, located, strict=True)})
    by_call = {str(b["Name"]) for _, b in need}
    placed: dict[tuple[str, str], list[str]] = {}
    for a, b in entries:
        placed.setdefault((a.id, region[str(b["Name"])]), []).append(_arn(a.partition, str(b["Name"])))
    by_hand: set[str] = set()

    def one_by_one(account: Account, arn: str) -> dict[str, str] | None:
        by_hand.add(arn)
        return _bucket_tags(scan, account, arn, region.get(arn.rpartition(":")[2], UNKNOWN))

    tags = tagging.bulk_tags(scan, placed, "s3", one_by_one)
    found: list[Found] = []
    for a, b in entries:
        name = str(b["Name"])
        arn = _arn(a.partition, name)
        evidence = ("s3:ListBuckets",
                    *(("s3:GetBucketLocation",) if name in by_call else ()),
                    "s3:GetBucketTagging" if arn in by_hand else "resourcegroupstaggingapi:GetResources")
        created = b.get("CreationDate")
        facts: dict[str, Any] = {"creation_date": created.isoformat() if hasattr(created, "isoformat") else created}
        if tags.get(arn) is None:
            facts["tags_unreadable"] = True
        found.append(Found(arn=arn, service="s3", kind=KIND, native_type=NATIVE, name=name, account=a.id,
                           region=region[name], tags=tags.get(arn) or {}, evidence=evidence, facts=facts))
    scan.shared[_INDEX] = {f.name: f for f in found}
    return found


def _filtered(scan: Scan, accounts: dict[str, Account], names: dict[str, set[str]]) -> dict[str, str]:
    """Regions of buckets the listing gave without one, from ``ListBuckets`` filtered by ``BucketRegion``.

    An endpoint that lists buckets without their region (an emulator) may still honour the region filter:
    one listing per enabled region, sent to that region's endpoint as AWS requires, instead of one
    ``GetBucketLocation`` per bucket. An account's listings are trusted only when one of them left out
    some of its buckets (an endpoint ignoring the filter lists them all every time: with one region
    scanned, it would put every bucket there); a name is then placed only when exactly one region's
    listing has it. A listing that fails, or anything not placed so, is left to ``GetBucketLocation``.
    """
    pairs = [(accounts[a], r) for a in names for r in accounts[a].regions]
    listed = scan.map(lambda p: scan.pages(p[0], p[1], "s3", "ListBuckets", "Buckets", record=False, BucketRegion=p[1],
                                           PaginationConfig={"PageSize": LIST_PAGE}), pairs)
    seen: dict[str, dict[str, list[str]]] = {a: {} for a in names}
    filtering: set[str] = set()
    for (account, r), buckets in zip(pairs, listed, strict=True):
        if buckets is None:
            continue
        here = {str(b.get("Name")) for b in buckets} & names[account.id]
        if here != names[account.id]:
            filtering.add(account.id)
        for name in here:
            seen[account.id].setdefault(name, []).append(r)
    return {name: where[0] for a in filtering for name, where in seen[a].items() if len(where) == 1}


def _arn(partition: str, name: str) -> str:
    return f"arn:{partition}:s3:::{name}"


def _location(scan: Scan, account: Account, name: str) -> str:
    answer = scan.call(account, account.home_region, "s3", "GetBucketLocation", Bucket=name,
                       resource=_arn(account.partition, name))
    return UNKNOWN if answer is None else normalise_location(answer.get("LocationConstraint"), account.partition)


def _bucket_tags(scan: Scan, account: Account, arn: str, region: str) -> dict[str, str] | None:
    name = arn.rpartition(":")[2]
    answer = scan.call(account, region if region != UNKNOWN else account.home_region, "s3", "GetBucketTagging",
                       Bucket=name, resource=arn, absent=("NoSuchTagSet",))
    if answer is None:
        return None
    return {str(t["Key"]): str(t.get("Value", "")) for t in answer.get("TagSet", [])}


@dataclass(frozen=True, slots=True)
class Where:
    region: str
    account: str | None
    listed: bool  # one of the scanned buckets (then it is read deeply as a copy holder)


def where(scan: Scan, account: Account, name: str) -> Where:
    """Region and account of any bucket: from the listing, else from ``HeadBucket``'s region header."""
    found = scan.shared.get(_INDEX, {}).get(name)
    if found is not None:
        return Where(found.region, found.account, True)
    return scan.once(("s3.head", name), lambda: _head(scan, account, name))


def listed_region_in(scan: Scan, name: str) -> str | None:
    found = scan.shared.get(_INDEX, {}).get(name)
    return None if found is None else str(found.region)


def _head(scan: Scan, account: Account, name: str) -> Where:
    arn = _arn(account.partition, name)
    try:
        answer = scan.client(account, "s3", account.home_region).head_bucket(Bucket=name)
        headers = answer.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    except ClientError as exc:  # a foreign bucket answers 403 but still names its region
        headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        if not headers.get("x-amz-bucket-region"):
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            scan.gap("s3", gaps.ACCESS_DENIED if status == 403 else gaps.ERROR,
                     f"s3:HeadBucket {name}: its region could not be determined (HTTP {status})",
                     account=account.id, resource=arn, aspect=GapAspect.LOCATION)
    except gaps.SDK_ERRORS as exc:
        scan.gap_from(exc, "s3:HeadBucket", account=account.id, region=account.home_region, resource=arn)
        headers = {}
    return Where(str(headers.get("x-amz-bucket-region") or UNKNOWN), None, False)


def read(scan: Scan, found: Found, deep: bool) -> Read:
    if not deep:
        return Read(listing_resource(found, scan.organization))
    account = scan.account(found.account)
    assert account is not None, "a listed bucket always belongs to a scanned account"
    region = found.region if found.region != UNKNOWN else account.home_region
    evidence = list(found.evidence)

    def get(operation: str, *absent: str) -> dict[str, Any] | None:
        evidence.append(f"s3:{operation}")
        return scan.call(account, region, "s3", operation, Bucket=found.name, resource=found.arn, absent=absent)

    replication = get("GetBucketReplication", "ReplicationConfigurationNotFoundError")
    pol = get("GetBucketPolicy", "NoSuchBucketPolicy")
    status = None if pol is None else get("GetBucketPolicyStatus", "NoSuchBucketPolicy") if pol.get("Policy") else {}
    acl = get("GetBucketAcl")
    bucket_bpa = get("GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration")
    encryption = get("GetBucketEncryption", "ServerSideEncryptionConfigurationNotFoundError")
    logging = get("GetBucketLogging")
    controls = s3_account.controls(scan, account)
    evidence += ["s3control:GetPublicAccessBlock", "s3control:ListMultiRegionAccessPoints",
                 "cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors"]

    locations, copies, rules = _replication(scan, account, found, replication)
    bucket_flags = s3_access.bpa_flags(bucket_bpa)
    bpa = s3_access.effective_bpa(bucket_flags, controls.bpa)
    grants = _policy_grants(scan, found, pol)
    exposure = s3_access.exposure(found.account, grants, None if acl is None else s3_access.acl_grants(acl),
                                  None if status is None else bool((status.get("PolicyStatus") or {}).get("IsPublic")),
                                  bpa)
    keyref, lookup = _encryption(found, account, encryption)
    log_on, log_attrs = _logging(scan, account, found, logging, locations)
    if log_on is False:  # no server access logs: a trail may still record the object reads
        trails = controls.trails_recording(found.name, found.region, account.partition)
        log_on = None if trails is None else bool(trails)
        log_attrs["cloudtrail_data_events"] = trails
    attributes: dict[str, Any] = {
        "depth": "deep", **found.facts, **exposure.facts, **log_attrs,
        "public_access_block": {"bucket": bucket_flags, "account": controls.bpa, "effective": bpa},
        "replication_rules": rules,
        "encryption": _encryption_facts(encryption),
        "multi_region_access_points": None if controls.mraps is None else controls.mraps_of(
            found.name, lambda name: listed_region_in(scan, name)),
    }
    if acl is not None:
        attributes["acl"] = s3_access.acl_summary(acl)
    resource = listing_resource(
        found, scan.organization, locations=tuple(dict.fromkeys(locations)), encryption=keyref,
        access=exposure.grants, network=Network(public_endpoint=exposure.public), logging=log_on,
        attributes=attributes, evidence=tuple(dict.fromkeys(evidence)))
    return Read(resource, key=lookup, copies=tuple(dict.fromkeys(copies)))


def _replication(scan: Scan, account: Account, found: Found, answer: dict[str, Any] | None
                 ) -> tuple[list[DataLocation], list[str], list[dict[str, Any]]]:
    """Locations (primary + enabled replicas), listed buckets holding copies, and the rules as facts."""
    locations = [DataLocation(found.region)]
    copies: list[str] = []
    rules = []
    for rule in ((answer or {}).get("ReplicationConfiguration") or {}).get("Rules") or []:
        dest = rule.get("Destination") or {}
        dest_arn = str(dest.get("Bucket", ""))
        there = where(scan, account, dest_arn.rpartition(":")[2])  # the ARN names no region: ask the bucket
        dest_account = dest.get("Account") or there.account
        rules.append({"id": rule.get("ID"), "status": rule.get("Status"), "destination": dest_arn,
                      "destination_region": there.region, "destination_account": dest_account})
        if rule.get("Status") == "Enabled":
            locations.append(DataLocation(there.region, LocationRole.REPLICA, via=Via.S3_REPLICATION, target=dest_arn,
                                          account=dest_account))
            if there.listed:
                copies.append(dest_arn)
    return locations, copies, rules


def _policy_grants(scan: Scan, found: Found, answer: dict[str, Any] | None) -> list[Any] | None:
    if answer is None:
        return None
    if not answer.get("Policy"):
        return []
    try:
        return policy.grants(str(answer["Policy"]), service="s3", source=GrantSource.BUCKET_POLICY,
                             resource_arns=(found.arn,))
    except ValueError as exc:
        scan.gap("s3", gaps.ERROR, f"s3:GetBucketPolicy: unreadable policy document ({exc})",
                 account=found.account, region=found.region, resource=found.arn, aspect=GapAspect.ACCESS)
        return None


def _default_encryption(answer: dict[str, Any]) -> dict[str, Any]:
    rules = (answer.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    return (rules[0].get("ApplyServerSideEncryptionByDefault") or {}) if rules else {}


def _encryption_facts(answer: dict[str, Any] | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    default = _default_encryption(answer)
    if not default.get("SSEAlgorithm"):
        return {"algorithm": "AES256", "kms_key": None, "source": "S3 default (SSE-S3 since 2023-01-05)"}
    return {"algorithm": default.get("SSEAlgorithm"), "kms_key": default.get("KMSMasterKeyID")}


def _encryption(found: Found, account: Account, answer: dict[str, Any] | None) -> tuple[KeyRef, KeyLookup | None]:
    if answer is None:
        return KeyRef(KeyManager.UNKNOWN, region=found.region), None
    default = _default_encryption(answer)
    algorithm = default.get("SSEAlgorithm")
    if not algorithm:
        # No explicit default encryption: since 5 January 2023 S3 applies SSE-S3 to every bucket
        # (docs/provider-defaults.md), so the bucket is encrypted with a key AWS holds.
        return KeyRef(KeyManager.PROVIDER, None, found.region, "AWS_OWNED", (DataLocation(found.region),)), None
    if algorithm == "AES256":
        return KeyRef(KeyManager.PROVIDER, None, found.region, "AWS_OWNED", (DataLocation(found.region),)), None
    key = str(default.get("KMSMasterKeyID") or "alias/aws/s3")
    region = found.region if found.region != UNKNOWN else account.home_region
    return KeyRef(KeyManager.UNKNOWN, key, found.region), KeyLookup(account.id, region, key)


def _logging(scan: Scan, account: Account, found: Found, answer: dict[str, Any] | None,
             locations: list[DataLocation]) -> tuple[bool | None, dict[str, Any]]:
    if answer is None:
        return None, {}
    enabled = answer.get("LoggingEnabled") or {}
    target = enabled.get("TargetBucket")
    if not target:
        return False, {"log_target": None}
    there = where(scan, account, str(target))
    target_arn = _arn(account.partition, str(target))
    if there.region != found.region:  # server access logs (object keys, requesters) leave the region
        locations.append(DataLocation(there.region, LocationRole.LOG_DESTINATION, via=Via.S3_ACCESS_LOGGING,
                                      target=target_arn, account=there.account))
    return True, {"log_target": {"bucket": target_arn, "prefix": enabled.get("TargetPrefix"),
                                 "region": there.region, "account": there.account}}


SERVICE = Service(
    name="s3", operations=OPERATIONS, discover=discover, read=read,
    types=(TypeSpec(KIND, NATIVE, terraform=("aws_s3_bucket",)),),
    plan={
        "aws_s3_bucket": s3_plan.bucket,
        "aws_s3_bucket_replication_configuration": s3_plan.replication,
        "aws_s3_bucket_policy": s3_plan.policy,
        "aws_s3_bucket_logging": s3_plan.logging,
        "aws_s3_bucket_acl": s3_plan.acl,
        "aws_s3_bucket_public_access_block": s3_plan.public_access_block,
        "aws_s3_bucket_server_side_encryption_configuration": s3_plan.encryption,
    },
    probes={"s3": {
        Permission.READ: ("s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"),
        Permission.WRITE: ("s3:PutObject", "s3:DeleteObject", "s3:ReplicateObject"),
        Permission.ADMIN: ("s3:PutBucketPolicy", "s3:PutBucketAcl", "s3:DeleteBucket"),
    }},
    backup=True,
    vias=(Via.S3_REPLICATION, Via.S3_ACCESS_LOGGING),
)
