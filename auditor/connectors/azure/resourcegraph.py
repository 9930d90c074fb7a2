"""The cheap listing: one paged Resource Graph query over every readable subscription.

It returns id, name, type, location, tags, kind and SKU of every resource of a type some
service module knows, across up to 1,000 subscriptions per request, paged with ``$skipToken``.
When Resource Graph itself cannot be queried, each subscription falls back to the plain ARM
resource list (``GET /subscriptions/{id}/resources``), which carries the same fields; a
subscription that neither answers is a gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

from auditor.connectors.azure.context import Row, Scan
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.service import Service
from auditor.connectors.azure.session import Session

NAMESPACE = "Microsoft.ResourceGraph"
OPERATIONS = ("Microsoft.ResourceGraph/resources/read", "Microsoft.Resources/subscriptions/resources/read")
BATCH = 1000  # subscriptions per query (the service's limit)
PAGE = 1000  # rows per page (the service's limit)


def query(types: Iterable[str]) -> str:
    listed = ", ".join(f"'{t}'" for t in sorted(set(types)))
    return (f"Resources | where type in~ ({listed}) "
            "| project id, name, type, location, tags, kind, sku, subscriptionId, resourceGroup, tenantId")


def rows(session: Session, scan: Scan, subscriptions: Sequence[str], types: Iterable[str]) -> list[Row]:
    wanted = {t.lower() for t in types}
    text = query(wanted)
    client = session.sdk(ResourceGraphClient)
    found: list[Row] = []
    for start in range(0, len(subscriptions), BATCH):
        batch = list(subscriptions[start:start + BATCH])
        try:
            found.extend(_graph(session, client, batch, text))
        except ReadError as err:
            scan.failed(NAMESPACE, err)
            for sub in batch:
                found.extend(_fallback(session, scan, sub, wanted))
    return found


def _graph(session: Session, client: ResourceGraphClient, subs: list[str], text: str) -> list[Row]:
    out: list[Row] = []
    token: str | None = None
    while True:
        request = QueryRequest(subscriptions=subs, query=text,
                               options=QueryRequestOptions(top=PAGE, skip_token=token, result_format="objectArray"))
        page = session.call(client.resources, request)
        out.extend(Row.parse(item) for item in page.data or () if isinstance(item, dict))
        token = page.skip_token
        if not token:
            return out


def _fallback(session: Session, scan: Scan, sub: str, wanted: set[str]) -> list[Row]:
    try:
        items = list(session.pages(f"/subscriptions/{sub}/resources", "2022-09-01"))
    except ReadError as err:
        scan.failed("Microsoft.Resources", err, account=sub)
        return []
    return [row for row in (Row.parse(i) for i in items) if row.type in wanted]


SERVICE = Service(name=NAMESPACE, operations=OPERATIONS)  # supports every scan, reads no store
