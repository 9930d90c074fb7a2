"""The run store over three nights of a changing estate, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from auditor.config import Config
from auditor.errors import InputError
from auditor.model.findings import Status
from auditor.results import history
from auditor.results.diff import diff
from auditor.results.gate import counts, verdict
from auditor.results.sqldb import display
from tests.results.estates import edited, evaluated, resource, without

WAIVER = """\
waivers:
  - id: W-1
    policy: RES-002
    resource: "arn:aws:s3:::loire-facturation-pmsi"
    reason: archive copy until the EU vault migration
    approver: DPO
    created: "2026-01-01"
    expires: "2026-06-30"
"""


def _keys(findings, policy=None):
    return {f.key for f in findings if policy is None or f.policy_id == policy}


def test_three_nights_new_resolved_and_age(store_target, estate, pack, tmp_path):
    # Night 1: the estate as it is. Night 3: the Virginia DR bucket is deleted, the PACS bucket is no
    # longer public, a new bucket appears in London. Night 10: the PACS bucket is public again, and a
    # waiver now covers the billing archive's US copy.
    clone = replace(resource(estate, "loire-urgences-rpu-londres"), id="arn:aws:s3:::loire-urgences-bis",
                    name="loire-urgences-bis")
    night2 = edited(without(estate, "loire-dpi-dr-virginia"), "loire-pacs-imagerie", access=())
    night2 = replace(night2, resources=(*night2.resources, clone))
    night3 = replace(night2, resources=tuple(
        resource(estate, "loire-pacs-imagerie") if r.name == "loire-pacs-imagerie" else r for r in night2.resources))
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(WAIVER, "utf-8")
    docs = [evaluated(estate, pack, 1), evaluated(night2, pack, 3),
            evaluated(night3, pack, 10, Config(waivers=waivers))]

    with history.opened(store_target) as store:
        records = [store.record(d, findings_sha256=f"{i:064x}")[0] for i, d in enumerate(docs)]
        assert [r.seq for r in store.runs()] == [r.seq for r in records]
        assert [r.seq for r in store.runs(last=2)] == [r.seq for r in records[1:]]
        for rec, doc in zip(records, docs, strict=True):  # the listing's figures are the gate's
            failing, unknown, waived = counts(doc.findings)
            assert (dict(rec.failing), rec.unknown, rec.waived, rec.gaps, rec.resources, rec.verdict) == (
                failing, unknown, waived, len(doc.coverage_gaps), len(doc.resources), verdict(doc).value)
        snaps = [store.snapshot(r) for r in records]

    for snap, doc in zip(snaps, docs, strict=True):  # each night reads back exactly as recorded
        assert {(f.key, f.severity, f.status) for f in snap.findings} == {
            (f.key, f.severity, f.status) for f in doc.findings}
        assert set(snap.gaps) == set(doc.coverage_gaps)

    first, second = diff(snaps[0], snaps[1]), diff(snaps[1], snaps[2])
    old_docs = docs[0].findings
    bis = {f.key for f in docs[1].findings if f.resource_id == "arn:aws:s3:::loire-urgences-bis"}
    assert bis and _keys(first.new_findings) == bis
    how = {r.finding.key: r.how for r in first.resolved}
    public = _keys([f for f in old_docs if f.resource_id == "arn:aws:s3:::loire-pacs-imagerie"], "ACC-001")
    assert public and {how[k] for k in public} == {"fixed"}
    gone = {f.key for f in old_docs if f.resource_id == "arn:aws:s3:::loire-dpi-dr-virginia" and f.status in (
        Status.FAIL, Status.UNKNOWN)}
    assert gone and {how[k] for k in gone} == {"resource-gone"}
    assert set(how) == public | gone

    assert _keys(second.new_findings) == public  # public again: new again, its age starts over
    ages = {o.finding.key: (o.age_days, o.since, o.exact) for o in second.still_open}
    assert {ages[k] for k in bis} == {(7, "2026-01-03T02:00:00Z", True)}
    patients = next(f.key for f in old_docs if f.resource_id == "arn:aws:s3:::loire-dpi-patients"
                    and f.policy_id == "RES-002")
    assert ages[patients] == (9, "2026-01-01T02:00:00Z", True)
    assert {r.how for r in second.resolved} == {"waived"}
    assert [r.finding.policy_id for r in second.resolved] == ["RES-002"]
    assert not first.changed and not second.changed


def test_recording_twice_is_a_no_op_and_series_stay_apart(store_target, estate, pack):
    both = evaluated(estate, pack, 1)
    aws_only = evaluated(replace(estate, resources=tuple(r for r in estate.resources if r.provider == "aws"),
                                 scope=replace(estate.scope, providers=("aws",))), pack, 2)
    with history.opened(store_target) as store:
        assert store.record(both)[1] is True
        again, recorded = store.record(both)
        assert recorded is False and len(store.runs()) == 1 and again.run_id == both.run.run_id
        store.record(aws_only)
        # The AWS-only run does not make the Azure findings "resolved" for the next full run.
        previous = history.previous(store, replace(both.run, run_id="next"))
        assert previous is not None and _keys(previous.findings) == _keys(both.findings)
        assert [r.series for r in store.runs()] == ["hds|aws+azure", "hds|aws"]
        assert [r.seq for r in history.trend(store, both.run)] == [1]


def test_run_references(store_target, estate, pack):
    with history.opened(store_target) as store:
        a, _ = store.record(evaluated(estate, pack, 1))
        b, _ = store.record(evaluated(without(estate, "loire-site-web"), pack, 2))
        assert store.resolve("latest") == b and store.resolve("previous") == a
        assert store.resolve(str(a.seq)) == a and store.resolve(b.run_id[:8]) == b
        for bad in ("999", "zzzz", "ffffffffffffffff"):
            with pytest.raises(InputError, match="no run"):
                store.resolve(bad)


def test_reading_a_missing_store_creates_nothing(tmp_path):
    target = tmp_path / "nothing-here.db"
    with pytest.raises(InputError, match="no run history") as err:
        history.open_history(target, create=False)
    assert str(target) in err.value.one_line()
    assert not target.exists()


def test_a_store_from_another_schema_version_is_refused(tmp_path, estate, pack):
    target = tmp_path / "h.db"
    with history.opened(target) as store:
        store.db.execute("UPDATE meta SET value = '99' WHERE name = 'schema_version'")
    with pytest.raises(InputError, match="schema version 99"):
        history.open_history(target)


def test_not_a_database_is_one_line(tmp_path):
    target = tmp_path / "h.db"
    target.write_text("this is not SQLite\n" * 100, "utf-8")
    with pytest.raises(InputError) as err:
        history.open_history(target)
    assert "\n" not in err.value.one_line() and str(target) in err.value.one_line()


def test_a_postgres_password_never_shows():
    url = "postgresql://auditor:s3cr%21t@db.example:5432/audit"
    assert display(url) == "postgresql://auditor:***@db.example:5432/audit"
    with pytest.raises(InputError) as err:  # nothing listens on port 1
        history.open_history("postgresql://auditor:hunter2@127.0.0.1:1/audit?connect_timeout=2")
    assert "hunter2" not in err.value.one_line() and "***" in err.value.one_line()


def test_previous_findings_file_is_used_only_for_the_same_series(tmp_path, estate, pack):
    from auditor.pipeline import write_outputs

    night1 = evaluated(estate, pack, 1)
    write_outputs(night1, tmp_path, ["json"], "en")
    night2 = evaluated(estate, pack, 2)
    previous = history.previous_file(tmp_path / "findings.json", night2.run)
    assert previous is not None and _keys(previous.findings) == _keys(night1.findings)
    other = evaluated(estate, pack, 2, Config(profile="gdpr"))
    assert history.previous_file(tmp_path / "findings.json", other.run) is None
    (tmp_path / "findings.json").write_text("{broken", "utf-8")
    assert history.previous_file(tmp_path / "findings.json", night2.run) is None


def test_store_path_is_created_with_its_folder(tmp_path, estate, pack):
    target = tmp_path / "deep" / "er" / "h.db"
    with history.opened(target) as store:
        store.record(evaluated(estate, pack, 1))
    assert Path(target).is_file()
