"""The read-only audit role, ready to deploy: generated from the operations the connectors declare.

``auditor permissions aws|azure`` prints the least-privilege policy; this module wraps the same list
into what an administrator deploys:

- AWS: the member-account role as a CloudFormation template (deploy it to every account with a
  service-managed StackSet) and as a Terraform module, trusting only the auditor's principal
  (optionally with an external id). It grants the reads, nothing else: ``sts:AssumeRole`` belongs to
  the auditor's own principal, not to the member role.
- Azure: the custom role definition and its assignment to the auditor's service principal, as an
  ARM template deployed at management-group scope.

The shipped files in ``deploy/`` are these functions' output (a test keeps them equal; regenerate
with ``python -m auditor.connectors.roles``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from auditor.config import DEFAULT_AWS_ROLE
from auditor.fsio import write_atomic

DEFAULT_ROLE_NAME = DEFAULT_AWS_ROLE  # a dedicated read-only role, never an admin one
AZURE_ROLE_NAME = "Sovereign Auditor Reader"
DESCRIPTION = ("Read-only role for sovereign-auditor: where health data lives and who can reach it. "
               "Grants only the read operations the tool declares; trusted by the auditor's principal only.")
TF_STRING = {"type": "string"}


def aws_reads() -> list[str]:
    """The IAM actions a member role grants: the read statement of ``auditor permissions aws``
    (``sts:AssumeRole`` belongs to the auditor's own principal)."""
    from auditor.connectors.aws.permissions import policy_document

    read = next(s for s in policy_document()["Statement"] if s["Sid"] == "SovereignAuditorRead")
    return list(read["Action"])


def azure_actions() -> list[str]:
    from auditor.connectors.azure import operations

    return list(operations())


def cloudformation() -> dict[str, Any]:
    """The member role as a CloudFormation template (long-form intrinsics: plain YAML, any parser reads it)."""
    trust_statement: dict[str, Any] = {
        "Effect": "Allow", "Principal": {"AWS": {"Ref": "AuditorPrincipalArn"}}, "Action": "sts:AssumeRole",
        "Condition": {"Fn::If": ["HasExternalId", {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}},
                                 {"Ref": "AWS::NoValue"}]},
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"{DESCRIPTION} Deploy to every member account with a service-managed StackSet.",
        "Parameters": {
            "AuditorPrincipalArn": {
                "Type": "String", "AllowedPattern": r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/.+$",
                "Description": "The IAM role (or user) sovereign-auditor runs as, in the account that starts the "
                               "scan: the only principal this role trusts."},
            "RoleName": {"Type": "String", "Default": DEFAULT_ROLE_NAME,
                         "Description": "aws.role_name in auditor.yaml (default: the tool's default)."},
            "ExternalId": {"Type": "String", "Default": "", "NoEcho": True,
                           "Description": "aws.external_id in auditor.yaml; empty: none required."},
        },
        "Conditions": {"HasExternalId": {"Fn::Not": [{"Fn::Equals": [{"Ref": "ExternalId"}, ""]}]}},
        "Resources": {
            "AuditRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": {"Ref": "RoleName"},
                    "Description": DESCRIPTION[:1000],
                    "MaxSessionDuration": 3600,
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [trust_statement]},
                    "Policies": [{"PolicyName": "sovereign-auditor-read", "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Sid": "SovereignAuditorRead", "Effect": "Allow", "Action": aws_reads(),
                                       "Resource": "*"}]}}],
                    "Tags": [{"Key": "managed-by", "Value": "sovereign-auditor"}],
                },
            },
        },
        "Outputs": {"RoleArn": {"Value": {"Fn::GetAtt": ["AuditRole", "Arn"]}}},
    }


