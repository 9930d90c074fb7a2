"""``auditor history``, ``diff``, ``merge`` and ``scan --shard`` as a scheduler runs them: output and exit codes."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.demo.sample import sample_inventory
from auditor.fsio import dump_json
from auditor.model.codec import to_dict
from auditor.pipeline import write_outputs
from auditor.results import history
from auditor.results.merge import mark_shard
from tests.results.estates import evaluated, organisation, without


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["auditor", *args])
    with pytest.raises(SystemExit) as done:
        main()
    out, err = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else (0 if code is None else 2)), out, err


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    """Three evaluations recorded with --history: the second adds a medium finding, the third a high one."""
    folder = tmp_path_factory.mktemp("nights")
    estate = sample_inventory()
    for i, inventory in enumerate([without(estate, "loire-cdn-imagerie", "loire-eds-omop"),
                                   without(estate, "loire-cdn-imagerie"), estate], start=1):
        path = folder / f"inventory-{i}.json"
        path.write_text(dump_json(to_dict(inventory)), "utf-8")
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sys, "argv", ["auditor", "evaluate", str(path), "-q", "--format", "json",
                                     "--out", str(folder / f"out-{i}"), "--history", str(folder / "h.db")])
            with pytest.raises(SystemExit) as done:
                main()
        assert done.value.code == 1
    return folder


@pytest.fixture
def nights(recorded, tmp_path) -> Path:
    """A copy of the recorded history, with the runs' output folders next to it in ``tmp_path``."""
    shutil.copytree(recorded, tmp_path, dirs_exist_ok=True)
    return tmp_path / "h.db"


def test_history_lists_runs_with_verdict_and_counts(nights, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "history", "--db", str(nights))
    lines = out.splitlines()
    assert code == 0 and len(lines) == 4
    assert lines[0].split()[:6] == ["#", "run", "id", "started", "profile", "providers"]
    assert all("non-compliant" in line and " hds " in line for line in lines[1:])
    code, out, _ = run(capsys, monkeypatch, "history", "--db", str(nights), "--last", "1", "--json")
    runs = json.loads(out)
    assert code == 0 and [r["seq"] for r in runs] == [3]
    assert runs[0]["failing"]["high"] >= 1 and runs[0]["findings_sha256"]


def test_diff_exit_code_follows_fail_on(nights, capsys, monkeypatch):
    db = ["--db", str(nights)]
    assert run(capsys, monkeypatch, "diff", "1", "2", *db)[0] == 0  # only a new medium finding
    assert run(capsys, monkeypatch, "diff", "1", "2", *db, "--fail-on", "medium")[0] == 1
    code, out, _ = run(capsys, monkeypatch, "diff", "previous", "latest", *db)
    assert code == 1  # a new critical finding (edge caching outside the EEA: RES-004 is critical under hds)
    assert "2 new (1 critical, 1 medium)" in out and "RES-004" in out and "loire-cdn-imagerie" in out
    assert run(capsys, monkeypatch, "diff", "2", "3", *db, "--fail-on", "critical")[0] == 1  # RES-004 critical
    assert run(capsys, monkeypatch, "diff", "3", "2", *db)[0] == 0  # findings resolved: nothing to alert on
    code, out, _ = run(capsys, monkeypatch, "diff", "2", "3", *db, "--format", "json")
    body = json.loads(out)
    assert {f["policy_id"] for f in body["new_findings"]} == {"RES-004", "JUR-001"}
    assert all(o["exact"] for o in body["still_open"])


def test_diff_of_two_findings_files(nights, tmp_path, capsys, monkeypatch):
    old, new = tmp_path / "out-2" / "findings.json", tmp_path / "out-3" / "findings.json"
    code, out, _ = run(capsys, monkeypatch, "diff", str(old), str(new), "--format", "md")
    assert code == 1 and out.startswith("**Audit changes**: 2 new") and "| critical | RES-004 |" in out
    code, out, _ = run(capsys, monkeypatch, "diff", str(old), str(new), "--limit", "0")
    assert ">= 0 days" in out  # files carry no history: the age is a lower bound


