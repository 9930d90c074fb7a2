"""Account-wide S3 facts: account Block Public Access and Multi-Region Access Points (S3 Control),
and the CloudTrail trails that record S3 data events (object reads) for the account's buckets.

Read once per account, and only when one of its buckets is read deeply. A bucket with no server
access logging may still have its object reads recorded by a trail (data events): only when no
trail records them is its access logging off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditor.connectors.aws import s3_access
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.session import Account

OPERATIONS = {
    "s3control:GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
    "s3control:ListMultiRegionAccessPoints": "s3:ListMultiRegionAccessPoints",
    "cloudtrail:DescribeTrails": "cloudtrail:DescribeTrails",
    "cloudtrail:GetEventSelectors": "cloudtrail:GetEventSelectors",
}
_S3_OBJECT = "AWS::S3::Object"

# Multi-Region Access Point control-plane requests go to us-west-2 in the commercial partition.
MRAP_CONTROL_REGION = {"aws": "us-west-2"}


@dataclass(frozen=True, slots=True)
class AccountS3:
    bpa: dict[str, bool] | None  # None: unreadable (a gap was recorded)
    mraps: tuple[dict[str, Any], ...] | None  # None: unreadable
    # trail name -> (its region, or "*" for a multi-region trail; ARN prefixes of the objects whose reads
    # it records, "" = every bucket); None: unreadable
    data_events: dict[str, tuple[str, tuple[str, ...]]] | None = None

    def trails_recording(self, bucket: str, region: str, partition: str = "aws") -> list[str] | None:
        """The trails recording object reads in ``bucket`` (None: the trails could not be read).

        A single-region trail records only the data events of its own region."""
        if self.data_events is None:
            return None
        arn = f"arn:{partition}:s3:::{bucket}/"
        return sorted(name for name, (where, prefixes) in self.data_events.items()
                      if where in ("*", region) and any(p == "" or arn.startswith(p) or p.startswith(arn)
                                                        for p in prefixes))

    def mraps_of(self, bucket: str, region_of: Callable[[str], str | None]) -> list[dict[str, Any]]:
        """The access points routing to ``bucket``, with the regions of every bucket behind each.

        A member bucket's region is taken from the scan's own listing when it has it
        (``region_of``), else from what S3 Control states.
        """
        out = []
        for m in self.mraps or ():
            members = m.get("Regions") or []
            if any(r.get("Bucket") == bucket for r in members):
                regions = {region_of(str(r.get("Bucket"))) or str(r.get("Region") or "unknown") for r in members}
                out.append({"name": m.get("Name"), "alias": m.get("Alias"), "regions": sorted(regions),
                            "buckets": sorted(str(r.get("Bucket")) for r in members)})
        return out


def controls(scan: Scan, account: Account) -> AccountS3:
    return scan.once(("s3.account", account.id), lambda: _read(scan, account))


def _read(scan: Scan, account: Account) -> AccountS3:
    answer = scan.call(account, account.home_region, "s3control", "GetPublicAccessBlock", AccountId=account.id,
                       absent=("NoSuchPublicAccessBlockConfiguration",))
    region = MRAP_CONTROL_REGION.get(account.partition, account.home_region)
    points: list[dict[str, Any]] | None = []
    token: str | None = None
    while points is not None:
        page = scan.call(account, region, "s3control", "ListMultiRegionAccessPoints", AccountId=account.id,
                         **({"NextToken": token} if token else {}))
        if page is None:
            points = None
            break
        points += page.get("AccessPoints") or []
        token = page.get("NextToken")
        if not token:
            break
    return AccountS3(bpa=s3_access.bpa_flags(answer), mraps=None if points is None else tuple(points),
                     data_events=_data_events(scan, account))


def _data_events(scan: Scan, account: Account) -> dict[str, tuple[str, tuple[str, ...]]] | None:
    """Trails (shadow copies of other regions' and organisation trails included) recording S3 object reads."""
    listed = scan.call(account, account.home_region, "cloudtrail", "DescribeTrails", includeShadowTrails=True)
    if listed is None:
        return None
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for trail in listed.get("trailList") or ():
        name, arn = str(trail.get("Name") or ""), str(trail.get("TrailARN") or trail.get("Name") or "")
        home = str(trail.get("HomeRegion") or account.home_region)
        answer = scan.call(account, home, "cloudtrail", "GetEventSelectors", TrailName=arn)
        if answer is None:
            return None  # one trail unreadable: whether reads are recorded is not known
        prefixes = [*_basic(answer.get("EventSelectors") or ()), *_advanced(answer.get("AdvancedEventSelectors") or ())]
        if prefixes:
            out[name] = ("*" if trail.get("IsMultiRegionTrail") else home, tuple(prefixes))
    return out


def _basic(selectors: Any) -> list[str]:
    """Prefixes of classic event selectors that record reads of S3 objects."""
    out = []
    for selector in selectors:
        if str(selector.get("ReadWriteType") or "All") not in ("All", "ReadOnly"):
            continue
        for resource in selector.get("DataResources") or ():
            if resource.get("Type") == _S3_OBJECT:
                # "arn:aws:s3" or "arn:aws:s3:::" (every bucket), "arn:aws:s3:::bucket/" or ".../prefix"
                out += ["" if str(v).rstrip(":") in ("arn:aws:s3", "arn:aws-cn:s3", "arn:aws-us-gov:s3") else str(v)
                        for v in resource.get("Values") or ()]
    return out


def _advanced(selectors: Any) -> list[str]:
    """Prefixes of advanced event selectors that record reads of S3 objects."""
    out: list[str] = []
    for selector in selectors:
        fields = {str(f.get("Field")): f for f in selector.get("FieldSelectors") or ()}
        if "Data" not in _equals(fields, "eventCategory") or _S3_OBJECT not in _equals(fields, "resources.type"):
            continue
        if _equals(fields, "readOnly") == ["false"]:
            continue  # writes only
        arn = fields.get("resources.ARN")
        if arn is None:
            out.append("")
        else:
            out += [str(v) for key in ("StartsWith", "Equals") for v in arn.get(key) or ()]
    return out


def _equals(fields: dict[str, Any], name: str) -> list[str]:
    return [str(v) for v in (fields.get(name) or {}).get("Equals") or ()]
