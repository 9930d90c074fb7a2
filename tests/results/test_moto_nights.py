"""Through the real AWS connector on a moto server: three nights of a changing estate, and a sharded
organisation scan merged back into the unsharded one."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import boto3

from auditor.config import AwsConfig, Config
from auditor.pipeline import assess, collect, publish
from auditor.progress import NullReporter
from auditor.results import history
from auditor.results.diff import diff
from auditor.results.merge import mark_shard, merge
from tests.aws.conftest import HEALTH, aws, bucket, moto_endpoint  # noqa: F401 - fixtures

ARN = "arn:aws:s3:::"


def _night(config, pack, day):
    """One nightly scan as the pipeline runs it, with the clock set to 02:00 on ``day`` (January 2026)."""
    raw = collect(config, ["aws"], NullReporter())
    doc = assess(raw, config, started=f"2026-01-{day:02d}T02:00:00Z", pack=pack, today=dt.date(2026, 1, day)).doc
    doc = mark_shard(doc, config.shard)
    publish(doc, config)
    return doc


def _by(findings, name, policy):
    return {f.key for f in findings if f.resource_id == ARN + name and f.policy_id == policy}


def test_three_nights_on_a_changing_moto_estate(aws, pack, tmp_path):  # noqa: F811 - fixture
    config = Config(aws=AwsConfig(regions=("eu-west-3", "us-east-1"), max_workers=4), formats=("json", "md"),
                    history=tmp_path / "audit-history.db", out=tmp_path / "out")
    bucket("dossiers-patients", "eu-west-3", tags=HEALTH)
    bucket("imagerie", "eu-west-3", tags=HEALTH)
    virginia = bucket("dr-virginie", "us-east-1", tags=HEALTH)
    night1 = _night(config, pack, 1)
    assert _by(night1.findings, "dr-virginie", "RES-001")

    virginia.delete_bucket(Bucket="dr-virginie")  # night 2: the US copy is gone, imaging becomes public
    boto3.client("s3", region_name="eu-west-3").put_bucket_acl(Bucket="imagerie", ACL="public-read")
    night2 = _night(config, pack, 3)
    boto3.client("s3", region_name="eu-west-3").put_bucket_acl(Bucket="imagerie", ACL="private")
    bucket("archives-virginie", "us-east-1", tags=HEALTH)  # night 3: public access fixed, a new US bucket
    night3 = _night(config, pack, 10)

    with history.opened(config.history, create=False) as store:
        runs = store.runs()
        assert [r.started[:10] for r in runs] == ["2026-01-01", "2026-01-03", "2026-01-10"]
        assert all(r.findings_sha256 for r in runs)
        snaps = [store.snapshot(r) for r in runs]
    first, second = diff(snaps[0], snaps[1]), diff(snaps[1], snaps[2])

    public = {f.key for f in night2.findings if f.resource_id == ARN + "imagerie"} - {f.key for f in night1.findings}
    assert _by(night2.findings, "imagerie", "ACC-001") <= public
    assert {f.key for f in first.new_findings} == public
    assert {r.finding.key: r.how for r in first.resolved} == {
        k: "resource-gone" for k in {f.key for f in night1.findings if f.resource_id == ARN + "dr-virginie"}}

    archives = {f.key for f in night3.findings if f.resource_id == ARN + "archives-virginie"}
    assert archives and {f.key for f in second.new_findings} == archives
    assert {r.finding.key: r.how for r in second.resolved} == dict.fromkeys(public, "fixed")
    ages = {o.finding.key: o.age_days for o in second.still_open}
    [exposure] = [k for k in ages if k.startswith("JUR-001|" + ARN + "dossiers-patients")]
    assert ages[exposure] == 9  # open since night 1

    summary = (config.out / "summary.md").read_text("utf-8")  # the report saw the history too
    assert "archives-virginie" in summary


def test_sharded_organisation_scan_equals_the_unsharded_one(aws, pack):  # noqa: F811 - fixture
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    for i in range(4):
        account = org.create_account(Email=f"m{i}@loire.example", AccountName=f"m{i}")["CreateAccountStatus"]
        creds = boto3.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account['AccountId']}:role/OrganizationAccountAccessRole",
            RoleSessionName="seed")["Credentials"]
        s3 = boto3.client("s3", region_name="eu-west-3", aws_access_key_id=creds["AccessKeyId"],
                          aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
        bucket(f"patients-m{i}", "eu-west-3", tags=HEALTH, client=s3)
    bucket("siege-patients", "us-east-1", tags=HEALTH)
    config = Config(aws=AwsConfig(organization=True, regions=("eu-west-3", "us-east-1"), max_workers=4))

    def scan(shard):
        raw = collect(replace(config, shard=shard), ["aws"], NullReporter())
        return mark_shard(assess(raw, config, started="2026-01-01T02:00:00Z", pack=pack).doc, shard)

    whole = scan(None)
    parts = [scan((i, 3)) for i in (1, 2, 3)]
    assert sum(len(p.run.accounts) for p in parts) == len(whole.run.accounts) == 5
    merged = merge([(f"shard-{i}", p) for i, p in enumerate(parts, 1)])
    assert merged.notices == ()
    assert {f.key for f in merged.doc.findings} == {f.key for f in whole.findings}
    assert {p: set(ids) for p, ids in merged.doc.passed.items()} == {p: set(ids) for p, ids in whole.passed.items()}
    assert set(merged.doc.coverage_gaps) == set(whole.coverage_gaps)
    assert {r.id for r in merged.doc.resources} == {r.id for r in whole.resources}
