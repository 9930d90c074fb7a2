"""KMS: the keys that encrypt in-scope stores, where their material lives, and who else may use them.

Keys are resolved once each (``DescribeKey`` in the key's own region, ``GetKeyPolicy`` for
customer-managed keys) and become two things:

* the store's ``KeyRef``: manager (AWS-managed -> ``provider``; customer-managed by origin:
  ``AWS_KMS`` -> ``customer``, ``EXTERNAL``/``EXTERNAL_KEY_STORE`` -> ``external``,
  ``AWS_CLOUDHSM`` -> ``hsm``), region, origin, and ``locations`` (primary + every multi-Region
  replica);
* for customer-managed keys, a Resource of kind ``key`` (id = key ARN) carrying the key-policy
  grants to principals outside the key's account (``source=GrantSource.KEY_POLICY``) and, in
  ``attributes["protects"]``, the stores it encrypts. A key-policy grant is not a grant on the
  data (decrypting needs the data too), so it is kept on the key, not copied onto the store.

With ``scope: all`` every key of every scanned region is listed as well (``ListKeys``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from auditor.connectors.aws import plan, policy
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, KeyLookup, Read, Service
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, Store, Target
from auditor.model.inventory import (
    AccessGrant,
    DataLocation,
    GapAspect,
    KeyManager,
    KeyRef,
    LocationRole,
    Permission,
    Resource,
)
from auditor.model.vocab import GapReason, GrantSource, Kind, Via

OPERATIONS = {
    "kms:DescribeKey": "kms:DescribeKey",
    "kms:GetKeyPolicy": "kms:GetKeyPolicy",
    "kms:ListKeys": "kms:ListKeys",
}
ORIGINS = {
    "AWS_KMS": KeyManager.CUSTOMER,
    "EXTERNAL": KeyManager.EXTERNAL,
    "EXTERNAL_KEY_STORE": KeyManager.EXTERNAL,
    "AWS_CLOUDHSM": KeyManager.HSM,
}


@dataclass(frozen=True, slots=True)
class Resolved:
    key: KeyRef
    resource: Resource | None  # customer-managed keys only


def _where(lookup: KeyLookup) -> tuple[str, str]:
    """(account, region) of the key: from its ARN when it is one, else the store's own."""
    if lookup.key_id.startswith("arn:"):
        parts = lookup.key_id.split(":")
        if len(parts) >= 6 and parts[3] and parts[4]:
            return parts[4], parts[3]
    return lookup.account, lookup.region


def resolve(scan: Scan, lookups: Iterable[KeyLookup]) -> dict[KeyLookup, Resolved]:
    todo = list(dict.fromkeys(lookups))
    return dict(zip(todo, scan.map(lambda lk: describe(scan, lk), todo), strict=True))


def describe(scan: Scan, lookup: KeyLookup) -> Resolved:
    key_account, region = _where(lookup)
    # A key in another scanned account is asked with that account's credentials; a foreign key
    # with the store's (the key policy decides whether we may see it).
    account = scan.account(key_account) or scan.account(lookup.account)
    assert account is not None
    # Stores of several accounts naming one key by its ARN ask the same question: asked once per scan.
    return scan.once(("kms.describe", account.id, region, lookup.key_id),
                     lambda: _describe(scan, account, region, key_account, lookup))


def _describe(scan: Scan, account: Any, region: str, key_account: str, lookup: KeyLookup) -> Resolved:
    answer = scan.call(account, region, "kms", "DescribeKey", KeyId=lookup.key_id, resource=lookup.key_id)
    if answer is None:
        return Resolved(KeyRef(KeyManager.UNKNOWN, lookup.key_id, region), None)
    meta = answer.get("KeyMetadata") or {}
    arn = str(meta.get("Arn") or lookup.key_id)
    origin = str(meta.get("Origin") or "AWS_KMS")
    aws_managed = meta.get("KeyManager") == "AWS"
    manager = KeyManager.PROVIDER if aws_managed else ORIGINS.get(origin, KeyManager.UNKNOWN)
    key = KeyRef(manager, arn, region, origin, _locations(meta, region))
    if aws_managed:
        return Resolved(key, None)
    owner = arn.split(":")[4] if arn.count(":") >= 5 else key_account
    grants, evidence = _outside_grants(scan, account, region, arn, owner)
    resource = Resource(
        id=arn, provider="aws", account=owner, service="kms", kind=Kind.KEY, native_type="AWS::KMS::Key",
        name=str(meta.get("KeyId") or arn), region=region, organization=scan.organization,
        locations=key.locations, access=grants, evidence=("kms:DescribeKey", *evidence),
        attributes={
            "depth": "deep", "origin": origin, "key_manager": meta.get("KeyManager"),
            "key_state": meta.get("KeyState"), "key_spec": meta.get("KeySpec") or meta.get("CustomerMasterKeySpec"),
            "multi_region": bool(meta.get("MultiRegion", False)),
            "multi_region_key_type": (meta.get("MultiRegionConfiguration") or {}).get("MultiRegionKeyType"),
            "custom_key_store_id": meta.get("CustomKeyStoreId"), "protects": [],
        },
    )
    return Resolved(key, resource)


