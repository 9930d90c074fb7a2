"""What changed since the last run, and the trend of failing findings over past runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.model.findings import SEVERITIES, FindingsDoc, Run, Severity, Status
from auditor.render.base import TrendPoint, finding_order, pick

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


OPEN = (Status.FAIL, Status.UNKNOWN)


def build_since(previous: FindingsDoc | None, views: Sequence[FindingView], lang: str) -> SinceView | None:
    if previous is None:
        return None
    current = {v.f.key for v in views if v.f.status in OPEN}
    resolved = tuple(
        ResolvedView(f.policy_id, pick(f.title, lang), f.resource_id, f.severity)
        for f in sorted(previous.findings, key=finding_order)
        if f.status in OPEN and f.key not in current
    )
    return SinceView(previous.run.started, tuple(v for v in views if v.new), resolved)


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
