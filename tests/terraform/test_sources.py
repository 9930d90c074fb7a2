"""``--repo-root``: each planned resource points at the .tf file and line that declares it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from planbuilder import PlanBuilder, write
from plantools import FIXTURES, by_id, plan_of

from auditor.connectors.terraform import read_plan


@pytest.mark.parametrize(
    ("address", "where"),
    [
        ("aws_s3_bucket.imaging_default", "buckets.tf:1"),
        ("aws_s3_bucket.imaging_virginia", "buckets.tf:7"),
        ("module.records.aws_s3_bucket.this", "modules/records/main.tf:13"),
        ("module.shards[1].aws_s3_bucket.this", "modules/records/main.tf:13"),
        ("module.archive.module.cold.aws_s3_bucket.this", "modules/archive/cold/main.tf:1"),
    ],
)
def test_local_modules_and_nested_modules(address: str, where: str) -> None:
    root = FIXTURES / "aws_regions"
    inventory = plan_of("aws_regions", repo_root=root, source_base=root)
    assert by_id(inventory, address).source_file == where


def test_the_line_really_declares_the_resource() -> None:
    root = FIXTURES / "aws_flows"
    for resource in plan_of("aws_flows", repo_root=root, source_base=root).resources:
        assert resource.source_file is not None
        file, line = resource.source_file.rsplit(":", 1)
        if file.endswith("plan.json"):
            assert resource.change == "delete"  # gone from the configuration: the plan entry is shown
            continue
        declared = (root / file).read_text().splitlines()[int(line) - 1]
        rtype, name = resource.id.split(".")[-2:]
        assert declared.startswith(f'resource "{rtype}" "{name.split("[")[0]}"'), (resource.id, declared)


def test_registry_modules_through_the_terraform_manifest(tmp_path: Path) -> None:
    plan = PlanBuilder()
    plan.provider("aws", region="eu-west-3")
    plan.module("module.storage", "terraform-aws-modules/s3-bucket/aws")
    plan.resource("module.storage.aws_s3_bucket.this[0]", {"bucket": "chu-registry-module"})
    write(plan.build(), tmp_path / "plan.json")
    installed = tmp_path / ".terraform" / "modules" / "storage"
    installed.mkdir(parents=True)
    (installed / "main.tf").write_text('locals {}\n\nresource "aws_s3_bucket" "this" {\n  count = 1\n}\n')
    (tmp_path / ".terraform" / "modules" / "modules.json").write_text(
        json.dumps(
            {
                "Modules": [
                    {"Key": "", "Source": "", "Dir": "."},
                    {
                        "Key": "storage",
                        "Source": "registry.terraform.io/terraform-aws-modules/s3-bucket/aws",
                        "Version": "4.1.2",
                        "Dir": ".terraform/modules/storage",
                    },
                ]
            }
        )
    )
    inventory = read_plan(tmp_path / "plan.json", repo_root=tmp_path)
    assert inventory.resources[0].source_file == ".terraform/modules/storage/main.tf:3"


def test_no_repo_root_or_nothing_found_points_at_the_plan(tmp_path: Path) -> None:
    found = by_id(plan_of("aws_regions"), "aws_s3_bucket.imaging_default").source_file
    assert found is not None and found.rsplit(":", 1)[0].endswith("aws_regions/plan.json")
    shutil.copy(FIXTURES / "aws_regions" / "plan.json", tmp_path / "plan.json")
    inventory = read_plan(tmp_path / "plan.json", repo_root=tmp_path)  # no .tf files there
    assert {r.source_file.rsplit(":", 1)[0] for r in inventory.resources if r.source_file} == {
        str(tmp_path / "plan.json")}
    assert all(r.source_file for r in inventory.resources)
