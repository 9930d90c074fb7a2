"""``auditor permissions aws``: sts:AssumeRole only on the configured role, no grant the scan does not use."""

from __future__ import annotations

import json
import subprocess
import sys
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.config import AwsConfig
from auditor.connectors.aws import permissions
from auditor.errors import ConfigError


def statements(document: dict) -> dict[str, dict]:
    return {s["Sid"]: s for s in document["Statement"]}


def assumable(document: dict) -> list[str]:
    found = statements(document).get("SovereignAuditorEnterMemberAccounts")
    if found is None:
        return []
    assert found["Action"] == ["sts:AssumeRole"]
    return [found["Resource"]] if isinstance(found["Resource"], str) else found["Resource"]


def scan_arn(partition: str, account: str, cfg: AwsConfig) -> str:
    return f"arn:{partition}:iam::{account}:role/{cfg.role_name}"  # the ARN the scan asks sts:AssumeRole for


def test_a_single_account_scan_is_granted_no_assume_role() -> None:
    document = permissions.policy_document(AwsConfig())
    assert assumable(document) == []
    assert all("sts:AssumeRole" not in s["Action"] for s in document["Statement"])


@pytest.mark.parametrize("role", ["OrganizationAccountAccessRole", "audit/SovereignAuditor", "a/b/c+d=e,f.g@h_i-j"])
def test_organisation_scan_may_assume_only_the_configured_role(role: str) -> None:
    cfg = AwsConfig(organization=True, role_name=role)
    (resource,) = assumable(permissions.policy_document(cfg))
    assert resource == f"arn:*:iam::*:role/{role}"
    assert fnmatchcase(scan_arn("aws", "123456789012", cfg), resource)
    assert fnmatchcase(scan_arn("aws-eusc", "210987654321", cfg), resource)
    for other in ("Admin", f"{role}Admin", f"x/{role}", "OrganizationAccountAccessRole2"):
        if other != role:
            assert not fnmatchcase(scan_arn("aws", "123456789012", AwsConfig(role_name=other)), resource), other


def test_listed_accounts_are_named_in_the_grant() -> None:
    cfg = AwsConfig(accounts=("222222222222", "111111111111"), role_name="Audit")
    assert assumable(permissions.policy_document(cfg)) == ["arn:*:iam::111111111111:role/Audit",
                                                           "arn:*:iam::222222222222:role/Audit"]


@pytest.mark.parametrize("role", ["*", "Org*", "audit/*", "/audit/Role", "Role?", "a//b", "role name", ""])
def test_a_role_name_that_would_widen_the_grant_is_refused(role: str) -> None:
    with pytest.raises(ConfigError, match=r"aws\.role_name"):
        permissions.policy_document(AwsConfig(organization=True, role_name=role))


def test_no_grant_lets_the_role_list_object_keys() -> None:
    actions = [a for s in permissions.policy_document(AwsConfig(organization=True))["Statement"] for a in s["Action"]]
    assert "s3:ListBucket" not in actions  # would list every object key (names can be health data)
    fine = ("s3:ListAllMyBuckets", "s3:ListMultiRegionAccessPoints")
    assert not [a for a in actions if "*" in a or (a.startswith(("s3:GetObject", "s3:List")) and a not in fine)]


def test_every_declared_action_is_granted_or_left_out_with_a_reason() -> None:
    full = AwsConfig(organization=True, config_aggregator="org")  # every optional read turned on
    granted = {a for s in permissions.policy_document(full)["Statement"] for a in s["Action"]}
    for action in permissions.actions():
        assert (action in granted) != (action in permissions.NOT_GRANTED), action
    assert all(len(reason) > 40 for reason in permissions.NOT_GRANTED.values())


def test_the_config_fast_path_is_granted_only_when_turned_on(tmp_path: Path) -> None:
    config = tmp_path / "auditor.yaml"
    config.write_text("aws:\n  config_aggregator: org-aggregator\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["permissions", "aws", "--config", str(config)])
    assert result.exit_code == 0, result.output
    fast = {"config:ListAggregateDiscoveredResources", "config:BatchGetAggregateResourceConfig"}
    assert fast <= set(statements(json.loads(result.output))["SovereignAuditorRead"]["Action"])
    off = statements(permissions.policy_document(AwsConfig()))["SovereignAuditorRead"]["Action"]
    assert not [a for a in off if a.startswith("config:")]


def test_docs_explain_every_s3_permission() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "aws-permissions.md").read_text(encoding="utf-8")
    s3 = {a for a in permissions.actions() if a.startswith("s3:")}
    for action in s3:
        assert f"`{action}`" in doc, action


def test_cli_reads_the_role_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "auditor.yaml"
    config.write_text("aws:\n  organization: true\n  role_name: audit/SovereignAuditor\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["permissions", "aws", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert assumable(json.loads(result.output)) == ["arn:*:iam::*:role/audit/SovereignAuditor"]


def test_cli_refuses_a_wildcard_role_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "auditor.yaml"
    config.write_text("aws:\n  organization: true\n  role_name: '*'\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "auditor", "permissions", "aws", "--config", str(config)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "aws.role_name" in result.stderr
