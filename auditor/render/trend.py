"""What changed since the last run, and the trend of failing findings over past runs.

"Since last run" is :func:`auditor.results.diff.diff`, the computation ``auditor diff`` prints: a report
and the command never disagree on what is new and what was resolved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.model.findings import SEVERITIES, FindingsDoc, Run, Severity
from auditor.render.base import TrendPoint, finding_order, pick
from auditor.results.diff import Diff, Snapshot, diff

if TYPE_CHECKING:
    from auditor.render.view import FindingView


@dataclass(frozen=True, slots=True)
class ResolvedView:
    policy_id: str
    title: str
    resource_id: str
    severity: Severity


@dataclass(frozen=True, slots=True)
class SinceView:
    previous: str  # when the previous run started
    new: tuple[FindingView, ...]
    resolved: tuple[ResolvedView, ...]


@dataclass(frozen=True, slots=True)
class TrendView:
    points: tuple[TrendPoint, ...]  # past runs then this one
    lines: tuple[tuple[str, str], ...]  # (severity, SVG polyline points), only severities ever non-zero
    width: int
    height: int
    peak: int


def changes(previous: FindingsDoc | None, doc: FindingsDoc) -> Diff | None:
    """What changed since ``previous``: the same computation as ``auditor diff`` (:func:`auditor.results.diff.diff`)."""
    if previous is None:
        return None
    return diff(Snapshot.of(previous), Snapshot.of(doc))


def build_since(change: Diff | None, views: Sequence[FindingView], lang: str) -> SinceView | None:
    if change is None:
        return None
    resolved = tuple(ResolvedView(r.finding.policy_id, pick(r.finding.title, lang), r.finding.resource_id,
                                  r.finding.severity)
                     for r in sorted(change.resolved, key=lambda r: finding_order(r.finding)))
    return SinceView(change.old.run.started, tuple(v for v in views if v.new), resolved)


def build_trend(past: Sequence[TrendPoint], failing: Mapping[str, int], unknown: int, run: Run) -> TrendView | None:
    if not past:
        return None
    points = (*past, TrendPoint(run.started, dict(failing), unknown))
    width, height, pad = 240, 48, 4
    peak = max([1, *(p.counts.get(s.value, 0) for p in points for s in SEVERITIES)])  # one line per severity
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    lines = []
    for sev in SEVERITIES:
        values = [p.counts.get(sev.value, 0) for p in points]
        if not any(values):
            continue
        coords = " ".join(f"{pad + i * step:.1f},{height - pad - (height - 2 * pad) * v / peak:.1f}"
                          for i, v in enumerate(values))
        lines.append((sev.value, coords))
    return TrendView(points, tuple(lines), width, height, peak)
