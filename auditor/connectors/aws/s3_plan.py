"""Amazon S3 in a plan: buckets and what shapes them, in both provider styles (``s3.SERVICE.plan``).

Since provider v4 a bucket's replication, policy, ACL, public access block and encryption
are separate resources pointing at the bucket by name (``bucket = aws_s3_bucket.x.id``);
each is an :class:`Attach` to that bucket. Up to provider v3 (most plans of Terraform 0.12
to 1.x) they are blocks and arguments of the bucket itself: ``acl``, ``policy``, ``logging``,
``server_side_encryption_configuration`` and ``replication_configuration`` (``rules`` with a
``destination``) are read there too, with the same meaning.

Bucket policies go through :mod:`auditor.connectors.aws.policy`, the interpreter the live scan uses,
so a planned and a deployed policy are judged alike (``NotPrincipal``, ``NotAction``, ``Deny``,
conditions). ACLs are the plan's own shapes (canned ACL names, ``access_control_policy`` blocks),
turned into the ``GetBucketAcl`` answer they would produce and read by the live scan's reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from auditor.connectors.aws import s3_access
from auditor.connectors.aws.plan import PolicyUnreadable, kms_link, policy_grants
from auditor.connectors.terraform.facts import Attach, Change, Fact, Gap, KeyLink, Store, Target, arn_identity
from auditor.connectors.terraform.values import arn_parts, items, text
from auditor.model.inventory import AccessGrant, DataLocation, GapAspect, KeyManager, LocationRole
from auditor.model.vocab import GapReason, GrantSource, Kind, Via

BUCKET = ("aws_s3_bucket",)
PUBLIC_ACCESS_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
DEFAULT_SSE = KeyLink(KeyManager.PROVIDER, key_id="SSE-S3", evidence="S3 encrypts new objects with SSE-S3 by default")

# What S3 answers to GetBucketAcl after each canned ACL (the owner's own grant left out):
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl (checked 2026-12-07).
CANNED_ACLS: dict[str, tuple[tuple[str, str], ...]] = {
    "public-read": ((s3_access.ALL_USERS, "READ"),),
    "public-read-write": ((s3_access.ALL_USERS, "READ"), (s3_access.ALL_USERS, "WRITE")),
    "authenticated-read": ((s3_access.AUTHENTICATED_USERS, "READ"),),
    "log-delivery-write": ((s3_access.LOG_DELIVERY, "WRITE"), (s3_access.LOG_DELIVERY, "READ_ACP")),
}


def acl_grants(canned: str | None, access_control_policy: Any) -> tuple[AccessGrant, ...]:
    """A planned ACL as the ``GetBucketAcl`` answer it would produce, judged by the live scan's reader."""
    grants: list[dict[str, Any]] = [{"Grantee": {"Type": "Group", "URI": uri}, "Permission": permission}
                                    for uri, permission in CANNED_ACLS.get(canned or "", ())]
    owner = None
    for block in access_control_policy if isinstance(access_control_policy, list) else []:
        if not isinstance(block, dict):
            continue
        for o in block.get("owner") or []:
            owner = o.get("id") if isinstance(o, dict) else owner
        for grant in block.get("grant") or []:
            if not isinstance(grant, dict):
                continue
            for grantee in grant.get("grantee") or []:
                if isinstance(grantee, dict):
                    grants.append({"Grantee": {"Type": grantee.get("type"), "URI": grantee.get("uri"),
                                               "ID": grantee.get("id"), "EmailAddress": grantee.get("email_address")},
                                   "Permission": grant.get("permission")})
    return tuple(s3_access.acl_grants({"Owner": {"ID": owner}, "Grants": grants}))


def bucket_target(change: Change, attribute: str = "bucket") -> Target:
    name = change.text(attribute)
    return Target(
        addresses=tuple(change.refs(attribute)),
        identity=f"s3:{name}" if name else None,
        kind=Kind.OBJECT_STORE,
        service="s3",
        name=name,
    )


def bucket(change: Change) -> Iterator[Fact]:
    name = change.text("bucket")
    arn = change.text("arn")
    identities = tuple(i for i in (f"s3:{name}" if name else None, arn_identity(arn)) if i)
    access = acl_grants(change.text("acl"), None)  # the v3-style inline ``acl`` argument
    inline_logging = bool(change.get("logging")) and not change.unknown("logging")  # v3-style inline block
    evidence = [change.path("bucket")]
    key = default_encryption(change, "server_side_encryption_configuration", 0)  # v3-style inline block
    locations, flows = replica_locations(change, ("replication_configuration", 0, "rules"), "account_id")
    evidence += flows
    policy_text = change.text("policy")  # the v3-style inline ``policy`` argument
    if policy_text:
        try:
            access += policy_grants(policy_text, GrantSource.BUCKET_POLICY,
                                    resource_arns=(f"arn:aws:s3:::{name}",) if name else ())
            evidence.append(change.path("policy"))
        except PolicyUnreadable as exc:
            yield Gap("s3", GapReason.UNREADABLE, str(exc), aspect=GapAspect.ACCESS)
    elif change.unknown("policy") and change.configured("policy"):
        yield Gap("s3", GapReason.UNKNOWN_AT_PLAN, "the bucket policy is only known at apply time",
                  aspect=GapAspect.ACCESS)
    yield Store(
        kind=Kind.OBJECT_STORE,
        service="s3",
        name=change.planned_name("bucket", "bucket_prefix"),
        key=key or DEFAULT_SSE,
        locations=locations,
        access=access,
        logging=True if inline_logging else change.new_logging(),
        identities=identities,
        attributes={"force_destroy": change.get("force_destroy")} if change.get("force_destroy") is not None else {},
        evidence=tuple(evidence),
    )


