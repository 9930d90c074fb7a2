"""What could not be read becomes a coverage gap naming account, region, service and error; the scan goes on."""

from __future__ import annotations

import os

import pytest

from auditor.connectors.aws import calls
from auditor.errors import ConnectorError
from auditor.model.inventory import KeyManager
from tests.aws.conftest import ACCOUNT, HEALTH, bucket, by_name, scan

KEY_ID = "AKIAEXAMPLEAUDITKEY1"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETEXAMPLE"
TOKEN = "FwoGZXIvYXdzEJr//////////wEaDGEXAMPLESESSIONTOKEN0123456789abcdefXYZ"


def _kms_bucket(name: str, key: str = "1234abcd-12ab-34cd-56ef-1234567890ab") -> None:
    bucket(name, "eu-west-3", tags=HEALTH).put_bucket_encryption(
        Bucket=name, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})


def test_throttling_past_retries_is_a_gap_without_credentials_in_it(aws, fake_service, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")  # retried once, then given up

    def throttle(operation: str, body: dict, headers: dict) -> tuple[int, dict]:
        # A hostile or careless endpoint echoing the request's credentials in its error message.
        echo = f"{headers.get('Authorization')} token={headers.get('X-Amz-Security-Token')} {SECRET}"
        return 400, {"__type": "ThrottlingException", "message": f"Rate exceeded ({echo})"}

    kms = fake_service(throttle)
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", kms.url)
    _kms_bucket("throttled-key")
    bucket("fine", "eu-west-1", tags=HEALTH)

    inventory = scan()

    gaps = [g for g in inventory.coverage_gaps if g.service == "kms"]
    assert len(gaps) == 1
    gap = gaps[0]
    assert (gap.reason, gap.account, gap.region) == ("throttled", ACCOUNT, "eu-west-3")
    assert gap.error.startswith("kms:DescribeKey: ThrottlingException: Rate exceeded")
    assert kms.calls.count("DescribeKey") == 2
    found = by_name(inventory)
    assert found["throttled-key"].encryption.manager is KeyManager.UNKNOWN  # unknown, never a pass
    assert found["fine"].attributes["depth"] == "deep"  # the scan went on
    text = repr(inventory)
    for secret in (KEY_ID, SECRET, TOKEN, SECRET[:20], TOKEN[:30]):
        assert secret not in text


def test_an_api_the_endpoint_lacks_is_api_unavailable(aws, fake_service, monkeypatch):
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    kms = fake_service(lambda op, body, headers: (500, "<!DOCTYPE html><title>500 Internal Server Error</title>"))
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", kms.url)
    _kms_bucket("no-kms-here")

    gaps = [g for g in scan().coverage_gaps if g.service == "kms"]

    assert [(g.reason, g.resource_id) for g in gaps] == [("api-unavailable", "1234abcd-12ab-34cd-56ef-1234567890ab")]
    assert "<" not in gaps[0].error  # no HTML page pasted into reports


def test_bulk_tags_unavailable_falls_back_to_per_bucket_tags_without_a_gap(aws, fake_service, monkeypatch):
    tagging = fake_service(lambda op, body, headers: (404, "<html><title>404 Not Found</title></html>"))
    monkeypatch.setenv("AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API", tagging.url)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    bucket("tagged", "eu-west-3", tags=HEALTH)
    bucket("untagged", "eu-west-3")

    inventory = scan()

    found = by_name(inventory)
    assert found["tagged"].tags == HEALTH and found["untagged"].tags == {}
    assert "s3:GetBucketTagging" in found["tagged"].evidence
    assert tagging.calls == ["GetResources"]
    assert inventory.coverage_gaps == ()


def test_a_configured_region_the_account_has_not_enabled_is_a_gap(aws):
    bucket("paris", "eu-west-3", tags=HEALTH)
    inventory = scan(regions=("eu-west-3", "ap-east-1"))  # ap-east-1 is opt-in, not enabled
    gaps = [g for g in inventory.coverage_gaps if g.reason == "region-disabled"]
    assert [(g.region, g.account, g.service) for g in gaps] == [("ap-east-1", ACCOUNT, "ec2")]
    assert "ap-east-1" not in inventory.scope.regions
    assert "paris" in by_name(inventory)


def test_no_credentials_at_all_is_a_connector_error(aws, monkeypatch):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    with pytest.raises(ConnectorError) as err:
        scan()
    assert err.value.exit_code == 3
    assert "no AWS credentials" in err.value.one_line()


def test_calls_are_counted_and_reported(aws):
    from auditor.progress import NullReporter

    bucket("one", "eu-west-3", tags=HEALTH)
    reporter = NullReporter()
    scan(reporter=reporter)
    counts = calls.last_scan()
    assert counts["s3:ListBuckets"] == 1 + 2 and counts["sts:GetCallerIdentity"] == 1  # + once per region, filtered
    line = [m for m in reporter.messages if m.startswith("aws: ")]
    assert line == [calls.summary(counts)]
    assert f"{sum(counts.values()):,} API calls" in line[0]
