"""Amazon S3 in a plan: buckets and what shapes them, in both provider styles.

Since provider v4 a bucket's replication, policy, ACL, public access block and encryption
are separate resources pointing at the bucket by name (``bucket = aws_s3_bucket.x.id``);
each is an :class:`Attach` to that bucket. Up to provider v3 (most plans of Terraform 0.12
to 1.x) they are blocks and arguments of the bucket itself: ``acl``, ``policy``, ``logging``,
``server_side_encryption_configuration`` and ``replication_configuration`` (``rules`` with a
``destination``) are read there too, with the same meaning.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.connectors.terraform.aws_policy import PolicyUnreadable, acl_grants, policy_grants
from auditor.connectors.terraform.facts import Attach, Change, Fact, Gap, KeyLink, Store, Target, arn_identity
from auditor.connectors.terraform.values import arn_parts, items, text
from auditor.model.inventory import DataLocation, KeyManager, LocationRole
from auditor.model.vocab import GapReason, GrantSource, Kind, Via

BUCKET = ("aws_s3_bucket",)
PUBLIC_ACCESS_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
DEFAULT_SSE = KeyLink(KeyManager.PROVIDER, key_id="SSE-S3", evidence="S3 encrypts new objects with SSE-S3 by default")


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
            access += policy_grants(policy_text, GrantSource.BUCKET_POLICY)
            evidence.append(change.path("policy"))
        except PolicyUnreadable as exc:
            yield Gap("s3", GapReason.UNREADABLE, str(exc))
    elif change.unknown("policy") and change.configured("policy"):
        yield Gap("s3", GapReason.UNKNOWN_AT_PLAN, "the bucket policy is only known at apply time")
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
    """Server access logs: logging is on, and the log bucket holds object keys of the logged one."""
    path = ("target_bucket",)
    name = change.text(*path)
    targets = change.refs(*path) or [t for t in [change.find(BUCKET, "bucket", name)] if t]
    region = change.region_of(targets[0]) if targets else change.region  # S3 delivers within the region
    location = DataLocation(
        region.value, LocationRole.LOG_DESTINATION, Via.S3_ACCESS_LOGGING, targets[0] if targets else name
    )
    yield Attach(
        bucket_target(change), locations=(location,), logging=True, evidence=(change.path(*path), region.evidence)
    )


def policy(change: Change) -> Iterator[Fact]:
    target = bucket_target(change)
    text_ = change.text("policy")
    if text_ is None:
        yield Gap("s3", GapReason.UNKNOWN_AT_PLAN, "the bucket policy is only known at apply time", target=target)
        return
    try:
        name = target.name
        grants = policy_grants(text_, GrantSource.BUCKET_POLICY,
                               resource_arns=(f"arn:aws:s3:::{name}",) if name else ())
    except PolicyUnreadable as exc:
        yield Gap("s3", GapReason.UNREADABLE, str(exc), target=target)
        return
    yield Attach(target, access=grants, evidence=(change.path("policy"),))


def acl(change: Change) -> Iterator[Fact]:
    if change.unknown("acl") or change.unknown("access_control_policy"):
        yield Gap("s3", GapReason.UNKNOWN_AT_PLAN, "the bucket ACL is only known at apply time",
                  target=bucket_target(change))
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


def kms_link(change: Change, path: tuple[str | int, ...], aws_managed: str) -> KeyLink:
    """The KMS key named at ``path``: a planned key (reference, ARN, alias) or an AWS-managed one."""
    where = change.path(*path)
    targets = change.refs(*path)
    key_id = change.text(*path)
    if key_id and key_id.startswith("alias/") and not key_id.startswith("alias/aws/"):
        alias = change.find(("aws_kms_alias",), "name", key_id)
        other = change.other(alias) if alias else None
        targets = targets or (other.refs("target_key_id") if other else [])
    if targets or (key_id and not key_id.startswith("alias/aws/")):
        identity = arn_identity(key_id) or (f"kms:{key_id}" if key_id else None)
        key = Target(addresses=tuple(targets), identity=identity, kind=Kind.KEY, service="kms", create=False)
        return KeyLink(
            KeyManager.CUSTOMER, key=key, key_id=key_id or targets[0], region=_arn_region(key_id), evidence=where
        )
    if change.unknown(*path) and change.configured(*path):
        return KeyLink(KeyManager.CUSTOMER, key_id=None, region=None, evidence=f"{where} (unknown until apply)")
    return KeyLink(KeyManager.PROVIDER, key_id=key_id or aws_managed, evidence=where)


def _arn_region(value: str | None) -> str | None:
    parts = arn_parts(value)
    return parts[2] or None if parts else None
