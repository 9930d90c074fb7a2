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


def _outcome(runtime: object, value: object, param: object) -> tuple[str, object]:
    try:
        return "value", runtime.coerce(value, param=param, ctx=None)  # type: ignore[attr-defined]
    except Exception as exc:  # the same error, worded the same, is what matters
        return type(exc).__name__, str(getattr(exc, "message", exc))


def test_every_option_is_converted_as_typer_converts_it(tmp_path: Path) -> None:
    """Plain options skip typer's pydantic validators; on every option of every command, for values plain
    and odd, the result (or the error and its words) is typer's own."""
    from auditor.cli import _build, _Plain

    existing = tmp_path / "f.txt"
    existing.write_text("x")
    values = [None, "", "x", "all", "é-ß", "20", "007", "-1", "1_000", "12x", " 3", 5, True, False,
              str(existing), str(tmp_path), str(tmp_path / "missing"), ("a", "b"), (), (str(existing), "y"), "a b"]

    def commands(command: object) -> list[object]:
        return [command, *(c for sub in getattr(command, "commands", {}).values() for c in commands(sub))]

    checked = 0
    for name in COMMANDS:
        for command in commands(_build(name)):
            for param in command.params:  # type: ignore[attr-defined]
                plain = param._runtime_param
                if not isinstance(plain, _Plain):
                    continue
                for value in values:
                    param._runtime_param = None
                    reference = _outcome(param.get_runtime_param(), value, param)
                    param._runtime_param = plain
                    assert _outcome(plain, value, param) == reference, (name, param.name, value)
                    param._runtime_param = plain
                checked += 1
    assert checked > 50


def test_a_command_runs_without_loading_pydantic() -> None:
    modules = loaded_after("import sys; sys.argv = ['auditor', 'regions', '--provider', 'nope']; "
                           "from auditor.cli import main; main()")
    assert "auditor.commands.info" in modules and "pydantic" not in modules
