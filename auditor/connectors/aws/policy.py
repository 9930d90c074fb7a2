"""Resource policies (bucket policies, key policies…) -> who can do what, as AccessGrants.

Pure functions, no I/O. Only ``Allow`` statements grant; for each principal the actions are
probed against what a service considers reading, writing and administering the data, so
wildcards (``s3:Get*``, ``*``) and ``NotAction`` are judged the same way IAM would.

``Principal: "*"`` is public unless a condition pins it to an identity AWS itself treats as
non-public (the organisation, an account, a principal ARN) with a non-negated, non-``IfExists``
operator and a value that is not a bare wildcard:

* ``aws:PrincipalOrgID`` / ``aws:PrincipalOrgPaths`` / ``aws:SourceOrgID`` / ``aws:SourceOrgPaths``
  -> ``account``-kind grant whose ``home`` is the organisation id (stage 2 decides internal or not);
* ``aws:PrincipalAccount`` / ``aws:SourceAccount`` / ``kms:CallerAccount`` … -> the account;
* ``aws:PrincipalArn`` / ``aws:SourceArn`` -> that principal (its account as ``home``);
* network-only narrowing (``aws:SourceIp``, ``aws:SourceVpc(e)``) -> ``unknown``: it is not an
  identity, and unknown is never treated as safe.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from auditor.model.inventory import AccessGrant, Permission, PrincipalKind

# Representative actions per permission, per service prefix.
PROBES: dict[str, dict[Permission, tuple[str, ...]]] = {
    "s3": {
        Permission.READ: ("s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"),
        Permission.WRITE: ("s3:PutObject", "s3:DeleteObject", "s3:ReplicateObject"),
        Permission.ADMIN: ("s3:PutBucketPolicy", "s3:PutBucketAcl", "s3:DeleteBucket"),
    },
    "kms": {
        Permission.READ: ("kms:Decrypt", "kms:ReEncryptFrom"),
        Permission.WRITE: ("kms:Encrypt", "kms:GenerateDataKey"),
        Permission.ADMIN: ("kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:CreateGrant"),
    },
    "dynamodb": {
        Permission.READ: ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:ExportTableToPointInTime"),
        Permission.WRITE: ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
        Permission.ADMIN: ("dynamodb:PutResourcePolicy", "dynamodb:DeleteTable"),
    },
    "backup": {  # vault access policies
        Permission.READ: ("backup:CopyFromBackupVault", "backup:DescribeRecoveryPoint",
                          "backup:GetRecoveryPointRestoreMetadata"),
        Permission.WRITE: ("backup:CopyIntoBackupVault", "backup:StartBackupJob"),
        Permission.ADMIN: ("backup:DeleteRecoveryPoint", "backup:PutBackupVaultAccessPolicy",
                           "backup:DeleteBackupVault"),
    },
    "elasticfilesystem": {  # file system policies
        Permission.READ: ("elasticfilesystem:ClientMount",),
        Permission.WRITE: ("elasticfilesystem:ClientWrite",),
        Permission.ADMIN: ("elasticfilesystem:ClientRootAccess", "elasticfilesystem:DeleteFileSystem"),
    },
}

NARROWING: dict[str, str] = {
    "aws:principalorgid": "org", "aws:principalorgpaths": "org", "aws:sourceorgid": "org",
    "aws:sourceorgpaths": "org", "aws:principalaccount": "account", "aws:sourceaccount": "account",
    "aws:sourceowner": "account", "kms:calleraccount": "account", "s3:dataaccesspointaccount": "account",
    "aws:resourceaccount": "account", "aws:principalarn": "arn", "aws:sourcearn": "arn",
    "s3:dataaccesspointarn": "arn", "aws:sourceip": "network", "aws:sourcevpc": "network",
    "aws:sourcevpce": "network",
}
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}")


def permissions(actions: Sequence[str], service: str, *, negated: bool = False) -> set[Permission]:
    """Which of read/write/admin the action patterns grant (``negated``: a ``NotAction`` list)."""
    granted: set[Permission] = set()
    for permission, probes in PROBES.get(service, {}).items():
        for probe in probes:
            hit = any(fnmatch.fnmatchcase(probe.lower(), str(a).lower()) for a in actions)
            if hit != negated:
                granted.add(permission)
                break
    return granted


def principal(value: str) -> tuple[PrincipalKind, str | None]:
    """Kind and home account of one principal string."""
    if value == "*":
        return PrincipalKind.PUBLIC, None
    if _ACCOUNT_ID.match(value):
        return PrincipalKind.ACCOUNT, value
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        if len(parts) == 6:
            account, resource = parts[4], parts[5]
            home = account if _ACCOUNT_ID.match(account) else None
            if resource == "root":
                return PrincipalKind.ACCOUNT, home
            head = resource.split("/", 1)[0]
            kind = {"role": PrincipalKind.ROLE, "assumed-role": PrincipalKind.ROLE, "user": PrincipalKind.USER,
                    "federated-user": PrincipalKind.USER, "group": PrincipalKind.GROUP}.get(head,
                                                                                          PrincipalKind.UNKNOWN)
            return kind, home
    return PrincipalKind.UNKNOWN, None


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def _principals(statement: Mapping[str, Any]) -> list[tuple[str, PrincipalKind, str | None]]:
    if "NotPrincipal" in statement:  # Allow + NotPrincipal: everyone except a few
        return [("*", PrincipalKind.PUBLIC, None)]
    raw = statement.get("Principal")
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        return [(p, *principal(p)) for p in _listed(raw)]
    out: list[tuple[str, PrincipalKind, str | None]] = []
    for ptype, values in raw.items():
        for p in _listed(values):
            if ptype == "AWS":
                out.append((p, *principal(p)))
            elif ptype == "Service":
                out.append((p, PrincipalKind.SERVICE, None))
            elif ptype == "CanonicalUser":
                out.append((p, PrincipalKind.ACCOUNT, None))
            else:  # Federated and anything new
                out.append((p, PrincipalKind.UNKNOWN, None))
    return out


def _conditions(statement: Mapping[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(operator, key, values) for every condition entry."""
    block = statement.get("Condition") or {}
    out: list[tuple[str, str, list[str]]] = []
    if isinstance(block, Mapping):
        for operator, entries in block.items():
            if isinstance(entries, Mapping):
                out += [(str(operator), str(key), _listed(values)) for key, values in entries.items()]
    return out


