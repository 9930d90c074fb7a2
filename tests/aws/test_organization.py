"""Every account of an AWS Organization, entered through a role; one that cannot be entered is a gap."""

from __future__ import annotations

from collections.abc import Callable

import boto3
import pytest

from auditor.connectors.roles import DEFAULT_ROLE_NAME
from auditor.model.inventory import PrincipalKind
from tests.aws.conftest import ACCOUNT, HEALTH, bucket, by_name, scan


@pytest.fixture
def refused_roles(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Extend the (in-process) emulator: AssumeRole into these role ARNs is denied, as AWS does when
    the role does not exist or does not trust the caller. moto itself lets every AssumeRole through."""
    from moto.core.exceptions import AccessDeniedError
    from moto.sts.models import STSBackend

    refused: set[str] = set()
    original: Callable[..., object] = STSBackend.assume_role

    def assume_role(self: STSBackend, region_name: str, role_session_name: str, role_arn: str, *args: object,
                    **kwargs: object) -> object:
        if role_arn in refused:
            raise AccessDeniedError(user_arn=f"arn:aws:iam::{self.account_id}:user/auditor",
                                    action=f"sts:AssumeRole on resource: {role_arn}")
        return original(self, region_name, role_session_name, role_arn, *args, **kwargs)

    monkeypatch.setattr(STSBackend, "assume_role", assume_role)
    return refused


def _member(org, name: str) -> tuple[str, object]:
    account = org.create_account(Email=f"{name}@loire.example", AccountName=name)["CreateAccountStatus"]["AccountId"]
    creds = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                                            RoleSessionName="seed")["Credentials"]
    s3 = boto3.client("s3", region_name="eu-west-3", aws_access_key_id=creds["AccessKeyId"],
                      aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    return account, s3


def test_organisation_of_three_accounts_with_one_unassumable(aws, refused_roles):
    org = boto3.client("organizations")
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    research, research_s3 = _member(org, "recherche")
    locked, locked_s3 = _member(org, "locked")
    bucket("siege-patients", "eu-west-3", tags=HEALTH)
    bucket("cohorte", "eu-west-3", tags=HEALTH, client=research_s3)
    research_s3.put_bucket_policy(Bucket="cohorte", Policy=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",'
        '"Resource":"arn:aws:s3:::cohorte/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"' + org_id + '"}}}]}'))
    bucket("invisible", "eu-west-3", tags=HEALTH, client=locked_s3)
    refused_roles.add(f"arn:aws:iam::{locked}:role/{DEFAULT_ROLE_NAME}")

    inventory = scan(organization=True, regions=("eu-west-3",))

    assert set(inventory.scope.accounts) == {ACCOUNT, research}
    assert inventory.scope.organizations == (org_id,)
    found = by_name(inventory)
    assert set(found) == {"siege-patients", "cohorte"}
    assert found["cohorte"].account == research and found["cohorte"].organization == org_id
    assert [(g.principal_kind, g.home) for g in found["cohorte"].access] == [(PrincipalKind.ACCOUNT, org_id)]
    gaps = [g for g in inventory.coverage_gaps if g.reason == "unassumable-role"]
    assert [(g.account, g.service) for g in gaps] == [(locked, "sts")]
    assert DEFAULT_ROLE_NAME in gaps[0].error and "AccessDenied" in gaps[0].error


def test_role_name_and_external_id_are_used_and_the_external_id_never_leaks(aws, monkeypatch):
    from moto.core.exceptions import AccessDeniedError
    from moto.sts.models import STSBackend

    seen: list[tuple[str, object]] = []

    def refuse_and_echo(self: STSBackend, region_name: str, role_session_name: str, role_arn: str,
                        policy: object, duration: object, external_id: object) -> object:
        seen.append((role_arn, external_id))
        raise AccessDeniedError(user_arn="auditor", action=f"sts:AssumeRole with ExternalId {external_id}")

    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(Email="m@loire.example", AccountName="m")["CreateAccountStatus"]["AccountId"]
    monkeypatch.setattr(STSBackend, "assume_role", refuse_and_echo)

    inventory = scan(organization=True, role_name="AuditReadOnly", external_id="s3cr3t-ext-id",
                     regions=("eu-west-3",))

    assert seen == [(f"arn:aws:iam::{member}:role/AuditReadOnly", "s3cr3t-ext-id")]
    assert [g.account for g in inventory.coverage_gaps if g.reason == "unassumable-role"] == [member]
    assert "s3cr3t-ext-id" not in repr(inventory)


def test_listed_accounts_without_organization_mode(aws):
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    member, member_s3 = _member(org, "only-this-one")
    bucket("member-data", "eu-west-3", tags=HEALTH, client=member_s3)
    bucket("management-data", "eu-west-3", tags=HEALTH)

    inventory = scan(accounts=(member,), regions=("eu-west-3",))

    assert inventory.scope.accounts == (member,)
    assert set(by_name(inventory)) == {"member-data"}
