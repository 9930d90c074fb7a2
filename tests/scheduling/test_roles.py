"""The audit role, ready to deploy: the shipped CloudFormation/StackSet template, Terraform module and Azure
management-group template are generated from the operations the connectors declare, parse, grant exactly
those operations, and trust only the auditor's principal."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import boto3
import pytest
import yaml

from auditor.config import Config, load
from auditor.connectors.aws.permissions import policy_document
from auditor.connectors.azure.permissions import role_definition
from auditor.connectors.roles import DEFAULT_ROLE_NAME, FILES, aws_reads, cloudformation
from tests.aws.conftest import ACCOUNT, HEALTH, bucket, scan

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
CFN = DEPLOY / "aws/cloudformation/sovereign-auditor-role.yaml"
TF = DEPLOY / "aws/terraform/sovereign-auditor-role/main.tf.json"
AZ = DEPLOY / "azure/sovereign-auditor-role.mg.json"


def declared_reads() -> list[str]:
    statement = next(s for s in policy_document()["Statement"] if s["Sid"] == "SovereignAuditorRead")
    return sorted(statement["Action"])


def test_the_shipped_files_are_the_generated_ones():
    for rel, make in FILES.items():
        assert (DEPLOY / rel).read_text("utf-8") == make(), f"{rel}: run python -m auditor.connectors.roles"


def test_the_default_role_is_the_dedicated_read_only_one(tmp_path):
    assert Config().aws.role_name == DEFAULT_ROLE_NAME != "OrganizationAccountAccessRole"
    (tmp_path / "auditor.yaml").write_text("aws: {organization: true}\n", "utf-8")
    assert load(tmp_path / "auditor.yaml").aws.role_name == DEFAULT_ROLE_NAME


def test_cloudformation_template_passes_cfn_lint_and_grants_exactly_the_declared_reads():
    lint = pytest.importorskip("cfnlint.api", reason="cfn-lint (test extra) not installed").lint

    matches = lint(CFN.read_text("utf-8"))  # cfn-lint's errors and warnings (what `cfn-lint FILE` reports)
    assert not matches, [str(m) for m in matches]
    template = yaml.safe_load(CFN.read_text("utf-8"))
    role = template["Resources"]["AuditRole"]["Properties"]
    [policy] = role["Policies"]
    [grant] = policy["PolicyDocument"]["Statement"]
    assert grant["Effect"] == "Allow" and grant["Resource"] == "*"
    assert sorted(grant["Action"]) == declared_reads() == sorted(aws_reads())
    assert "sts:AssumeRole" not in grant["Action"] and not any("*" in a for a in grant["Action"])
    assert all(re.fullmatch(r"[a-z0-9-]+:(Get|List|Describe|Search|Batch ?Get)\w*", a) for a in grant["Action"]), \
        [a for a in grant["Action"] if not re.fullmatch(r"[a-z0-9-]+:(Get|List|Describe|Search|BatchGet)\w*", a)]
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"AWS": {"Ref": "AuditorPrincipalArn"}} and trust["Action"] == "sts:AssumeRole"
    assert template["Parameters"]["RoleName"]["Default"] == DEFAULT_ROLE_NAME


def _refs(value: object) -> set[str]:
    text = json.dumps(value)
    return set(re.findall(r"\$\{[^}]*?\b((?:var|local)\.\w+)", text)) | set(
        re.findall(r"\b((?:var|local)\.\w+)", " ".join(re.findall(r"\$\{([^}]*)\}", text))))


def test_terraform_module_is_well_formed_and_grants_exactly_the_declared_reads():
    module = json.loads(TF.read_text("utf-8"))
    assert set(module) <= {"terraform", "variable", "locals", "resource", "output", "data"}
    declared = {f"var.{v}" for v in module["variable"]} | {f"local.{v}" for v in module["locals"]}
    assert _refs(module) <= declared, _refs(module) - declared
    assert set(module["resource"]) == {"aws_iam_role", "aws_iam_role_policy"}
    assert module["resource"]["aws_iam_role_policy"]["read"]["role"] == "${aws_iam_role.audit.id}"
    policy = json.loads(module["resource"]["aws_iam_role_policy"]["read"]["policy"])
    [grant] = policy["Statement"]
    assert sorted(grant["Action"]) == declared_reads() and grant["Resource"] == "*"
    for trust in (module["locals"]["trust_open"], module["locals"]["trust_with_id"]):
        [statement] = trust["Statement"]
        assert statement["Principal"] == {"AWS": "${var.auditor_principal_arn}"}
    assert module["variable"]["role_name"]["default"] == DEFAULT_ROLE_NAME
    assert "default" not in module["variable"]["auditor_principal_arn"]  # the trust must be given


def test_azure_template_defines_the_role_and_assigns_it_to_the_auditor_only():
    template = json.loads(AZ.read_text("utf-8"))
    assert "managementGroupDeploymentTemplate" in template["$schema"]
    definition, assignment = template["resources"]
    assert definition["type"] == "Microsoft.Authorization/roleDefinitions"
    [permissions] = definition["properties"]["permissions"]
    assert sorted(permissions["actions"]) == sorted(role_definition()["Actions"])
    assert not any(a.endswith(("/write", "/delete", "/action")) for a in permissions["actions"]) or \
        all(a in role_definition()["Actions"] for a in permissions["actions"])
    assert permissions["dataActions"] == [] and "managementGroups" in definition["properties"]["assignableScopes"][0]
    assert assignment["type"] == "Microsoft.Authorization/roleAssignments"
    assert assignment["properties"]["principalId"] == "[parameters('auditorPrincipalId')]"
    assert assignment["properties"]["principalType"] == "ServicePrincipal"


def test_the_stack_deploys_on_the_emulator_and_a_scan_through_the_role_reads_the_estate(aws):
    """The template as CloudFormation creates it (moto), then an organisation scan entering the role by its
    default name: the role exists with exactly the declared reads and the auditor as its only trusted principal."""
    auditor = f"arn:aws:iam::{ACCOUNT}:role/sovereign-auditor-runner"
    boto3.client("cloudformation", region_name="eu-west-3").create_stack(
        StackName="sovereign-auditor-role", TemplateBody=json.dumps(cloudformation()),
        Parameters=[{"ParameterKey": "AuditorPrincipalArn", "ParameterValue": auditor}],
        Capabilities=["CAPABILITY_NAMED_IAM"])
    iam = boto3.client("iam")
    role = iam.get_role(RoleName=DEFAULT_ROLE_NAME)["Role"]
    [trust] = _doc(role["AssumeRolePolicyDocument"])["Statement"]
    assert trust["Principal"] == {"AWS": auditor}
    [name] = iam.list_role_policies(RoleName=DEFAULT_ROLE_NAME)["PolicyNames"]
    document = iam.get_role_policy(RoleName=DEFAULT_ROLE_NAME, PolicyName=name)["PolicyDocument"]
    document = _doc(document)
    assert sorted(document["Statement"][0]["Action"]) == declared_reads()
    bucket("dossiers-patients", "eu-west-3", tags=HEALTH)
    inventory = scan(accounts=(ACCOUNT,), regions=("eu-west-3",))
    assert "arn:aws:s3:::dossiers-patients" in {r.id for r in inventory.resources}


def _doc(value: object) -> dict:
    """A policy document as IAM returns it (an object, or URL-encoded JSON, depending on the SDK path)."""
    if isinstance(value, dict):
        return value
    text = unquote(str(value))
    return json.loads(text) if text.startswith("{\"") else yaml.safe_load(text)


@pytest.mark.parametrize("provider", ["aws", "azure"])
def test_permissions_and_templates_come_from_one_list(provider):
    if provider == "aws":
        assert sorted(aws_reads()) == declared_reads()
    else:
        assert json.loads(AZ.read_text("utf-8"))["resources"][0]["properties"]["permissions"][0]["actions"] == \
            role_definition()["Actions"]
