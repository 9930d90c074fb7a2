"""What every service module is handed: the inventory rows, an index over them, the session.

``Row`` is one Resource Graph record (the cheap listing). ``Index`` answers the questions the
deep reads ask about *other* resources without another call: where is the vault behind this
key URI, which region is the account an object-replication policy writes to, which resource
serves this CDN origin host. ``Scan`` adds the session, the tenant, region pairs and a
thread-safe place to drop coverage gaps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from auditor.connectors.azure import redundancy
from auditor.connectors.azure.gaps import ReadError, gap, note
from auditor.connectors.azure.session import Session
from auditor.geo.catalog import normalize_region
from auditor.model.inventory import CoverageGap, DataLocation, GapAspect, LocationRole, Network, Resource
from auditor.model.vocab import GapReason, Kind, Via

Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]  # map, or a pool's map
UNKNOWN_REGION = "unknown"  # a copy exists but its region could not be read: never guessed


def region(value: Any) -> str:
    """ARM locations come as ``westeurope``, ``West Europe`` or ``WestEurope``: one spelling."""
    text = str(value or "").strip()
    if not text:
        return UNKNOWN_REGION
    return normalize_region("azure", text) or text.lower().replace(" ", "")


def subscription_of(resource_id: str) -> str | None:
    parts = resource_id.strip("/").split("/")
    return parts[1].lower() if len(parts) > 1 and parts[0].lower() == "subscriptions" else None


def resource_group_of(resource_id: str) -> str | None:
    parts = resource_id.strip("/").split("/")
    return parts[3] if len(parts) > 3 and parts[2].lower() == "resourcegroups" else None


def parent_id(resource_id: str) -> str:
    """``…/servers/a/databases/b`` → ``…/servers/a``."""
    return "/".join(resource_id.rstrip("/").split("/")[:-2])


def under(scope: str, resource_id: str) -> bool:
    """True when ``scope`` is ``resource_id`` or one of its ancestors (segment-wise, any case)."""
    s, r = scope.rstrip("/").lower(), resource_id.rstrip("/").lower()
    return s in ("", "/") or r == s or r.startswith(s + "/")


def host_label(url: str) -> str:
    """``https://myvault.vault.azure.net/keys/k`` → ``myvault``."""
    host = urlsplit(url if "//" in url else f"https://{url}").hostname or ""
    return host.split(".")[0].lower()


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    name: str
    type: str  # lower case, as Resource Graph returns it
    location: str
    subscription: str
    resource_group: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    kind: str | None = None
    sku: str | None = None

    @staticmethod
    def parse(data: Mapping[str, Any]) -> Row:
        rid = str(data.get("id") or "")
        sku = data.get("sku")
        tags = data.get("tags")
        return Row(
            id=rid, name=rid.rsplit("/", 1)[-1] if rid else str(data.get("name") or ""),
            type=str(data.get("type") or "").lower(),
            location=region(data.get("location")),
            subscription=str(data.get("subscriptionId") or subscription_of(rid) or "").lower(),
            resource_group=data.get("resourceGroup") or resource_group_of(rid),
            tags={str(k): str(v) for k, v in tags.items()} if isinstance(tags, dict) else {},
            kind=str(data["kind"]) if data.get("kind") else None,
            sku=str(sku.get("name")) if isinstance(sku, dict) and sku.get("name") else None,
        )


