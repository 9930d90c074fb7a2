"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One rule per policy (help text in Markdown, framework refs and severity as tags, ``security-severity``
for GitHub); one result per failing, unknown or waived finding (passes are not results); waived
findings carry a ``suppressions`` entry with the waiver's justification. A finding from a Terraform
plan points at the ``.tf`` file and line; a finding about a cloud resource has no file, so it names
the resource as a logical location and, because GitHub needs a physical location to show a result,
points at ``findings.json`` too. ``partialFingerprints`` come from the finding's stable key.

A finding from a plan read with ``--repo-root`` points at the line a developer changes (the provider
block or variable that sets a region, the rule naming a copy's destination, the policy statement
opening access; see :mod:`auditor.render.fixes`) and carries the resource's own line and the other
lines involved as ``relatedLocations``; its message ends with the concrete change. ``.tf`` paths are
relative to the repository root (``uriBaseId`` ``SRCROOT``, declared in ``originalUriBaseIds``), which
is what GitHub code scanning resolves them against. With a baseline, each result has a ``baselineState``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from auditor import __version__
from auditor.engine.waivers import coverage
from auditor.model.findings import Finding, FindingsDoc, Severity, Status
from auditor.model.inventory import Resource
from auditor.render.base import Renderer, RenderOptions, account_label, finding_order, framework_of, pick
from auditor.render.fixes import Fix, fix_for
from auditor.render.i18n import Translator
from auditor.render.junit import waiver_text
from auditor.safetext import clean_tree

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub maps security-severity to critical (>= 9.0), high (7.0-8.9), medium (4.0-6.9), low (0.1-3.9)
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}
LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note",
         Severity.INFO: "note"}
REPORTED = (Status.FAIL, Status.UNKNOWN, Status.WAIVED)
FINDINGS_ARTIFACT = "findings.json"
SRCROOT = "SRCROOT"
MAX_RESULTS = 25_000  # GitHub code scanning rejects a run with more results


def _rule(f: Finding, lang: str) -> dict[str, Any]:
    title = pick(f.title, lang) or f.policy_id
    remediation = pick(f.remediation, lang)
    refs = ", ".join(f"`{_md_code(r)}`" for r in f.frameworks)
    help_md = f"**{_md(title)}**\n\n" + (f"Remediation: {_md(remediation)}\n\n" if remediation else "") + (
        f"Framework references: {refs}\n" if refs else "")
    help_text = title + (f"\n\nRemediation: {remediation}" if remediation else "") + (
        f"\n\nFramework references: {', '.join(f.frameworks)}" if f.frameworks else "")
    # GitHub reads security-severity only from rules tagged "security"
    tags = ["security", f.severity.value, f.category, *sorted({*f.frameworks, *map(framework_of, f.frameworks)})]
    props: dict[str, Any] = {"tags": tags}
    if f.severity in SECURITY_SEVERITY:
        props["security-severity"] = SECURITY_SEVERITY[f.severity]
    props["precision"] = "high"
    return {
        "id": f.policy_id,
        "name": f.policy_id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": title},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": LEVEL[f.severity]},
        "properties": props,
    }


def _md(text: str) -> str:
    """Markdown help text: neutralise markup in policy texts (they may quote resource names)."""
    out = []
    for ch in text:
        if ch in "\\`*_{}[]()#+-.!|<>~":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out).replace("\n", " ")


def _md_code(text: str) -> str:
    return text.replace("`", "'")


def split_at(at: str | None) -> tuple[str, int] | None:
    """``"infra/main.tf:12"`` -> ``("infra/main.tf", 12)``; a path without a line is line 1."""
    if not at:
        return None
    path, sep, line = at.rpartition(":")
    if sep and line.isdigit() and path:
        return path, max(int(line), 1)
    return at, 1


def _physical(at: str | None) -> dict[str, Any]:
    source = split_at(at)
    if source is None:
        return {"artifactLocation": {"uri": FINDINGS_ARTIFACT}, "region": {"startLine": 1}}
    path = source[0].replace("\\", "/")
    artifact: dict[str, Any] = {"uri": quote(path, safe="/._-~")}
    if not path.startswith("/") and not path.startswith("../") and ":" not in path:
        artifact["uriBaseId"] = SRCROOT  # relative to the repository root
    return {"artifactLocation": artifact, "region": {"startLine": source[1]}}


def _location(f: Finding, resource: Resource | None, fix: Fix) -> dict[str, Any]:
    at = fix.primary.at if fix.primary is not None else (resource.source_file if resource is not None else None)
    logical: dict[str, Any] = {"fullyQualifiedName": f.resource_id, "kind": "resource"}
    if resource is not None and resource.name:
        logical["name"] = resource.name
    return {"physicalLocation": _physical(at), "logicalLocations": [logical]}


def _related(fix: Fix) -> list[dict[str, Any]]:
    """The other lines involved; none when the finding points at the resource itself (nothing else to show)."""
    if fix.primary is None:
        return []
    out = []
    for i, place in enumerate(fix.related, start=1):
        out.append({"id": i, "physicalLocation": _physical(place.at), "message": {"text": place.label}})
    return out


