"""AWS data flows in a plan: every copy of the data becomes a DataLocation on the store it copies."""

from __future__ import annotations

from pathlib import Path

from planbuilder import PlanBuilder, write
from plantools import by_id, places, plan_of

from auditor.connectors.terraform import read_plan
from auditor.model.inventory import Inventory, KeyManager, PrincipalKind


def test_s3_replication_to_a_bucket_behind_an_alias(flows: Inventory) -> None:
    patients = by_id(flows, "aws_s3_bucket.patients")
    assert ("replica", "us-east-1", "s3-replication") in places(patients)
    replica = next(loc for loc in patients.locations if loc.region == "us-east-1" and loc.role == "replica")
    assert replica.target == "aws_s3_bucket.replica_us"


def test_s3_replication_to_a_bucket_outside_the_plan_is_unknown(flows: Inventory) -> None:
    patients = by_id(flows, "aws_s3_bucket.patients")
    external = [loc for loc in patients.locations if loc.target == "arn:aws:s3:::partner-archive-bucket"]
    assert [(loc.region, loc.account) for loc in external] == [("unknown", "444455556666")]
    # a Disabled rule copies nothing
    assert not any(loc.target == "arn:aws:s3:::chu-scratch-sydney" for loc in patients.locations)


def test_s3_replication_by_literal_bucket_name(flows: Inventory) -> None:
    assert ("replica", "eu-central-1", "s3-replication") in places(by_id(flows, "aws_s3_bucket.imaging"))


def test_access_logging_is_recorded_and_only_another_region_is_a_log_destination(flows: Inventory) -> None:
    patients = by_id(flows, "aws_s3_bucket.patients")
    assert patients.logging is True
    # its log bucket is in its own region: not a copy elsewhere (as in the live scan)
    assert all(role != "log-destination" for role, *_ in places(patients))
    assert by_id(flows, "aws_s3_bucket.imaging").logging is None  # logging may be set outside Terraform
    assert by_id(flows, "aws_s3_bucket.consents").logging is None  # existing: the plan does not tell


def test_kms_key_replica_and_the_bucket_key_that_uses_it(flows: Inventory) -> None:
    key = by_id(flows, "aws_kms_key.patients")
    assert places(key) == [("primary", "eu-west-3", None), ("replica", "us-east-1", "kms-multi-region")]
    encryption = by_id(flows, "aws_s3_bucket.patients").encryption
    assert encryption is not None and encryption.manager is KeyManager.CUSTOMER
    assert encryption.region == "eu-west-3"
    assert [loc.region for loc in encryption.locations] == ["eu-west-3", "us-east-1"]
    imaging = by_id(flows, "aws_s3_bucket.imaging").encryption
    assert imaging is not None and (imaging.manager, imaging.key_id) == (KeyManager.PROVIDER, "SSE-S3")


def test_dynamodb_replicas_inline_and_as_separate_resource(flows: Inventory) -> None:
    consultations = by_id(flows, "aws_dynamodb_table.consultations")
    assert consultations.kind == "nosql"
    assert ("replica", "eu-central-1", "dynamodb-global-table") in places(consultations)
    assert ("replica", "us-west-2", "dynamodb-global-table") in places(consultations)
    assert ("replica", "us-east-1", "dynamodb-global-table") in places(by_id(flows, "aws_dynamodb_table.prescriptions"))


def test_rds_read_replica_in_another_region(flows: Inventory) -> None:
    ehr = by_id(flows, "aws_db_instance.ehr")
    assert ("replica", "us-east-1", "rds-read-replica") in places(ehr)
    assert ehr.network.public_endpoint is False
    replica = by_id(flows, "aws_db_instance.ehr_replica_us")
    assert replica.region == "us-east-1" and replica.network.public_endpoint is True


def test_backup_plan_copy_action_and_selection(flows: Inventory) -> None:
    vault = by_id(flows, "aws_backup_vault.primary")
    assert vault.kind == "backup-vault"
    assert ("backup", "us-east-1", "backup-copy-action") in places(vault)
    for selected in ("aws_dynamodb_table.consultations", "aws_db_instance.ehr"):
        found = places(by_id(flows, selected))
        assert ("backup", "eu-west-3", "aws-backup") in found
        assert ("backup", "us-east-1", "backup-copy-action") in found


