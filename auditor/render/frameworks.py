"""Findings read per framework: each control with its legal reference and what the run says about it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from auditor.model.findings import Control, Finding, Status
from auditor.render.base import framework_of, pick


@dataclass(frozen=True, slots=True)
class RefView:
    ref: str  # GDPR:Art.44
    reference: str  # the legal text, when the run carries the control
    url: str


@dataclass(frozen=True, slots=True)
class ControlView:
    ref: str
    title: str
    reference: str
    url: str
    state: str  # fail | unknown | waived | pass | manual | out-of-scope | not-evaluated
    failed: int
    unknown: int
    waived: int
    passed: int
    policies: tuple[str, ...]
    note: str  # why it is out of scope


@dataclass(frozen=True, slots=True)
class FrameworkView:
    name: str
    title: str
    controls: tuple[ControlView, ...]
    failed: int
    unknown: int
    manual: int


def reference(control: Control, lang: str) -> str:
    """The control's legal reference in ``lang`` (a findings.json without translations: the English one)."""
    return pick(control.reference_text, lang) or control.reference


def out_of_scope(control: Control, lang: str) -> str:
    return pick(control.out_of_scope_text, lang) or control.out_of_scope or ""


def references(controls: Iterable[Control], lang: str = "en") -> dict[str, RefView]:
    return {c.ref: RefView(c.ref, reference(c, lang), c.url or "") for c in controls}


def _state(control: Control | None, counts: dict[Status, int]) -> str:
    if control is not None and control.manual:
        return "manual"
    if control is not None and control.out_of_scope:
        return "out-of-scope"
    for status, state in ((Status.FAIL, "fail"), (Status.UNKNOWN, "unknown"), (Status.WAIVED, "waived"),
                          (Status.PASS, "pass")):
        if counts.get(status):
            return state
    return "not-evaluated"


def build_frameworks(controls: Sequence[Control], findings: Sequence[Finding], passed: Mapping[str, int],
                     lang: str) -> tuple[FrameworkView, ...]:
    """``findings`` fail/unknown/waived (and any pass); ``passed``: policy id -> passes kept compactly."""
    by_ref: dict[str, dict[Status, int]] = defaultdict(lambda: defaultdict(int))
    by_policy: dict[str, dict[Status, int]] = defaultdict(lambda: defaultdict(int))
    refs_of_policy: dict[str, set[str]] = defaultdict(set)
    seen_refs: set[str] = set()
    for f in findings:
        if f.status is not Status.PASS:
            by_policy[f.policy_id][f.status] += 1
        refs_of_policy[f.policy_id].update(f.frameworks)
        for ref in f.frameworks:
            if f.status is not Status.PASS:
                by_ref[ref][f.status] += 1
            seen_refs.add(ref)
    for policy_id, n in passed.items():
        by_policy[policy_id][Status.PASS] += n
        for ref in refs_of_policy.get(policy_id, ()):
            by_ref[ref][Status.PASS] += n
    known = {c.ref: c for c in controls}
    titles: dict[str, str] = {}
    rows: dict[str, list[ControlView]] = defaultdict(list)
    for ref in sorted(set(known) | seen_refs):
        control = known.get(ref)
        counts: dict[Status, int] = defaultdict(int)
        for status, n in by_ref.get(ref, {}).items():
            counts[status] += n
        if control is not None:
            for pid in control.policies:  # evidence named by the control but not tagged on the finding
                for status, n in by_policy.get(pid, {}).items():
                    if not by_ref.get(ref):
                        counts[status] += n
        name = framework_of(ref)
        if control is not None and control.framework_title:
            titles.setdefault(name, pick(control.framework_title, lang))
        rows[name].append(ControlView(
            ref, pick(control.title, lang) if control else "", reference(control, lang) if control else "",
            (control.url or "") if control else "", _state(control, counts), counts[Status.FAIL],
            counts[Status.UNKNOWN], counts[Status.WAIVED], counts[Status.PASS],
            control.policies if control else (), out_of_scope(control, lang) if control else ""))
    return tuple(
        FrameworkView(name, titles.get(name, name), tuple(ctrls), sum(c.failed for c in ctrls),
                      sum(c.unknown for c in ctrls), sum(1 for c in ctrls if c.state == "manual"))
        for name, ctrls in sorted(rows.items())
    )
