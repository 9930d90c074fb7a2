"""One IAM interpreter: a bucket policy deployed (read back from the emulator) and the same policy in a
Terraform plan give the same grants, for every construct the interpreter knows.

The live side is a real scan over HTTP against moto; the plan side is ``read_plan`` on a plan document
in ``terraform show -json`` shape. Both go through ``auditor.connectors.aws.policy``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.connectors.terraform import read_plan
from auditor.model.inventory import AccessGrant, Permission, PrincipalKind
from tests.aws.conftest import HEALTH, bucket, by_name, scan

FOREIGN = "999988887777"
ORG = "o-abcdef1234"


def _allow(**statement: Any) -> dict[str, Any]:
    return {"Effect": "Allow", **statement}


def _deny(**statement: Any) -> dict[str, Any]:
    return {"Effect": "Deny", **statement}


# name -> statements (Resource is filled in for the bucket) and the grants expected on both sides.
CASES: dict[str, tuple[list[dict[str, Any]], set[tuple[str, PrincipalKind, Permission, str | None]]]] = {
    "not-principal": (
        [_allow(NotPrincipal={"AWS": f"arn:aws:iam::{FOREIGN}:root"}, Action="s3:GetObject")],
        {("*", PrincipalKind.PUBLIC, Permission.READ, None)}),
    "not-action": (
        [_allow(Principal={"AWS": FOREIGN}, NotAction="s3:Delete*")],
        {(FOREIGN, PrincipalKind.ACCOUNT, p, FOREIGN) for p in Permission}),
    "org-condition": (
        [_allow(Principal="*", Action="s3:GetObject", Condition={"StringEquals": {"aws:PrincipalOrgID": ORG}})],
        {("*", PrincipalKind.ACCOUNT, Permission.READ, ORG)}),
    "account-condition": (
        [_allow(Principal="*", Action="s3:GetObject", Condition={"StringEquals": {"aws:PrincipalAccount": FOREIGN}})],
        {("*", PrincipalKind.ACCOUNT, Permission.READ, FOREIGN)}),
    "vpce-condition": (
        [_allow(Principal="*", Action="s3:GetObject", Condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})],
        {("*", PrincipalKind.UNKNOWN, Permission.READ, None)}),
    "source-ip": (
        [_allow(Principal="*", Action="s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}})],
        {("*", PrincipalKind.UNKNOWN, Permission.READ, None)}),
    "source-arn": (
        [_allow(Principal="*", Action="s3:PutObject",
                Condition={"ArnLike": {"aws:SourceArn": f"arn:aws:cloudtrail:eu-west-3:{FOREIGN}:trail/t"}})],
        {(f"arn:aws:cloudtrail:eu-west-3:{FOREIGN}:trail/t", PrincipalKind.UNKNOWN, Permission.WRITE, FOREIGN)}),
    "unknown-condition": (
        [_allow(Principal="*", Action="s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": "x"}})],
        {("*", PrincipalKind.UNKNOWN, Permission.READ, None)}),
    "tls-only-is-still-public": (
        [_allow(Principal="*", Action="s3:GetObject", Condition={"Bool": {"aws:SecureTransport": "true"}})],
        {("*", PrincipalKind.PUBLIC, Permission.READ, None)}),
    "deny-outside-org": (
        [_allow(Principal="*", Action="s3:GetObject"),
         _deny(Principal="*", Action="s3:*", Condition={"StringNotEquals": {"aws:PrincipalOrgID": ORG}})],
        {("*", PrincipalKind.ACCOUNT, Permission.READ, ORG)}),
    "deny-not-principal": (
        [_allow(Principal="*", Action="s3:GetObject"),
         _deny(NotPrincipal={"AWS": f"arn:aws:iam::{FOREIGN}:role/reader"}, Action="s3:*")],
        {(f"arn:aws:iam::{FOREIGN}:role/reader", PrincipalKind.ROLE, Permission.READ, FOREIGN)}),
    "deny-everyone": (
        [_allow(Principal={"AWS": FOREIGN}, Action="s3:*"), _deny(Principal="*", Action=["s3:Put*", "s3:Delete*"])],
        # every admin probe is denied; s3:ReplicateObject (a write probe) is not, so write stays
        {(FOREIGN, PrincipalKind.ACCOUNT, p, FOREIGN) for p in (Permission.READ, Permission.WRITE)}),
    "deny-of-some-read-actions-keeps-read": (  # s3:ListBucket is still allowed: read is not taken away
        [_allow(Principal={"AWS": FOREIGN}, Action=["s3:GetObject", "s3:ListBucket"]),
         _deny(Principal="*", Action="s3:Get*")],
        {(FOREIGN, PrincipalKind.ACCOUNT, Permission.READ, FOREIGN)}),
    "deny-http-only-takes-nothing": (
        [_allow(Principal="*", Action="s3:GetObject"),
         _deny(Principal="*", Action="s3:*", Condition={"Bool": {"aws:SecureTransport": "false"}})],
        {("*", PrincipalKind.PUBLIC, Permission.READ, None)}),
    "not-resource-elsewhere": (
        [_allow(Principal="*", Action="s3:GetObject", NotResource="arn:aws:s3:::some-other-bucket/*")],
        {("*", PrincipalKind.PUBLIC, Permission.READ, None)}),
}


def _document(name: str, statements: list[dict[str, Any]]) -> str:
    filled = []
    for statement in statements:
        statement = dict(statement)
        if "NotResource" not in statement:
            statement.setdefault("Resource", [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"])
        filled.append(statement)
    return json.dumps({"Version": "2012-10-17", "Statement": filled})


def _names() -> dict[str, str]:
    return {case: f"parity-{case}" for case in CASES}


def _plan(tmp_path: Path) -> Path:
    changes: list[dict[str, Any]] = []
    for case, name in _names().items():
        for kind, after in (("aws_s3_bucket", {"bucket": name, "tags": HEALTH}),
                            ("aws_s3_bucket_policy", {"bucket": name, "policy": _document(name, CASES[case][0])})):
            changes.append({"address": f"{kind}.{case.replace('-', '_')}", "mode": "managed", "type": kind,
                            "name": case.replace("-", "_"), "provider_name": "registry.terraform.io/hashicorp/aws",
                            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {}}})
    plan = {"format_version": "1.2", "resource_changes": changes,
            "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {
                "region": {"constant_value": "eu-west-3"}}}}}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


# The live scan also keeps AWS's own verdict (GetBucketPolicyStatus: IsPublic) as a grant when the policy
# reading found nothing public: a fact a plan cannot have, so it is left out of the comparison.
AWS_VERDICT = "GetBucketPolicyStatus: IsPublic"


def _policy_grants(grants: tuple[AccessGrant, ...]) -> tuple[AccessGrant, ...]:
    return tuple(g for g in grants if g.condition != AWS_VERDICT)


def _shape(grants: tuple[AccessGrant, ...]) -> set[tuple[str, PrincipalKind, Permission, str | None]]:
    return {(g.principal, g.principal_kind, g.permission, g.home) for g in _policy_grants(grants)}


def test_live_scan_and_plan_read_every_policy_construct_alike(aws: str, tmp_path: Path) -> None:
    for case, name in _names().items():
        bucket(name, "eu-west-3", tags=HEALTH).put_bucket_policy(Bucket=name, Policy=_document(name, CASES[case][0]))
    live = by_name(scan(regions=("eu-west-3",)))
    planned = {r.name: r for r in read_plan(_plan(tmp_path)).resources if r.service == "s3"}
    for case, name in _names().items():
        expected = CASES[case][1]
        assert _shape(live[name].access) == expected, f"live scan, {case}"
        assert _shape(planned[name].access) == expected, f"plan, {case}"
        assert [g.condition for g in _policy_grants(live[name].access)] == [
            g.condition for g in planned[name].access], case
