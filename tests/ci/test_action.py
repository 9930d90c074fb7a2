"""The composite GitHub Action (``action.yml``) and the pre-commit hook, run as their runners would run them.

The action's ``run:`` steps are executed in order with ``bash --noprofile --norc -eo pipefail`` (what
``shell: bash`` means on GitHub), their ``${{ }}`` expressions filled from the inputs, ``github.*`` and the
outputs of earlier steps, ``GITHUB_OUTPUT`` and ``GITHUB_STEP_SUMMARY`` as files. ``uses:`` steps (setup-python,
the SARIF upload) need the network: their ``if:`` and ``with:`` are evaluated and checked instead. The
install step (``pip install``) is replaced by this checkout on ``PATH``. No network is used.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "terraform" / "fixtures"
EXPR = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def _value(expr: str, ctx: dict[str, Any]) -> Any:
    expr = expr.strip()
    if expr == "always()":
        return True
    if expr.startswith("'") and expr.endswith("'"):
        return expr[1:-1]
    head, *rest = expr.split(".")
    if head == "inputs":
        return ctx["inputs"][".".join(rest)]
    if head == "github":
        return ctx["github"][".".join(rest)]
    if head == "steps":
        step, kind, name = rest[0], rest[1], ".".join(rest[2:])
        assert kind == "outputs", expr
        return ctx["steps"].get(step, {}).get(name, "")
    raise AssertionError(f"expression not understood by this test: {expr}")


def evaluate(expr: str, ctx: dict[str, Any]) -> Any:
    """The subset of GitHub expressions action.yml uses: contexts, ``always()``, ``==``/``!=``, ``&&``."""
    if "&&" in expr:
        return all(evaluate(part, ctx) for part in expr.split("&&"))
    for op in ("==", "!="):
        if op in expr:
            left, right = (str(_value(p, ctx)) for p in expr.split(op, 1))
            return (left == right) == (op == "==")
    return _value(expr, ctx)


def fill(text: str, ctx: dict[str, Any]) -> str:
    return EXPR.sub(lambda m: str(evaluate(m.group(1), ctx)), text)


def run_action(workspace: Path, inputs: dict[str, str], tmp: Path) -> dict[str, Any]:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    defaults = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    missing = [n for n, spec in action["inputs"].items() if spec.get("required") and n not in inputs]
    assert not missing, missing
    ctx: dict[str, Any] = {"inputs": {**defaults, **inputs}, "steps": {},
                           "github": {"action_path": str(ROOT), "workspace": str(workspace)}}
    bin_dir = tmp / "bin"
    bin_dir.mkdir(parents=True)
    for name, target in (("auditor", f'{shlex.quote(sys.executable)} -m auditor "$@"'),
                         ("python", f'{shlex.quote(sys.executable)} "$@"')):
        shim = bin_dir / name
        shim.write_text(f"#!/bin/sh\nexec {target}\n")
        shim.chmod(0o755)
    summary = tmp / "step-summary.md"
    summary.write_text("")
    env_base = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
                "HOME": str(tmp), "GITHUB_WORKSPACE": str(workspace), "GITHUB_STEP_SUMMARY": str(summary)}
    log: list[dict[str, Any]] = []
    for i, step in enumerate(action["runs"]["steps"]):
        condition = step.get("if")
        if condition is not None and not evaluate(str(condition), ctx):
            log.append({"name": step["name"], "skipped": True})
            continue
        if "uses" in step:
            log.append({"name": step["name"], "uses": step["uses"],
                        "with": {k: fill(str(v), ctx) for k, v in (step.get("with") or {}).items()}})
            continue
        if "pip install" in step["run"]:  # the install step: this checkout is on PATH instead
            log.append({"name": step["name"], "replaced": True})
            continue
        assert step["shell"] == "bash"
        output = tmp / f"output-{i}"
        output.write_text("")
        env = {**env_base, "GITHUB_OUTPUT": str(output),
               **{k: fill(str(v), ctx) for k, v in (step.get("env") or {}).items()}}
        script = tmp / f"step-{i}.sh"
        script.write_text(fill(step["run"], ctx))
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace,
                              env=env, capture_output=True, text=True, check=False)
        outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
        if "id" in step:
            ctx["steps"][step["id"]] = outputs
        log.append({"name": step["name"], "code": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
                    "outputs": outputs})
    return {"log": log, "summary": summary.read_text(), "steps": ctx["steps"]}


def checkout(tmp_path: Path, fixture: str = "aws_flows") -> Path:
    workspace = tmp_path / "workspace"
    shutil.copytree(FIXTURES / fixture, workspace / "infra")
    (workspace / ".git").mkdir()
    return workspace


def step(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in result["log"] if s["name"] == name)


def test_every_input_is_documented_in_the_action_and_the_docs() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    docs = (ROOT / "docs" / "ci-gate.md").read_text()
    for name, spec in action["inputs"].items():
        assert spec.get("description"), name
        assert f"`{name}`" in docs, f"input {name} is not documented in docs/ci-gate.md"
    used = set(re.findall(r"inputs\.([a-z-]+)", (ROOT / "action.yml").read_text()))
    assert used <= set(action["inputs"]), used - set(action["inputs"])


def test_the_example_workflow_uses_only_inputs_and_outputs_the_action_has() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    workflow = yaml.safe_load((ROOT / "examples" / "github" / "residency-gate.yml").read_text())
    steps = workflow["jobs"]["gate"]["steps"]
    gate = next(s for s in steps if s.get("id") == "gate")
    assert set(gate["with"]) <= set(action["inputs"])
    assert {n for n, spec in action["inputs"].items() if spec.get("required")} <= set(gate["with"])
    used = set(re.findall(r"steps\.gate\.outputs\.([a-z-]+)", (ROOT / "examples" / "github" / "residency-gate.yml")
                          .read_text()))
    assert used and used <= set(action["outputs"])


def test_a_failing_plan_annotates_the_pull_request(tmp_path: Path) -> None:
    workspace = checkout(tmp_path)
    result = run_action(workspace, {"plan": "infra/plan.json", "repo-root": "infra"}, tmp_path)
    gate = step(result, "Residency gate")
    assert gate["code"] == 0, gate["stderr"]  # the step records the code; the last step fails the job
    assert gate["outputs"]["exit-code"] == "1"
    # SARIF ready for upload, paths relative to the checkout (infra/…), each with the line to change
    prepared = step(result, "Prepare SARIF for code scanning")
    assert prepared["outputs"]["sarif"] == "audit-out/findings.sarif" and int(prepared["outputs"]["results"]) > 0
    assert "outside the repository" not in prepared["stderr"]
    upload = step(result, "Upload SARIF to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"] == {"sarif_file": "audit-out/findings.sarif", "category": "sovereign-auditor-plan"}
    sarif = json.loads((workspace / upload["with"]["sarif_file"]).read_text())
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]
            for loc in r["locations"] + r.get("relatedLocations", [])}
    assert "infra/main.tf" in uris and all((workspace / u).is_file() for u in uris if u.endswith(".tf"))
    # the job summary is the PR comment: the fix, at its line
    assert '**1. set `region = "eu-central-1"` on provider `aws.virginia` (infra/main.tf:8)**' in result["summary"]
    verdict = step(result, "Verdict")
    assert verdict["code"] == 1 and "::error title=Residency gate::findings" in verdict["stdout"]


def test_a_baseline_lets_a_known_debt_through(tmp_path: Path) -> None:
    workspace = checkout(tmp_path)
    first = run_action(workspace, {"plan": "infra/plan.json", "repo-root": "infra", "out": "accepted",
                                   "upload-sarif": "false"}, tmp_path / "a")
    assert step(first, "Upload SARIF to code scanning").get("skipped")
    assert step(first, "Prepare SARIF for code scanning").get("skipped")
    result = run_action(workspace, {"plan": "infra/plan.json", "repo-root": "infra",
                                    "baseline": "accepted/findings.json"}, tmp_path / "b")
    assert step(result, "Residency gate")["outputs"]["exit-code"] == "0"
    assert "📌 Baseline accepted/findings.json (recorded" in result["summary"]
    assert step(result, "Verdict")["code"] == 0
    assert step(result, "Residency gate")["outputs"]["summary"] == "audit-out/summary.md"


def test_bad_input_still_writes_a_summary(tmp_path: Path) -> None:
    workspace = checkout(tmp_path)
    (workspace / "broken.json").write_text("{")
    result = run_action(workspace, {"plan": "broken.json"}, tmp_path)
    assert step(result, "Residency gate")["outputs"]["exit-code"] == "2"
    assert step(result, "Prepare SARIF for code scanning")["outputs"] == {}
    assert step(result, "Upload SARIF to code scanning").get("skipped")
    assert "no report (exit code 2" in result["summary"]
    assert step(result, "Verdict")["code"] == 2


@pytest.mark.parametrize(("fixture", "expected"), [("aws_flows", 1), ("aws_v6", None)])
def test_the_pre_commit_hook_runs_on_the_plan_json(tmp_path: Path, fixture: str, expected: int | None) -> None:
    """As pre-commit runs a hook: ``entry`` + ``args`` + the staged file names that match ``files``."""
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
    repo = checkout(tmp_path, fixture)
    staged = ["infra/plan.json", "infra/main.tf"]
    names = [n for n in staged if re.search(hook["files"], n)]
    assert names == ["infra/plan.json"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "auditor").write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m auditor "$@"\n')
    (bin_dir / "auditor").chmod(0o755)
    command = [*shlex.split(hook["entry"]), "--profile", "hds", "--aws-region", "eu-west-3", *names]
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False,
                          env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                               "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in done.stderr
    if expected is not None:
        assert done.returncode == expected, done.stdout + done.stderr
    else:
        assert done.returncode in (0, 1, 3), done.stderr
    assert (repo / ".audit-out" / "summary.md").is_file()
