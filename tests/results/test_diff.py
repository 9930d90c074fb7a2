"""What a diff calls new, resolved, changed and escalated; its outputs stay inert with hostile names."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from auditor.model.findings import Finding, Run, Severity, Status
from auditor.model.inventory import CoverageGap
from auditor.results.diff import Snapshot, diff, escalations
from auditor.results.diff_text import as_json, markdown, text

RUN = Run("1", "hds", "sha256:x", "2026-01-01T02:00:00Z", "2026-01-01T02:05:00Z", providers=("aws",))
LATER = replace(RUN, started="2026-01-08T02:00:00Z", finished="2026-01-08T02:05:00Z")


def f(policy: str, resource: str, severity: str = "high", status: str = "fail") -> Finding:
    return Finding(policy, {"en": f"{policy} title"}, Severity(severity), Status(status), resource, "aws")


def snap(run: Run, *findings: Finding, gaps: tuple[CoverageGap, ...] = (), resources=None, since=None) -> Snapshot:
    return Snapshot("x", run, findings, gaps, resources, since or {})


def test_changes_are_classified():
    gap_old = CoverageGap("aws", "s3", "throttled", "Throttling", account="1")
    gap_new = CoverageGap("aws", "kms", "access-denied", "AccessDenied", account="1")
    old = snap(RUN, f("A", "r1", "medium"), f("B", "r2"), f("C", "r3"), f("D", "r4"), f("E", "r5", status="waived"),
               f("F", "r6"), gaps=(gap_old,))
    new = snap(LATER, f("A", "r1", "critical"), f("B", "r2", status="waived"), f("D", "r4"), f("E", "r5"),
               f("G", "r7", "low"), f("F", "r6", status="unknown"), gaps=(gap_new,), resources=frozenset({"r1", "r2"}))
    d = diff(old, new)
    assert [x.policy_id for x in d.new_findings] == ["E", "G"]  # a waiver that stops applying is new again
    assert {(r.finding.policy_id, r.how) for r in d.resolved} == {("B", "waived"), ("C", "resource-gone")}
    assert [(c.old.severity, c.new.severity) for c in d.changed if c.new.policy_id == "A"] == [
        (Severity.MEDIUM, Severity.CRITICAL)]
    assert [(c.old.status, c.new.status) for c in d.changed if c.new.policy_id == "F"] == [
        (Status.FAIL, Status.UNKNOWN)]
    assert {o.finding.policy_id: (o.age_days, o.exact) for o in d.still_open} == {
        "A": (7, False), "D": (7, False), "F": (7, False)}
    assert d.new_gaps == (gap_new,) and d.resolved_gaps == (gap_old,)
    # Exit 1 on: a new finding at or above --fail-on, or one that rose to it.
    assert {x.policy_id for x in escalations(d, Severity.HIGH)} == {"E", "A"}
    assert {x.policy_id for x in escalations(d, Severity.CRITICAL)} == {"A"}
    assert {x.policy_id for x in escalations(d, Severity.LOW)} == {"E", "G"}  # A was already at or above low


def test_a_finding_whose_resource_is_still_audited_is_fixed_not_gone():
    old = snap(RUN, f("C", "r3"))
    assert diff(old, snap(LATER, resources=frozenset({"r3"}))).resolved[0].how == "fixed"
    assert diff(old, snap(LATER)).resolved[0].how == "fixed"  # resources unknown: no claim it is gone


def test_age_comes_from_the_store_when_known():
    old = snap(RUN, f("A", "r1"))
    new = snap(LATER, f("A", "r1"), since={f("A", "r1").key: "2025-12-02T02:00:00Z"})
    [still] = diff(old, new).still_open
    assert (still.age_days, still.since, still.exact) == (37, "2025-12-02T02:00:00Z", True)


def test_different_profiles_or_scopes_are_noted():
    d = diff(snap(RUN), snap(replace(LATER, profile="gdpr", accounts=("9",))))
    assert any("different profiles" in n for n in d.notes) and any("same providers/accounts" in n for n in d.notes)


HOSTILE = "<script>alert(1)</script>](javascript:alert(1)) | `x` **b** <img src=x onerror=alert(1)>\n# head"


def _unescaped(line: str, chars: str) -> list[str]:
    return re.findall(rf"(?<!\\)[{re.escape(chars)}]", line)


def test_hostile_names_stay_inert_in_markdown_and_json():
    old = snap(RUN)
    new = snap(LATER, replace(f("A", f"arn:aws:s3:::{HOSTILE}"), title={"en": HOSTILE}))
    md = markdown(diff(old, new))
    [row] = [line for line in md.splitlines() if line.startswith("| high")]
    assert not _unescaped(row, "<>[]()`*#")  # no HTML, link, code, emphasis or heading can start
    assert len(_unescaped(row, "|")) == 5  # and the table row keeps its four cells
    assert json.loads(as_json(diff(old, new)))["new_findings"][0]["title"]["en"] == HOSTILE
    assert "\n# head" not in text(diff(old, new))


@given(st.text(max_size=60))
def test_markdown_cells_never_break_out(value):
    new = snap(LATER, replace(f("A", value), title={"en": value}))
    for line in markdown(diff(snap(RUN), new)).splitlines():
        if line.startswith("| high"):
            assert len(_unescaped(line, "|")) == 5 and not _unescaped(line, "<[")
