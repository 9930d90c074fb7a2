"""Account-wide S3 facts (S3 Control): account Block Public Access and Multi-Region Access Points.

Read once per account, and only when one of its buckets is read deeply.
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
}

# Multi-Region Access Point control-plane requests go to us-west-2 in the commercial partition.
MRAP_CONTROL_REGION = {"aws": "us-west-2"}


@dataclass(frozen=True, slots=True)
class AccountS3:
    bpa: dict[str, bool] | None  # None: unreadable (a gap was recorded)
    mraps: tuple[dict[str, Any], ...] | None  # None: unreadable

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
    return AccountS3(bpa=s3_access.bpa_flags(answer), mraps=None if points is None else tuple(points))