def terraform() -> dict[str, Any]:
    """The member role as a Terraform module in JSON syntax (``main.tf.json``)."""
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": "${var.auditor_principal_arn}"},
                                 "Action": "sts:AssumeRole"}
    trust: dict[str, Any] = {"Version": "2012-10-17", "Statement": [statement]}
    reads = {"Version": "2012-10-17",
             "Statement": [{"Sid": "SovereignAuditorRead", "Effect": "Allow", "Action": aws_reads(), "Resource": "*"}]}
    external = {"StringEquals": {"sts:ExternalId": "${var.external_id}"}}
    trust_with_id = {**trust, "Statement": [{**statement, "Condition": external}]}
    return {
        "terraform": {"required_version": ">= 1.3",
                      "required_providers": {"aws": {"source": "hashicorp/aws", "version": ">= 4.0"}}},
        "variable": {
            "auditor_principal_arn": {**TF_STRING, "description": "The IAM role (or user) sovereign-auditor runs "
                                                                  "as: the only principal this role trusts."},
            "role_name": {**TF_STRING, "default": DEFAULT_ROLE_NAME, "description": "aws.role_name in auditor.yaml"},
            "external_id": {**TF_STRING, "default": "", "sensitive": True,
                            "description": "aws.external_id in auditor.yaml; empty: none required"},
        },
        "locals": {"trust_policy": "${var.external_id == \"\" ? jsonencode(local.trust_open) : "
                                   "jsonencode(local.trust_with_id)}",
                   "trust_open": trust, "trust_with_id": trust_with_id},
        "resource": {
            "aws_iam_role": {"audit": {
                "name": "${var.role_name}", "description": DESCRIPTION[:1000], "max_session_duration": 3600,
                "assume_role_policy": "${local.trust_policy}", "tags": {"managed-by": "sovereign-auditor"}}},
            "aws_iam_role_policy": {"read": {
                "name": "sovereign-auditor-read", "role": "${aws_iam_role.audit.id}", "policy": json.dumps(
                    reads, indent=2)}},
        },
        "output": {"role_arn": {"value": "${aws_iam_role.audit.arn}"}},
    }


def azure_management_group() -> dict[str, Any]:
    """The custom role and its assignment to the auditor's service principal, at management-group scope."""
    mg_scope = "[format('/providers/Microsoft.Management/managementGroups/{0}', managementGroup().name)]"
    role_id = "[guid(managementGroup().id, parameters('roleName'))]"
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {
            "auditorPrincipalId": {"type": "string", "metadata": {
                "description": "Object id of the service principal (or managed identity) sovereign-auditor signs "
                               "in as: the only principal given the role."}},
            "roleName": {"type": "string", "defaultValue": AZURE_ROLE_NAME},
        },
        "resources": [
            {"type": "Microsoft.Authorization/roleDefinitions", "apiVersion": "2022-04-01", "name": role_id,
             "properties": {"roleName": "[parameters('roleName')]", "description": DESCRIPTION, "type": "CustomRole",
                            "permissions": [{"actions": azure_actions(), "notActions": [], "dataActions": [],
                                             "notDataActions": []}],
                            "assignableScopes": [mg_scope]}},
            {"type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01",
             "name": "[guid(managementGroup().id, parameters('auditorPrincipalId'), parameters('roleName'))]",
             "dependsOn": [f"[extensionResourceId({mg_scope[1:-1]}, 'Microsoft.Authorization/roleDefinitions', "
                           f"{role_id[1:-1]})]"],
             "properties": {
                 "roleDefinitionId": f"[extensionResourceId({mg_scope[1:-1]}, "
                                     f"'Microsoft.Authorization/roleDefinitions', {role_id[1:-1]})]",
                 "principalId": "[parameters('auditorPrincipalId')]", "principalType": "ServicePrincipal"}},
        ],
        "outputs": {"roleDefinitionId": {"type": "string", "value": role_id}},
    }


HEADER = "# Generated by python -m auditor.connectors.roles from the operations the connectors declare: do not edit.\n"
FILES: dict[str, Callable[[], str]] = {
    "aws/cloudformation/sovereign-auditor-role.yaml": lambda: HEADER + yaml.safe_dump(
        cloudformation(), sort_keys=False, allow_unicode=True, width=110),
    "aws/terraform/sovereign-auditor-role/main.tf.json": lambda: json.dumps(terraform(), indent=2) + "\n",
    "azure/sovereign-auditor-role.mg.json": lambda: json.dumps(azure_management_group(), indent=2) + "\n",
}


def write(root: Path) -> list[Path]:
    out = []
    for rel, make in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        out.append(write_atomic(path, make()))
    return out


if __name__ == "__main__":
    for written in write(Path(__file__).resolve().parents[2] / "deploy"):
        print(written)
