"""Page one of the report: datasets (not findings) by verdict, provider and reason, and the actions that fix most.

A health dataset is *non-compliant* when a check fails on it at or above the run's ``--fail-on``
severity, *not assessable* when no such check fails but one at or above it is unknown, *to review*
when only lower-severity checks fail, and *compliant* otherwise. The same thresholds decide the
gate's exit code, so page one and the exit code never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from auditor.model.findings import Severity, Status

# Tags that name who owns a dataset and by when a fix is due (first match, case-insensitive).
OWNER_TAGS = ("owner", "data-owner", "responsable", "contact", "team", "equipe", "équipe")
DEADLINE_TAGS = ("deadline", "due", "due-date", "echeance", "échéance", "remediation-deadline")
ACTIONS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class DatasetState:
    """What page one needs of a dataset (the dataset views of :mod:`view` provide it)."""

    anchor: str
    name: str
    provider: str
    tags: Mapping[str, str]
    open: Sequence[tuple[str, Status, Severity, str, str]]  # (policy id, status, severity, title, remediation)


@dataclass(frozen=True, slots=True)
class ProviderRow:
    provider: str
    total: int
    noncompliant: int
    unassessed: int
    review: int


@dataclass(frozen=True, slots=True)
class ReasonRow:
    policy_id: str
    title: str
    severity: str
    datasets: int


@dataclass(frozen=True, slots=True)
class Action:
    policy_id: str
    title: str
    severity: str
    remediation: str
    datasets: tuple[tuple[str, str], ...]  # (name, anchor)
    owners: tuple[str, ...]
    deadlines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SummaryView:
    total: int
    noncompliant: tuple[str, ...]  # anchors
    unassessed: tuple[str, ...]
    review: tuple[str, ...]
    compliant: tuple[str, ...]
    by_provider: tuple[ProviderRow, ...]
    by_reason: tuple[ReasonRow, ...]
    unassessed_reasons: tuple[ReasonRow, ...]
    undecided: int  # datasets with at least one blocking check undecided (whatever their verdict)
    actions: tuple[Action, ...]  # the first ACTIONS_SHOWN of the plan: page one
    more_actions: int
    plan: tuple[Action, ...]  # every distinct fix of a blocking failure, most datasets fixed first


def state(d: DatasetState, threshold: Severity) -> str:
    """``noncompliant`` | ``unassessed`` | ``review`` | ``compliant``."""
    blocking = [(st, sev) for _, st, sev, _, _ in d.open if sev.at_least(threshold)]
    if any(st is Status.FAIL for st, _ in blocking):
        return "noncompliant"
    if any(st is Status.UNKNOWN for st, _ in blocking):
        return "unassessed"
    if any(st is Status.FAIL for _, st, _, _, _ in d.open):
        return "review"
    return "compliant"


def _tag(tags: Mapping[str, str], names: Sequence[str]) -> str | None:
    lowered = {k.lower(): v for k, v in tags.items()}
    return next((lowered[n] for n in names if lowered.get(n)), None)


def _reasons(datasets: Sequence[DatasetState], status: Status, threshold: Severity) -> tuple[ReasonRow, ...]:
    hit: dict[str, set[str]] = defaultdict(set)
    meta: dict[str, tuple[str, Severity]] = {}
    for d in datasets:
        for pid, st, sev, title, _ in d.open:
            if st is status and sev.at_least(threshold):
                hit[pid].add(d.anchor)
                if pid not in meta or sev.rank > meta[pid][1].rank:
                    meta[pid] = (title, sev)
    rows = [ReasonRow(pid, meta[pid][0], meta[pid][1].value, len(anchors)) for pid, anchors in hit.items()]
    return tuple(sorted(rows, key=lambda r: (-r.datasets, -Severity(r.severity).rank, r.policy_id)))


def build(datasets: Sequence[DatasetState], fail_on: str) -> SummaryView:
    threshold = Severity(fail_on) if fail_on in Severity.__members__.values() else Severity.HIGH
    states = {d.anchor: state(d, threshold) for d in datasets}

    def of(kind: str) -> tuple[str, ...]:
        return tuple(a for a, s in states.items() if s == kind)

    providers: dict[str, list[str]] = defaultdict(list)
    for d in datasets:
        providers[d.provider].append(states[d.anchor])
    by_provider = tuple(ProviderRow(p, len(s), s.count("noncompliant"), s.count("unassessed"), s.count("review"))
                        for p, s in sorted(providers.items()))

    grouped: dict[tuple[str, str], list[DatasetState]] = defaultdict(list)
    meta: dict[tuple[str, str], tuple[str, Severity]] = {}
    for d in datasets:
        for pid, st, sev, title, remediation in d.open:
            if st is Status.FAIL and sev.at_least(threshold):
                key = (pid, remediation)
                if d not in grouped[key]:
                    grouped[key].append(d)
                if key not in meta or sev.rank > meta[key][1].rank:
                    meta[key] = (title, sev)
    ranked = sorted(grouped.items(), key=lambda kv: (-len(kv[1]), -meta[kv[0]][1].rank, kv[0][0]))
    actions = []
    for (pid, remediation), members in ranked:
        owners = sorted({o for d in members if (o := _tag(d.tags, OWNER_TAGS))})
        deadlines = sorted({o for d in members if (o := _tag(d.tags, DEADLINE_TAGS))})
        actions.append(Action(pid, meta[(pid, remediation)][0], meta[(pid, remediation)][1].value, remediation,
                              tuple((d.name, d.anchor) for d in members), tuple(owners), tuple(deadlines)))
    return SummaryView(
        total=len(datasets), noncompliant=of("noncompliant"), unassessed=of("unassessed"), review=of("review"),
        compliant=of("compliant"), by_provider=by_provider,
        by_reason=_reasons(datasets, Status.FAIL, threshold),
        unassessed_reasons=_reasons(datasets, Status.UNKNOWN, threshold),
        undecided=sum(1 for d in datasets
                      if any(st is Status.UNKNOWN and sev.at_least(threshold) for _, st, sev, _, _ in d.open)),
        actions=tuple(actions[:ACTIONS_SHOWN]), more_actions=max(0, len(ranked) - ACTIONS_SHOWN),
        plan=tuple(actions))