@pytest.mark.parametrize(("args", "message"), [
    (["history", "--db", "{tmp}/missing.db"], "no run history"),
    (["history", "--db", "{db}", "--last", "0"], "--last 0"),
    (["diff", "1", "99", "--db", "{db}"], "no run '99'"),
    (["diff", "{tmp}/nope.json", "{tmp}/nope2.json"], "file not found"),
    (["diff", "1", "2", "--db", "{db}", "--fail-on", "severe"], "--fail-on 'severe': expected one of critical"),
    (["diff", "1", "2", "--db", "{db}", "--format", "xml"], "--format 'xml'"),
    (["scan", "--shard", "0/3"], "expected I/N"),
    (["scan", "--shard", "4/3"], "expected I/N"),
    (["scan", "--shard", "1/3", "--history", "{tmp}/h2.db"], "a shard is a partial run"),
])
def test_bad_input_is_one_line_and_exit_2(nights, tmp_path, capsys, monkeypatch, args, message):
    args = [a.format(tmp=tmp_path, db=nights) for a in args]
    code, _, err = run(capsys, monkeypatch, *args)
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "missing.db").exists() and not (tmp_path / "h2.db").exists()


def test_a_malformed_findings_file_is_one_line(tmp_path, capsys, monkeypatch):
    bad = tmp_path / "bad.json"
    bad.write_text('{"run": {"profile": "hds", "started": "x", "finished": "y"}, "findings": []}', "utf-8")
    code, _, err = run(capsys, monkeypatch, "diff", str(bad), str(bad))
    assert code == 2 and "schema_version" in err and str(bad) in err
    bad.write_text('{"schema_version": 2, "run": {"tool_version": "1", "profile": "hds", "started": "x", '
                   '"finished": "y", "policy_digest": "z"}, "resources": [], "coverage_gaps": [], '
                   '"findings": [{"policy_id": "RES-001", "severity": "awful"}]}', "utf-8")
    code, _, err = run(capsys, monkeypatch, "diff", str(bad), str(bad))
    assert code == 2 and "$.findings[0]" in err and str(bad) in err


def test_merge_writes_records_and_gates(tmp_path, pack, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    org = organisation(6)
    from auditor.connectors.base import shard_slice

    files = []
    for i in (1, 2):
        doc = mark_shard(evaluated(shard_slice(org, (i, 2)), pack, 1), (i, 2))
        write_outputs(doc, tmp_path / f"shard-{i}", ["json"], "en")
        files.append(str(tmp_path / f"shard-{i}" / "findings.json"))
    code, out, err = run(capsys, monkeypatch, "merge", *files, "--out", "merged", "--format", "json,md", "-q")
    assert code == 1 and "critical" in out, (out, err)  # the gate of the merged run
    assert (tmp_path / "merged" / "findings.json").is_file() and (tmp_path / "merged" / "summary.md").is_file()
    with history.opened(tmp_path / "audit-history.db", create=False) as store:  # recorded by default
        [record] = store.runs()
        assert record.findings_sha256 and set(record.accounts) == set(org.scope.accounts)

    code, _, err = run(capsys, monkeypatch, "merge", files[0], "--out", "partial", "--no-history", "-q")
    assert code == 1 and "notice: shard 2/2 is missing" in err
    with history.opened(tmp_path / "audit-history.db", create=False) as store:
        assert len(store.runs()) == 1


def test_history_and_diff_follow_lang(nights, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "history", "--db", str(nights), "--lang", "fr")
    assert code == 0 and out.splitlines()[0].split()[:4] == ["#", "exécution", "début", "profil"]
    assert all("non conforme" in line for line in out.splitlines()[1:])
    code, out, _ = run(capsys, monkeypatch, "diff", "previous", "latest", "--db", str(nights), "--lang", "fr")
    assert code == 1 and "2 nouveaux (1 critique, 1 moyenne)" in out
    assert out.startswith("exécution n\u00b0\u00a0") and " -> exécution n\u00b0\u00a0" in out.splitlines()[0]
