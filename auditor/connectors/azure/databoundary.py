"""The tenant's EU Data Boundary setting (``Microsoft.Resources/dataBoundaries/default``).

``EU`` means Microsoft commits to store and process the tenant's customer data in the EU/EFTA
for regional services deployed in EU Data Boundary regions; ``Global`` or ``NotDefined`` means
no such commitment. Front Door and CDN stay outside it whatever the setting. The value is
copied onto every Azure resource (``attributes.eu_data_boundary``) so policies can use it.
"""

from __future__ import annotations

from azure.mgmt.resource.databoundaries import DataBoundaryMgmtClient

from auditor.connectors.azure.context import Scan
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.service import Service

NAMESPACE = "Microsoft.Resources/dataBoundaries"
OPERATIONS = ("Microsoft.Resources/dataBoundaries/read",)


def read(scan: Scan) -> str | None:
    client = scan.session.sdk(DataBoundaryMgmtClient)
    try:
        data = scan.json(client.data_boundaries.get_tenant, "default")
    except ReadError as err:
        scan.failed(NAMESPACE, err)
        return None
    value = (data.get("properties") or {}).get("dataBoundary")
    return str(value) if value else None


SERVICE = Service(name=NAMESPACE, operations=OPERATIONS)  # supports every scan, reads no store