def test_cloudfront_origin_bucket_is_cached_at_the_edge(flows: Inventory) -> None:
    assert ("edge-cache", "global", "cloudfront PriceClass_100") in places(by_id(flows, "aws_s3_bucket.patients"))
    cdn = by_id(flows, "aws_cloudfront_distribution.portal")
    assert (cdn.kind, cdn.region) == ("cdn", "global")


def test_public_access_from_policy_and_acl_unless_blocked(flows: Inventory) -> None:
    policy = by_id(flows, "aws_s3_bucket.patients").access
    assert [(g.principal, g.principal_kind, g.source) for g in policy] == [("*", PrincipalKind.PUBLIC, "bucket-policy")]
    acl = by_id(flows, "aws_s3_bucket.imaging").access
    assert [(g.principal_kind, g.source) for g in acl] == [(PrincipalKind.PUBLIC, "acl")]
    website = by_id(flows, "aws_s3_bucket.website")
    assert website.access == ()  # the public access block neutralises the public-read ACL
    assert website.attributes["public_access_block"]["ignore_public_acls"] is True


def test_a_policy_known_only_at_apply_is_a_coverage_gap(flows: Inventory) -> None:
    gaps = [g for g in flows.coverage_gaps if g.resource_id == "aws_s3_bucket.imaging_dr"]
    assert len(gaps) == 1
    assert gaps[0].reason == "unknown-at-plan" and "aws_s3_bucket_policy.imaging_dr" in gaps[0].error
    assert gaps[0].region == "eu-central-1"


def test_lifecycle_delete_replace_update_noop(flows: Inventory) -> None:
    deleted = by_id(flows, "aws_s3_bucket.old_exports")
    assert deleted.change == "delete"
    assert deleted.locations == () and deleted.access == () and deleted.encryption is None
    assert by_id(flows, "aws_s3_bucket.lab_results").change == "replace"
    consents = by_id(flows, "aws_s3_bucket.consents")
    assert consents.change == "update" and consents.tags["owner"] == "dpo"
    ids = {r.id for r in flows.resources}
    assert "aws_s3_bucket.legacy_archive" not in ids  # untouched by the plan
    referrals = by_id(flows, "aws_s3_bucket.referrals")  # untouched itself, but a new rule copies it
    assert referrals.change == "no-op"
    assert ("replica", "us-east-1", "s3-replication") in places(referrals)


def test_unchanged_stores_on_request() -> None:
    inventory = plan_of("aws_flows", include_unchanged=True)
    assert by_id(inventory, "aws_s3_bucket.legacy_archive").change == "no-op"


def test_evidence_points_into_the_plan(flows: Inventory) -> None:
    patients = by_id(flows, "aws_s3_bucket.patients")
    assert 'configuration.provider_config["aws"].expressions.region' in patients.evidence
    assert any(e.startswith("resource_changes[") and ".rule[0].destination[0].bucket" in e for e in patients.evidence)


def test_account_from_the_provider_configuration(flows: Inventory) -> None:
    assert by_id(flows, "aws_s3_bucket.patients").account == "111122223333"  # allowed_account_ids
    assert by_id(flows, "aws_s3_bucket.replica_us").account == "222233334444"  # assume_role on aws.virginia
    assert by_id(flows, "aws_s3_bucket.imaging_dr").account == "planned"  # nothing pins aws.frankfurt


def test_cloudfront_origin_by_literal_domain(tmp_path: Path) -> None:
    plan = PlanBuilder()
    plan.provider("aws", region="eu-west-3")
    plan.resource("aws_s3_bucket.site", {"bucket": "chu-site", "tags": {"data-classification": "health"}})
    plan.resource("aws_s3_bucket.other", {"bucket": "chu-other"})
    plan.resource(
        "aws_cloudfront_distribution.cdn",
        {
            "price_class": "PriceClass_All",
            "origin": [
                {"domain_name": "chu-site.s3-website.eu-west-3.amazonaws.com", "origin_id": "site"},
                {"domain_name": "api.example.org", "origin_id": "api"},
            ],
        },
    )
    write(plan.build(), tmp_path / "plan.json")
    inventory = read_plan(tmp_path / "plan.json")
    assert ("edge-cache", "global", "cloudfront PriceClass_All") in places(by_id(inventory, "aws_s3_bucket.site"))
    assert [role for role, _, _ in places(by_id(inventory, "aws_s3_bucket.other"))] == ["primary"]
