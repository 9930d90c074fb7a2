"""CloudFront: a distribution in front of a bucket is an edge cache of its objects, in region ``global``."""

from __future__ import annotations

import boto3
from hypothesis import given
from hypothesis import strategies as st

from auditor.connectors.aws import calls
from auditor.connectors.aws.cloudfront import bucket_of
from auditor.model.inventory import LocationRole
from tests.aws.conftest import HEALTH, bucket, by_name, scan


def _distribution(reference: str, origins: list[str], price_class: str = "PriceClass_All",
                  allow: list[str] | None = None) -> str:
    geo = {"RestrictionType": "whitelist", "Quantity": len(allow), "Items": allow} if allow else {
        "RestrictionType": "none", "Quantity": 0}
    items = [{"Id": f"o{i}", "DomainName": d, "CustomOriginConfig": {
        "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}} for i, d in enumerate(origins)]
    arn: str = boto3.client("cloudfront").create_distribution(DistributionConfig={
        "CallerReference": reference, "Comment": reference, "Enabled": True, "PriceClass": price_class,
        "Origins": {"Quantity": len(items), "Items": items}, "Restrictions": {"GeoRestriction": geo},
        "DefaultCacheBehavior": {"TargetOriginId": "o0", "ViewerProtocolPolicy": "https-only", "MinTTL": 0,
                                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}}})["Distribution"]["ARN"]
    return arn


def test_origin_buckets_get_a_global_edge_cache_location(aws):
    bucket("pacs", "eu-west-3", tags=HEALTH)
    bucket("site", "eu-west-3", tags={"data-classification": "public"})
    bucket("untouched", "eu-west-3", tags=HEALTH)
    # an EU-only viewer allow-list and the cheapest price class still cache outside the EU
    viewer = _distribution("viewer", ["pacs.s3.eu-west-3.amazonaws.com", "api.loire.example"], "PriceClass_100",
                           ["FR", "DE"])
    website = _distribution("website", ["site.s3-website.eu-west-3.amazonaws.com"])

    inventory = scan(regions=("eu-west-3",))
    found = by_name(inventory)

    assert [(loc.role, loc.region, loc.via, loc.via_detail, loc.target) for loc in found["pacs"].locations[1:]] == [
        (LocationRole.EDGE_CACHE, "global", "cloudfront", "PriceClass_100, viewers whitelist DE,FR", viewer)]
    assert found["pacs"].attributes["edge_caches"] == [viewer]
    assert [(loc.role, loc.region, loc.target) for loc in found["site"].locations[1:]] == [
        (LocationRole.EDGE_CACHE, "global", website)]
    assert found["untouched"].locations[1:] == ()
    cdn = next(r for r in inventory.resources if r.id == viewer)
    assert (cdn.kind, cdn.region, cdn.attributes["origin_buckets"]) == ("cdn", "global", ["pacs"])
    assert [(loc.role, loc.region) for loc in cdn.locations] == [(LocationRole.EDGE_CACHE, "global")]
    assert calls.last_scan()["cloudfront:ListDistributions"] == 1  # a global service: once per account


@given(name=st.from_regex(r"[a-z0-9][a-z0-9-]{1,20}[a-z0-9]", fullmatch=True),
       region=st.sampled_from(["eu-west-3", "us-east-1", "eusc-de-east-1"]),
       form=st.sampled_from([".s3.{r}.amazonaws.com", ".s3.amazonaws.com", ".s3-website.{r}.amazonaws.com",
                             ".s3-website-{r}.amazonaws.com", ".s3.{r}.amazonaws.eu"]))
def test_bucket_origin_domains_name_their_bucket(name, region, form):
    assert bucket_of(name + form.format(r=region)) == name
    assert bucket_of(f"{name}.example.org") is None
    assert bucket_of(f"{name}.elb.{region}.amazonaws.com") is None