def _locations(meta: dict[str, Any], region: str) -> tuple[DataLocation, ...]:
    config = meta.get("MultiRegionConfiguration") or {}
    if not meta.get("MultiRegion") or not config:
        return (DataLocation(region),)
    primary = config.get("PrimaryKey") or {}
    out = [DataLocation(str(primary.get("Region") or region), LocationRole.PRIMARY, via=Via.KMS_MULTI_REGION,
                        target=primary.get("Arn"))]
    out += [DataLocation(str(r.get("Region")), LocationRole.REPLICA, via=Via.KMS_MULTI_REGION, target=r.get("Arn"))
            for r in config.get("ReplicaKeys") or []]
    return tuple(out)


def _outside_grants(scan: Scan, account: Any, region: str, arn: str, owner: str
                    ) -> tuple[tuple[AccessGrant, ...], tuple[str, ...]]:
    answer = scan.call(account, region, "kms", "GetKeyPolicy", KeyId=arn, PolicyName="default", resource=arn)
    if not answer or not answer.get("Policy"):
        return (), ("kms:GetKeyPolicy",)
    try:
        grants = policy.grants(str(answer["Policy"]), service="kms", source=GrantSource.KEY_POLICY,
                               resource_arns=(arn,))
    except ValueError as exc:
        scan.gap("kms", GapReason.ERROR, f"kms:GetKeyPolicy: unreadable policy document ({exc})", account=owner,
                 region=region, resource=arn, aspect=GapAspect.ACCESS)
        return (), ("kms:GetKeyPolicy",)
    outside = tuple(g for g in grants if g.home != owner)
    return outside, ("kms:GetKeyPolicy",)


def protecting(resolved: Resolved, stores: list[str]) -> Resolved:
    if resolved.resource is None:
        return resolved
    attributes = {**resolved.resource.attributes, "protects": sorted(set(stores))}
    return replace(resolved, resource=replace(resolved.resource, attributes=attributes))


# ``scope: all``: every key of every scanned region, not only those stores point to.

def discover(scan: Scan) -> list[Found]:
    if scan.config.scope != "all":
        return []
    pairs = [(a, r) for a in scan.accounts for r in a.regions]
    listed = scan.map(lambda p: scan.pages(p[0], p[1], "kms", "ListKeys", "Keys"), pairs, background=True)
    return [Found(arn=str(k["KeyArn"]), service="kms", kind=Kind.KEY, native_type="AWS::KMS::Key",
                  name=str(k["KeyId"]), account=a.id, region=r, evidence=("kms:ListKeys",))
            for (a, r), keys in zip(pairs, listed, strict=True) for k in keys or ()]


def read(scan: Scan, found: Found, deep: bool) -> Read:
    resolved = describe(scan, KeyLookup(found.account, found.region, found.arn))
    if resolved.resource is not None:
        return Read(replace(resolved.resource, evidence=("kms:ListKeys", *resolved.resource.evidence)))
    return Read(Resource(id=found.arn, provider="aws", account=found.account, service="kms", kind=Kind.KEY,
                         native_type=found.native_type, name=found.name, region=found.region,
                         organization=scan.organization, locations=resolved.key.locations,
                         attributes={"depth": "deep", "key_manager": "AWS" if resolved.key.manager is
                                     KeyManager.PROVIDER else None, "origin": resolved.key.origin},
                         evidence=("kms:ListKeys", "kms:DescribeKey")))


# -- in a Terraform plan ----------------------------------------------------------------------


def kms_key(change: Change) -> Iterator[Fact]:
    """A planned key; its inline ``policy`` read as the live scan reads the key policy (grants outside the
    key's own account)."""
    identities = plan.identities("kms", change, "key_id")
    yield Store(
        kind=Kind.KEY,
        service="kms",
        name=change.planned_name("description"),
        identities=identities,
        attributes={k: change.get(k) for k in ("multi_region", "key_usage", "customer_master_key_spec")},
    )
    if change.text("policy") or (change.unknown("policy") and change.configured("policy")):
        yield from plan.policy_attachment(change, Target((change.address,), kind=Kind.KEY, service="kms"),
                                          service="kms", source=GrantSource.KEY_POLICY,
                                          resource_arn=change.text("arn"), owner=change.account())


def kms_key_policy(change: Change) -> Iterator[Fact]:
    key = plan.target(change, "key_id", Kind.KEY, "kms", create=False)
    yield from plan.policy_attachment(change, key, service="kms", source=GrantSource.KEY_POLICY,
                                      owner=change.account())


def kms_replica_key(change: Change) -> Iterator[Fact]:
    # the mechanism the live scan names for the same replica (DescribeKey's ReplicaKeys)
    yield plan.copy_of(change, "primary_key_arn", Kind.KEY, "kms", LocationRole.REPLICA, Via.KMS_MULTI_REGION)


SERVICE = Service(
    name="kms", operations=OPERATIONS, discover=discover, read=read,
    types=(TypeSpec(Kind.KEY, "AWS::KMS::Key", terraform=("aws_kms_key",)),),
    plan={"aws_kms_key": kms_key, "aws_kms_key_policy": kms_key_policy, "aws_kms_replica_key": kms_replica_key},
    probes={"kms": {
        Permission.READ: ("kms:Decrypt", "kms:ReEncryptFrom"),
        Permission.WRITE: ("kms:Encrypt", "kms:GenerateDataKey"),
        Permission.ADMIN: ("kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:CreateGrant"),
    }},
    vias=(Via.KMS_MULTI_REGION,),
)
