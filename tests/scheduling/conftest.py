"""Scheduled-audit tests: the CLI run in this process, and environments with chosen credentials."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

from tests.aws.conftest import aws, moto_endpoint  # noqa: F401 - fixtures


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


def run_cli(args: Sequence[str]) -> CliResult:
    """``auditor ARGS`` in this process, through ``auditor.cli.main`` (the console script's entry)."""
    from auditor.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = ["auditor", *args]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No cloud credential anywhere: no AWS/Azure variables, empty config files, no CLI sign-in, and
    instance metadata switched off (nothing may probe a link-local address)."""
    for key in list(os.environ):
        if key.startswith(("AWS_", "AZURE_", "IDENTITY_", "MSI_")):
            monkeypatch.delenv(key)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AZURE_CONFIG_DIR", str(home / ".azure"))
    monkeypatch.chdir(home)
    yield
