"""The CI dependency audit's verdicts: a known vulnerability fails, "could not check" is never "clean".

pip-audit itself needs its vulnerability service; here a stand-in ``pip_audit`` module writes the
report pip-audit writes (``--format json``), so the script's own decisions are what is tested.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "audit-dependencies"

STAND_IN = '''
import json, sys
args = sys.argv[1:]
out = args[args.index("--output") + 1]
json.dump(json.loads({report!r}), open(out, "w"))
sys.exit({code})
'''


def audit(tmp_path: Path, deps: list[dict[str, object]], code: int, **env: str) -> subprocess.CompletedProcess[str]:
    module = tmp_path / "pip_audit"
    module.mkdir(exist_ok=True)
    (module / "__init__.py").write_text("")
    (module / "__main__.py").write_text(STAND_IN.format(report=json.dumps({"dependencies": deps, "fixes": []}),
                                                        code=code))
    environ = {k: v for k, v in os.environ.items() if k != "AUDITOR_REQUIRE_DEPENDENCY_AUDIT"}
    environ.update({"PYTHON": sys.executable, "PYTHONPATH": str(tmp_path), **env})
    return subprocess.run(["bash", str(SCRIPT)], cwd=ROOT, env=environ, capture_output=True, text=True, check=False,
                          timeout=60)


CLEAN = {"name": "jinja2", "version": "3.1.6", "vulns": []}


def test_a_known_vulnerability_fails_ci(tmp_path: Path) -> None:
    vulnerable = {"name": "urllib3", "version": "1.0", "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["2.2.2"]}]}
    result = audit(tmp_path, [CLEAN, vulnerable], 1)
    assert result.returncode == 1
    assert "VULNERABLE urllib3==1.0: GHSA-xxxx (fixed in: 2.2.2)" in result.stdout


def test_clean_dependencies_pass(tmp_path: Path) -> None:
    result = audit(tmp_path, [CLEAN], 0)
    assert result.returncode == 0 and "no known vulnerabilities" in result.stdout


@pytest.mark.parametrize(("required", "code"), [("0", 0), ("1", 1)])
def test_unreachable_service_says_not_audited(tmp_path: Path, required: str, code: int) -> None:
    skipped = {"name": "jinja2", "version": "3.1.6", "skip_reason": "Dependency not found on PyPI"}
    result = audit(tmp_path, [skipped], 0, AUDITOR_REQUIRE_DEPENDENCY_AUDIT=required)
    assert "NOT AUDITED" in result.stdout
    assert "no known vulnerabilities" not in result.stdout
    assert result.returncode == code


def test_pip_audit_crashing_without_a_report_fails(tmp_path: Path) -> None:
    module = tmp_path / "pip_audit"
    module.mkdir()
    (module / "__init__.py").write_text("")
    (module / "__main__.py").write_text("import sys; sys.exit(2)")
    result = subprocess.run(["bash", str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, check=False, timeout=60,
                            env={**os.environ, "PYTHON": sys.executable, "PYTHONPATH": str(tmp_path)})
    assert result.returncode == 1 and "without a report" in result.stderr
