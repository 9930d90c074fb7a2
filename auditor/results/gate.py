"""The verdict of a run and the gate's exit code (design §6).

Exit codes: 0 nothing at or above ``fail_on``; 1 failing findings at or above it; 3 the
assessment is incomplete (unknown findings / coverage gaps) and ``allow_unknown`` is off.
When both 1 and 3 apply the code is 1 and the summary says the assessment is also incomplete.
(2 — bad input — never comes from here: it is an ``AuditorError``.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from auditor.model.findings import SEVERITIES, Finding, FindingsDoc, Severity, Status

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INCOMPLETE = 3


class Verdict(StrEnum):
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non-compliant"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, slots=True)
class GateResult:
    verdict: Verdict
    incomplete: bool  # unknown findings or coverage gaps exist (even when the verdict is non-compliant)
    exit_code: int
    failing: dict[str, int]  # severity -> count of failing (not waived) findings
    unknown: int
    waived: int
    gaps: int
    blocking: int  # failing findings at or above fail_on
    fail_on: Severity
    summary: str


def counts(findings: Iterable[Finding]) -> tuple[dict[str, int], int, int]:
    failing: Counter[str] = Counter()
    unknown = waived = 0
    for f in findings:
        if f.status is Status.FAIL:
            failing[f.severity.value] += 1
        elif f.status is Status.UNKNOWN:
            unknown += 1
        elif f.status is Status.WAIVED:
            waived += 1
    return {s.value: failing.get(s.value, 0) for s in SEVERITIES}, unknown, waived


def threshold(doc: FindingsDoc) -> Severity:
    """The severity at and above which a failing finding makes the run non-compliant (``--fail-on``)."""
    try:
        return Severity(doc.run.fail_on)
    except ValueError:
        return Severity.HIGH


def verdict(doc: FindingsDoc) -> Verdict:
    """Non-compliant: a failing finding at or above the run's ``fail_on``; else incomplete: anything
    unknown or unread; else compliant. The report and the exit code follow the same rule, and a
    profile decides what blocks by the severities it gives (e.g. ``hds`` reports a US provider's
    jurisdiction as medium: listed for review, not blocking at the default ``high``)."""
    failing, unknown, _ = counts(doc.findings)
    limit = threshold(doc)
    if any(n for sev, n in failing.items() if Severity(sev).at_least(limit)):
        return Verdict.NON_COMPLIANT
    if unknown or doc.coverage_gaps:
        return Verdict.INCOMPLETE
    return Verdict.COMPLIANT


def gate(doc: FindingsDoc, fail_on: Severity, allow_unknown: bool) -> GateResult:
    failing, unknown, waived = counts(doc.findings)
    blocking = sum(n for sev, n in failing.items() if Severity(sev).at_least(fail_on))
    incomplete = bool(unknown or doc.coverage_gaps)
    if blocking:
        code = EXIT_FINDINGS
    elif incomplete and not allow_unknown:
        code = EXIT_INCOMPLETE
    else:
        code = EXIT_OK
    v = verdict(replace(doc, run=replace(doc.run, fail_on=fail_on)))
    parts = [f"{n} {sev}" for sev, n in failing.items() if n]
    text = f"{v.value}: " + (", ".join(parts) + " failing" if parts else "no failing finding")
    if waived:
        text += f", {waived} waived"
    if incomplete:
        text += f"; assessment incomplete ({unknown} unknown, {len(doc.coverage_gaps)} coverage gaps)"
        if allow_unknown:
            text += ", allowed by --allow-unknown"
    text += f"; gate fails on {fail_on.value} and above -> exit {code}"
    return GateResult(v, incomplete, code, failing, unknown, waived, len(doc.coverage_gaps), blocking, fail_on, text)
