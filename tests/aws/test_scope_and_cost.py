"""Calls are the cost of a scan: classify on cheap facts first, read deeply only what is in scope."""

from __future__ import annotations

import os
import urllib.request

import pytest

from auditor.config import AwsConfig, Config
from auditor.connectors.aws import calls, collect
from auditor.demo.aws_estate import seed
from auditor.model.inventory import KeyManager, LocationRole, PrincipalKind
from auditor.progress import NullReporter
from tests.aws.conftest import HEALTH, bucket, by_name, scan

LISTINGS = ("rds:", "dynamodb:", "ec2:DescribeSnapshots", "redshift:", "efs:", "healthlake:", "medical-imaging:",
            "cloudfront:", "backup:", "bedrock:", "bedrock-agent:", "cloudwatch:", "sagemaker:")
DEEP_READS = ("GetBucketReplication", "GetBucketPolicy", "GetBucketAcl", "GetPublicAccessBlock",
              "GetBucketEncryption", "GetBucketLogging")


def test_out_of_scope_buckets_only_get_cheap_facts(aws, served):
    bucket("patients", "eu-west-3", tags=HEALTH)
    for i in range(4):
        bucket(f"marketing-{i}", "eu-west-1", tags={"data-classification": "public"})

    found = by_name(scan())

    counts = calls.last_scan()
    for op in DEEP_READS:
        assert counts[f"s3:{op}"] == 1, op  # the one health bucket, never the four others
    # the emulator's listing has no BucketRegion: one listing per scanned region (us-east-1, eu-west-1) with the
    # BucketRegion filter places the four marketing buckets; only "patients", in a region not scanned, costs a
    # GetBucketLocation
    assert counts["s3:GetBucketLocation"] == 1 and counts["s3:ListBuckets"] == 1 + 2
    assert counts["resourcegroupstaggingapi:GetResources"] <= 2  # tags in bulk, not per bucket
    assert "s3:GetBucketTagging" not in counts
    marketing = found["marketing-0"]
    assert marketing.attributes["depth"] == "listing" and marketing.network.public_endpoint is None
    assert marketing.encryption is None and marketing.region == "eu-west-1"
    # what the emulator saw agrees with the counter
    served_reads = [r for r in served.requests() if r.startswith("GET /marketing-") and "?location" not in r]
    assert served_reads == []
    assert sum(1 for r in served.requests() if r.startswith("GET /patients?policy")) == 1


def test_scan_cost_per_health_bucket_stays_bounded(aws):
    for i in range(6):
        bucket(f"health-{i}", "eu-west-3" if i % 2 else "us-east-1", tags=HEALTH)
    scan()
    counts = calls.last_scan()
    s3_part = sum(n for op, n in counts.items() if not op.startswith(LISTINGS))
    # fixed costs (identity, org, regions, account controls, tags) + location + 6 deep reads per bucket
    assert s3_part <= 10 + 6 * 7, counts
    # the other service families cost one listing call per region (RDS two, Bedrock seven: profiles,
    # invocation logging, agents, knowledge bases, guardrails, provisioned throughput, the AWS/Bedrock
    # metrics; SageMaker four; CloudFront one in all)
    assert sum(counts.values()) - s3_part <= 20 * 2 + 1, counts