def replication(change: Change) -> Iterator[Fact]:
    locations, evidence = replica_locations(change, ("rule",), "account")
    if locations:
        yield Attach(bucket_target(change), locations=locations, evidence=evidence)


def replica_locations(
    change: Change, rules: tuple[str | int, ...], account_key: str
) -> tuple[tuple[DataLocation, ...], tuple[str, ...]]:
    """Where enabled replication rules copy objects: ``rule`` of the v4 resource, ``rules`` of the
    v3 inline block (whose destination names the account ``account_id``, not ``account``)."""
    locations: list[DataLocation] = []
    evidence: list[str] = []
    for i, rule in items(change.get(*rules)):
        if rule.get("status") == "Disabled" and not change.unknown(*rules, i, "status"):
            continue
        for j, destination in items(rule.get("destination")):
            path = (*rules, i, "destination", j, "bucket")
            arn = change.text(*path)
            targets = change.refs(*path)
            if not targets and arn:
                parts = arn_parts(arn)
                found = change.find(BUCKET, "bucket", parts[4]) if parts else None
                targets = [found] if found else []
            region = change.resolver.region_of_arn_or_target(arn, targets)
            locations.append(
                DataLocation(
                    region=region.value,
                    role=LocationRole.REPLICA,
                    via=Via.S3_REPLICATION,
                    target=targets[0] if targets else arn,
                    account=text(destination.get(account_key)),
                )
            )
            evidence += [change.path(*path), region.evidence]
    return tuple(locations), tuple(evidence)


def logging(change: Change) -> Iterator[Fact]:
    """Server access logs: logging is on; a log bucket in another region is a log destination (it holds
    object keys of the logged one), as in the live scan (``s3._logging``): one in the same region is not."""
    path = ("target_bucket",)
    name = change.text(*path)
    targets = change.refs(*path) or [t for t in [change.find(BUCKET, "bucket", name)] if t]
    region = change.region_of(targets[0]) if targets else change.region  # S3 delivers within the region
    logged = bucket_target(change)
    home = change.region_of(logged.addresses[0]) if logged.addresses else change.region
    where = targets[0] if targets else name
    locations = () if region.value == home.value else (
        DataLocation(region.value, LocationRole.LOG_DESTINATION, Via.S3_ACCESS_LOGGING, where),
    )
    yield Attach(logged, locations=locations, logging=True, evidence=(change.path(*path), region.evidence))


def policy(change: Change) -> Iterator[Fact]:
    target = bucket_target(change)
    text_ = change.text("policy")
    if text_ is None:
        yield Gap("s3", GapReason.UNKNOWN_AT_PLAN, "the bucket policy is only known at apply time", target=target,
                  aspect=GapAspect.ACCESS)
        return
    try:
        name = target.name
        grants = policy_grants(text_, GrantSource.BUCKET_POLICY,
                               resource_arns=(f"arn:aws:s3:::{name}",) if name else ())
    except PolicyUnreadable as exc:
        yield Gap("s3", GapReason.UNREADABLE, str(exc), target=target, aspect=GapAspect.ACCESS)
        return
    yield Attach(target, access=grants, evidence=(change.path("policy"),))


def acl(change: Change) -> Iterator[Fact]:
    if change.unknown("acl") or change.unknown("access_control_policy"):
        yield Gap("s3", GapReason.UNKNOWN_AT_PLAN, "the bucket ACL is only known at apply time",
                  target=bucket_target(change), aspect=GapAspect.ACCESS)
        return
    grants = acl_grants(change.text("acl"), change.get("access_control_policy"))
    yield Attach(bucket_target(change), access=grants, evidence=(change.path("acl"),))


def public_access_block(change: Change) -> Iterator[Fact]:
    flags = {flag: change.get(flag) is True and not change.unknown(flag) for flag in PUBLIC_ACCESS_FLAGS}
    yield Attach(bucket_target(change), attributes={"public_access_block": flags}, evidence=(change.path(),))


def encryption(change: Change) -> Iterator[Fact]:
    link = default_encryption(change)
    if link is not None:
        yield Attach(bucket_target(change), key=link, evidence=(link.evidence or change.path(),))


def default_encryption(change: Change, *prefix: str | int) -> KeyLink | None:
    """The default-encryption rule under ``prefix`` (the v4 resource, or the v3 inline block), if any."""
    for i, rule in items(change.get(*prefix, "rule")):
        for j, default in items(rule.get("apply_server_side_encryption_by_default")):
            path = (*prefix, "rule", i, "apply_server_side_encryption_by_default", j)
            algorithm = text(default.get("sse_algorithm"))
            if algorithm == "AES256":
                return KeyLink(KeyManager.PROVIDER, key_id="SSE-S3", evidence=change.path(*path, "sse_algorithm"))
            if algorithm is None and change.unknown(*path, "sse_algorithm"):
                return KeyLink(KeyManager.UNKNOWN, evidence=change.path(*path, "sse_algorithm"))
            return kms_link(change, (*path, "kms_master_key_id"), aws_managed="aws/s3")
    return None
