"""What changed between two runs: new, resolved, still open (with age), changed, new coverage gaps.

The two sides are :class:`Snapshot` s, read from ``findings.json`` files (:func:`load_file`) or
from the run store (:meth:`auditor.results.history.History.snapshot`). A finding is the same
finding in both when its :attr:`~auditor.model.findings.Finding.key` (policy + resource, or the
resource's logical identity when its id does not last + location) is the same. This is the one
"what changed" computation: ``auditor diff`` and the reports' "since last run" both call
:func:`diff`. *Open* means failing or unknown — unknown is never compliant; a waived finding is
known but not open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from auditor.model.documents import read_findings_for_comparison
from auditor.model.findings import Finding, FindingsDoc, Run, Severity, Status
from auditor.model.inventory import CoverageGap

OPEN = (Status.FAIL, Status.UNKNOWN)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One side of a diff: a run's findings, gaps and (when known) the resources it audited."""

    label: str
    run: Run
    findings: tuple[Finding, ...]
    gaps: tuple[CoverageGap, ...]
    resources: frozenset[str] | None = None  # ids of the resources audited; None: not known
    since: Mapping[str, str] = field(default_factory=dict)  # key -> first seen, when the store knows it

    @classmethod
    def of(cls, doc: FindingsDoc, label: str = "") -> Snapshot:
        """A run in memory (the one being reported, or a previous one) as one side of a diff."""
        ids = frozenset(r.id for r in doc.resources) if doc.resources else None
        return cls(label=label or doc.run.started, run=doc.run, findings=doc.findings, gaps=doc.coverage_gaps,
                   resources=ids)

    def as_doc(self) -> FindingsDoc:
        """A FindingsDoc for "since last run": findings carry identity, severity, status and title."""
        return FindingsDoc(run=self.run, resources=(), findings=self.findings, coverage_gaps=self.gaps)


@dataclass(frozen=True, slots=True)
class Open:
    finding: Finding
    since: str  # when it was first seen (open without interruption since)
    age_days: int
    exact: bool  # False: only known to be open since the older run (files carry no history)


@dataclass(frozen=True, slots=True)
class Resolved:
    finding: Finding  # as it was in the older run
    how: str  # fixed | waived | resource-gone


@dataclass(frozen=True, slots=True)
class Changed:
    old: Finding
    new: Finding


@dataclass(frozen=True, slots=True)
class Diff:
    old: Snapshot
    new: Snapshot
    new_findings: tuple[Finding, ...]
    resolved: tuple[Resolved, ...]
    still_open: tuple[Open, ...]  # oldest first
    changed: tuple[Changed, ...]  # open in both, severity or status changed
    new_gaps: tuple[CoverageGap, ...]
    resolved_gaps: tuple[CoverageGap, ...]
    notes: tuple[str, ...] = ()


def _order(f: Finding) -> tuple[int, str, str, str]:
    return (-f.severity.rank, f.policy_id, f.resource_id, f.location_key)


def gap_key(g: CoverageGap) -> tuple[str | None, ...]:
    return (g.provider, g.account, g.region, g.service, g.resource_id, g.reason)


def diff(old: Snapshot, new: Snapshot) -> Diff:
    before = {f.key: f for f in old.findings}
    after = {f.key: f for f in new.findings}
    new_findings: list[Finding] = []
    resolved: list[Resolved] = []
    still: list[Open] = []
    changed: list[Changed] = []
    for key, f in after.items():
        prior = before.get(key)
        if f.status not in OPEN:
            continue
        if prior is None or prior.status not in OPEN:
            new_findings.append(f)
            continue
        still.append(_open(f, key, old, new))
        if (prior.severity, prior.status) != (f.severity, f.status):
            changed.append(Changed(prior, f))
    for key, f in before.items():
        if f.status not in OPEN:
            continue
        now = after.get(key)
        if now is None:
            gone = new.resources is not None and f.resource_id not in new.resources
            resolved.append(Resolved(f, "resource-gone" if gone else "fixed"))
        elif now.status not in OPEN:
            resolved.append(Resolved(f, "waived" if now.status is Status.WAIVED else "fixed"))
    old_gaps = {gap_key(g) for g in old.gaps}
    new_gaps = {gap_key(g) for g in new.gaps}
    return Diff(
        old=old, new=new,
        new_findings=tuple(sorted(new_findings, key=_order)),
        resolved=tuple(sorted(resolved, key=lambda r: _order(r.finding))),
        still_open=tuple(sorted(still, key=lambda o: (o.since, _order(o.finding)))),
        changed=tuple(sorted(changed, key=lambda c: _order(c.new))),
        new_gaps=tuple(dict.fromkeys(g for g in new.gaps if gap_key(g) not in old_gaps)),
        resolved_gaps=tuple(dict.fromkeys(g for g in old.gaps if gap_key(g) not in new_gaps)),
        notes=_notes(old.run, new.run),
    )


def _open(f: Finding, key: str, old: Snapshot, new: Snapshot) -> Open:
    since = new.since.get(key) or old.since.get(key)
    exact = since is not None
    since = since or old.run.started
    return Open(f, since, max(_days(since, new.run.started), 0), exact)


def _days(start: str, end: str) -> int:
    try:
        return (_instant(end) - _instant(start)).days
    except ValueError:
        return 0


@cache
def _instant(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _notes(old: Run, new: Run) -> tuple[str, ...]:
    notes = []
    if old.profile != new.profile:
        notes.append(f"the runs use different profiles ({old.profile} -> {new.profile}): severities may differ")
    if old.policy_digest != new.policy_digest:
        notes.append("the policy pack changed between the runs: some changes may come from the policies")
    if set(old.providers) != set(new.providers) or set(old.accounts) != set(new.accounts):
        notes.append("the runs did not cover the same providers/accounts: a resolved finding may be out of scope")
    return tuple(notes)


def escalations(d: Diff, fail_on: Severity) -> tuple[Finding, ...]:
    """What makes ``auditor diff`` exit 1: open findings at or above ``fail_on`` that are new,
    or that rose to that level since the older run."""
    rose = tuple(c.new for c in d.changed if c.new.severity.at_least(fail_on) and not c.old.severity.at_least(fail_on))
    return tuple(f for f in d.new_findings if f.severity.at_least(fail_on)) + rose


# -- findings.json, read for comparison -------------------------------------------------------------

def load_file(path: Path) -> Snapshot:
    """A ``findings.json`` as a :class:`Snapshot`, read only as far as a comparison needs (not its resources)."""
    doc, ids = read_findings_for_comparison(path)
    return Snapshot(label=str(path), run=doc.run, findings=doc.findings, gaps=doc.coverage_gaps, resources=ids)
