"""An S3 bucket's AWS Config item as the answers of the S3 reads it stands for (pure functions).

The direct reader (:mod:`.s3`) turns ``GetBucketPolicy`` / ``GetBucketAcl`` / ``GetPublicAccessBlock`` /
``GetBucketLogging`` answers into facts; this module rebuilds exactly those answers from an item's
``supplementaryConfiguration``, so the same code produces the same facts whichever way the answer
came. A field the item lacks, or holds in a form not translated here, is *not* answered: the direct
reader asks S3 for it, and :func:`answers` says why.

Fields read (the shapes the emulator's items have, checked by ``tests/aws/test_config_fast.py``):

``BucketPolicy``                     ``{"policyText": <policy JSON> | null}``
``AccessControlList``                ``{"owner": {"id"}, "grantList": [{"grantee", "permission"}]}`` (JSON,
                                     sometimes JSON inside a JSON string); a grantee is ``{"id": …}`` or a
                                     group name (``AllUsers``, ``AuthenticatedUsers``, ``LogDelivery``)
``PublicAccessBlockConfiguration``   ``{"blockPublicAcls": …, "ignorePublicAcls": …, …}``
``BucketLoggingConfiguration``       ``{"destinationBucketName": … | null, "logFilePrefix": …}``

Never taken from items (always read directly): default encryption and replication (the emulator's
items do not carry them, so a translation could not be checked against the direct reads), and the
policy status (AWS Config does not record it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from auditor.connectors.aws import s3_access

POLICY, ACL, BPA, LOGGING = "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetPublicAccessBlock", "s3:GetBucketLogging"
SERVED = (POLICY, ACL, BPA, LOGGING)
ALWAYS_DIRECT: dict[str, str] = {
    "s3:GetBucketEncryption": "default encryption is not taken from configuration items (untested: the "
                              "emulator's items do not carry it)",
    "s3:GetBucketReplication": "replication is not taken from configuration items (untested: the emulator's "
                               "items do not carry it)",
}
_FIELDS = {POLICY: "BucketPolicy", ACL: "AccessControlList", BPA: "PublicAccessBlockConfiguration",
           LOGGING: "BucketLoggingConfiguration"}
_GROUPS = {"AllUsers": s3_access.ALL_USERS, "AuthenticatedUsers": s3_access.AUTHENTICATED_USERS,
           "LogDelivery": s3_access.LOG_DELIVERY}
_PERMISSIONS = {"FullControl": "FULL_CONTROL", "Read": "READ", "Write": "WRITE", "ReadAcp": "READ_ACP",
                "WriteAcp": "WRITE_ACP"}
_BPA = {"blockPublicAcls": "BlockPublicAcls", "ignorePublicAcls": "IgnorePublicAcls",
        "blockPublicPolicy": "BlockPublicPolicy", "restrictPublicBuckets": "RestrictPublicBuckets"}


class Untranslated(ValueError):
    """A field in a form this module does not turn into an S3 answer."""


def decoded(value: Any) -> Any:
    """A supplementary field as data: JSON text is decoded until it is not text any more (at most twice)."""
    for _ in range(3):
        if not isinstance(value, str):
            return value
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise Untranslated("not JSON") from exc
    raise Untranslated("JSON nested too deep")


def answers(supplementary: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """(operation -> the answer it would give, operation -> why it must be read directly)."""
    out: dict[str, dict[str, Any]] = {}
    direct = dict(ALWAYS_DIRECT)
    for operation, name in _FIELDS.items():
        if name not in supplementary:
            direct[operation] = f"the item has no {name}"
            continue
        try:
            out[operation] = _TRANSLATE[operation](decoded(supplementary[name]))
        except (Untranslated, TypeError, KeyError, AttributeError) as exc:
            direct[operation] = f"{name} in a form not translated ({exc})"
    return out, direct


def policy(data: Any) -> dict[str, Any]:
    text = field(data, "policyText")
    if text is None:
        return {}  # as GetBucketPolicy's NoSuchBucketPolicy: no policy
    if not isinstance(text, str):
        raise Untranslated("policyText is not a text")
    return {"Policy": text}


def acl(data: Any) -> dict[str, Any]:
    data = mapping(data)
    owner = mapping(data.get("owner"))
    grants = []
    for grant in data.get("grantList") or []:
        grantee, permission = grant.get("grantee"), _PERMISSIONS.get(str(grant.get("permission")))
        if permission is None:
            raise Untranslated(f"permission {grant.get('permission')!r}")
        if isinstance(grantee, str) and grantee in _GROUPS:
            who = {"Type": "Group", "URI": _GROUPS[grantee]}
        elif isinstance(grantee, str) and grantee in _GROUPS.values():
            who = {"Type": "Group", "URI": grantee}
        elif isinstance(grantee, Mapping) and grantee.get("id"):
            who = {"Type": "CanonicalUser", "ID": str(grantee["id"])}
        else:
            raise Untranslated(f"grantee {grantee!r}")
        grants.append({"Grantee": who, "Permission": permission})
    if data.get("grantSet"):
        raise Untranslated("grantSet")
    return {"Owner": {"ID": owner.get("id")}, "Grants": grants}


def public_access_block(data: Any) -> dict[str, Any]:
    data = mapping(data)
    unknown = sorted(set(data) - set(_BPA))
    if unknown:
        raise Untranslated(f"fields {unknown}")
    return {"PublicAccessBlockConfiguration": {_BPA[k]: bool(data.get(k)) for k in _BPA}}


def logging(data: Any) -> dict[str, Any]:
    target = field(data, "destinationBucketName")
    data = mapping(data)
    if not target:
        return {}  # as GetBucketLogging without LoggingEnabled: no server access logs
    return {"LoggingEnabled": {"TargetBucket": str(target), "TargetPrefix": data.get("logFilePrefix") or ""}}


def field(data: Any, name: str) -> Any:
    """``data[name]``; a field without it is not read as "none set" (that would decide on a shape not seen)."""
    data = mapping(data)
    if name not in data:
        raise Untranslated(f"no {name}")
    return data[name]


def mapping(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise Untranslated(f"{type(data).__name__} where an object was expected")
    return data


_TRANSLATE = {POLICY: policy, ACL: acl, BPA: public_access_block, LOGGING: logging}
