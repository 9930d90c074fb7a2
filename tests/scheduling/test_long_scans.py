"""Long and large scans: assumed-role credentials renewed before they expire, a console summary worth
reading in a cron mail, progress lines in logs, and a command line that explains itself."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import boto3
import pytest

from auditor.connectors.aws import accounts
from auditor.connectors.aws.calls import last_scan
from auditor.connectors.aws.session import TemporaryCredentials, refreshing_session
from auditor.console import elapsed
from tests.aws.conftest import HEALTH, bucket, scan
from tests.scheduling.conftest import run_cli


def test_credentials_close_to_expiry_are_renewed_before_use():
    calls: list[int] = []

    def renew() -> dict[str, str]:
        calls.append(1)
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        return {"access_key": f"AKIA{len(calls)}", "secret_key": "s", "token": "t", "expiry_time": later.isoformat()}

    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)).isoformat()  # inside botocore's 10-minute margin
    session = refreshing_session(TemporaryCredentials("AKIA0", "s", "t", expiry=soon, refresh=renew))
    frozen = session.get_credentials().get_frozen_credentials()
    assert calls == [1] and frozen.access_key == "AKIA1"
    assert session.get_credentials().get_frozen_credentials().access_key == "AKIA1"  # valid for an hour: kept
    assert "AKIA" not in repr(TemporaryCredentials("AKIA0", "s", "t", expiry=soon, refresh=renew))


def test_a_member_account_keeps_being_read_when_its_role_session_runs_out(aws, monkeypatch):
    """Role sessions of 15 minutes (the shortest AWS allows) are inside botocore's renewal window from the
    start: every use renews them through a real AssumeRole on the emulator, and the member is fully read."""
    monkeypatch.setattr(accounts, "ROLE_SESSION_SECONDS", 900)
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(Email="r@loire.example", AccountName="recherche")["CreateAccountStatus"]["AccountId"]
    creds = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                                            RoleSessionName="seed")["Credentials"]
    member_s3 = boto3.client("s3", region_name="eu-west-3", aws_access_key_id=creds["AccessKeyId"],
                             aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    bucket("cohorte-recherche", "eu-west-3", tags=HEALTH, client=member_s3)
    inventory = scan(organization=True, regions=("eu-west-3",), role_name="OrganizationAccountAccessRole")
    assert {r.name for r in inventory.resources if r.account == member} == {"cohorte-recherche"}
    assert not [g for g in inventory.coverage_gaps if g.account == member]
    assert last_scan()["sts:AssumeRole"] >= 2  # the first session, then its renewals


def test_elapsed_reads_like_a_person_would_say_it():
    assert (elapsed(4.2), elapsed(75), elapsed(3725)) == ("4 s", "1 min 15 s", "1 h 02 min")


def test_the_final_summary_has_verdict_counts_the_absolute_report_path_and_elapsed_time(tmp_path: Path):
    out = tmp_path / "rel-out"
    result = run_cli(["demo", "--offline", "--out", str(out.relative_to(Path.cwd()) if out.is_relative_to(
        Path.cwd()) else out), "--format", "html,json"])
    assert result.code == 1
    lines = result.out.strip().splitlines()
    assert lines[0].startswith("Hôpitaux de la Loire (demo): audited ")
    assert re.match(r"Verdict: non-compliant: \d+ critical", lines[1])
    assert lines[2] == f"Report: {(out / 'report.html').resolve()}"
    assert lines[-1].startswith("Elapsed: ")
    assert "API calls" not in result.err  # only with --verbose


def test_version_help_and_readable_placeholders():
    assert re.fullmatch(r"sovereign-auditor \d+\.\d+\.\d+\S*\n", run_cli(["--version"]).out)
    text = run_cli(["scan", "-h"]).out
    assert "Usage:" in text and "<list[str]>" not in text and "<str>" not in text
    assert "--region REGION" in text and "--profile NAME" in text
    assert re.search(r"gdpr,\s+hds,\s+secnumcloud", text) and "default: hds" in text


@pytest.mark.parametrize(("args", "message"), [
    (["scan", "--region", "westeurope"], "--region 'westeurope' is an Azure region, not an AWS one (did you mean "),
    (["plan", "plan.json", "--aws-region", "francecentral"],
     "--aws-region 'francecentral' is an Azure region, not an AWS one (did you mean eu-west-3?)"),
])
def test_a_region_of_another_provider_is_refused_with_a_suggestion(bare_env, args, message):
    result = run_cli(args)
    assert result.code == 2 and result.err.startswith(f"error: {message}") and len(result.err.splitlines()) == 1


def test_logs_without_a_terminal_show_one_line_per_account(capsys):
    from auditor.progress import LineReporter, detail

    reporter = LineReporter()
    first, second = reporter.task("AWS 111122223333 (production)", total=2), reporter.task("azure loire-sante", 1)
    reporter.advance(second)
    reporter.advance(first)
    reporter.advance(first)
    reporter.done(first)
    reporter.done(second)
    detail(reporter, "aws: 22 API calls")
    err = capsys.readouterr().err.splitlines()
    assert err == ["AWS 111122223333 (production): reading 2 data stores",
                   "azure loire-sante: reading 1 data stores",
                   "azure loire-sante: done, 1 data stores read",
                   "AWS 111122223333 (production): done, 2 data stores read"]
    detail(LineReporter(verbose=True), "aws: 22 API calls")
    assert capsys.readouterr().err == "aws: 22 API calls\n"
