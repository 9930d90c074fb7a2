"""Scheduled-audit tests: the CLI run in this process, and environments with chosen credentials."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.aws.conftest import aws, moto_endpoint  # noqa: F401 - fixtures

# the CLI in this process: one helper, shared with the reliability tests
from tests.reliability.conftest import CliResult, run_cli  # noqa: F401


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No cloud credential anywhere: no AWS/Azure/Google variables, empty config files, no CLI sign-in, and
    instance metadata switched off (nothing may probe a link-local address)."""
    for key in list(os.environ):
        if key.startswith(("AWS_", "AZURE_", "IDENTITY_", "MSI_", "GOOGLE_", "CLOUDSDK_")):
            monkeypatch.delenv(key)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AZURE_CONFIG_DIR", str(home / ".azure"))
    monkeypatch.chdir(home)
    yield