@pytest.fixture
def bucket_region_in_listing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Extend the (in-process) emulator: ListBuckets carries BucketRegion, as AWS has done since 2024, only when
    the request has at least one parameter (AWS's ListBuckets reference: "If the request contains at least one
    valid parameter, it is included in the response")."""
    from moto.core.responses import ActionResult
    from moto.s3.responses import S3Response

    def all_buckets(self: S3Response) -> object:
        self.data["Action"] = "ListAllMyBuckets"
        self._authenticate_and_authorize_s3_action()
        listed = self.backend.list_buckets(prefix=None, bucket_region=None, max_buckets=None)
        self.data["Action"] = "ListBuckets"
        with_region = any(self._get_param(p) for p in ("max-buckets", "prefix", "bucket-region",
                                                          "continuation-token"))
        return self.serialized(ActionResult({"Owner": {"ID": "owner", "DisplayName": "owner"}, "Buckets": [
            {"Name": b.name, "CreationDate": b.creation_date_ISO8601,
             **({"BucketRegion": b.region_name} if with_region else {})} for b in listed]}))

    monkeypatch.setattr(S3Response, "all_buckets", all_buckets)


@pytest.fixture
def region_filter_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """Extend the (in-process) emulator: an S3 endpoint whose ListBuckets ignores the BucketRegion filter
    (every bucket in every regional listing) and gives no BucketRegion either."""
    from moto.s3.responses import S3Response

    listing = S3Response.all_buckets

    def all_buckets(self: S3Response) -> object:
        self.querystring.pop("bucket-region", None)
        return listing(self)

    monkeypatch.setattr(S3Response, "all_buckets", all_buckets)


@pytest.mark.parametrize("regions", [("eu-west-3", "eu-central-1"), ("eu-west-3",)])
def test_an_endpoint_ignoring_the_region_filter_costs_a_location_call_per_bucket_not_a_wrong_region(
        aws, region_filter_ignored, regions):
    bucket("paris", "eu-west-3", tags=HEALTH)
    bucket("frankfurt", "eu-central-1")
    found = by_name(scan(regions=regions))  # one region scanned: its listing has every bucket, not only its own
    assert (found["paris"].region, found["frankfurt"].region) == ("eu-west-3", "eu-central-1")
    assert calls.last_scan()["s3:GetBucketLocation"] == 2
    assert "s3:GetBucketLocation" in found["paris"].evidence


def test_filtered_listings_place_the_buckets_of_the_scanned_regions_only(aws):
    bucket("paris", "eu-west-3", tags=HEALTH)
    bucket("frankfurt", "eu-central-1")
    found = by_name(scan(regions=("eu-west-3",)))
    assert (found["paris"].region, found["frankfurt"].region) == ("eu-west-3", "eu-central-1")
    assert calls.last_scan()["s3:GetBucketLocation"] == 1  # frankfurt, in a region not scanned
    assert "s3:GetBucketLocation" not in found["paris"].evidence


def test_bucket_region_from_the_listing_saves_a_call_per_bucket(aws, bucket_region_in_listing):
    bucket("paris", "eu-west-3", tags=HEALTH)
    bucket("virginia", "us-east-1")
    found = by_name(scan())
    assert (found["paris"].region, found["virginia"].region) == ("eu-west-3", "us-east-1")
    assert "s3:GetBucketLocation" not in calls.last_scan()
    assert "s3:GetBucketLocation" not in found["paris"].evidence


@pytest.fixture
def demo_estate(aws: str) -> str:
    seed(aws)
    return aws


def test_demo_estate_scans_into_the_situations_it_illustrates(demo_estate):
    from auditor.pipeline import scope_filter

    config = Config(aws=AwsConfig(organization=True, max_workers=4))
    inventory = collect(config, NullReporter(), scope_filter(config))
    found = by_name(inventory)

    assert len(found) == 16 and len(inventory.scope.accounts) == 2 and inventory.scope.organizations
    dpi = found["loire-dpi-patients"]
    assert [(loc.role, loc.region) for loc in dpi.locations] == [
        (LocationRole.PRIMARY, "eu-west-3"), (LocationRole.REPLICA, "us-east-1")]
    assert dpi.encryption.manager is KeyManager.CUSTOMER and dpi.encryption.region == "eu-west-3"
    assert dpi.logging is True
    assert found["loire-pacs-imagerie"].network.public_endpoint is True
    labo_key = found["loire-labo-resultats"].encryption
    assert {loc.region for loc in labo_key.locations} == {"eu-west-3", "us-east-1"}
    cohort = found["loire-recherche-cohorte-patients"]
    assert {(g.principal_kind, g.home) for g in cohort.access} == {
        (PrincipalKind.ACCOUNT, "999988887777"), (PrincipalKind.ACCOUNT, inventory.scope.organizations[0])}
    assert found["loire-recherche-genomique"].region == "xx-mystery-1"
    pmsi = found["loire-facturation-pmsi"]
    assert pmsi.network.public_endpoint is False and pmsi.attributes["public_policy_restricted"] is True
    assert found["loire-marketing"].attributes["depth"] == "listing"
    assert found["loire-exports-tmp"].tags == {}
    eds_key = next(r for r in inventory.resources if r.kind == "key" and "loire-eds-omop" in str(
        r.attributes.get("protects")))
    assert [g.home for g in eds_key.access] == ["999988887777"]
    assert inventory.coverage_gaps == ()
    _beyond_s3(inventory)


def _beyond_s3(inventory) -> None:
    """The other services of the estate: each copy is where the seeding put it."""
    def where(service: str, name: str, region: str | None = None):
        return next(r for r in inventory.resources if r.service == service and r.name == name
                    and (region is None or r.region == region))

    def copies(resource) -> set[tuple[str, str]]:
        return {(loc.role.value, loc.region) for loc in resource.locations[1:]}

    assert copies(where("rds", "loire-dpi-postgres")) == {("replica", "us-east-1")}
    assert copies(where("dynamodb", "loire-rdv-patients", "eu-west-3")) == {("replica", "eu-west-1")}
    found = by_name(inventory)
    assert copies(found["loire-facturation-pmsi"]) == {("backup", "eu-west-3"), ("backup", "us-west-2")}
    assert copies(found["loire-pacs-imagerie"]) == {("edge-cache", "global")}
    assert [(g.principal_kind, g.source) for g in where("ebs", "loire-pacs-disque").access] == [
        (PrincipalKind.PUBLIC, "snapshot-share")]
    fhir = where("healthlake", "loire-fhir")
    assert (fhir.region, fhir.kind, fhir.attributes["depth"]) == ("eu-west-1", "health-api", "deep")


def test_european_sovereign_cloud_partition(aws, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eusc-de-east-1")
    bucket("souverain", "eusc-de-east-1", tags=HEALTH)
    inventory = scan(regions=None)
    found = by_name(inventory)
    assert found["souverain"].id == "arn:aws-eusc:s3:::souverain"
    assert found["souverain"].region == "eusc-de-east-1"
    assert "us-east-1" not in inventory.scope.regions  # regions of the other partition are not "enabled" here
    assert os.environ["AWS_DEFAULT_REGION"] == "eusc-de-east-1"


def test_demo_wiring_never_reaches_the_users_aws(monkeypatch):
    from auditor.demo.moto_server import aws_environment, emulator_wiring, moto_server

    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALUSERKEY00001")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "https://s3.example.invalid")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with moto_server() as url, aws_environment(url), emulator_wiring():
        try:
            seed(url)
            config = Config(aws=AwsConfig(organization=True, regions=("eu-west-3",)))
            inventory = collect(config, NullReporter(), lambda c: False)
            assert len(by_name(inventory)) == 16
            assert "AWS_PROFILE" not in os.environ and os.environ["AWS_ENDPOINT_URL"] == url
        finally:  # moto's state is per process, shared with the other tests' server
            urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"))
    assert os.environ["AWS_PROFILE"] == "production"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREALUSERKEY00001"
    assert os.environ["AWS_ENDPOINT_URL_S3"] == "https://s3.example.invalid"
    assert "AWS_ENDPOINT_URL" not in os.environ
