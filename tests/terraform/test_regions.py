"""Where an AWS resource lands: its own region, its provider (aliases, modules), variables, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from plantools import by_id, plan_of

from auditor.connectors.terraform import SOURCE


@pytest.mark.parametrize(
    ("address", "region"),
    [
        ("aws_s3_bucket.imaging_default", "eu-west-1"),  # default provider, region = var.region
        ("aws_s3_bucket.imaging_virginia", "us-east-1"),  # provider = aws.virginia
        ("aws_s3_bucket.imaging_dr", "eu-central-1"),  # region = var.dr_regions[0]
        ("module.records.aws_s3_bucket.this", "eu-west-3"),  # providers = { aws = aws.paris }
        ("module.archive.module.cold.aws_s3_bucket.this", "us-east-1"),  # passed to the parent, inherited
        ("module.shards[0].aws_s3_bucket.this", "eu-west-3"),  # module with count
        ("module.shards[1].aws_s3_bucket.this", "eu-west-3"),
    ],
)
def test_provider_configuration_decides_the_region(address: str, region: str) -> None:
    resource = by_id(plan_of("aws_regions"), address)
    assert resource.region == region
    assert resource.locations[0].region == region
    assert any("provider_config" in e for e in resource.evidence), resource.evidence


def test_a_provider_without_region_is_unknown_unless_the_command_line_says() -> None:
    assert by_id(plan_of("aws_regions"), "aws_s3_bucket.imaging_ambient").region == "unknown"
    given = plan_of("aws_regions", aws_region="eu-west-3")
    assert by_id(given, "aws_s3_bucket.imaging_ambient").region == "eu-west-3"
    assert any("--aws-region" in e for e in by_id(given, "aws_s3_bucket.imaging_ambient").evidence)
    # the command-line region never overrides a configured one
    assert by_id(given, "aws_s3_bucket.imaging_virginia").region == "us-east-1"
    assert by_id(given, "aws_s3_bucket.imaging_default").region == "eu-west-1"


def test_provider_v6_resource_region_wins_and_unknown_stays_unknown() -> None:
    inventory = plan_of("aws_v6", aws_region="eu-west-1")
    assert by_id(inventory, "aws_s3_bucket.frankfurt").region == "eu-central-1"
    assert by_id(inventory, "aws_s3_bucket.provider_default").region == "eu-west-3"
    assert by_id(inventory, "aws_s3_bucket.alias_default").region == "us-east-1"
    computed = by_id(inventory, "aws_s3_bucket.computed_region")
    assert computed.region == "unknown"  # set from a value known only at apply: never the provider's
    assert computed.locations[0].region == "unknown"


def test_provider_v6_kms_replica_in_the_provider_region() -> None:
    key = by_id(plan_of("aws_v6"), "aws_kms_key.primary")
    assert key.kind == "key"
    assert [(str(loc.role), loc.region) for loc in key.locations] == [
        ("primary", "us-east-1"),
        ("replica", "eu-west-3"),
    ]


@pytest.mark.parametrize(
    ("address", "region"),
    [
        ("module.legacy.aws_s3_bucket.this", "eu-north-1"),  # module provider block, var set by the call
        ("module.defaulted.aws_s3_bucket.this", "eu-south-1"),  # module provider block, variable default
        ("module.inherit.aws_s3_bucket.this", "eu-west-1"),  # no provider in the module: the root's
    ],
)
def test_terraform_1_0_module_provider_blocks(address: str, region: str) -> None:
    assert by_id(plan_of("aws_legacy_modules"), address).region == region


def test_inventory_shape() -> None:
    inventory = plan_of("aws_regions")
    assert inventory.scope.source == SOURCE == "terraform-plan"
    assert inventory.scope.providers == ("aws",)
    assert inventory.scope.regions == ("eu-central-1", "eu-west-1", "eu-west-3", "us-east-1")
    assert inventory.collected_at == "2025-03-14T09:26:53Z"
    bucket = by_id(inventory, "module.shards[1].aws_s3_bucket.this")
    assert (bucket.provider, bucket.account, bucket.native_type, bucket.kind, bucket.service) == (
        "aws",
        "planned",
        "aws_s3_bucket",
        "object-store",
        "s3",
    )
    assert bucket.name == "chu-shard-1"
    assert bucket.tags == {"data-classification": "health"}
    assert bucket.change == "create"
    # without --repo-root the finding points at the resource's entry in the plan JSON
    plan_file, line = bucket.source_file.rsplit(":", 1)
    assert plan_file.endswith("plan.json")
    text = Path(plan_file).read_text(encoding="utf-8").splitlines()
    assert '"address": "module.shards[1].aws_s3_bucket.this"' in text[int(line) - 1]
    assert text.index(next(t for t in text if '"resource_changes"' in t)) < int(line)
