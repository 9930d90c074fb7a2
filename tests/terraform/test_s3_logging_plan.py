"""Planned S3 access logging reads as the live scan's: logging is on, and only a log bucket of another
region is a log destination (one of the same region is no copy elsewhere)."""

from __future__ import annotations

from pathlib import Path

from planbuilder import PlanBuilder, Ref, write

from auditor.connectors.terraform import read_plan


def test_only_a_log_bucket_of_another_region_is_a_log_destination(tmp_path: Path) -> None:
    b = PlanBuilder()
    b.provider("aws", region="eu-west-3")
    b.provider("aws.away", alias="away", region="us-east-1")
    b.resource("aws_s3_bucket.logs", {"bucket": "logs"})
    b.resource("aws_s3_bucket.logs_away", {"bucket": "logs-away"}, provider="aws.away")
    for name, target in (("near", "aws_s3_bucket.logs.id"), ("far", "aws_s3_bucket.logs_away.id")):
        b.resource(f"aws_s3_bucket.{name}", {"bucket": name})
        b.resource(f"aws_s3_bucket_logging.{name}", {"bucket": Ref(f"aws_s3_bucket.{name}.id"),
                                                     "target_bucket": Ref(target)})
    write(b.build(), tmp_path / "plan.json")
    found = {r.id: r for r in read_plan(tmp_path / "plan.json").resources}
    for name in ("near", "far"):
        assert found[f"aws_s3_bucket.{name}"].logging is True
    assert [(str(loc.role), loc.region) for loc in found["aws_s3_bucket.near"].locations] == [("primary", "eu-west-3")]
    assert ("log-destination", "us-east-1") in [(str(loc.role), loc.region)
                                                 for loc in found["aws_s3_bucket.far"].locations]
