"""Identical estates, identical verdicts: a finding's identity is the logical thing it is about, so a
nightly snapshot rotation is not change, and ``auditor diff`` and the report's "since last run" agree."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace

import pytest

from auditor.config import Config
from auditor.demo.sample import sample_inventory
from auditor.engine.pack import load_pack
from auditor.model.findings import FindingsDoc
from auditor.model.identity import subject
from auditor.model.inventory import Resource
from auditor.pipeline import assess, publish
from auditor.render import RenderOptions
from auditor.render.view import build
from auditor.results import history
from auditor.results.diff import Snapshot, diff, load_file


@pytest.fixture(scope="module")
def pack():
    return load_pack(())


def _snapshot(snap_id: str, volume: str = "vol-0a1b2c3d", shared: tuple[str, ...] = ("all",)) -> Resource:
    """The imaging server's disk snapshot, restorable by ``shared`` (made from the sample's public bucket)."""
    bucket = next(r for r in sample_inventory().resources if r.name == "loire-pacs-imagerie")
    return replace(bucket, id=f"arn:aws:ec2:eu-west-3::snapshot/{snap_id}", name="loire-pacs-disque",
                   service="ebs", kind="snapshot", native_type="AWS::EC2::Snapshot",
                   attributes={"snapshot_id": snap_id, "volume_id": volume, "create_volume_permissions": list(shared)})


def _night(pack, day: int, *extra: Resource) -> FindingsDoc:
    base = sample_inventory()
    inventory = replace(base, resources=(*base.resources, *extra))
    return assess(inventory, Config(), started=f"2026-01-{day:02d}T02:00:00Z", pack=pack,
                  today=dt.date(2026, 1, day)).doc


def test_subject_names_a_snapshot_by_its_volume_and_whom_it_is_shared_with():
    assert subject(_snapshot("snap-1")) == subject(_snapshot("snap-2"))
    assert subject(_snapshot("snap-1")) != subject(_snapshot("snap-1", shared=("999988887777",)))
    assert subject(_snapshot("snap-1")) != subject(_snapshot("snap-1", volume="vol-other"))
    bucket = next(r for r in sample_inventory().resources if r.name == "loire-pacs-imagerie")
    assert subject(bucket) == ""  # an S3 bucket's ARN already is its identity


def test_a_rotated_snapshot_is_not_change_but_a_new_share_is(pack):
    night1 = _night(pack, 1, _snapshot("snap-1111"))
    night2 = _night(pack, 2, _snapshot("snap-2222"))  # tonight's snapshot of the same disk, shared the same way
    rotated = diff(Snapshot.of(night1), Snapshot.of(night2))
    assert not rotated.new_findings and not rotated.resolved
    assert any(o.finding.resource_id.endswith("snap-2222") for o in rotated.still_open)
    night3 = _night(pack, 3, _snapshot("snap-3333", shared=("999988887777",)))  # now shared with another account
    shared = diff(Snapshot.of(night2), Snapshot.of(night3))
    assert shared.new_findings and shared.resolved
    assert {f.resource_id for f in shared.new_findings} == {"arn:aws:ec2:eu-west-3::snapshot/snap-3333"}


def test_the_report_and_diff_tell_the_same_change(pack, tmp_path):
    night1 = _night(pack, 1, _snapshot("snap-1111"))
    base = sample_inventory()
    fixed = replace(base, resources=tuple(r for r in base.resources if r.name != "loire-site-web"))
    night2 = assess(replace(fixed, resources=(*fixed.resources, _snapshot("snap-2222", shared=("999988887777",)))),
                    Config(), started="2026-01-02T02:00:00Z", pack=pack, today=dt.date(2026, 1, 2)).doc
    change = diff(Snapshot.of(night1), Snapshot.of(night2))
    view = build(night2, RenderOptions(lang="en", previous=night1))
    assert view.since is not None
    assert {v.f.key for v in view.since.new} == {f.key for f in change.new_findings} != set()
    assert [(r.policy_id, r.resource_id) for r in view.since.resolved] == \
        [(r.finding.policy_id, r.finding.resource_id) for r in sorted(
            change.resolved, key=lambda r: (-r.finding.severity.rank, r.finding.policy_id, r.finding.resource_id))]
    # and through files, as `auditor diff old.json new.json` reads them
    config = Config(out=tmp_path / "out", formats=("json",))
    publish(night1, config)
    old = load_file(tmp_path / "out" / "findings.json")
    assert {f.key for f in diff(old, Snapshot.of(night2)).new_findings} == {f.key for f in change.new_findings}


def test_the_history_keeps_a_rotated_snapshot_as_one_finding(pack, tmp_path):
    config = Config(out=tmp_path / "out", formats=("json",), history=tmp_path / "h.db")
    publish(_night(pack, 1, _snapshot("snap-1111")), config)
    publish(_night(pack, 2, _snapshot("snap-2222")), config)
    with history.opened(config.history, create=False) as store:
        first, second = (store.snapshot(r) for r in store.runs())
        change = diff(first, second)
        assert not change.new_findings and not change.resolved
        # the open finding now names tonight's snapshot
        assert any(f.resource_id.endswith("snap-2222") for f in second.findings if f.subject)


def test_a_history_written_before_identities_is_brought_up_to_date(pack, tmp_path):
    path = tmp_path / "h.db"
    publish(_night(pack, 1), Config(out=tmp_path / "out", formats=("json",), history=path))
    with sqlite3.connect(path) as db:  # what version 1 of the store looked like
        db.execute("ALTER TABLE findings DROP COLUMN subject")
        db.execute("UPDATE meta SET value = '1' WHERE name = 'schema_version'")
    publish(_night(pack, 2, _snapshot("snap-1")), Config(out=tmp_path / "out", formats=("json",), history=path))
    with history.opened(path, create=False) as store:
        runs = store.runs()
        assert len(runs) == 2
        assert any(f.subject for f in store.snapshot(runs[1]).findings)

# Two `auditor demo` runs in a row, diffed: tests/scheduling/test_nightly_job.py (the nightly script, twice).
