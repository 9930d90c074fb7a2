"""The verdict of a run and the gate's exit code (design §6).

Exit codes: 0 nothing at or above ``fail_on``; 1 failing findings at or above it; 3 the
assessment is incomplete and ``allow_unknown`` is off. When both 1 and 3 apply the code is 1 and
the summary says the assessment is also incomplete. (2 — bad input — never comes from here: it is
an ``AuditorError``.)

An unknown is treated like a failure of the same severity: only unknowns at or above ``fail_on``
make the run incomplete; the others are reported and counted, not blocking. A check that is "not
assessable from a plan" (``Finding.assessable`` false) never blocks on its own. A coverage gap
blocks through its coverage finding (COV-001, at that finding's severity); a gap no finding speaks
for (an old findings file) blocks as before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from auditor.model.findings import SEVERITIES, Finding, FindingsDoc, Severity, Status
from auditor.model.inventory import NOT_IN_PLAN
from auditor.model.vocab import GapReason

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
    incomplete: bool  # unknowns or gaps at or above fail_on exist (even when the verdict is non-compliant)
    exit_code: int
    failing: dict[str, int]  # severity -> count of failing (not waived) findings
    unknown: int
    waived: int
    gaps: int
    blocking: int  # failing findings at or above fail_on
    fail_on: Severity
    summary: str
    below: int = 0  # unknown findings below fail_on or not assessable from a plan: reported, not blocking


def blocking_unknowns(doc: FindingsDoc, limit: Severity) -> tuple[int, int]:
    """(unknowns that make the run incomplete, unknowns that are reported but do not block)."""
    blocking = below = 0
    for f in doc.findings:
        if f.status is not Status.UNKNOWN:
            continue
        if f.assessable and f.severity.at_least(limit):
            blocking += 1
        else:
            below += 1
    if not any(f.category == "coverage" for f in doc.findings):  # no finding speaks for the gaps
        blocking += sum(1 for g in doc.coverage_gaps if g.reason != NOT_IN_PLAN)
    else:
        # a whole provider that could not be read is no check on one store: whatever --fail-on says, the run
        # did not see part of the estate, so it is incomplete (issue #16)
        blocking += sum(1 for g in doc.coverage_gaps if g.reason == GapReason.PROVIDER_UNREACHABLE)
    return blocking, below


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
    failing, _, _ = counts(doc.findings)
    limit = threshold(doc)
    if any(n for sev, n in failing.items() if Severity(sev).at_least(limit)):
        return Verdict.NON_COMPLIANT
    if blocking_unknowns(doc, limit)[0]:
        return Verdict.INCOMPLETE
    return Verdict.COMPLIANT


def gate(doc: FindingsDoc, fail_on: Severity, allow_unknown: bool) -> GateResult:
    failing, unknown, waived = counts(doc.findings)
    blocking = sum(n for sev, n in failing.items() if Severity(sev).at_least(fail_on))
    unknown_blocking, below = blocking_unknowns(doc, fail_on)
    incomplete = bool(unknown_blocking)
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
    gaps = len(doc.coverage_gaps)
    if incomplete:
        text += f"; assessment incomplete ({unknown} unknown, {gaps} coverage gaps)"
        if allow_unknown:
            text += ", allowed by --allow-unknown"
    elif unknown or gaps:
        text += f"; {unknown} unknown below {fail_on.value} or not assessable from a plan, reported, not blocking"
    text += f"; gate fails on {fail_on.value} and above -> exit {code}"
    return GateResult(v, incomplete, code, failing, unknown, waived, gaps, blocking, fail_on, text, below)
