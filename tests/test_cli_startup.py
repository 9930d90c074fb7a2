"""The command line starts light: ``--help`` builds no command, a scan of AWS loads no Azure SDK."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from auditor.cli import COMMANDS, app

ROOT = Path(__file__).resolve().parents[1]


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    probe = f"import sys\ntry:\n    {code}\nexcept SystemExit:\n    pass\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return set(done.stdout.split())


def test_help_lists_every_command_with_its_own_summary() -> None:
    listed = CliRunner().invoke(app, ["--help"]).output
    for name in COMMANDS:
        own = CliRunner().invoke(app, [name, "--help"])
        assert own.exit_code == 0, own.output
        assert f"  {name} " in listed
        first_words = own.output.split("\n\n")[1].split()[:3]  # the summary paragraph, after the usage line
        line = next(row for row in listed.splitlines() if row.startswith(f"  {name} "))
        assert line.split()[1:4] == first_words, (name, line, first_words)


def test_help_builds_no_command_and_loads_no_stage() -> None:
    modules = loaded_after("import sys; sys.argv = ['auditor', '--help']; from auditor.cli import main; main()")
    assert "auditor.pipeline" not in modules
    assert not {m for m in modules if m.split(".")[0] in ("boto3", "botocore", "azure", "jsonschema", "yaml")}


def test_an_aws_scan_does_not_load_the_azure_sdk() -> None:
    modules = loaded_after("import auditor.pipeline, auditor.connectors.aws, auditor.connectors.readonly")
    assert "botocore" in modules
    assert not {m for m in modules if m.startswith("azure.")}
