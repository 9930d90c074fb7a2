"""Shard results -> one run (``auditor merge``), and the mark a shard run carries.

A shard (``auditor scan --shard I/N``) audits the accounts/subscriptions of one slice; its run
carries the notice ``shard I/N: …`` so that a merge knows which slices it has. Merging keeps
every finding, passing check and coverage gap; reports overlaps (a resource audited by two
shards) and duplicates (the same shard result given twice); and turns a missing slice into a
coverage gap, so an incomplete set of shards can never look like a clean estate.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from auditor.errors import InputError
from auditor.model.findings import Control, Finding, FindingsDoc, Run, Status
from auditor.model.inventory import CoverageGap, Resource
from auditor.model.vocab import GapReason
from auditor.results.unclassified import combine, is_group

_SHARD = re.compile(r"^shard (\d+)/(\d+): ")
_STATUS_WEIGHT = {Status.FAIL: 3, Status.UNKNOWN: 2, Status.WAIVED: 1, Status.PASS: 0}
MAX_LISTED = 5  # overlapping resources named in a notice


def shard_notice(shard: tuple[int, int]) -> str:
    index, total = shard
    return f"shard {index}/{total}: only the accounts and subscriptions of this slice were audited"


def mark_shard(doc: FindingsDoc, shard: tuple[int, int] | None) -> FindingsDoc:
    """Label a shard's run, so a reader (and ``auditor merge``) sees it covers one slice."""
    if shard is None:
        return doc
    run_id = hashlib.sha256(f"{doc.run.run_id}|shard {shard[0]}/{shard[1]}".encode()).hexdigest()[:16]
    return replace(doc, run=replace(doc.run, notices=(*doc.run.notices, shard_notice(shard)), run_id=run_id))


def shard_of(run: Run) -> tuple[int, int] | None:
    for notice in run.notices:
        found = _SHARD.match(notice)
        if found:
            return int(found.group(1)), int(found.group(2))
    return None


@dataclass(frozen=True, slots=True)
class Merged:
    doc: FindingsDoc
    notices: tuple[str, ...]  # overlaps, duplicates, missing shards: also in doc.run.notices


def merge(parts: Sequence[tuple[str, FindingsDoc]], expect: int | None = None) -> Merged:
    """Combine shard results (``(label, doc)``, e.g. the file name) into one run."""
    if not parts:
        raise InputError("merge.nothing")
    ordered = sorted(parts, key=lambda p: (p[1].run.started, p[1].run.run_id, p[0]))
    _check_same_audit(ordered)
    notices: list[str] = []
    unique: list[tuple[str, FindingsDoc]] = []
    seen: dict[Run, str] = {}
    for label, doc in ordered:
        if doc.run in seen:
            notices.append(f"duplicate input: {label} is the same run as {seen[doc.run]}; counted once")
            continue
        seen[doc.run] = label
        unique.append((label, doc))
    gaps = _missing_shards(unique, expect, notices)
    resources = _resources(unique, notices)
    findings = _findings(unique, notices)
    failed = {(f.policy_id, f.resource_id) for f in findings}
    passed: dict[str, dict[str, None]] = {}
    for _, doc in unique:
        for policy, ids in doc.passed.items():
            bucket = passed.setdefault(policy, {})
            bucket.update((r, None) for r in ids if (policy, r) not in failed)
    controls: dict[str, Control] = {}
    for _, doc in unique:
        for c in doc.controls:
            controls.setdefault(c.ref, c)
    all_gaps = tuple(dict.fromkeys(g for _, doc in unique for g in doc.coverage_gaps)) + gaps
    run = _run([doc.run for _, doc in unique], notices, len(unique))
    doc = FindingsDoc(run=run, resources=resources, findings=findings, coverage_gaps=all_gaps,
                      controls=tuple(controls.values()), passed={p: tuple(ids) for p, ids in passed.items()})
    return Merged(doc, tuple(notices))


def _check_same_audit(parts: Sequence[tuple[str, FindingsDoc]]) -> None:
    first_label, first = parts[0]

    def audit(run: Run) -> tuple[object, ...]:
        return (run.profile, run.policy_digest, tuple(sorted(run.allowed_zones)), tuple(sorted(run.allowed_countries)))

    for label, doc in parts[1:]:
        if audit(doc.run) != audit(first.run):
            raise InputError("merge.profile-differs", location=label, profile=doc.run.profile,
                             digest=doc.run.policy_digest, first=first_label, first_profile=first.run.profile,
                             first_digest=first.run.policy_digest)
    shards = {label: shard_of(doc.run) for label, doc in parts}
    totals = {s[1] for s in shards.values() if s is not None}
    if len(totals) > 1:
        raise InputError("merge.splits", splits=tuple(InputError("merge.split", label=label, index=s[0], total=s[1])
                                                     for label, s in shards.items() if s))


