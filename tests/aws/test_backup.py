"""AWS Backup: plans' copy actions, recovery points and copy jobs become backup locations of the stores."""

from __future__ import annotations

import boto3
import pytest

from auditor.connectors.aws.backup import selects
from auditor.model.inventory import LocationRole, Resource
from tests.aws.conftest import ACCOUNT, HEALTH, bucket, by_name, scan

FOREIGN_VAULT = "arn:aws:backup:ap-southeast-1:999988887777:backup-vault:partenaire"
REGIONS = ("eu-west-3", "us-west-2")
ROLE = f"arn:aws:iam::{ACCOUNT}:role/backup"


def _vaults() -> tuple[str, str]:
    paris = boto3.client("backup", region_name="eu-west-3").create_backup_vault(BackupVaultName="v-paris")
    oregon = boto3.client("backup", region_name="us-west-2").create_backup_vault(BackupVaultName="v-oregon")
    return paris["BackupVaultArn"], oregon["BackupVaultArn"]


def _plan(oregon: str) -> tuple[str, str]:
    plan = boto3.client("backup", region_name="eu-west-3").create_backup_plan(BackupPlan={
        "BackupPlanName": "quotidien", "Rules": [{"RuleName": "r", "TargetBackupVaultName": "v-paris",
                                                  "CopyActions": [{"DestinationBackupVaultArn": oregon}]}]})
    return plan["BackupPlanId"], plan["BackupPlanArn"]


def _locations(resource) -> set[tuple[LocationRole, str, str | None, str | None]]:
    return {(loc.role, loc.region, loc.via, loc.target) for loc in resource.locations[1:]}


def test_a_plans_copy_action_is_a_backup_location_of_every_store_it_selects(aws):
    paris, oregon = _vaults()
    plan_id, plan_arn = _plan(oregon)
    bucket("pmsi-paris", "eu-west-3", tags=HEALTH)
    bucket("rpu-paris", "eu-west-3", tags={**HEALTH, "backup": "daily"})
    bucket("excluded-paris", "eu-west-3", tags={**HEALTH, "backup": "daily"})
    bucket("other-paris", "eu-west-3", tags=HEALTH)
    boto3.client("backup", region_name="eu-west-3").create_backup_selection(BackupPlanId=plan_id, BackupSelection={
        "SelectionName": "health", "IamRoleArn": ROLE, "Resources": ["arn:aws:s3:::pmsi-*"],
        "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}],
        "NotResources": ["arn:aws:s3:::excluded-*"]})

    inventory = scan(regions=REGIONS)
    found = by_name(inventory)

    expected = {(LocationRole.BACKUP, "eu-west-3", "aws-backup", paris),
                (LocationRole.BACKUP, "us-west-2", "backup-copy-action", oregon)}
    assert _locations(found["pmsi-paris"]) == expected
    assert _locations(found["rpu-paris"]) == expected
    assert found["pmsi-paris"].attributes["backup_plans"] == [plan_arn]
    assert _locations(found["excluded-paris"]) == set() and _locations(found["other-paris"]) == set()
    vaults = {r.name: r for r in inventory.resources if r.kind == "backup-vault"}
    assert {(v.region, v.attributes["depth"]) for v in vaults.values()} == {
        ("eu-west-3", "listing"), ("us-west-2", "listing")}
    assert inventory.coverage_gaps == ()


def test_recovery_points_and_copy_jobs_reveal_copies_no_plan_shows(aws):
    _, oregon = _vaults()
    labo = "arn:aws:s3:::labo-paris"
    bucket("labo-paris", "eu-west-3", tags=HEALTH)
    backup = boto3.client("backup", region_name="eu-west-3")
    point = backup.start_backup_job(BackupVaultName="v-paris", ResourceArn=labo, IamRoleArn=ROLE)
    for destination in (oregon, FOREIGN_VAULT):  # by hand: to our Oregon vault, then to a partner's account
        backup.start_copy_job(RecoveryPointArn=point["RecoveryPointArn"], SourceBackupVaultName="v-paris",
                              DestinationBackupVaultArn=destination, IamRoleArn=ROLE)

    found = by_name(scan(regions=REGIONS))

    copies = {(loc.role, loc.region, loc.via, loc.target, loc.account) for loc in found["labo-paris"].locations[1:]}
    assert copies == {
        (LocationRole.BACKUP, "us-west-2", "backup-copy", oregon, ACCOUNT),  # its recovery point in Oregon
        (LocationRole.BACKUP, "us-west-2", "backup-copy-job", oregon, ACCOUNT),  # and the job that put it there
        (LocationRole.BACKUP, "ap-southeast-1", "backup-copy-job", FOREIGN_VAULT, "999988887777")}


def test_selections_the_emulator_cannot_list_leave_the_copy_on_the_vault_and_a_gap(aws, plain_moto, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_BACKUP", plain_moto)  # moto alone: no selections, recovery points, jobs
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    paris, oregon = _vaults()
    _, plan_arn = _plan(oregon)
    bucket("pmsi-paris", "eu-west-3", tags=HEALTH)

    inventory = scan(regions=REGIONS)

    vault = next(r for r in inventory.resources if r.id == paris)
    assert _locations(vault) == {(LocationRole.BACKUP, "us-west-2", "backup-copy-action", oregon)}
    assert _locations(by_name(inventory)["pmsi-paris"]) == set()  # which stores the plan copies is unknown...
    gaps = {(g.service, g.reason, g.region, g.resource_id, g.error.split(":")[1]) for g in inventory.coverage_gaps}
    assert ("backup", "api-unavailable", "eu-west-3", plan_arn, "ListBackupSelections") in gaps  # ...and says so
    assert ("backup", "api-unavailable", "eu-west-3", paris, "ListRecoveryPointsByBackupVault") in gaps
    assert all(g[1] == "api-unavailable" for g in gaps)
    assert not [g for g in inventory.coverage_gaps if "<" in g.error]


def _store(tags: dict[str, str], arn: str = "arn:aws:s3:::b") -> Resource:
    return Resource(id=arn, provider="aws", account=ACCOUNT, service="s3", kind="object-store",
                    native_type="AWS::S3::Bucket", name="b", region="eu-west-3", tags=tags)


@pytest.mark.parametrize(("selection", "tags", "selected"), [
    ({"Resources": ["*"]}, {}, True),
    ({"Resources": ["arn:aws:rds:*"]}, {}, False),
    ({"Resources": ["*"], "NotResources": ["arn:aws:s3:::b"]}, {}, False),
    ({"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "aws:ResourceTag/hds", "ConditionValue": "1"}]},
     {"hds": "1"}, True),
    ({"Resources": ["*"], "Conditions": {"StringLike": [{"ConditionKey": "aws:ResourceTag/env",
                                                         "ConditionValue": "pr*"}]}}, {"env": "prod"}, True),
    ({"Resources": ["*"], "Conditions": {"StringNotEquals": [{"ConditionKey": "aws:ResourceTag/env",
                                                              "ConditionValue": "prod"}]}}, {"env": "prod"}, False),
    ({}, {"hds": "1"}, False),
])
def test_backup_selection_semantics(selection, tags, selected):
    assert selects(selection, _store(tags)) is selected
