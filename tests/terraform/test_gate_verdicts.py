"""The plan goes through the same stages as a scan: the verdicts a CI user sees."""

from __future__ import annotations

from collections.abc import Iterable

from plantools import plan_of

from auditor.config import Config
from auditor.model.findings import Finding, Status
from auditor.pipeline import assess


def _residency(findings: Iterable[Finding]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in findings:
        if f.policy_id.startswith("RES-") and f.status in (Status.FAIL, Status.UNKNOWN):
            out.setdefault(f.resource_id, set()).add(f"{f.policy_id}:{f.status}")
    return out


def test_alias_and_display_name_are_not_false_failures() -> None:
    """Where a literal comparison of ``region``/``location`` fails both, the gate passes both."""
    doc = assess(plan_of("checkov_cases"), Config(profile="hds")).doc
    residency = _residency(doc.findings)
    assert "aws_s3_bucket.scans_eu_alias" not in residency  # eu-central-1 through provider aws.eu
    assert "azurerm_storage_account.west_europe" not in residency  # "West Europe"
    assert "RES-001:fail" in residency["aws_s3_bucket.scans_us_default"]
    assert "RES-001:fail" in residency["azurerm_storage_account.east_us"]


def test_copies_outside_the_zone_fail_and_unknown_regions_are_unknown() -> None:
    residency = _residency(assess(plan_of("aws_flows"), Config(profile="hds")).doc.findings)
    assert "RES-002:fail" in residency["aws_s3_bucket.patients"]  # replicated to us-east-1
    assert "RES-002:fail" in residency["aws_db_instance.ehr"]  # read replica + backup copy in us-east-1
    assert "RES-002:fail" in residency["aws_dynamodb_table.consultations"]  # replica in us-west-2
    regions = _residency(assess(plan_of("aws_regions"), Config(profile="hds")).doc.findings)
    assert "RES-001:unknown" in regions["aws_s3_bucket.imaging_ambient"]
    assert "aws_s3_bucket.imaging_dr" not in regions
