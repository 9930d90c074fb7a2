"""Each finding of a plan points at the line a developer changes, with the resource's own line related.

The line is checked against the real ``.tf`` text of the fixtures: the provider block's ``region``, the
variable that feeds it, the replication/backup rule naming the destination, the policy statement
opening access, the ACL, the endpoint argument, the Azure ``location``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from plantools import FIXTURES

from auditor.config import Config
from auditor.connectors.terraform import read_plan
from auditor.model.findings import Finding, FindingsDoc
from auditor.pipeline import assess
from auditor.render import RENDERERS, RenderOptions
from auditor.render.fixes import fix_for


def assessed(name: str, **options: Any) -> FindingsDoc:
    root = FIXTURES / name
    inventory = read_plan(root / "plan.json", repo_root=root, source_base=root, **options)
    return assess(inventory, Config()).doc


@pytest.fixture(scope="module")
def flows() -> FindingsDoc:
    return assessed("aws_flows")


def finding(doc: FindingsDoc, policy: str, resource: str) -> Finding:
    found = [f for f in doc.findings if f.policy_id == policy and f.resource_id == resource]
    assert found, f"no {policy} on {resource}"
    return found[0]


def line_at(name: str, at: str) -> str:
    path, line = at.rsplit(":", 1)
    return (FIXTURES / name / path).read_text().splitlines()[int(line) - 1].strip()


def fix(doc: FindingsDoc, policy: str, resource: str) -> Any:
    f = finding(doc, policy, resource)
    return fix_for(f, next(r for r in doc.resources if r.id == resource), doc, "en")


def test_a_store_in_the_wrong_region_points_at_its_provider_block(flows: FindingsDoc) -> None:
    found = fix(flows, "RES-001", "aws_s3_bucket.replica_us")
    assert found.primary.label == "provider aws.virginia"
    assert line_at("aws_flows", found.primary.at) == 'region = "us-east-1"'
    assert found.primary.at == "main.tf:8"
    assert [p.at for p in found.related] == ["s3.tf:7"]  # the bucket's own block
    assert found.params["assignment"] == 'region = "eu-central-1"'  # an allowed region, not the source's own


def test_a_replica_points_at_the_destination_region_and_names_the_rule(flows: FindingsDoc) -> None:
    found = fix(flows, "RES-002", "aws_s3_bucket.patients")
    assert found.primary.at == "main.tf:8"  # provider aws.virginia, where the replica bucket lives
    rule = found.related[0]
    assert rule.label == "aws_s3_bucket_replication_configuration.patients"
    assert line_at("aws_flows", rule.at) == "bucket        = aws_s3_bucket.replica_us.arn"
    assert found.alternative == {"rule_argument": "rule[0].destination[0].bucket",
                                 "rule_subject": "aws_s3_bucket_replication_configuration.patients",
                                 "rule_at": "s3.tf:24"}
    assert "s3.tf:1" in [p.at for p in found.related]


def test_a_destination_outside_the_plan_points_at_the_rule(flows: FindingsDoc) -> None:
    patients = next(r for r in flows.resources if r.id == "aws_s3_bucket.patients")
    sites = [s for s in patients.attributes["fix_sites"] if s.get("kind") == "rule" and s["aspect"] == "copy"]
    partner = next(s for s in sites if "rule[1]" in s["argument"])
    assert line_at("aws_flows", partner["at"]) == 'bucket  = "arn:aws:s3:::partner-archive-bucket"'


def test_a_global_table_replica_block_is_the_line(flows: FindingsDoc) -> None:
    found = fix(flows, "RES-002", "aws_dynamodb_table.consultations")
    assert found.primary.at == "data.tf:27"
    assert line_at("aws_flows", found.primary.at) == "replica {"
    text = (FIXTURES / "aws_flows" / "data.tf").read_text().splitlines()
    assert 'region_name = "us-west-2"' in text[27].strip()  # the block's own line follows
    # the backup copy to us-east-1 is a second cause: its provider and its copy action are related lines
    related = [p.at for p in found.related]
    assert "main.tf:8" in related


def test_a_backup_copy_names_the_copy_action(flows: FindingsDoc) -> None:
    found = fix(flows, "RES-002", "aws_backup_vault.primary")
    assert found.primary.at == "main.tf:8"
    rule = found.related[0]
    assert rule.label == "aws_backup_plan.daily"
    assert line_at("aws_flows", rule.at).startswith("destination_vault_arn")


def test_public_access_points_at_the_policy_statement_or_the_acl(flows: FindingsDoc) -> None:
    policy = fix(flows, "ACC-001", "aws_s3_bucket.patients")
    assert line_at("aws_flows", policy.primary.at) == 'Principal = "*"'
    assert policy.key == "fix.policy"
    acl = fix(flows, "ACC-001", "aws_s3_bucket.imaging")
    assert line_at("aws_flows", acl.primary.at) == 'acl    = "public-read"'
    assert acl.params["assignment"] == 'acl = "private"'


def test_a_public_endpoint_points_at_its_argument(flows: FindingsDoc) -> None:
    found = fix(flows, "ACC-007", "aws_db_instance.ehr_replica_us")
    assert line_at("aws_flows", found.primary.at) == "publicly_accessible = true"
    assert found.params["assignment"] == "publicly_accessible = false"


def test_a_finding_with_no_cause_in_the_source_points_at_the_resource(flows: FindingsDoc) -> None:
    # logging a plan does not switch on may be set outside Terraform: not assessable from a plan (issue #13),
    # so the comment says what would decide it after apply, on the resource's own line
    found = fix(flows, "LOG-001", "aws_s3_bucket.imaging")
    assert found.primary is None and [p.at for p in found.related] == ["s3.tf:53"]
    assert found.key == "fix.unknown_apply"


def test_a_region_from_a_variable_points_at_the_variable() -> None:
    doc = assessed("aws_regions")
    imaging = next(r for r in doc.resources if r.id == "aws_s3_bucket.imaging_default")
    site = imaging.attributes["fix_sites"][0]
    assert site["subject"] == "variable region" and line_at("aws_regions", site["at"]) == 'default = "eu-west-1"'
    assert line_at("aws_regions", site["via"]["at"]) == "region = var.region"  # the provider it feeds
    dr = next(r for r in doc.resources if r.id == "aws_s3_bucket.imaging_dr")
    assert dr.attributes["fix_sites"][0]["subject"] == "variable dr_regions"


def test_a_provider_without_region_is_where_to_add_one() -> None:
    doc = assessed("aws_regions")
    unknown = [f for f in doc.findings if f.resource_id == "aws_s3_bucket.imaging_ambient" and f.policy_id == "RES-001"]
    assert unknown and unknown[0].status.value == "unknown"
    found = fix_for(unknown[0], next(r for r in doc.resources if r.id == "aws_s3_bucket.imaging_ambient"), doc, "en")
    assert found.key == "fix.unknown_provider_add"
    assert line_at("aws_regions", found.primary.at) == 'provider "aws" {'
    assert found.params["subject"] == "aws.ambient"


def test_an_azure_location_points_at_the_location_argument() -> None:
    doc = assessed("azure_locations")
    found = fix(doc, "RES-001", "azurerm_storage_account.backup_us")
    assert line_at("azure_locations", found.primary.at).startswith("location")
    assert found.params["assignment"].startswith('location = "') and "eastus" not in found.params["assignment"]


def test_paths_are_relative_to_the_repository_root_from_a_nested_repo_root(tmp_path: Path) -> None:
    """The documented layout: the repository at the checkout, Terraform in ``infra/``."""
    repo = tmp_path / "checkout"
    infra = repo / "infra"
    infra.mkdir(parents=True)
    (repo / ".git").mkdir()
    for file in (FIXTURES / "aws_flows").iterdir():
        (infra / file.name).write_bytes(file.read_bytes())
    inventory = read_plan(infra / "plan.json", repo_root=infra)
    patients = next(r for r in inventory.resources if r.id == "aws_s3_bucket.patients")
    assert patients.source_file == "infra/s3.tf:1"
    sites = {s["aspect"]: s for s in patients.attributes["fix_sites"]}
    assert sites["region"]["at"] == "infra/main.tf:2"
    # given explicitly, the base wins over the .git found upwards
    assert read_plan(infra / "plan.json", repo_root=infra, source_base=infra).resources[0].source_file == "s3.tf:1"

    doc = assess(inventory, Config()).doc
    sarif = json.loads(RENDERERS["sarif"].render(doc, RenderOptions()))
    run = sarif["runs"][0]
    assert "SRCROOT" in run["originalUriBaseIds"]
    located = [loc["physicalLocation"]["artifactLocation"] for res in run["results"]
               for loc in res["locations"] + res.get("relatedLocations", [])]
    tf = [a for a in located if a["uri"].endswith(".tf")]
    assert tf and all(a["uri"].startswith("infra/") and a["uriBaseId"] == "SRCROOT" for a in tf)
    for res in run["results"]:
        for loc in res["locations"] + res.get("relatedLocations", []):
            where = loc["physicalLocation"]
            uri = where["artifactLocation"]["uri"]
            if uri.endswith(".tf"):
                assert (repo / uri).is_file()
                assert where["region"]["startLine"] <= len((repo / uri).read_text().splitlines())