def _narrows(operator: str, values: list[str]) -> bool:
    op = operator.lower()
    if "not" in op.split(":")[-1] or op.endswith("ifexists") or op.startswith("null"):
        return False
    return bool(values) and all(v.strip() not in ("", "*", "0.0.0.0/0", "::/0") for v in values)


def summary(statement: Mapping[str, Any]) -> str | None:
    parts = [f"{key}={'|'.join(values)}" for _, key, values in _conditions(statement)]
    text = " AND ".join(parts)
    return (text[:297] + "...") if len(text) > 300 else (text or None)


def _public_grants(statement: Mapping[str, Any]) -> list[tuple[str, PrincipalKind, str | None, str | None]]:
    """How ``Principal: "*"`` is narrowed: (principal, kind, home, condition) triples."""
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for operator, key, values in _conditions(statement):
        kind = NARROWING.get(key.lower())
        if kind and _narrows(operator, values):
            by_kind.setdefault(kind, []).extend((key, v) for v in values)
    for kind in ("org", "account", "arn"):
        if kind in by_kind:
            out: list[tuple[str, PrincipalKind, str | None, str | None]] = []
            for key, value in by_kind[kind]:
                cond = f"{key}={value}"
                if kind == "org":
                    match = _ORG_ID.match(value)
                    out.append(("*", PrincipalKind.ACCOUNT, match.group(0) if match else None, cond))
                elif kind == "account":
                    out.append(("*", PrincipalKind.ACCOUNT, value if _ACCOUNT_ID.match(value) else None, cond))
                else:
                    pkind, home = principal(value)
                    out.append((value, pkind, home, cond))
            return out
    if "network" in by_kind:
        return [("*", PrincipalKind.UNKNOWN, None, summary(statement))]
    return [("*", PrincipalKind.PUBLIC, None, summary(statement))]


def grants(document: str | Mapping[str, Any], *, service: str, source: str) -> list[AccessGrant]:
    """Every (principal, permission) an ``Allow`` statement of the policy grants.

    Raises ``ValueError`` when the document is not a policy (callers record a gap).
    """
    doc = json.loads(document) if isinstance(document, str) else document
    if not isinstance(doc, Mapping):
        raise ValueError("policy document is not a JSON object")
    statements = doc.get("Statement") or []
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list):
        raise ValueError("policy Statement is neither an object nor a list")
    out: list[AccessGrant] = []
    for st in statements:
        if not isinstance(st, Mapping) or st.get("Effect") != "Allow":
            continue
        if "NotAction" in st:
            perms = permissions(_listed(st["NotAction"]), service, negated=True)
        else:
            perms = permissions(_listed(st.get("Action")), service)
        if not perms:
            continue
        for who, kind, home in _principals(st):
            targets = _public_grants(st) if kind is PrincipalKind.PUBLIC else [(who, kind, home, summary(st))]
            for p, k, h, cond in targets:
                out += [AccessGrant(principal=p, principal_kind=k, permission=perm, source=source, home=h,
                                    condition=cond) for perm in sorted(perms, key=_order)]
    return dedupe(out)


def _order(p: Permission) -> int:
    return [Permission.READ, Permission.WRITE, Permission.ADMIN].index(p)


def dedupe(items: Iterable[AccessGrant]) -> list[AccessGrant]:
    return list(dict.fromkeys(items))
