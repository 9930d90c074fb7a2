"""A planned IAM resource policy / S3 ACL -> AccessGrants (who can reach the data, and how).

Only ``Allow`` statements grant anything. A condition is kept as text (``key=value``) so the
evaluation stage can tell an organisation-restricted ``*`` from a truly public one; it is
not interpreted here.
"""

from __future__ import annotations

import json
import re
from typing import Any

from auditor.connectors.terraform.values import arn_parts, strings
from auditor.model.inventory import AccessGrant, Permission, PrincipalKind

_ACCOUNT = re.compile(r"^\d{12}$")
_WRITE = re.compile(r"^s3:(Put|Delete|Replicate|Restore|Abort)", re.IGNORECASE)

CANNED_ACLS: dict[str, tuple[PrincipalKind, Permission]] = {
    "public-read": (PrincipalKind.PUBLIC, Permission.READ),
    "public-read-write": (PrincipalKind.PUBLIC, Permission.WRITE),
    "authenticated-read": (PrincipalKind.ANY_AUTHENTICATED, Permission.READ),
}
_GROUP_URIS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": ("*", PrincipalKind.PUBLIC),
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": (
        "AuthenticatedUsers",
        PrincipalKind.ANY_AUTHENTICATED,
    ),
}
_ACL_PERMISSIONS = {
    "READ": Permission.READ,
    "WRITE": Permission.WRITE,
    "FULL_CONTROL": Permission.ADMIN,
    "READ_ACP": Permission.READ,
    "WRITE_ACP": Permission.ADMIN,
}


class PolicyUnreadable(ValueError):
    """The policy text is not a JSON policy document."""


def policy_grants(policy: str, source: str) -> tuple[AccessGrant, ...]:
    try:
        document = json.loads(policy)
    except ValueError as exc:
        raise PolicyUnreadable(f"policy is not JSON: {exc}") from None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        raise PolicyUnreadable("policy has no Statement list")
    grants: list[AccessGrant] = []
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        permission = _permission(strings(statement.get("Action")))
        condition = _condition(statement.get("Condition"))
        for principal, kind, home in _principals(statement.get("Principal")):
            grants.append(AccessGrant(principal, kind, permission, source, home=home, condition=condition))
    return tuple(grants)


def acl_grants(canned: str | None, access_control_policy: Any) -> tuple[AccessGrant, ...]:
    grants: list[AccessGrant] = []
    if canned in CANNED_ACLS:
        kind, permission = CANNED_ACLS[canned]
        grants.append(
            AccessGrant("*" if kind is PrincipalKind.PUBLIC else "AuthenticatedUsers", kind, permission, "acl")
        )
    blocks = access_control_policy if isinstance(access_control_policy, list) else []
    for block in blocks:
        for grant in block.get("grant", []) if isinstance(block, dict) else []:
            if not isinstance(grant, dict):
                continue
            for grantee in grant.get("grantee", []) or []:
                found = _GROUP_URIS.get(str(grantee.get("uri"))) if isinstance(grantee, dict) else None
                if found is not None:
                    permission = _ACL_PERMISSIONS.get(str(grant.get("permission")), Permission.READ)
                    grants.append(AccessGrant(found[0], found[1], permission, "acl"))
    return tuple(grants)


def _permission(actions: list[str]) -> Permission:
    if any(a in ("*", "s3:*") for a in actions):
        return Permission.ADMIN
    if any(_WRITE.match(a) for a in actions):
        return Permission.WRITE
    return Permission.READ


def _condition(raw: Any) -> str | None:
    if not isinstance(raw, dict) or not raw:
        return None
    parts = []
    for operator, body in sorted(raw.items()):
        if isinstance(body, dict):
            for key, value in sorted(body.items()):
                shown = ",".join(strings(value)) if isinstance(value, list) else str(value)
                parts.append(f"{key}={shown}" if operator.startswith("String") else f"{operator}:{key}={shown}")
    return "; ".join(parts) or None


def _principals(raw: Any) -> list[tuple[str, PrincipalKind, str | None]]:
    if raw == "*":
        return [("*", PrincipalKind.PUBLIC, None)]
    if not isinstance(raw, dict):
        return []
    out: list[tuple[str, PrincipalKind, str | None]] = []
    for kind, values in raw.items():
        for value in strings(values):
            if kind == "AWS":
                out.append(_aws_principal(value))
            elif kind == "Service":
                out.append((value, PrincipalKind.SERVICE, None))
            elif kind == "CanonicalUser":
                out.append((value, PrincipalKind.ACCOUNT, None))
            else:
                out.append((value, PrincipalKind.UNKNOWN, None))
    return out


def _aws_principal(value: str) -> tuple[str, PrincipalKind, str | None]:
    if value == "*":
        return value, PrincipalKind.PUBLIC, None
    if _ACCOUNT.match(value):
        return value, PrincipalKind.ACCOUNT, value
    parts = arn_parts(value)
    if parts is None:
        return value, PrincipalKind.UNKNOWN, None
    account, resource = parts[3] or None, parts[4]
    if resource == "root":
        return value, PrincipalKind.ACCOUNT, account
    if resource.startswith(("role/", "assumed-role/")):
        return value, PrincipalKind.ROLE, account
    if resource.startswith("user/"):
        return value, PrincipalKind.USER, account
    return value, PrincipalKind.UNKNOWN, account
