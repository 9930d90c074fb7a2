"""What an IAM policy statement's ``Condition`` block says about *who* can make the request.

Pure functions. Each condition entry is sorted into one of four kinds:

* ``identity`` — it pins the caller to an identity AWS itself treats as non-public, with a
  non-negated, non-``IfExists`` operator and values that are not bare wildcards:
  the organisation (``aws:PrincipalOrgID``…), an account (``aws:PrincipalAccount``,
  ``aws:SourceAccount``…), a principal ARN (``aws:PrincipalArn``, ``aws:SourceArn``…) or an AWS
  service (``aws:PrincipalIsAWSService``, ``aws:PrincipalServiceName``);
* ``network`` — it pins the request to a network (``aws:SourceIp``, ``aws:SourceVpc``,
  ``aws:SourceVpce``): not an identity, so who is behind it cannot be told;
* ``other`` — a key that restricts *how* a request is made, never who makes it (TLS, encryption
  headers, tags, time, region…): a wildcard stays a wildcard;
* ``unknown`` — a key this interpreter does not understand: it cannot tell who is let in.

Sources (checked 2026-12-07): AWS global condition context keys,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html ;
S3 condition keys, https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html ;
KMS condition keys, https://docs.aws.amazon.com/kms/latest/developerguide/policy-conditions.html .
``aws:Referer`` and ``aws:UserAgent`` are set by the caller, so AWS documents they do not stop
unauthorised access: they count as ``other``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# Positive identity keys -> what they pin the caller to.
IDENTITY_KEYS: dict[str, str] = {
    "aws:principalorgid": "org", "aws:principalorgpaths": "org", "aws:sourceorgid": "org",
    "aws:sourceorgpaths": "org", "aws:principalaccount": "account", "aws:sourceaccount": "account",
    "aws:sourceowner": "account", "kms:calleraccount": "account", "s3:dataaccesspointaccount": "account",
    "aws:principalarn": "arn", "aws:sourcearn": "arn", "s3:dataaccesspointarn": "arn",
    "aws:principalisawsservice": "service", "aws:principalservicename": "service",
}
NETWORK_KEYS = frozenset({"aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:vpcsourceip",
                          "s3:accesspointnetworkorigin"})
# Keys that restrict how a request is made, never who makes it (exact names, then prefixes).
OTHER_KEYS = frozenset({
    "aws:securetransport", "aws:currenttime", "aws:epochtime", "aws:requestedregion", "aws:useragent",
    "aws:referer", "aws:multifactorauthpresent", "aws:multifactorauthage", "aws:tokenissuetime",
    "aws:tagkeys", "aws:viaawsservice", "aws:calledvia", "aws:calledviafirst", "aws:calledvialast",
    "aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths",
    "s3:tlsversion", "s3:signatureversion", "s3:signatureage", "s3:authtype", "s3:prefix", "s3:delimiter",
    "s3:max-keys", "s3:versionid", "s3:locationconstraint", "s3:resourceaccount",
    "kms:viaservice", "kms:grantisforawsresource", "kms:grantoperations", "kms:grantconstrainttype",
    "kms:requestalias", "kms:resourcealiases", "kms:keyspec", "kms:keyusage", "kms:keyorigin",
    "kms:encryptionalgorithm", "kms:bypasspolicylockoutsafetycheck",
})
OTHER_PREFIXES = ("aws:requesttag/", "aws:resourcetag/", "s3:x-amz-", "s3:existingobjecttag/",
                  "s3:requestobjecttag", "s3:object-lock-", "kms:encryptioncontext", "dynamodb:",
                  "elasticfilesystem:accesspointarn", "backup:")
_WILDCARDS = ("", "*", "0.0.0.0/0", "::/0")


class Narrowing(StrEnum):
    IDENTITY = "identity"
    NETWORK = "network"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``operator: {key: values}`` entry of a Condition block."""

    operator: str
    key: str
    values: tuple[str, ...]

    @property
    def text(self) -> str:
        return f"{self.key}={'|'.join(self.values)}"

    @property
    def negated(self) -> bool:
        """``StringNotEquals``, ``ArnNotLike``, ``NotIpAddress``…: true for every value *but* these."""
        return "not" in self.operator.lower().split(":")[-1]

    @property
    def positive(self) -> bool:
        """A test that holds only for the listed values (no negation, no IfExists, no Null check)."""
        op = self.operator.lower()
        return (not self.negated and not op.endswith("ifexists") and not op.startswith("null")
                and bool(self.values) and all(v.strip() not in _WILDCARDS for v in self.values))

    @property
    def pins_to(self) -> str | None:
        """``org`` / ``account`` / ``arn`` / ``service`` for an identity key (whatever the operator)."""
        return IDENTITY_KEYS.get(self.key.lower())


def listed(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def entries(statement: Mapping[str, Any]) -> list[Entry]:
    block = statement.get("Condition") or {}
    out: list[Entry] = []
    if isinstance(block, Mapping):
        for operator, body in block.items():
            if isinstance(body, Mapping):
                out += [Entry(str(operator), str(key), tuple(listed(values))) for key, values in body.items()]
            else:  # a malformed entry: nothing is understood of it
                out.append(Entry(str(operator), "?", tuple(listed(body))))
    return out


def kind_of(entry: Entry) -> Narrowing:
    """What one entry of an ``Allow`` statement does to a wildcard principal."""
    key = entry.key.lower()
    if key in IDENTITY_KEYS:
        if entry.positive and not (key == "aws:principalisawsservice" and
                                   {v.lower() for v in entry.values} != {"true"}):
            return Narrowing.IDENTITY
        return Narrowing.OTHER  # negated, IfExists or a wildcard value: lets everyone else in
    if key in NETWORK_KEYS:
        return Narrowing.NETWORK if entry.positive else Narrowing.OTHER
    if key in OTHER_KEYS or key.startswith(OTHER_PREFIXES):
        return Narrowing.OTHER
    return Narrowing.UNKNOWN


def summary(statement: Mapping[str, Any]) -> str | None:
    text = " AND ".join(e.text for e in entries(statement))
    return (text[:297] + "...") if len(text) > 300 else (text or None)
