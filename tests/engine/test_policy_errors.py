"""A malformed custom policy is refused by ``auditor policies validate PATH`` with one line naming the file
and the line, exit code 2, and no traceback - exactly like a shipped one would be."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from auditor.cli import main

GOOD = """\
id: XYZ-001
category: residency
title: {en: Health data in Antarctica, fr: Données de santé en Antarctique}
severity: critical
scope: resource.health
condition: resource.primary.country == "AQ"
message: {en: "{name} is in Antarctica", fr: "{name} est en Antarctique"}
remediation: {en: Move it., fr: Le déplacer.}
examples:
  - {name: Paris, expect: pass, resource: {name: patients, region: eu-west-3}}
  - {name: unknown region, expect: unknown, resource: {name: patients, region: xx-nowhere-9}}
"""


def run_cli(folder: Path) -> subprocess.CompletedProcess[str]:
    """The real command line, in a child process."""
    return subprocess.run([sys.executable, "-m", "auditor", "policies", "validate", str(folder)],
                          capture_output=True, text=True, timeout=120, cwd=folder)


def validate(folder: Path) -> subprocess.CompletedProcess[str]:
    """The same entry point (``auditor.cli.main``) in this process: argv in, exit code and streams out."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["auditor", "policies", "validate", str(folder)]
    with mock.patch.object(sys, "argv", argv), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def write(tmp_path: Path, text: str, name: str = "XYZ-001.yaml") -> Path:
    folder = tmp_path / "custom"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_installed_command_validates_a_good_policy_and_refuses_a_bad_one(tmp_path: Path) -> None:
    result = run_cli(write(tmp_path, GOOD))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")
    result = run_cli(write(tmp_path, GOOD.replace("severity: critical", "severity: severe")))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "XYZ-001.yaml:4:" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("text", "line", "words"), [
    pytest.param(GOOD.replace("severity: critical\n", "severity: critical\ncolour: blue\n"), 5, "'colour'",
                 id="unknown key"),
    pytest.param(GOOD.replace("severity: critical", "severity: severe"), 4, "'severe' is not one of",
                 id="bad severity"),
    pytest.param(GOOD.replace('== "AQ"', '== "AQ" &&'), 6, "CEL does not compile", id="CEL syntax"),
    pytest.param(GOOD.replace("resource.primary.country", "resourse.primary.country"), 6,
                 "unknown variable 'resourse'", id="unknown variable"),
    pytest.param(GOOD.split("examples:")[0].rstrip() + "\n", 1, "'examples' is a required property",
                 id="missing examples"),
    pytest.param(GOOD.replace("  - {name: Paris, expect: pass", "  - {name: Paris, expect: unknown"), 9,
                 "at least one failing", id="no passing example"),
    pytest.param(GOOD.replace("id: XYZ-001", "id: RES-001"), 1, "RES-001 is defined twice", id="duplicate id"),
    pytest.param(GOOD.replace("category: residency", "category: residency\ncategory: access"), 3,
                 "duplicate", id="duplicate key"),
    pytest.param(GOOD.replace("scope: resource.health", "scope: resource.health\n\tdetails: x"), 6,
                 "YAML syntax error", id="tab"),
])
def test_a_malformed_custom_policy_is_one_line_with_file_and_line(tmp_path: Path, text: str, line: int,
                                                                  words: str) -> None:
    folder = write(tmp_path, text)
    result = validate(folder)
    assert result.returncode == 2, (result.stdout, result.stderr)
    err = result.stderr.strip()
    assert "\n" not in err and "Traceback" not in err, err
    assert err.startswith("error: ") and f"XYZ-001.yaml:{line}:" in err and words in err, err
    assert result.stdout == ""


def test_two_custom_policies_with_the_same_id(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    folder = write(tmp_path, GOOD, name="copy.yaml")
    result = validate(folder)
    assert result.returncode == 2
    assert "XYZ-001 is defined twice" in result.stderr and ".yaml:1" in result.stderr


def test_a_custom_profile_naming_an_unknown_policy(tmp_path: Path) -> None:
    folder = tmp_path / "custom" / "profiles"
    folder.mkdir(parents=True)
    (folder / "mine.yaml").write_text("id: mine\nextends: hds\ntitle: {en: m, fr: m}\nseverities: {NOPE-001: high}\n",
                                      encoding="utf-8")
    result = validate(tmp_path / "custom")
    assert result.returncode == 2
    assert "unknown policy 'NOPE-001'" in result.stderr and "mine.yaml" in result.stderr


def test_the_custom_policy_in_the_docs_validates_and_its_examples_hold(tmp_path: Path) -> None:
    from auditor.engine.examples import run_examples
    from auditor.engine.pack import load_pack

    docs = (Path(__file__).resolve().parents[2] / "docs" / "policies.md").read_text(encoding="utf-8")
    start = docs.index("id: ORG-001")
    text = docs[start:docs.index("```", start)]
    folder = write(tmp_path, text, name="ORG-001.yaml")
    assert validate(folder).returncode == 0
    results = run_examples(load_pack([folder]), {"ORG-001"})
    assert len(results) == 2 and all(r.ok for r in results)
