"""A planned IAM resource policy / S3 ACL -> AccessGrants (who can reach the data, and how).

Policies go through :mod:`auditor.connectors.aws.policy`, the interpreter the live scan uses, so
a planned and a deployed policy are judged alike (``NotPrincipal``, ``NotAction``, ``Deny``,
conditions). ACLs are the plan's own shapes (canned ACL names, ``access_control_policy`` blocks).
"""

from __future__ import annotations

from typing import Any

from auditor.connectors.aws import policy as iam
from auditor.connectors.aws import s3_access
from auditor.model.inventory import AccessGrant
from auditor.model.vocab import GrantSource

# What S3 answers to GetBucketAcl after each canned ACL (the owner's own grant left out):
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl (checked 2026-12-07).
CANNED_ACLS: dict[str, tuple[tuple[str, str], ...]] = {
    "public-read": ((s3_access.ALL_USERS, "READ"),),
    "public-read-write": ((s3_access.ALL_USERS, "READ"), (s3_access.ALL_USERS, "WRITE")),
    "authenticated-read": ((s3_access.AUTHENTICATED_USERS, "READ"),),
    "log-delivery-write": ((s3_access.LOG_DELIVERY, "WRITE"), (s3_access.LOG_DELIVERY, "READ_ACP")),
}


class PolicyUnreadable(ValueError):
    """The policy text is not a JSON policy document."""


def policy_grants(policy: str, source: GrantSource, *, service: str = "s3",
                  resource_arns: tuple[str, ...] = ()) -> tuple[AccessGrant, ...]:
    """The planned policy judged by the live scan's own interpreter (one reading for both sources)."""
    try:
        return tuple(iam.grants(policy, service=service, source=source, resource_arns=resource_arns))
    except ValueError as exc:
        raise PolicyUnreadable(f"policy is not a JSON policy document: {exc}") from None


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