def _plain(t: Translator, fix: Fix) -> str:
    return str(fix.text(t, lambda v: f"`{v}`"))



def _named(account: str | None, names: Mapping[str, str]) -> dict[str, str]:
    name = names.get(account or "")
    return {"accountName": name} if name else {}


def _message(f: Finding, lang: str, names: Mapping[str, str]) -> str:
    msg = pick(f.message, lang) or pick(f.title, lang)
    where = ", ".join(x for x in (f.provider, account_label(f.account, names), f.region, f.country, f.zone) if x)
    text = f"{msg} [{f.resource_id}]" + (f" ({where})" if where else "")
    if f.status is Status.UNKNOWN:
        text = {"fr": "Impossible de trancher\u202f: "}.get(lang, "Could not be decided: ") + text
    return text


def render(doc: FindingsDoc, options: RenderOptions, max_results: int = MAX_RESULTS) -> str:
    lang = options.lang
    t = Translator(lang, escape_param=str)
    fix_label = {"en": "Fix", "fr": "Correction"}.get(lang, "Fix")
    resources = {r.id: r for r in doc.resources}
    reported = sorted((f for f in doc.findings if f.status in REPORTED), key=finding_order)
    dropped = max(len(reported) - max_results, 0)
    reported = reported[:max_results]  # worst first: what is cut is the least severe
    first_by_policy: dict[str, Finding] = {}
    for f in sorted(doc.findings, key=finding_order):
        first_by_policy.setdefault(f.policy_id, f)
    policy_ids = sorted(first_by_policy)
    rules = [_rule(first_by_policy[p], lang) for p in policy_ids]
    index = {p: i for i, p in enumerate(policy_ids)}
    results = []
    covers = {u.ref.waiver_id: u.findings for u in coverage(doc.findings)}
    for f in reported:
        resource = resources.get(f.resource_id)
        fix = fix_for(f, resource, doc, lang)
        result: dict[str, Any] = {
            "ruleId": f.policy_id,
            "ruleIndex": index[f.policy_id],
            "level": LEVEL[f.severity],
            "kind": "fail" if f.status is not Status.UNKNOWN else "review",
            "message": {"text": _message(f, lang, doc.run.names)
                        + (f" {fix_label}: {change}" if (change := _plain(t, fix)) else "")},
            "locations": [_location(f, resource, fix)],
            "partialFingerprints": {"auditorFindingKey/v1": hashlib.sha256(f.key.encode("utf-8")).hexdigest()},
            "properties": {"status": f.status.value, "severity": f.severity.value, "provider": f.provider,
                           "account": f.account or "", **_named(f.account, doc.run.names),
                           "region": f.region or "", "country": f.country or "",
                           "zone": f.zone or "", "frameworks": list(f.frameworks)},
        }
        related = _related(fix)
        if related:
            result["relatedLocations"] = related
        if options.baseline is not None:
            result["baselineState"] = "unchanged" if options.baseline.knows(f) else "new"
        if f.status is Status.WAIVED:
            suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
            n = covers.get(f.waiver.waiver_id, 0) if f.waiver is not None else 0
            if f.waiver is not None:
                suppression["properties"] = {"waiverId": f.waiver.waiver_id, "waiverCovers": n}
            result["suppressions"] = [{**suppression, "justification": waiver_text(f.waiver, n, t)}]
        results.append(result)
    notifications = [
        {"level": "warning", "message": {"text": str(t(
            "sarif.coverage_gap", reason=g.reason, error=g.error,
            where=" ".join(x for x in (g.provider, account_label(g.account, doc.run.names), g.region, g.service,
                                       g.resource_id) if x)))},
         "descriptor": {"id": "coverage-gap"}}
        for g in doc.coverage_gaps
    ]
    if dropped:
        notifications.append({"level": "warning", "descriptor": {"id": "results-truncated"}, "message": {
            "text": f"{dropped} less severe results left out: GitHub accepts {max_results} per run; "
                    "findings.json and the HTML report list them all"}})
    run = doc.run
    sarif = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "sovereign-auditor",
                "version": run.tool_version or __version__,
                "informationUri": "https://github.com/sovereign-auditor/sovereign-auditor",
                "rules": rules,
            }},
            "automationDetails": {"id": f"sovereign-auditor/{run.profile}/"},
            "originalUriBaseIds": {SRCROOT: {"description": {"text": "The root of the repository holding the "
                                                                     "Terraform configuration"}}},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "results": results,
            "properties": {**({"organization": run.organization_name} if run.organization_name else {}),
                           **({"names": dict(run.names)} if run.names else {}),
                           "profile": run.profile, "policyDigest": run.policy_digest, "started": run.started,
                           "finished": run.finished, "coverageGaps": len(doc.coverage_gaps),
                           **({"findingsSha256": options.findings_sha256} if options.findings_sha256 else {}),
                           **({"baseline": {"path": options.baseline.path, "recorded": options.baseline.recorded,
                                            "size": options.baseline.size}} if options.baseline else {})},
        }],
    }
    return json.dumps(clean_tree(sarif), indent=2, ensure_ascii=False) + "\n"  # no control/bidi character


RENDERER = Renderer("sarif", "findings.sarif", render)
