"""CloudFront: a distribution in front of a bucket caches copies of its objects at edge locations.

CloudFront is a global service: ``ListDistributions`` is asked once per account (in the partition's
home region); the listing carries everything this module needs (origins, price class, geo
restriction), so no further call is made, in scope or not.

Each distribution is a ``cdn`` resource in region ``global`` with an ``edge-cache`` location, and
:func:`link` adds that ``edge-cache`` location to every scanned bucket that is one of its origins
(``<bucket>.s3.<region>.amazonaws.com``, the website endpoints and the legacy global name), ``via``
naming the price class and any viewer geo restriction, ``target`` the distribution's ARN.

The location's region is ``global`` whatever the price class (``PriceClass_100`` still includes
North American and Israeli edges) or geo restriction: a viewer allow-list bounds who is served,
not where the edges that cache for them are, and the geography catalog lists no zone-bounded
CloudFront footprint (``edge-eu``) a connector could name instead (see docs/policies.md, "Edge
caches"). The viewer countries are kept as facts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, Link, Read, Service, listing_resource
from auditor.connectors.aws.session import Account
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform import values as tfv
from auditor.connectors.terraform.facts import Attach, Change, Fact, Store, Target
from auditor.connectors.terraform.resolve import Resolved
from auditor.model.inventory import DataLocation, LocationRole, Resource
from auditor.model.vocab import Kind, Via

OPERATIONS = {"cloudfront:ListDistributions": "cloudfront:ListDistributions"}
KIND, NATIVE = Kind.CDN, "AWS::CloudFront::Distribution"
GLOBAL = "global"
_RAW = "cloudfront.raw"
_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".amazonaws.eu")


def _distributions(scan: Scan, account: Account) -> list[dict[str, Any]] | None:
    items: list[dict[str, Any]] = []
    marker: str | None = None
    while True:
        params = {"Marker": marker} if marker else {}
        answer = scan.call(account, account.home_region, "cloudfront", "ListDistributions", **params)
        if answer is None:
            return None
        listing = answer.get("DistributionList") or {}
        items += listing.get("Items") or []
        marker = listing.get("NextMarker")
        if not listing.get("IsTruncated") or not marker:
            return items


def bucket_of(domain: str | None) -> str | None:
    """``name.s3.amazonaws.com``, ``name.s3.eu-west-3.amazonaws.com``, ``name.s3-website.eu-west-3…``,
    ``name.s3-website-eu-west-3…`` -> ``name``; anything else (a custom origin) -> ``None``."""
    host = str(domain or "").lower().rstrip(".")
    if not host.endswith(_HOSTS):
        return None
    for marker in (".s3.", ".s3-website.", ".s3-website-", ".s3-"):
        if marker in host:
            return host.split(marker, 1)[0] or None
    return None


def _geo(summary: Mapping[str, Any]) -> tuple[str, list[str]]:
    geo = (summary.get("Restrictions") or {}).get("GeoRestriction") or {}
    return str(geo.get("RestrictionType") or "none"), sorted(str(c) for c in geo.get("Items") or [])


def _edge(found: Found, summary: Mapping[str, Any]) -> DataLocation:
    kind, countries = _geo(summary)
    detail = str(summary.get('PriceClass') or 'PriceClass_All')
    if kind != "none":
        detail += f", viewers {kind} {','.join(countries)}"
    if summary.get("Enabled") is False:
        detail += " (disabled)"
    return DataLocation(GLOBAL, LocationRole.EDGE_CACHE, via=Via.CLOUDFRONT, target=found.arn, account=found.account,
                        via_detail=detail)


def discover(scan: Scan) -> list[Found]:
    listed = scan.map(lambda a: _distributions(scan, a), scan.accounts)
    raw: dict[str, dict[str, Any]] = {}
    found = []
    for account, items in zip(scan.accounts, listed, strict=True):
        for d in items or ():
            arn = str(d.get("ARN") or f"arn:{account.partition}:cloudfront::{account.id}:distribution/{d['Id']}")
            raw[arn] = d
            origins = [str(o.get("DomainName")) for o in (d.get("Origins") or {}).get("Items") or []]
            kind, countries = _geo(d)
            found.append(Found(
                arn=arn, service="cloudfront", kind=KIND, native_type=NATIVE, name=str(d["Id"]), account=account.id,
                region=GLOBAL, evidence=("cloudfront:ListDistributions",),
                facts={"domain_name": d.get("DomainName"), "comment": d.get("Comment"), "enabled": d.get("Enabled"),
                       "price_class": d.get("PriceClass"), "geo_restriction": kind, "viewer_countries": countries,
                       "aliases": list((d.get("Aliases") or {}).get("Items") or []), "origins": origins,
                       "origin_buckets": sorted({b for b in map(bucket_of, origins) if b})}))
    scan.shared[_RAW] = raw
    return found


def read(scan: Scan, found: Found, deep: bool) -> Read:
    """Everything is in the listing: the same resource in scope or not, without a call."""
    summary = scan.shared[_RAW][found.arn]
    return Read(listing_resource(found, scan.organization, locations=(_edge(found, summary),),
                                 attributes={"depth": "deep" if deep else "listing"}))


def link(scan: Scan, resources: Mapping[str, Resource]) -> list[Link]:
    links = []
    for arn, summary in scan.shared.get(_RAW, {}).items():
        distribution = resources.get(arn)
        if distribution is None:
            continue
        edge = _edge(Found(arn=arn, service="cloudfront", kind=KIND, native_type=NATIVE, name=distribution.name,
                           account=distribution.account, region=GLOBAL), summary)
        for bucket in distribution.attributes.get("origin_buckets") or ():
            target = f"arn:{arn.split(':')[1]}:s3:::{bucket}"
            if target in resources:
                links.append(Link(target, edge, evidence=("cloudfront:ListDistributions",), attribute="edge_caches",
                                  value=arn))
    return links


# -- in a Terraform plan ----------------------------------------------------------------------


def cloudfront_distribution(change: Change) -> Iterator[Fact]:
    """A CDN caches copies at edge locations worldwide: an ``edge-cache`` location for each origin bucket."""
    price_class = change.text("price_class") or "PriceClass_All"
    edge = DataLocation(GLOBAL, LocationRole.EDGE_CACHE, Via.CLOUDFRONT, change.address, via_detail=price_class)
    yield Store(
        kind=Kind.CDN,
        service="cloudfront",
        name=change.planned_name("comment"),
        region=Resolved(GLOBAL, "CloudFront is a global service"),
        locations=(edge,),
        attributes={"price_class": price_class},
    )
    for i, origin in tfv.items(change.get("origin")):
        domain = None if change.unknown("origin", i, "domain_name") else tfv.text(origin.get("domain_name"))
        bucket = bucket_of(domain)
        yield Attach(
            Target(tuple(change.refs("origin", i, "domain_name")), f"s3:{bucket}" if bucket else None, create=False),
            locations=(edge,),
            evidence=(change.path("origin", i, "domain_name"),),
        )


SERVICE = Service(
    name="cloudfront", operations=OPERATIONS, discover=discover, read=read, link=link,
    types=(TypeSpec(KIND, NATIVE, terraform=("aws_cloudfront_distribution",)),),
    plan={"aws_cloudfront_distribution": cloudfront_distribution},
    vias=(Via.CLOUDFRONT,),
)
