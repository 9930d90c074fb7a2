"""What the AWS plan extractors share: a planned change's identities, targets, local copies and KMS keys.

The extractors themselves live next to the live reads of their type (``SERVICE.plan`` of each
service module, :mod:`auditor.connectors.spec`); this module holds the few readings of a planned
change they have in common, so each is written once.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.connectors.aws import policy as iam
from auditor.connectors.terraform.facts import (
    PLANNED_ACCOUNT,
    Attach,
    Change,
    Fact,
    Gap,
    KeyLink,
    Target,
    arn_identity,
)
from auditor.connectors.terraform.values import arn_parts
from auditor.model.inventory import AccessGrant, DataLocation, GapAspect, KeyManager, LocationRole, Network
from auditor.model.vocab import GapReason, GrantSource, Kind, Via


class PolicyUnreadable(ValueError):
    """The policy text is not a JSON policy document."""


def policy_grants(policy: str, source: GrantSource, *, service: str = "s3",
                  resource_arns: tuple[str, ...] = ()) -> tuple[AccessGrant, ...]:
    """The planned policy judged by the live scan's own interpreter (one reading for both sources)."""
    try:
        return tuple(iam.grants(policy, service=service, source=source, resource_arns=resource_arns))
    except ValueError as exc:
        raise PolicyUnreadable(f"policy is not a JSON policy document: {exc}") from None


def policy_attachment(change: Change, target: Target, *, service: str, source: GrantSource,
                      resource_arn: str | None = None, owner: str | None = None) -> Iterator[Fact]:
    """A resource policy planned as its own resource (``policy`` argument) -> grants on ``target``.

    ``owner``: the account whose own grants the live scan leaves out (a key policy's), when known.
    """
    text_ = change.text("policy")
    if text_ is None:
        yield Gap(target.service, GapReason.UNKNOWN_AT_PLAN, "the resource policy is only known at apply time",
                  target=target, aspect=GapAspect.ACCESS)
        return
    try:
        grants = policy_grants(text_, source, service=service, resource_arns=(resource_arn,) if resource_arn else ())
    except PolicyUnreadable as exc:
        yield Gap(target.service, GapReason.UNREADABLE, str(exc), target=target, aspect=GapAspect.ACCESS)
        return
    if owner and owner != PLANNED_ACCOUNT:
        grants = tuple(g for g in grants if g.home != owner)
    yield Attach(target, access=grants, evidence=(change.path("policy"),))


def identities(service: str, change: Change, *attributes: str) -> tuple[str, ...]:
    """``service:<value>`` for each planned attribute, plus the planned ARN when known."""
    out = [f"{service}:{v}" for a in attributes if (v := change.text(a))]
    arn = arn_identity(change.text("arn"))
    return (*out, arn) if arn else tuple(out)


def target(change: Change, attribute: str, kind: Kind, service: str, create: bool = True) -> Target:
    """The store ``attribute`` names (by reference, ARN or name)."""
    value = change.text(attribute)
    identity = arn_identity(value) or (f"{service}:{value}" if value else None)
    return Target(tuple(change.refs(attribute)), identity, kind, service, value, create)


def here(change: Change, role: LocationRole, via: Via) -> DataLocation:
    """A copy held by the change itself, in its own region."""
    return DataLocation(region=change.region.value, role=role, via=via, target=change.address)


def copy_of(change: Change, attribute: str, kind: Kind, service: str, role: LocationRole, via: Via) -> Attach:
    """This change holds a copy (replica, backup) of the store ``attribute`` names, in its own region."""
    return Attach(target(change, attribute, kind, service), locations=(here(change, role, via),),
                  evidence=(change.path(attribute), change.region.evidence))


def public_endpoint(change: Change, attribute: str) -> Network:
    value = change.get(attribute)
    return Network(public_endpoint=value if isinstance(value, bool) and not change.unknown(attribute) else None)


def storage_key(change: Change, encrypted: str, key_attribute: str, aws_managed: str) -> KeyLink:
    """Encryption at rest switched by a boolean (``storage_encrypted``) with an optional KMS key."""
    if change.unknown(encrypted):
        return KeyLink(KeyManager.UNKNOWN, evidence=change.path(encrypted))
    if change.get(encrypted) is not True:
        return KeyLink(KeyManager.NONE, evidence=change.path(encrypted))
    return kms_link(change, (key_attribute,), aws_managed=aws_managed)


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
