"""`auditor plan`: the pre-deploy gate as a pipeline sees it (exit codes, SARIF locations, deletes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditor", *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def test_plan_gate_blocks_and_points_sarif_at_the_tf_line(tmp_path: Path) -> None:
    root = FIXTURES / "aws_flows"
    result = run("plan", str(root / "plan.json"), "--repo-root", str(root), "--git-root", str(root),
                 "--format", "sarif,junit,md", "--out", str(tmp_path / "out"), "--quiet", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    sarif = json.loads((tmp_path / "out" / "findings.sarif").read_text())
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for res in sarif["runs"][0]["results"] for loc in res["locations"] if "physicalLocation" in loc}
    assert uris and all(u.endswith(".tf") for u in uris if u != "plan.json")
    for res in sarif["runs"][0]["results"]:  # the resource's own block is always among the related lines
        own = [loc for loc in res.get("relatedLocations", []) if loc["message"]["text"] == res["locations"][0][
            "logicalLocations"][0]["fullyQualifiedName"]]
        if not own and res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(".tf"):
            own = res["locations"]
        for loc in own:
            where = loc["physicalLocation"]
            line = (root / where["artifactLocation"]["uri"]).read_text().splitlines()[where["region"]["startLine"] - 1]
            assert line.lstrip().startswith("resource "), (res["ruleId"], line)


def test_a_deleted_store_is_listed_not_judged(tmp_path: Path) -> None:
    result = run("plan", str(FIXTURES / "aws_flows" / "plan.json"), "--out", str(tmp_path / "out"), "--quiet",
                 cwd=tmp_path)
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    deleted = [r["id"] for r in doc["resources"] if r["change"] == "delete"]
    assert deleted
    assert not [f for f in doc["findings"] if f["resource_id"] in deleted]
    assert result.returncode == 1


def test_bad_plan_is_exit_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{"format_version": "1.2",\n "resource_changes": [}')
    result = run("plan", str(bad), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and str(bad) in result.stderr and ":2" in result.stderr
    assert not (tmp_path / "out").exists()


def test_repo_root_must_be_a_directory(tmp_path: Path) -> None:
    result = run("plan", str(FIXTURES / "aws_flows" / "plan.json"), "--repo-root", str(tmp_path / "nope"),
                 cwd=tmp_path)
    assert result.returncode == 2 and "--repo-root" in result.stderr