def _missing_shards(parts: Sequence[tuple[str, FindingsDoc]], expect: int | None,
                    notices: list[str]) -> tuple[CoverageGap, ...]:
    shards = [(label, shard_of(doc.run)) for label, doc in parts]
    marked = [(label, s) for label, s in shards if s is not None]
    providers = "+".join(sorted({p for _, doc in parts for p in doc.run.providers})) or "all"
    if marked:
        total = marked[0][1][1]
        if expect is not None and expect != total:
            raise InputError("merge.expect", expect=expect, total=total)
        by_index: dict[int, list[str]] = {}
        for label, (index, _) in marked:
            by_index.setdefault(index, []).append(label)
        for index, labels in sorted(by_index.items()):
            if len(labels) > 1:
                notices.append(f"shard {index}/{total} given {len(labels)} times ({', '.join(labels)}): all kept")
        missing = [i for i in range(1, total + 1) if i not in by_index]
        if len(marked) < len(shards):
            notices.append("some inputs are not shard results: " + ", ".join(lb for lb, s in shards if s is None))
    else:
        total = expect or len(parts)
        missing = list(range(len(parts) + 1, total + 1))
    for index in missing:
        notices.append(f"shard {index}/{total} is missing: its accounts and subscriptions were not audited")
    return tuple(CoverageGap(provider=providers, service="shard", reason=GapReason.MISSING_SHARD,
                             error=f"shard {index}/{total} result not merged") for index in missing)


def _resources(parts: Sequence[tuple[str, FindingsDoc]], notices: list[str]) -> tuple[Resource, ...]:
    kept: dict[str, Resource] = {}
    owner: dict[str, str] = {}
    overlaps: list[str] = []
    differ = 0
    for label, doc in parts:
        for r in doc.resources:
            if r.id not in kept:
                kept[r.id], owner[r.id] = r, label
                continue
            if owner[r.id] != label:
                overlaps.append(r.id)
                differ += kept[r.id] != r
    if overlaps:
        listed = ", ".join(overlaps[:MAX_LISTED]) + (" …" if len(overlaps) > MAX_LISTED else "")
        text = f"overlap: {len(overlaps)} resources were audited by more than one shard ({listed})"
        if differ:
            text += f"; {differ} of them differ between shards (the first shard's copy is kept)"
        notices.append(text)
    return tuple(kept.values())


def _findings(parts: Sequence[tuple[str, FindingsDoc]], notices: list[str]) -> tuple[Finding, ...]:
    kept: dict[str, Finding] = {}
    conflicts = 0
    for _, doc in parts:
        for f in doc.findings:
            prior = kept.get(f.key)
            if prior is None:
                kept[f.key] = f
            elif is_group(prior) and is_group(f):  # counted unclassified stores: every id of both
                kept[f.key] = combine(prior, f)
            elif (prior.severity, prior.status) != (f.severity, f.status):
                conflicts += 1
                if _weight(f) > _weight(prior):  # the worse verdict wins: never merge a failure away
                    kept[f.key] = f
    if conflicts:
        notices.append(f"{conflicts} findings differ between shards auditing the same resource; the worse is kept")
    return tuple(kept.values())


def _weight(f: Finding) -> tuple[int, int]:
    return (_STATUS_WEIGHT[f.status], f.severity.rank)


def _run(runs: Sequence[Run], notices: Sequence[str], count: int) -> Run:
    def union(values: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for vs in values for v in vs))

    first = runs[0]
    versions = sorted({r.tool_version for r in runs})
    extra = [f"merged from {count} shard results"]
    if len(versions) > 1:
        extra.append(f"shards were audited with different tool versions ({', '.join(versions)})")
    inherited = union([tuple(n for n in r.notices if not _SHARD.match(n)) for r in runs])
    digest = hashlib.sha256("|".join(sorted(r.run_id for r in runs)).encode()).hexdigest()[:16]
    return replace(
        first,
        tool_version=versions[-1],
        started=min(r.started for r in runs),
        finished=max(r.finished for r in runs),
        providers=tuple(sorted(union([r.providers for r in runs]))),
        accounts=tuple(sorted(union([r.accounts for r in runs]))),
        regions=tuple(sorted(union([r.regions for r in runs]))),
        source="+".join(dict.fromkeys(r.source for r in runs)),
        notices=(*inherited, *extra, *notices),
        run_id=digest,
    )
