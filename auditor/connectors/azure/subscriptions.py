"""Which subscriptions to audit, whether each can actually be read, and the cloud's region pairs.

- Every subscription the credential sees (``GET /subscriptions``), or the configured list (each
  fetched: one the credential cannot open becomes a gap), or every subscription under the
  configured management group.
- A subscription that is listed but whose resources cannot be listed (``resourcegroups``
  probe denied) is a gap for that whole subscription, not an empty one.
- Region pairs come from ARM's ``locations`` list (``metadata.pairedRegion``): the cloud's own
  answer, right for sovereign clouds too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from azure.mgmt.resource.subscriptions import SubscriptionClient

from auditor.config import AzureConfig
from auditor.connectors.azure.context import Scan, as_json, region
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.service import Service
from auditor.connectors.azure.session import Session

NAMESPACE = "Microsoft.Resources"
OPERATIONS = (
    "Microsoft.Resources/subscriptions/read",
    "Microsoft.Resources/subscriptions/resourceGroups/read",
    "Microsoft.Resources/subscriptions/locations/read",
    "Microsoft.Management/managementGroups/descendants/read",
)
MG_API = "2021-04-01"


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    tenant: str | None
    name: str | None = None
    state: str | None = None
    managed_by: tuple[str, ...] = ()

    @staticmethod
    def parse(data: Mapping[str, object]) -> Subscription:
        managed = data.get("managedByTenants") or ()
        return Subscription(
            id=str(data.get("subscriptionId") or str(data.get("id") or "").rsplit("/", 1)[-1]).lower(),
            tenant=str(data["tenantId"]).lower() if data.get("tenantId") else None,
            name=str(data.get("displayName")) if data.get("displayName") else None,
            state=str(data.get("state")) if data.get("state") else None,
            managed_by=tuple(str(m.get("tenantId")).lower() for m in managed  # type: ignore[attr-defined]
                             if isinstance(m, dict) and m.get("tenantId")),
        )


def discover(session: Session, cfg: AzureConfig, scan: Scan) -> list[Subscription]:
    """Raises ReadError only when the very first call fails (the caller makes that fatal)."""
    client = session.sdk(SubscriptionClient)
    if cfg.subscriptions:
        found = []
        for sub in cfg.subscriptions:
            try:
                found.append(Subscription.parse(as_json(session.call(client.subscriptions.get, sub))))
            except ReadError as err:
                if err.reason == "credential-unavailable" or (err.status is None and err.reason == "error"):
                    raise
                scan.failed(NAMESPACE, err, account=sub.lower())
        return found
    listed = [Subscription.parse(item) for item in session.call(
        lambda: [as_json(s) for s in client.subscriptions.list()])]
    if not cfg.management_group:
        return listed
    try:
        below = {str(d.get("name")).lower() for d in session.pages(
            f"/providers/Microsoft.Management/managementGroups/{cfg.management_group}/descendants", MG_API)
            if str(d.get("type")).lower().endswith("/subscriptions")}
    except ReadError as err:
        scan.failed("Microsoft.Management", err)
        return listed
    return [s for s in listed if s.id in below]


def readable(session: Session, sub: Subscription, scan: Scan) -> bool:
    """Can the credential list this subscription's resources? A denial is a subscription-wide gap."""
    try:
        session.get(f"/subscriptions/{sub.id}/resourcegroups", "2022-09-01", {"$top": "1"})
        return True
    except ReadError as err:
        scan.failed(NAMESPACE, err, account=sub.id)
        return False


def pairs(session: Session, sub: Subscription, scan: Scan) -> dict[str, str]:
    client = session.sdk(SubscriptionClient)
    try:
        locations = session.call(lambda: [as_json(x) for x in client.subscriptions.list_locations(sub.id)])
    except ReadError as err:
        scan.failed(NAMESPACE, err, account=sub.id)
        return {}
    found: dict[str, str] = {}
    for loc in locations:
        paired = (loc.get("metadata") or {}).get("pairedRegion") or ()
        if paired and loc.get("name"):
            found[region(loc["name"])] = region(paired[0].get("name"))
    return found


TENANTS_API = "2022-12-01"


def tenant_names(session: Session) -> dict[str, str]:
    """The display names of the tenants the credential sees (``GET /tenants``), for reports.

    Names are for people reading the report, not facts a verdict rests on: when they cannot be read,
    ids are shown alone and nothing is a coverage gap.
    """
    try:
        return {str(t["tenantId"]).lower(): str(t["displayName"])
                for t in session.pages("/tenants", TENANTS_API) if t.get("tenantId") and t.get("displayName")}
    except ReadError:
        return {}


SERVICE = Service(name=NAMESPACE, operations=OPERATIONS)  # supports every scan, reads no store
