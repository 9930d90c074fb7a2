"""Who can reach a bucket: ACL grants, Block Public Access, and the effective result.

Pure functions over what the S3 APIs answered. Both facts are kept: a public policy or ACL that
Block Public Access neutralises is *not* an effective grant (so it raises no "public" finding),
but it stays visible in ``attributes`` (``blocked_grants``, ``policy_public``…) for custom policies
and reports. Anything unread stays unknown (``public_endpoint=None``), never "not public".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.model.inventory import AccessGrant, Permission, PrincipalKind
from auditor.model.vocab import GrantSource

BPA_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"

_ACL_PERMISSIONS: dict[str, tuple[Permission, ...]] = {
    "READ": (Permission.READ,),
    "WRITE": (Permission.WRITE,),
    "WRITE_ACP": (Permission.ADMIN,),
    "FULL_CONTROL": (Permission.READ, Permission.WRITE, Permission.ADMIN),
    "READ_ACP": (),  # reads the ACL itself, not the data (kept in attributes["acl"])
}
_PUBLIC_KINDS = (PrincipalKind.PUBLIC, PrincipalKind.ANY_AUTHENTICATED)


def bpa_flags(answer: Mapping[str, Any] | None) -> dict[str, bool] | None:
    """A ``GetPublicAccessBlock`` answer as the four flags (``{}`` answer: none set)."""
    if answer is None:
        return None
    config = answer.get("PublicAccessBlockConfiguration") or {}
    return {flag: bool(config.get(flag, False)) for flag in BPA_FLAGS}


def effective_bpa(bucket: Mapping[str, bool] | None, account: Mapping[str, bool] | None) -> dict[str, bool | None]:
    """A flag applies when set at either level; unknown when not set anywhere known and a level is unread."""
    out: dict[str, bool | None] = {}
    for flag in BPA_FLAGS:
        values = [level.get(flag) for level in (bucket, account) if level is not None]
        if any(values):
            out[flag] = True
        elif bucket is None or account is None:
            out[flag] = None
        else:
            out[flag] = False
    return out


def acl_grants(acl: Mapping[str, Any]) -> list[AccessGrant]:
    """Grants of a ``GetBucketAcl`` answer, except the owner's own."""
    owner = (acl.get("Owner") or {}).get("ID")
    out: list[AccessGrant] = []
    for grant in acl.get("Grants") or []:
        grantee = grant.get("Grantee") or {}
        perms = _ACL_PERMISSIONS.get(str(grant.get("Permission")), (Permission.READ,))
        gtype = grantee.get("Type")
        if gtype == "CanonicalUser":
            if grantee.get("ID") == owner:
                continue
            who, kind = str(grantee.get("ID")), PrincipalKind.ACCOUNT
        elif gtype == "Group":
            who = str(grantee.get("URI"))
            kind = {ALL_USERS: PrincipalKind.PUBLIC, AUTHENTICATED_USERS: PrincipalKind.ANY_AUTHENTICATED,
                    LOG_DELIVERY: PrincipalKind.SERVICE}.get(who, PrincipalKind.UNKNOWN)
        else:  # AmazonCustomerByEmail and anything new
            who, kind = str(grantee.get("EmailAddress") or grantee.get("ID") or gtype), PrincipalKind.ACCOUNT
        out += [AccessGrant(principal=who, principal_kind=kind, permission=p, source=GrantSource.ACL) for p in perms]
    return list(dict.fromkeys(out))


def acl_summary(acl: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"grantee": str(g.get("Grantee", {}).get("URI") or g.get("Grantee", {}).get("ID") or "?"),
             "permission": str(g.get("Permission"))} for g in acl.get("Grants") or []]


@dataclass(frozen=True, slots=True)
class Exposure:
    grants: tuple[AccessGrant, ...]  # effective
    blocked: tuple[AccessGrant, ...]  # present in a policy/ACL, neutralised by Block Public Access
    public: bool | None  # effective public (or any-AWS-user) access; None: could not be established
    facts: Mapping[str, Any]


def exposure(owner: str, policy: Sequence[AccessGrant] | None, acl: Sequence[AccessGrant] | None,
             policy_status_public: bool | None, bpa: Mapping[str, bool | None]) -> Exposure:
    """The effective access of a bucket owned by account ``owner``."""
    policy = list(policy) if policy is not None else None
    parsed_public = policy is not None and any(g.principal_kind is PrincipalKind.PUBLIC for g in policy)
    if policy is not None and policy_status_public and not parsed_public:
        # AWS's own evaluation says public where our reading of the conditions did not: trust AWS.
        policy.append(AccessGrant("*", PrincipalKind.PUBLIC, Permission.READ, GrantSource.BUCKET_POLICY,
                                  condition="GetBucketPolicyStatus: IsPublic"))
    policy_public = bool(parsed_public or policy_status_public)
    restricted = bool(bpa.get("RestrictPublicBuckets")) and policy_public
    ignored = bool(bpa.get("IgnorePublicAcls"))
    kept: list[AccessGrant] = []
    blocked: list[AccessGrant] = []
    for g in policy or []:
        # RestrictPublicBuckets: a bucket with a public policy only answers its own account and AWS services.
        outside = g.principal_kind is not PrincipalKind.SERVICE and g.home != owner
        (blocked if restricted and outside else kept).append(g)
    for g in acl or []:
        (blocked if ignored and g.principal_kind in _PUBLIC_KINDS else kept).append(g)
    if any(g.principal_kind in _PUBLIC_KINDS for g in kept):
        public: bool | None = True
    elif policy is None or acl is None:
        public = None
    else:
        public = False
    facts = {
        "policy_public": policy_status_public,
        "policy_public_parsed": parsed_public,
        "acl_public": any(g.principal_kind in _PUBLIC_KINDS for g in acl or []),
        "public_policy_restricted": restricted,
        "public_acl_ignored": ignored and any(g.principal_kind in _PUBLIC_KINDS for g in acl or []),
        "blocked_grants": [{"principal": g.principal, "principal_kind": g.principal_kind.value,
                            "permission": g.permission.value, "source": g.source} for g in blocked],
    }
    return Exposure(tuple(dict.fromkeys(kept)), tuple(blocked), public, facts)
