"""Sharded runs: the slice is deterministic, and the merged shards are the unsharded run."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from auditor.config import Config
from auditor.connectors.base import in_shard, parse_shard, shard_slice
from auditor.errors import ConfigError, InputError
from auditor.model.findings import Severity, Status
from auditor.results.gate import EXIT_INCOMPLETE, gate
from auditor.results.merge import mark_shard, merge, shard_of
from auditor.results.unclassified import is_group
from tests.results.estates import evaluated, organisation


def _passed(doc):
    return {policy: set(ids) for policy, ids in doc.passed.items() if ids}


def _shards(inventory, pack, total, day=1):
    return [(f"shard-{i}/findings.json", mark_shard(evaluated(shard_slice(inventory, (i, total)), pack, day),
                                                    (i, total)))
            for i in range(1, total + 1)]


def test_three_shards_merged_equal_the_unsharded_run(pack):
    org = organisation(9)
    whole = evaluated(org, pack, 1)
    parts = _shards(org, pack, 3)
    assert all(doc.resources for _, doc in parts), "every shard should hold part of the estate"
    assert [shard_of(doc.run) for _, doc in parts] == [(1, 3), (2, 3), (3, 3)]
    merged = merge(list(reversed(parts)))
    doc = merged.doc
    assert {f.key for f in doc.findings} == {f.key for f in whole.findings}
    assert {(f.key, f.severity, f.status) for f in doc.findings} == {
        (f.key, f.severity, f.status) for f in whole.findings}
    assert len(doc.findings) == len(whole.findings)
    assert _passed(doc) == _passed(whole)
    assert set(doc.coverage_gaps) == set(whole.coverage_gaps) and len(doc.coverage_gaps) == len(whole.coverage_gaps)
    assert {r.id for r in doc.resources} == {r.id for r in whole.resources}
    assert set(doc.run.accounts) == set(whole.run.accounts)
    assert gate(doc, Severity.HIGH, False).exit_code == gate(whole, Severity.HIGH, False).exit_code
    assert merged.notices == ()  # no overlap, no duplicate, nothing missing
    assert shard_of(doc.run) is None and "merged from 3 shard results" in doc.run.notices
    assert merge(parts).doc == doc  # the order of the inputs does not matter


def test_a_missing_shard_is_a_coverage_gap_never_a_clean_estate(pack):
    parts = _shards(organisation(9), pack, 3)
    merged = merge([parts[0], parts[2]])
    gaps = [g for g in merged.doc.coverage_gaps if g.reason == "missing-shard"]
    assert [g.error for g in gaps] == ["shard 2/3 result not merged"]
    assert any("shard 2/3 is missing" in n for n in merged.notices)
    compliant_shard = replace(parts[0][1], findings=(), passed={})
    assert gate(merge([(parts[0][0], compliant_shard)]).doc, Severity.HIGH, False).exit_code == EXIT_INCOMPLETE
    with pytest.raises(InputError, match="--expect 4"):
        merge(parts, expect=4)


def test_unmarked_results_use_expect(pack):
    org = organisation(4)
    a = evaluated(org, pack, 1)
    merged = merge([("a.json", a)], expect=2)
    assert [g.error for g in merged.doc.coverage_gaps if g.reason == "missing-shard"] == ["shard 2/2 result not merged"]


def test_duplicates_and_overlaps_are_reported(pack):
    org = organisation(6)
    parts = _shards(org, pack, 2)
    merged = merge([*parts, parts[0]])
    assert any(n.startswith("duplicate input: shard-1/findings.json") for n in merged.notices)
    assert merged.doc == replace(merge(parts).doc, run=replace(merge(parts).doc.run, notices=merged.doc.run.notices))

    early = evaluated(replace(org, resources=org.resources[:80]), pack, 1)
    late = evaluated(replace(org, resources=org.resources[60:]), pack, 2)
    both = merge([("early.json", early), ("late.json", late)])
    overlap = [n for n in both.notices if n.startswith("overlap:")]
    # 20 stores in both; the unclassified one among them is counted in its group (whose ids are merged), not listed
    assert overlap and overlap[0].startswith("overlap: 19 resources were audited by more than one shard")
    groups = [f for f in both.doc.findings if is_group(f)]
    assert groups and all(len(g.evidence) == len(set(g.evidence)) for g in groups)
    assert {i for g in groups for i in g.evidence} == {i for _, d in (("", early), ("", late))
                                                       for g in d.findings if is_group(g) for i in g.evidence}
    assert overlap[0] in both.doc.run.notices
    assert {f.key for f in both.doc.findings} == {f.key for f in early.findings} | {f.key for f in late.findings}


def test_a_conflict_keeps_the_worse_verdict(pack):
    org = organisation(2)
    a = evaluated(org, pack, 1)
    target = next(f for f in a.findings if f.status is Status.FAIL)
    softer = replace(a, run=replace(a.run, started="2026-01-01T03:00:00Z", run_id="other"),
                     findings=tuple(replace(f, status=Status.WAIVED) if f.key == target.key else f
                                    for f in a.findings))
    merged = merge([("soft.json", softer), ("hard.json", a)])
    kept = next(f for f in merged.doc.findings if f.key == target.key)
    assert kept.status is Status.FAIL
    assert any("differ between shards" in n for n in merged.notices)


def test_shards_of_different_audits_are_refused(pack):
    org = organisation(2)
    hds = evaluated(org, pack, 1)
    gdpr = evaluated(org, pack, 1, Config(profile="gdpr"))
    with pytest.raises(InputError, match="same profile"):
        merge([("hds.json", hds), ("gdpr.json", gdpr)])
    with pytest.raises(InputError, match="different splits"):
        merge([("a.json", mark_shard(hds, (1, 2))), ("b.json", mark_shard(hds, (2, 3)))])
    with pytest.raises(InputError, match="nothing to merge"):
        merge([])


def test_the_slice_is_deterministic_even_and_stable():
    ids = [f"{random.Random(7).randrange(10**11, 10**12) + i * 104729}" for i in range(3000)]
    for total in (2, 3, 7):
        owners = [[i for i in range(1, total + 1) if in_shard(ident, (i, total))] for ident in ids]
        assert all(len(o) == 1 for o in owners)  # every account in exactly one shard
        sizes = [sum(o == [i] for o in owners) for i in range(1, total + 1)]
        assert min(sizes) > 0.8 * len(ids) / total
    # Pinned: the slice depends on the id alone (not on the other accounts, the process or the machine);
    # changing the hash would reshuffle every runner's slice between two nights.
    pinned = {"123456789012": (2, 5), "210000000000": (2, 2), "9b8d1f00-0000-4000-8000-0000000001ae": (3, 5)}
    for ident, (of_three, of_five) in pinned.items():
        assert [i for i in (1, 2, 3) if in_shard(ident, (i, 3))] == [of_three]
        assert [i for i in range(1, 6) if in_shard(ident, (i, 5))] == [of_five]
    assert in_shard("9B8D1F00-0000-4000-8000-0000000001AE", (2, 5)) == in_shard(
        "9b8d1f00-0000-4000-8000-0000000001ae", (2, 5))
    assert in_shard("anything", None)


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "", "1/3/5"])
def test_bad_shard_specs(text):
    with pytest.raises(ConfigError, match="expected I/N"):
        parse_shard(text)


def test_good_shard_specs():
    assert parse_shard("1/1") == (1, 1) and parse_shard(" 2/5 ") == (2, 5) and parse_shard("10/10") == (10, 10)
