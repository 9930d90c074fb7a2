"""Nonsense on the command line is exit 2 with one line, before any scan starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["demo", "--offline", "--format", "html,docx"], "--format 'docx'"),
        (["demo", "--offline", "--lang", "de"], "--lang"),
        (["demo", "--offline", "--fail-on", "extreme"], "--fail-on"),
        (["demo", "--offline", "--profile", "nope"], "unknown profile"),
        (["scan", "--provider", "gcp"], "--provider"),
        (["scan", "--shard", "4/3"], "--shard"),
        (["merge", "findings.json", "--expect", "0", "--no-history"], "--expect 0"),
        (["history", "--last", "0"], "--last 0"),
        (["permissions", "oci"], "permissions"),
        (["demo", "--timezone", "Mars/Olympus"], "not an IANA time zone"),
        (["report", "findings.json", "--timezone", "Nowhere"], "not an IANA time zone"),
    ],
)
def test_bad_options_fail_fast_with_one_line(tmp_path: Path, args: list[str], what: str) -> None:
    result = subprocess.run([sys.executable, "-m", "auditor", *args], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and what in lines[0], result.stderr
    assert "Demo estate" not in result.stdout + result.stderr  # refused before anything was collected
    assert not (tmp_path / "audit-out").exists()


def test_a_bad_waivers_file_is_refused_before_the_scan(tmp_path: Path) -> None:
    (tmp_path / "auditor.yaml").write_text("waivers: waivers.yaml\n")
    (tmp_path / "waivers.yaml").write_text("waivers:\n  - id: W1\n")
    result = subprocess.run([sys.executable, "-m", "auditor", "demo"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == "error: waivers.yaml:2: waivers.0: 'policy' is a required property"
    assert "Demo estate" not in result.stdout + result.stderr
