"""A policy a plan only knows at apply time leaves who can reach the store unknown, and nothing else.

Its coverage gap has aspect ``access`` (docs/unknowns.md): the access checks become unknown while the
residency checks, which the plan's known facts decide, keep their verdict.
"""

from __future__ import annotations

from pathlib import Path

from planbuilder import PlanBuilder, Ref, write

from auditor.config import Config
from auditor.connectors.terraform import read_plan
from auditor.model.findings import Status
from auditor.model.inventory import GapAspect
from auditor.pipeline import assess

ACCOUNT = "111122223333"
HEALTH = {"data-classification": "health"}


def _plan(tmp_path: Path) -> Path:
    b = PlanBuilder()
    b.provider("aws", region="eu-west-3", allowed_account_ids=[ACCOUNT])
    b.resource("aws_s3_bucket.apart", {"bucket": "apart", "tags": HEALTH})
    b.resource("aws_s3_bucket_policy.apart", {"bucket": Ref("aws_s3_bucket.apart.id"), "policy": Ref("data.x.json")})
    b.resource("aws_s3_bucket.inline", {"bucket": "inline", "tags": HEALTH, "policy": Ref("data.y.json")})
    b.resource("aws_s3_bucket.acl", {"bucket": "acl", "tags": HEALTH})
    b.resource("aws_s3_bucket_acl.acl", {"bucket": Ref("aws_s3_bucket.acl.id"), "acl": Ref("var.acl")})
    b.resource("aws_kms_key.key", {"description": "key"})
    b.resource("aws_kms_key_policy.key", {"key_id": Ref("aws_kms_key.key.id"), "policy": Ref("data.z.json")})
    write(b.build(), tmp_path / "plan.json")
    return tmp_path / "plan.json"


def test_a_policy_unknown_at_plan_time_is_an_access_gap(tmp_path: Path) -> None:
    gaps = read_plan(_plan(tmp_path)).coverage_gaps
    assert {(g.resource_id, g.reason, g.aspect) for g in gaps} == {
        (address, "unknown-at-plan", GapAspect.ACCESS)
        for address in ("aws_s3_bucket.apart", "aws_s3_bucket.inline", "aws_s3_bucket.acl", "aws_kms_key.key")}


def test_only_the_access_checks_become_unknown(tmp_path: Path) -> None:
    doc = assess(read_plan(_plan(tmp_path)), Config(profile="hds")).doc
    for bucket in ("aws_s3_bucket.apart", "aws_s3_bucket.inline", "aws_s3_bucket.acl"):
        unknown = {f.policy_id for f in doc.findings if f.resource_id == bucket and f.status == Status.UNKNOWN}
        # LOG-001 is "not assessable from a plan" whatever the policy; COV-001 reports the gap itself
        allowed = {p for p in unknown if p.startswith("ACC-")} | {"LOG-001", "COV-001"}
        assert {"ACC-001", "ACC-003"} <= unknown <= allowed
        for decided in ("RES-001", "RES-002", "KEY-003", "CLS-001"):  # eu-west-3, no copy, SSE-S3, health tag
            assert bucket in doc.passed[decided], (decided, bucket)
