"""JUnit XML for GitLab, Jenkins and Azure DevOps test tabs.

One test suite per policy, one test case per policy × resource (passes included, so the tab shows
what was checked). A failing finding is a ``<failure>``, an unknown one an ``<error>`` (it could not be
decided: never a pass), a waived one ``<skipped>`` with the waiver's reason. Coverage gaps form one
more suite of errors. Characters XML 1.0 cannot carry are removed, so any cloud string stays valid XML.
A finding from a plan read with ``--repo-root`` names the line to change and the change (``fix:``), and its
test case carries the file (``file``), as GitLab's test report shows it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Mapping

from auditor.engine.waivers import coverage
from auditor.model.findings import Finding, FindingsDoc, Status, WaiverRef
from auditor.render.base import (
    STATUS_ORDER,
    Renderer,
    RenderOptions,
    account_label,
    finding_order,
    passes,
    pick,
    strip_controls,
)
from auditor.render.fixes import fix_for
from auditor.render.i18n import Translator

_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """Characters XML 1.0 cannot carry removed, and the bidi overrides ``strip_controls`` removes."""
    return str(strip_controls(_ILLEGAL.sub("", text)))


def _el(parent: ET.Element, tag: str, **attrs: str | int) -> ET.Element:
    return ET.SubElement(parent, tag, {k.rstrip("_"): clean(str(v)) for k, v in attrs.items()})


def _text(f: Finding, t: Translator, fix: str | None = None, names: Mapping[str, str] | None = None) -> str:
    lang = t.lang
    lines = [pick(f.message, lang) or pick(f.title, lang)]
    if fix:
        lines.append(t("junit.fix", text=fix))
    account = account_label(f.account, names or {})
    place = ", ".join(x for x in (f.provider, account, f.region, f.country, f.zone) if x)
    if place:
        lines.append(t("junit.where", text=place))
    remediation = pick(f.remediation, lang)
    if remediation:
        lines.append(t("junit.remediation", text=remediation))
    if f.frameworks:
        lines.append(t("junit.frameworks", text=", ".join(f.frameworks)))
    return "\n".join(lines)


def waiver_text(w: WaiverRef | None, covers: int, t: Translator) -> str:
    """What a waived finding says of its waiver (JUnit and SARIF), in the report's language."""
    if w is None:
        return str(t("waiver.plain"))
    n = t("waiver.covers_one") if covers == 1 else t("waiver.covers_many", n=covers)
    return str(t("waiver.justification", reason=w.reason, id=w.waiver_id, approver=w.approver, expires=w.expires,
                 covers=n))


def render(doc: FindingsDoc, options: RenderOptions) -> str:
    lang = options.lang
    covers = {u.ref.waiver_id: u.findings for u in coverage(doc.findings)}
    cases: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    titles: dict[str, str] = {}
    for f in sorted(doc.findings, key=finding_order):
        titles.setdefault(f.policy_id, pick(f.title, lang))
        if f.status is not Status.PASS:
            cases[f.policy_id][f.resource_id].append(f)
    for policy_id, resource_id in passes(doc):
        cases[policy_id].setdefault(resource_id, [])  # a pass: a test case without failure
    t = Translator(lang, escape_param=str)
    resources_by_id = {r.id: r for r in doc.resources}
    fixes: dict[int, tuple[str, str]] = {}  # id(finding) -> (the change, the file to change)
    for f in doc.findings:
        if f.status in (Status.FAIL, Status.UNKNOWN):
            fix = fix_for(f, resources_by_id.get(f.resource_id), doc, lang)
            if fix.primary is not None:
                fixes[id(f)] = (str(fix.text(t, lambda v: f"`{v}`")), fix.primary.at.rpartition(":")[0])
    org = doc.run.organization_name
    root = ET.Element("testsuites", {"name": clean(f"sovereign-auditor: {org}") if org else "sovereign-auditor"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for policy_id in sorted(cases):
        resources = cases[policy_id]
        suite = _el(root, "testsuite", name=f"{policy_id} {titles.get(policy_id, '')}".strip())
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for resource_id in sorted(resources):
            findings = resources[resource_id]
            case = _el(suite, "testcase", classname=policy_id, name=resource_id)
            counts["tests"] += 1
            if not findings:
                continue
            worst = min(findings, key=lambda f: (STATUS_ORDER[f.status], -f.severity.rank))
            relevant = [f for f in findings if f.status is worst.status]
            body = "\n\n".join(_text(f, t, fixes.get(id(f), ("", ""))[0], doc.run.names) for f in relevant)
            if id(worst) in fixes:
                case.set("file", clean(fixes[id(worst)][1]))
            if worst.status is Status.FAIL:
                el = _el(case, "failure", message=pick(worst.message, lang) or pick(worst.title, lang),
                         type=worst.severity.value)
                el.text = clean(body)
                counts["failures"] += 1
            elif worst.status is Status.UNKNOWN:
                el = _el(case, "error", message=t("junit.undecided", text=pick(worst.message, lang) or ""),
                         type="unknown")
                el.text = clean(body)
                counts["errors"] += 1
            elif worst.status is Status.WAIVED:
                w = worst.waiver
                text = waiver_text(w, covers.get(w.waiver_id, 0) if w else 0, t)
                _el(case, "skipped", message=t("waiver.skipped", text=text) if w else text)
                counts["skipped"] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    if doc.coverage_gaps:
        suite = _el(root, "testsuite", name="coverage")
        for g in sorted(doc.coverage_gaps, key=lambda g: (g.provider, g.account or "", g.region or "", g.service,
                                                          g.resource_id or "", g.reason)):
            where = "/".join(x for x in (g.provider, account_label(g.account, doc.run.names), g.region, g.service,
                                         g.resource_id) if x)
            case = _el(suite, "testcase", classname="coverage", name=where)
            el = _el(case, "error", message=f"{g.reason}: {g.error}", type="coverage-gap")
            el.text = clean(t("junit.unread", where=where, reason=g.reason, error=g.error))
        n = len(doc.coverage_gaps)
        for key, value in (("tests", n), ("failures", 0), ("errors", n), ("skipped", 0)):
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


RENDERER = Renderer("junit", "junit.xml", render)