class Index:
    """Lookups over every row Resource Graph returned (all subscriptions, not only in scope)."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows = list(rows)
        self.by_id = {r.id.lower(): r for r in self.rows}
        self._by_name: dict[tuple[str, str], Row] = {}
        for r in self.rows:
            self._by_name.setdefault((r.type, r.name.lower()), r)

    def get(self, resource_id: str) -> Row | None:
        return self.by_id.get(resource_id.lower())

    def named(self, native_type: str, name: str) -> Row | None:
        """Storage accounts, vaults and HSMs have tenant-wide unique DNS names."""
        return self._by_name.get((native_type.lower(), name.lower()))

    def of_type(self, *types: str) -> list[Row]:
        wanted = {t.lower() for t in types}
        return [r for r in self.rows if r.type in wanted]


class _Slot:
    __slots__ = ("done", "error", "lock", "value")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = False
        self.value: Any = None
        self.error: ReadError | None = None


def as_json(obj: Any) -> dict[str, Any]:
    if obj is None:
        return {}
    if isinstance(obj, Mapping):  # azure-mgmt "hybrid" models wrap the REST JSON itself
        return dict(obj.as_dict()) if hasattr(obj, "as_dict") else dict(obj)
    return dict(obj.serialize(keep_readonly=True))  # msrest models (azure-mgmt-authorization)


def network(props: Mapping[str, Any], acl_key: str = "networkAcls") -> Network:
    """Public endpoint, IP allow-list and private endpoints from the usual ARM properties."""
    acls = props.get(acl_key) or {}
    rules = [*(acls.get("ipRules") or ()), *(props.get("ipRules") or ())]
    ranges = tuple(str(r.get("value") or r.get("ipAddressOrRange") or "") if isinstance(r, dict) else str(r)
                   for r in rules)
    ranges = tuple(r for r in ranges if r)
    private = 0
    for conn in props.get("privateEndpointConnections") or ():
        state = ((conn.get("properties") or {}).get("privateLinkServiceConnectionState") or {}).get("status")
        private += state in (None, "Approved")
    access = str(props.get("publicNetworkAccess") or "enabled").lower()  # ARM's default is Enabled
    public = not (access in ("disabled", "securedbyperimeter") or (acls.get("defaultAction") == "Deny"
                                                                      and not ranges))
    return Network(public_endpoint=public, allowed_ranges=ranges, private_endpoints=private)


@dataclass
class Scan:
    session: Session
    tenant: str | None
    index: Index
    pairs: Mapping[str, str]  # region -> paired region, as ARM's locations list says
    gaps: list[CoverageGap] = field(default_factory=list)
    wanted: set[str] = field(default_factory=set)  # ids a read pointed at (to read deeply too)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _memo: dict[tuple[str, ...], _Slot] = field(default_factory=dict)

    def want(self, resource_id: str) -> None:
        with self.lock:
            self.wanted.add(resource_id.lower())

    def add_gap(self, item: CoverageGap) -> None:
        with self.lock:
            self.gaps.append(item)

    def failed(self, service: str, err: ReadError, *, account: str | None = None, region: str | None = None,
               resource_id: str | None = None, aspect: GapAspect = GapAspect.STORE) -> None:
        """A failed read; ``aspect`` says which part of ``resource_id`` it left unread."""
        self.add_gap(gap(service, err, account=account, region=region, resource_id=resource_id, aspect=aspect))

    def unresolved(self, service: str, reason: GapReason, error: str, *, account: str | None = None,
                   region: str | None = None, resource_id: str | None = None,
                   aspect: GapAspect = GapAspect.STORE) -> None:
        self.add_gap(note(service, reason, error, account=account, region=region, resource_id=resource_id,
                          aspect=aspect))

    def json(self, fn: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """An SDK call's result as the REST JSON (the shape the API spec documents)."""
        return as_json(self.session.call(fn, *args, **kwargs))

    def json_list(self, fn: Any, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        return list(self.session.call(lambda: [as_json(item) for item in fn(*args, **kwargs)]))

    def memo(self, key: tuple[str, ...], compute: Any) -> Any:
        """Compute once per key (server of several databases, vault of several accounts…).

        A ReadError is remembered too, so a denied parent is asked once, not once per child.
        """
        with self.lock:
            slot = self._memo.get(key)
            if slot is None:
                slot = self._memo[key] = _Slot()
        with slot.lock:
            if not slot.done:
                try:
                    slot.value = compute()
                except ReadError as err:
                    slot.error = err
                slot.done = True
        if slot.error is not None:
            raise slot.error
        return slot.value

    def paired(self, place: str) -> str | None:
        """The region ARM lists as ``place``'s pair, else the project's catalog, else None."""
        return redundancy.pair(place, self.pairs)  # the catalog only when ARM's list lacks the region

    def geo_copy(self, place: str, role: LocationRole, via: Via, target: str | None = None,
                 detail: str | None = None) -> DataLocation:
        """The copy geo-redundancy keeps in ``place``'s pair (``unknown`` when no pair is known)."""
        return DataLocation(region=self.paired(place) or UNKNOWN_REGION, role=role, via=via, target=target,
                            via_detail=detail)


def base(row: Row, service: str, kind: Kind, tenant: str | None) -> Resource:
    """What Resource Graph alone says: enough for a resource whose deep read failed."""
    return Resource(
        id=row.id, provider="azure", account=row.subscription, service=service, kind=kind,
        native_type=row.type, name=row.name, region=row.location, organization=tenant, tags=dict(row.tags),
        locations=(DataLocation(region=row.location, role=LocationRole.PRIMARY),),
        attributes={"resource_group": row.resource_group, "sku": row.sku, "arm_kind": row.kind},
        evidence=("Microsoft.ResourceGraph/resources/read",),
    )
