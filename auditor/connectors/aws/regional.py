"""What the regional service modules (RDS, DynamoDB, Backup, EBS…) share: where to list, ARNs, tags.

``per_region`` runs one listing function over every (account, enabled region) on the pool. Most
services exist in every region; a few (HealthLake, HealthImaging) only in some, and asking them
elsewhere would only produce unreachable-endpoint gaps: ``endpoint_regions`` names their regions
from botocore's endpoint data (or the module's documented list when botocore has only rules).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, TypeVar

import boto3

from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, KeyLookup, Read, listing_resource
from auditor.connectors.aws.session import Account
from auditor.model.inventory import AccessGrant, DataLocation, KeyManager, KeyRef, Permission, PrincipalKind
from auditor.model.vocab import GrantSource

T = TypeVar("T")
UNKNOWN = "unknown"
_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _session() -> boto3.session.Session:
    return boto3.session.Session()  # only botocore's endpoint data is read


@functools.lru_cache(maxsize=64)
def endpoint_regions(client: str, partition: str) -> frozenset[str]:
    with _lock:
        return frozenset(_session().get_available_regions(client, partition))


def per_region(scan: Scan, fn: Callable[[Account, str], T], *, only: Callable[[Account], Collection[str]] | None = None
               ) -> list[tuple[Account, str, T]]:
    """``fn(account, region)`` for every scanned account and region (``only``: the subset to ask), as background
    tasks of the pool: they fill the gaps per-store work leaves (:mod:`.workers`)."""
    pairs = [(a, r) for a in scan.accounts for r in a.regions if only is None or r in only(a)]
    results = scan.map(lambda p: fn(p[0], p[1]), pairs, background=True)
    return [(a, r, out) for (a, r), out in zip(pairs, results, strict=True)]


def sparse(client: str, documented: Iterable[str] = ()) -> Callable[[Account], Collection[str]]:
    """The regions where a service that is not everywhere has an endpoint, for ``per_region(only=…)``."""
    known = frozenset(documented)

    def regions(account: Account) -> Collection[str]:
        return endpoint_regions(client, account.partition) | known

    return regions


def arn_region(arn: str | None, default: str = UNKNOWN) -> str:
    parts = str(arn or "").split(":")
    return parts[3] if len(parts) > 5 and parts[0] == "arn" and parts[3] else default


def arn_account(arn: str | None, default: str | None = None) -> str | None:
    parts = str(arn or "").split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" and parts[4] else default


def tag_map(items: Iterable[Mapping[str, Any]] | Mapping[str, Any] | None) -> dict[str, str]:
    """``[{"Key": k, "Value": v}]`` (or an already flat mapping) -> ``{k: v}``."""
    if not items:
        return {}
    if isinstance(items, Mapping):
        return {str(k): str(v) for k, v in items.items()}
    return {str(t.get("Key", t.get("key", ""))): str(t.get("Value", t.get("value", ""))) for t in items}


def restore_grants(values: Iterable[str], source: GrantSource = GrantSource.SNAPSHOT_SHARE) -> list[AccessGrant]:
    """Snapshot restore permissions: ``all`` is public, anything else an account id."""
    out = []
    for value in dict.fromkeys(str(v) for v in values):
        if value == "all":
            out.append(AccessGrant("all", PrincipalKind.PUBLIC, Permission.READ, source))
        else:
            out.append(AccessGrant(value, PrincipalKind.ACCOUNT, Permission.READ, source, home=value))
    return out


def key_of(encrypted: bool | None, key_id: str | None, account: Account, region: str
           ) -> tuple[KeyRef, KeyLookup | None]:
    """A store's KeyRef before resolution and the KeyLookup the scan resolves (None: nothing to resolve)."""
    if encrypted is None:
        return KeyRef(KeyManager.UNKNOWN, region=region), None
    if not encrypted:
        return KeyRef(KeyManager.NONE, region=region), None
    if not key_id:
        return KeyRef(KeyManager.UNKNOWN, region=region), None
    return KeyRef(KeyManager.UNKNOWN, key_id, region), KeyLookup(account.id, region, key_id)


def aws_owned(region: str) -> KeyRef:
    """Encrypted with a key AWS owns and holds (DynamoDB, HealthLake, HealthImaging defaults)."""
    return KeyRef(KeyManager.PROVIDER, "AWS owned key", region, "AWS_OWNED", (DataLocation(region),))


def shallow(scan: Scan, found: Found) -> Read:
    """An out-of-scope store: its listing facts, no further call."""
    return Read(listing_resource(found, scan.organization))
