"""Tags in bulk: the Resource Groups Tagging API, one paged call per account and region.

Classification runs on tags, so every store needs them before the deep reads; one
``GetResources`` page carries up to 100 resources where per-resource calls would cost one each.
The API lists only resources that have (or had) tags: absence from its answer means "no tags".
Any service module can use it with its own resource type filter (``s3``, ``rds:db``…), adding
``tagging.OPERATIONS`` to its own declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.session import Account

# Merged into the ``operations`` of every service module that uses this one.
OPERATIONS = {"resourcegroupstaggingapi:GetResources": "tag:GetResources"}

Tags = dict[str, str]


def region_tags(scan: Scan, account: Account, region: str, resource_type: str) -> dict[str, Tags] | None:
    """ARN -> tags for the tagged resources of one type in one region; ``None`` if unreadable.

    No gap is recorded on failure: callers fall back to per-resource reads, which record theirs.
    """
    items = scan.pages(account, region, "resourcegroupstaggingapi", "GetResources", "ResourceTagMappingList",
                       record=False, ResourceTypeFilters=[resource_type], ResourcesPerPage=100)
    if items is None:
        return None
    return {str(i["ResourceARN"]): {str(t["Key"]): str(t.get("Value", "")) for t in i.get("Tags", [])}
            for i in items}


def bulk_tags(scan: Scan, placed: Mapping[tuple[str, str], Collection[str]], resource_type: str,
              fallback: Callable[[Account, str], Tags | None]) -> dict[str, Tags | None]:
    """Tags of every ARN in ``placed`` ((account id, region) -> ARNs).

    Per account, the region holding the most resources is asked first; the other regions are
    asked only for ARNs that answer did not already cover (some endpoints answer for every
    region at once). A region whose bulk call fails falls back to ``fallback(account, arn)``
    per resource (``None`` there: unreadable, a gap was recorded).
    """
    found: dict[str, Tags | None] = {}
    accounts = {a.id: a for a in scan.accounts}

    def ask(key: tuple[str, str]) -> tuple[tuple[str, str], dict[str, Tags] | None]:
        account = accounts[key[0]]
        return key, region_tags(scan, account, key[1], resource_type)

    by_account: dict[str, list[tuple[str, str]]] = {}
    for key in placed:
        if key[0] in accounts and key[1] != "unknown":
            by_account.setdefault(key[0], []).append(key)
    first = [max(keys, key=lambda k: len(placed[k])) for keys in by_account.values()]
    failed: list[tuple[str, str]] = []
    answered: dict[str, set[str]] = {}
    for key, tags in scan.map(ask, first):
        if tags is None:
            failed.append(key)
            continue
        found.update(tags)
        answered.setdefault(key[0], set()).update(tags)
    rest = [k for keys in by_account.values() for k in keys if k not in first
            and not set(placed[k]) <= answered.get(k[0], set())]
    for key, tags in scan.map(ask, rest):
        if tags is None:
            failed.append(key)
        else:
            found.update(tags)
    # Unreadable in bulk, or in a region we cannot address: one call per resource.
    singles = [(key, arn) for key in placed for arn in placed[key]
               if arn not in found and (key in failed or key[1] == "unknown")]
    answers = scan.map(lambda s: fallback(accounts[s[0][0]], s[1]), singles)
    for (_, arn), one in zip(singles, answers, strict=True):
        found[arn] = one
    return {arn: found.get(arn, {}) for arns in placed.values() for arn in arns}
