"""Names next to ids: Organizations account names, subscription and tenant names, principals' display
names, and the organisation's name heading every report."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import boto3
import pytest

from auditor.config import Config, ReportInfo
from auditor.demo import azure_estate
from auditor.demo.sample import SUB, TENANT, sample_inventory
from auditor.engine.pack import load_pack
from auditor.pipeline import assess
from auditor.render import RENDERERS, RenderOptions
from auditor.render.view import principal_name
from tests.aws.conftest import ACCOUNT, scan


def test_aws_organization_account_names(aws):
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(Email="recherche@loire.example", AccountName="loire-recherche")
    member_id = member["CreateAccountStatus"]["AccountId"]
    inventory = scan(organization=True, regions=("eu-west-3",))
    assert inventory.scope.names[member_id] == "loire-recherche"
    assert ACCOUNT in inventory.scope.names  # the management account has its name too
    # on an emulator, member ids are made up at each start: the email names the account across runs
    assert inventory.scope.account_keys[member_id] == "aws-account:recherche@loire.example"


def _member_store_keys(aws_url: str) -> tuple[str, set[str]]:
    """Reset the emulator, build an organisation whose member account keeps a health bucket, audit it."""
    import urllib.request

    from tests.aws.conftest import HEALTH, bucket

    urllib.request.urlopen(urllib.request.Request(f"{aws_url}/moto-api/reset", method="POST")).close()
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(Email="recherche@loire.example", AccountName="loire-recherche")
    member_id = member["CreateAccountStatus"]["AccountId"]
    creds = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{member_id}:role/OrganizationAccountAccessRole",
                                            RoleSessionName="seed")["Credentials"]
    rds = boto3.client("rds", region_name="eu-west-3", aws_access_key_id=creds["AccessKeyId"],
                       aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    rds.create_db_instance(DBInstanceIdentifier="cohorte", Engine="postgres", DBInstanceClass="db.t3.micro",
                           MasterUsername="admin", MasterUserPassword="not-a-secret-1", AllocatedStorage=20,
                           Tags=[{"Key": k, "Value": v} for k, v in HEALTH.items()])
    bucket("siege-patients", "eu-west-3", tags=HEALTH)
    inventory = scan(organization=True, regions=("eu-west-3",))
    doc = assess(inventory, Config(), pack=load_pack(())).doc
    return member_id, {f.key for f in doc.findings if f.account == member_id}


def test_an_emulated_member_account_keeps_its_findings_across_restarts(aws):
    first_id, first = _member_store_keys(aws)
    second_id, second = _member_store_keys(aws)
    assert first_id != second_id  # the emulator made up a new id for the same account
    assert first and first == second  # no "new"/"resolved" for the same database in the same account
    assert all(first_id not in k for k in first)


@pytest.fixture
def azure_inventory(tmp_path, monkeypatch):
    from tests.azure.azure_helpers import scan as azure_scan
    from tests.azure.azure_helpers import wire

    fake = azure_estate.start(tmp_path)
    wire(fake, monkeypatch)
    try:
        yield azure_scan(fake)
    finally:
        fake.stop()


def test_azure_subscription_tenant_and_principal_names(azure_inventory):
    names = azure_inventory.scope.names
    assert names[SUB] == "loire-sante" and names[TENANT] == "Hôpitaux de la Loire"
    named = {g.principal: g.name for r in azure_inventory.resources for g in r.access if g.name}
    assert named  # principals the directory could describe carry their display name


def test_iam_principals_are_named_from_their_arn():
    assert principal_name(None, "arn:aws:iam::123456789012:role/service-role/backup-reader") == "backup-reader"
    assert principal_name(None, "arn:aws:iam::123456789012:user/alice") == "alice"
    assert principal_name(None, "arn:aws:iam::123456789012:root") == ""
    assert principal_name("Équipe recherche", "0f1e2d3c-0000-4000-8000-000000000001") == "Équipe recherche"


def test_every_report_shows_the_names():
    inventory = sample_inventory()
    aws_account = next(r.account for r in inventory.resources if r.provider == "aws")
    named = replace(inventory, scope=replace(inventory.scope, names={aws_account: "loire-production",
                                                                      SUB: "loire-sante"}))
    config = Config(report=ReportInfo(organization="Hôpitaux de la Loire"))
    doc = assess(named, config, pack=load_pack(())).doc
    assert doc.run.organization_name == "Hôpitaux de la Loire"
    options = RenderOptions(lang="fr")
    html = RENDERERS["html"].render(doc, options)
    assert '<b class="org">Hôpitaux de la Loire</b>' in html
    assert f"{aws_account} (loire-production)" in html and f"{SUB} (loire-sante)" in html
    md = RENDERERS["md"].render(doc, options)
    assert md.splitlines()[0].count("Hôpitaux de la Loire") == 1
    rows = list(csv.DictReader(io.StringIO(RENDERERS["csv"].render(doc, options).lstrip("\ufeff")), delimiter=";"))
    assert {r["account_name"] for r in rows if r["account"] == aws_account} == {"loire-production"}
    assert '"organization_name": "Hôpitaux de la Loire"' in RENDERERS["json"].render(doc, options)
    assert f'"{aws_account}": "loire-production"' in RENDERERS["json"].render(doc, options)  # run.names
    assert f"{aws_account} (loire-production)" in md and f"{SUB} (loire-sante)" in md
    sarif = json.loads(RENDERERS["sarif"].render(doc, options))["runs"][0]
    assert sarif["properties"]["organization"] == "Hôpitaux de la Loire"
    results = [r for r in sarif["results"] if r["properties"]["account"] == aws_account]
    assert results and {r["properties"]["accountName"] for r in results} == {"loire-production"}
    assert all(f"{aws_account} (loire-production)" in r["message"]["text"] for r in results)
    junit = RENDERERS["junit"].render(doc, options)
    assert f"{aws_account} (loire-production)" in junit and f"{SUB} (loire-sante)" in junit
    assert '<testsuites name="sovereign-auditor: Hôpitaux de la Loire"' in junit
