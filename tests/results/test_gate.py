"""The gate's exit codes (design §6) and the verdict."""

from __future__ import annotations

from dataclasses import replace

import pytest

from auditor.model.findings import Finding, FindingsDoc, Run, Severity, Status
from auditor.model.inventory import CoverageGap
from auditor.results.gate import Verdict, gate

RUN = Run("0", "hds", "sha256:x", "t0", "t1")


def finding(severity: str, status: str = "fail") -> Finding:
    return Finding("RES-001", {"en": "t"}, Severity(severity), Status(status), "r", "aws")


def doc(*findings: Finding, gaps: int = 0) -> FindingsDoc:
    gap = CoverageGap("aws", "s3", "access-denied", "AccessDenied")
    return FindingsDoc(RUN, (), findings, (gap,) * gaps)


@pytest.mark.parametrize(
    ("findings", "gaps", "fail_on", "allow", "code", "verdict"),
    [
        ((), 0, "high", False, 0, Verdict.COMPLIANT),
        ((finding("medium"),), 0, "high", False, 0, Verdict.COMPLIANT),  # below the threshold: for review
        ((finding("medium"),), 0, "medium", False, 1, Verdict.NON_COMPLIANT),
        ((finding("critical", "waived"),), 0, "high", False, 0, Verdict.COMPLIANT),
        ((finding("high", "unknown"),), 0, "high", False, 3, Verdict.INCOMPLETE),
        ((), 1, "high", False, 3, Verdict.INCOMPLETE),
        ((), 1, "high", True, 0, Verdict.INCOMPLETE),
        ((finding("critical"),), 1, "high", False, 1, Verdict.NON_COMPLIANT),
        ((finding("info"),), 0, "high", False, 0, Verdict.COMPLIANT),
    ],
)
def test_exit_codes(findings, gaps, fail_on, allow, code, verdict) -> None:
    result = gate(doc(*findings, gaps=gaps), Severity(fail_on), allow)
    assert (result.exit_code, result.verdict) == (code, verdict)


def test_both_findings_and_gaps_say_incomplete() -> None:
    result = gate(doc(finding("critical"), gaps=2), Severity.HIGH, False)
    assert result.exit_code == 1
    assert "incomplete" in result.summary and "2 coverage gaps" in result.summary


def test_an_unknown_blocks_like_a_failure_of_its_severity() -> None:
    low = finding("medium", "unknown")
    result = gate(doc(low), Severity.HIGH, False)
    assert (result.exit_code, result.verdict) == (0, Verdict.COMPLIANT)  # reported, below --fail-on
    assert result.unknown == 1 and result.below == 1
    assert "1 unknown below high" in result.summary
    assert gate(doc(low), Severity.MEDIUM, False).exit_code == 3


def test_a_check_not_assessable_from_a_plan_never_blocks_on_its_own() -> None:
    blind = replace(finding("critical", "unknown"), assessable=False)
    result = gate(doc(blind), Severity.LOW, False)
    assert (result.exit_code, result.verdict) == (0, Verdict.COMPLIANT)
    assert "not assessable from a plan" in result.summary


def test_a_gap_blocks_through_its_coverage_finding_severity() -> None:
    cov = replace(finding("high", "unknown"), policy_id="COV-001", category="coverage")
    assert gate(doc(cov, gaps=1), Severity.CRITICAL, False).exit_code == 0
    assert gate(doc(cov, gaps=1), Severity.HIGH, False).exit_code == 3
