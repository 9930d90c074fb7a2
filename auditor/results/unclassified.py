"""Unclassified stores as counts: one finding per provider, account, service and region.

An estate can hold thousands of stores no classification rule recognises (machine-image snapshots,
exports, test buckets): each would be a resource in ``findings.json`` and an info finding "carries no
classification" (``CLS-001``), i.e. ~3 KB of report per store that says the same thing. Here a store
whose only findings are that one (failing, not waived) leaves ``findings.json``'s resources and its
passing checks, and its finding joins one finding per group that says how many stores and lists their
ids (the HTML report shows them in a drill-down; SARIF, JUnit, CSV and Markdown show one line per group).

What is kept as before: every health store and what is said about it; an unclassified store with any
other finding (public, outside the allowed zones…) or a waiver; a store of a Terraform plan (its finding
points at the line to change); coverage gaps. ``inventory.json``
still lists every store with everything read about it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from auditor.model.findings import Finding, FindingsDoc, Status
from auditor.model.inventory import Resource

POLICY = "CLS-001"
PREFIX = "unclassified:"  # the resource id of a group: unclassified:<provider>/<account>/<service>/<region>

MESSAGE = {
    "en": "{n} {service} data store(s) in {region} carry no classification: they may hold health data nobody "
          "labelled",
    "fr": "{n} stockage(s) {service} en {region} ne portent aucune classification : ils peuvent contenir des "
          "données de santé non étiquetées",
}


def is_group(finding: Finding) -> bool:
    """A finding that stands for a group of unclassified stores (its ``evidence`` lists their ids)."""
    return finding.policy_id == POLICY and finding.resource_id.startswith(PREFIX)


def group_id(r: Resource) -> str:
    return f"{PREFIX}{r.provider}/{r.account}/{r.service}/{r.region}"


def _unclassified(r: Resource) -> bool:
    """No rule recognised it, and it is not a planned resource (whose finding points at the line to tag)."""
    c = r.classification
    return c is not None and c.label == "unclassified" and not c.health and not r.source_file


def fold(doc: FindingsDoc) -> FindingsDoc:
    """``doc`` with its unclassified stores counted per group instead of listed one by one."""
    by_resource: dict[str, list[Finding]] = defaultdict(list)
    for f in doc.findings:
        by_resource[f.resource_id].append(f)
    folded: dict[str, Resource] = {}
    for r in doc.resources:
        mine = by_resource.get(r.id, ())
        if (_unclassified(r) and mine
                and all(f.policy_id == POLICY and f.status is Status.FAIL and f.waiver is None for f in mine)):
            folded[r.id] = r
    if not folded:
        return doc
    groups: dict[str, list[Resource]] = defaultdict(list)
    for r in folded.values():
        groups[group_id(r)].append(r)
    first = {gid: by_resource[members[0].id][0] for gid, members in groups.items()}
    kept = [f for f in doc.findings if f.resource_id not in folded]
    kept.extend(_group_finding(gid, members, first[gid]) for gid, members in groups.items())
    passed = {pid: tuple(i for i in ids if i not in folded) for pid, ids in doc.passed.items()}
    return replace(doc, resources=tuple(r for r in doc.resources if r.id not in folded), findings=tuple(kept),
                   passed={pid: ids for pid, ids in passed.items() if ids})


def _group_finding(gid: str, members: list[Resource], like: Finding) -> Finding:
    one = members[0]
    return _with_ids(replace(like, resource_id=gid, subject=gid, location_key="", region=one.region,
                             account=one.account, provider=one.provider), (r.id for r in members))


def _with_ids(group: Finding, ids: Iterable[str]) -> Finding:
    evidence = tuple(sorted(set(ids)))
    service, region = group.resource_id.removeprefix(PREFIX).split("/")[-2:]
    values = {"n": len(evidence), "service": service, "region": region}
    return replace(group, evidence=evidence, message={lang: text.format(**values) for lang, text in MESSAGE.items()})


def combine(a: Finding, b: Finding) -> Finding:
    """One group from the same group seen twice (overlapping shards): the union of their ids."""
    return _with_ids(a, (*a.evidence, *b.evidence))
