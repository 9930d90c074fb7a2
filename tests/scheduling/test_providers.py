"""Which providers a scan audits, and one provider failing never throws away the others.

AWS runs on the moto server (over HTTP), Azure's failure is a real one: its sign-in endpoint is a
closed port on 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from auditor.config import Config
from auditor.errors import ConfigError
from auditor.pipeline import UNREACHABLE, select_providers
from tests.aws.conftest import HEALTH, bucket
from tests.scheduling.conftest import run_cli

SP = {"AZURE_TENANT_ID": "72f988bf-0000-4000-8000-000000000001", "AZURE_CLIENT_ID": "c1",
      "AZURE_CLIENT_SECRET": "s3cret-value-never-shown"}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_all_without_configuration_means_the_providers_with_a_credential(bare_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    chosen = select_providers("all", Config())
    assert chosen.providers == ("aws",)
    assert [s.split(" (")[0] for s in chosen.skipped] == ["azure: no Azure credential in the environment",
                                                          "gcp: no Google Cloud credential in the environment"]
    for key, value in SP.items():
        monkeypatch.setenv(key, value)
    assert select_providers("all", Config()).providers == ("aws", "azure")


def test_configured_providers_are_attempted_whatever_the_environment(bare_env):
    chosen = select_providers("all", Config(providers=("azure",), source="auditor.yaml"))
    assert chosen.providers == ("azure",) and chosen.skipped == ("aws: not configured in auditor.yaml",
                                                                 "gcp: not configured in auditor.yaml")
    assert select_providers("azure", Config(providers=("azure",))).providers == ("azure",)


def test_nothing_to_audit_or_an_explicit_provider_without_credential_is_a_setup_error(bare_env, tmp_path):
    with pytest.raises(ConfigError, match="no cloud credential found"):
        select_providers("all", Config())
    result = run_cli(["scan", "--provider", "azure", "--out", str(tmp_path / "out"), "--no-history"])
    assert result.code == 2
    assert result.err.startswith("error: --provider azure: no Azure credential found (set AZURE_TENANT_ID")
    assert len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()  # refused before anything ran


def test_a_named_aws_profile_that_does_not_exist_is_a_setup_error(bare_env, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    result = run_cli(["scan", "--provider", "aws", "--out", str(tmp_path / "out"), "--no-history"])
    assert result.code == 2 and "no-such-profile" in result.err and not (tmp_path / "out").exists()


def test_azure_failing_keeps_the_aws_results_and_the_run_is_incomplete(aws, monkeypatch, tmp_path: Path):
    bucket("dossiers-patients", "eu-west-3", tags=HEALTH)
    for key, value in SP.items():
        monkeypatch.setenv(key, value)
    port = _closed_port()
    config = tmp_path / "auditor.yaml"
    config.write_text(f"aws:\n  regions: [eu-west-3]\nazure:\n  tenant: {SP['AZURE_TENANT_ID']}\n"
                      f"  authority_host: https://127.0.0.1:{port}\n  arm_endpoint: https://127.0.0.1:{port}\n",
                      "utf-8")
    out = tmp_path / "out"
    result = run_cli(["scan", "--config", str(config), "--out", str(out), "--no-history", "--format", "json,md",
                      "--fail-on", "critical"])
    assert result.code == 3, result.err
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    assert "arn:aws:s3:::dossiers-patients" in {r["id"] for r in doc["resources"]}
    assert doc["run"]["providers"] == ["aws", "azure"]  # the same series as a night when both answered
    gap = next(g for g in doc["coverage_gaps"] if g["provider"] == "azure")
    assert gap["reason"] == UNREACHABLE and gap["account"] is None
    # the real cause: a sign-in that could not reach its endpoint, not "set AZURE_TENANT_ID"
    assert "could not sign in" in gap["error"] and "set AZURE_TENANT_ID" not in gap["error"]
    assert SP["AZURE_CLIENT_SECRET"] not in gap["error"] + result.err + result.out
    assert "azure" in (out / "summary.md").read_text("utf-8").lower()
    assert "assessment incomplete" in result.out.lower() or "incomplete" in result.out.lower()
