"""The built wheel carries policies/ and reports/: installed in a fresh venv, `auditor demo` works anywhere."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True)
    (path,) = out.glob("sovereign_auditor-*.whl")
    return path


@pytest.mark.slow
def test_wheel_ships_policies_reports_and_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "auditor/_data/policies/profiles/hds.yaml" in names
    assert "auditor/_data/policies/residency/RES-001.yaml" in names
    assert any(n.startswith("auditor/_data/reports/") for n in names)
    assert "auditor/model/schema/findings.schema.json" in names
    assert "auditor/engine/schema/policy.schema.json" in names


@pytest.mark.slow
def test_installed_wheel_runs_the_demo_from_any_directory(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", f"{wheel}[demo]"], check=True,
                   capture_output=True, text=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    result = subprocess.run([str(env_dir / "bin" / "auditor"), "demo", "--quiet"], cwd=work,
                            capture_output=True, text=True)
    assert result.returncode == 1, result.stderr  # the demo estate is not compliant
    assert "non-compliant" in result.stdout
    assert (work / "audit-out" / "report.html").is_file()
    assert (work / "audit-out" / "findings.json").is_file()
    assert "Traceback" not in result.stderr
