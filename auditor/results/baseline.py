"""Baseline mode: gate only what is new since an accepted ``findings.json``.

A team adopting the gate on a repository that is not clean yet saves today's ``findings.json``
as the baseline; later runs (``auditor plan --baseline findings.json``) still report every
finding, but the exit code counts only findings absent from the baseline. A finding is the
same across runs when its **policy id and resource** (Terraform address, ARN, Azure id) match:
never a file, a line number or a message, which change with every edit of the configuration.
A coverage gap is the same when its provider, service, resource (or account and region) and
reason match. Reports show the baseline's date, age and size next to the verdict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from auditor.model.documents import read_findings_for_comparison
from auditor.model.findings import Finding, FindingsDoc, Status
from auditor.model.inventory import CoverageGap

COUNTED = (Status.FAIL, Status.UNKNOWN)


def finding_identity(f: Finding) -> tuple[str, str]:
    return f.policy_id, f.resource_id


def gap_identity(g: CoverageGap) -> tuple[str, str, str, str]:
    return g.provider, g.service, g.resource_id or f"{g.account or ''}/{g.region or ''}", g.reason


@dataclass(frozen=True, slots=True)
class Baseline:
    path: str  # as given on the command line
    recorded: str | None  # when the baseline run ended (ISO 8601 UTC)
    findings: frozenset[tuple[str, str]]
    gaps: frozenset[tuple[str, str, str, str]]

    @property
    def size(self) -> int:
        """Findings (failing or unknown) and coverage gaps the baseline accepts."""
        return len(self.findings) + len(self.gaps)

    def knows(self, f: Finding) -> bool:
        return finding_identity(f) in self.findings

    def knows_gap(self, g: CoverageGap) -> bool:
        return gap_identity(g) in self.gaps

    def age_days(self, today: dt.date) -> int | None:
        if not self.recorded:
            return None
        try:
            when = dt.datetime.fromisoformat(self.recorded.replace("Z", "+00:00")).date()
        except ValueError:
            return None
        return max((today - when).days, 0)


def load(path: Path) -> Baseline:
    """Read a saved ``findings.json`` as a baseline (InputError naming the file when it is not one)."""
    doc, _ = read_findings_for_comparison(path)
    return of(doc, str(path))


def of(doc: FindingsDoc, path: str) -> Baseline:
    return Baseline(
        path=path,
        recorded=doc.run.finished or doc.run.started or None,
        findings=frozenset(finding_identity(f) for f in doc.findings if f.status in COUNTED),
        gaps=frozenset(gap_identity(g) for g in doc.coverage_gaps),
    )


def new_only(doc: FindingsDoc, baseline: Baseline) -> FindingsDoc:
    """The run as the gate sees it in baseline mode: findings and gaps the baseline knows left out."""
    return replace(doc, findings=tuple(f for f in doc.findings if not (f.status in COUNTED and baseline.knows(f))),
                   coverage_gaps=tuple(g for g in doc.coverage_gaps if not baseline.knows_gap(g)))


def describe(baseline: Baseline, doc: FindingsDoc, today: dt.date) -> str:
    """One line for the console: the baseline's age and size, and what it leaves out of the gate."""
    known = sum(1 for f in doc.findings if f.status in COUNTED and baseline.knows(f))
    known += sum(1 for g in doc.coverage_gaps if baseline.knows_gap(g))
    age = baseline.age_days(today)
    when = f"{baseline.recorded} ({age} days old)" if age is not None else "undated"
    return (f"baseline {baseline.path}: {baseline.size} accepted findings and gaps, recorded {when}; "
            f"{known} of this run's are in it and do not fail the gate")
