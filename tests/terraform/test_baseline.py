"""Baseline mode: ``auditor plan --baseline findings.json`` fails only on findings the baseline does not know."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from plantools import FIXTURES


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditor", *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def gate(repo: Path, out: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run("plan", "infra/plan.json", "--repo-root", "infra", "--git-root", ".", "--format",
               "json,sarif,md,codequality", "--out", out, "--quiet", *extra, cwd=repo)


def test_baseline_mode(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "aws_flows", repo / "infra")
    first = gate(repo, "accepted")
    assert first.returncode == 1, first.stderr
    baseline = json.loads((repo / "accepted" / "findings.json").read_text())

    # 1. everything known: the gate passes although the findings are still reported
    same = gate(repo, "out1", "--baseline", "accepted/findings.json")
    assert same.returncode == 0, same.stdout + same.stderr
    assert "baseline accepted/findings.json" in same.stdout and "do not fail the gate" in same.stdout
    comment = (repo / "out1" / "summary.md").read_text()
    assert "Baseline accepted/findings.json (recorded" in comment and "0 findings are new" in comment
    assert "(in the baseline)" in comment and "🆕" not in comment
    sarif = json.loads((repo / "out1" / "findings.sarif").read_text())
    assert {r["baselineState"] for r in sarif["runs"][0]["results"]} == {"unchanged"}

    # 2. identity is policy + Terraform address, not the line: moving every block down changes nothing
    for tf in (repo / "infra").glob("*.tf"):
        tf.write_text("# moved\n\n\n" + tf.read_text())
    moved = gate(repo, "out2", "--new-only", "accepted/findings.json")
    assert moved.returncode == 0, moved.stdout + moved.stderr

    # 3. a finding absent from the baseline fails the gate, and is the one marked new
    kept = [f for f in baseline["findings"]
            if not (f["policy_id"] == "RES-002" and f["resource_id"] == "aws_s3_bucket.referrals")]
    assert len(kept) == len(baseline["findings"]) - 1
    old = {**baseline, "findings": kept, "run": {**baseline["run"], "finished": "2026-11-07T10:00:00Z"}}
    (repo / "old.json").write_text(json.dumps(old))
    new = gate(repo, "out3", "--baseline", "old.json")
    assert new.returncode == 1
    assert "1 critical failing" in new.stdout and "recorded 2026-11-07T10:00:00Z" in new.stdout
    comment = (repo / "out3" / "summary.md").read_text()
    assert "1 findings are new" in comment
    new_rows = [line for line in comment.splitlines() if "🆕" in line]
    assert len(new_rows) == 1 and "`aws_s3_bucket.referrals`" in new_rows[0] and "`RES-002`" in new_rows[0]
    states = {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]): r["baselineState"]
              for r in json.loads((repo / "out3" / "findings.sarif").read_text())["runs"][0]["results"]}
    assert states[("RES-002", "aws_s3_bucket.referrals")] == "new"
    run = json.loads((repo / "out3" / "findings.sarif").read_text())["runs"][0]
    assert run["properties"]["baseline"] == {"path": "old.json", "recorded": "2026-11-07T10:00:00Z",
                                             "size": len(kept) - sum(1 for f in kept if f["status"] == "waived")
                                             + len(baseline["coverage_gaps"])}
    assert list(states.values()).count("new") == 1


def test_a_bad_baseline_is_an_input_error(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "aws_flows", repo / "infra")
    (repo / "baseline.json").write_text('{"schema_version": 1}')
    result = gate(repo, "out", "--baseline", "baseline.json")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "baseline.json" in result.stderr
    assert "Traceback" not in result.stderr and not (repo / "out").exists()
    missing = gate(repo, "out", "--baseline", "nope.json")
    assert missing.returncode == 2 and "nope.json" in missing.stderr
