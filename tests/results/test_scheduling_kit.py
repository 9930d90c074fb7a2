"""The scheduling examples stay runnable: their scripts parse, slice counts agree, the image builds from
files that exist, and the Kubernetes pod script really scans, merges and records (with a stand-in scan)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from auditor.results import history

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

FAKE_SCAN = """\
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from auditor.config import Config
from auditor.connectors.base import parse_shard, shard_slice
from auditor.pipeline import assess, write_outputs
from auditor.results.merge import mark_shard
from tests.results.estates import organisation
args = sys.argv[1:]
shard, out = parse_shard(args[args.index("--shard") + 1]), Path(args[args.index("--out") + 1])
doc = mark_shard(assess(shard_slice(organisation(6), shard), Config()).doc, shard)
write_outputs(doc, out, ["json"], "en")
sys.exit(1)
"""


def _pod_script() -> tuple[dict, str]:
    docs = list(yaml.safe_load_all((EXAMPLES / "kubernetes" / "cronjob.yaml").read_text("utf-8")))
    cron = next(d for d in docs if d["kind"] == "CronJob")
    job = cron["spec"]["jobTemplate"]["spec"]
    return job, job["template"]["spec"]["containers"][0]["args"][0]


def test_kubernetes_slices_agree_and_the_pod_is_locked_down():
    job, _ = _pod_script()
    container = job["template"]["spec"]["containers"][0]
    shards = next(e["value"] for e in container["env"] if e["name"] == "SHARDS")
    assert job["completionMode"] == "Indexed" and job["completions"] == job["parallelism"] == int(shards)
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert {m["mountPath"] for m in container["volumeMounts"]} >= {"/out", "/tmp"}
    assert job["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_github_matrix_covers_every_slice():
    flow = yaml.safe_load((EXAMPLES / "github" / "scheduled-audit.yml").read_text("utf-8"))
    shards = int(flow["env"]["SHARDS"])
    assert flow["jobs"]["scan"]["strategy"]["matrix"]["shard"] == list(range(1, shards + 1))
    assert flow["jobs"]["merge"]["needs"] == "scan"
    merge = "\n".join(step.get("run", "") for step in flow["jobs"]["merge"]["steps"])
    assert "auditor merge" in merge and '--expect "$SHARDS"' in merge and "auditor diff previous latest" in merge


def test_shell_scripts_parse():
    _, pod = _pod_script()
    for script in (pod, (EXAMPLES / "cron" / "nightly-audit.sh").read_text("utf-8")):
        subprocess.run(["sh", "-n"], input=script, text=True, check=True)
    assert os.access(EXAMPLES / "cron" / "nightly-audit.sh", os.X_OK)


def test_the_image_copies_files_that_exist_and_runs_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.MULTILINE):
        for name in source.split():
            assert (ROOT / name).exists(), name
    assert re.search(r"^USER 10001", dockerfile, re.MULTILINE)
    # the image installs the runtime lock, which carries the postgres extra (psycopg with its own libpq)
    assert "requirements-runtime.lock" in dockerfile + (ROOT / ".ci" / "image" / "install").read_text("utf-8")
    assert "psycopg" in (ROOT / "requirements-runtime.lock").read_text("utf-8")
    ignored = (ROOT / ".dockerignore").read_text("utf-8").split()
    assert not {"auditor", "policies", "reports"} & set(ignored)


def test_the_kubernetes_pod_script_scans_merges_and_records(tmp_path: Path):
    """Run the pod script as the four pods would (pod 1 last), with `auditor scan` replaced by a stand-in
    that audits one slice of a sample organisation."""
    _, pod = _pod_script()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "fake_scan.py").write_text(FAKE_SCAN.format(root=str(ROOT)), "utf-8")
    auditor = bin_dir / "auditor"
    scan = f'exec {sys.executable} {bin_dir / "fake_scan.py"} "$@"'
    rest = f'exec {sys.executable} -m auditor "$@"'
    auditor.write_text(f'#!/bin/sh\nif [ "$1" = scan ]; then shift; {scan}; fi\n{rest}\n', "utf-8")
    auditor.chmod(0o755)
    config = tmp_path / "auditor.yaml"
    config.write_text(f"history: {tmp_path / 'history.db'}\n", "utf-8")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "SHARDS": "4", "RUN_NAME": "audit-1",
           "AUDITOR_CONFIG": str(config), "PYTHONPATH": str(ROOT)}
    script = pod.replace("/out/", f"{tmp_path}/out/")
    for index in (3, 1, 2, 0):
        done = subprocess.run(["sh", "-c", script], env={**env, "JOB_COMPLETION_INDEX": str(index)},
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    merged = tmp_path / "out" / "runs" / "audit-1" / "merged"
    assert {"findings.json", "report.html", "summary.md", "changes.md"} <= {p.name for p in merged.iterdir()}
    with history.opened(tmp_path / "history.db", create=False) as store:
        [run] = store.runs()
        assert run.gaps >= 1 and len(run.accounts) == 12  # every slice arrived: all accounts of the estate
        assert not [g for g in store.snapshot(run).gaps if g.reason == "missing-shard"]


@pytest.mark.parametrize("unit", ["sovereign-auditor.service", "sovereign-auditor.timer"])
def test_systemd_units_name_what_they_need(unit):
    text = (EXAMPLES / "systemd" / unit).read_text("utf-8")
    if unit.endswith(".service"):
        assert "User=auditor" in text and "SuccessExitStatus=1 3" in text and "ProtectSystem=strict" in text
        assert "ExecStart=/usr/local/bin/nightly-audit.sh" in text
    else:
        assert "OnCalendar=" in text and "Persistent=true" in text
