"""BigQuery table snapshots and clones: a copy of a health dataset's table held in another dataset.

``tables.list`` (``GET /bigquery/v2/projects/{p}/datasets/{d}/tables``, ``{"tables": [{"tableReference",
"type"…}]}``) of every dataset read, then ``tables.get`` of each table whose ``type`` is ``SNAPSHOT`` or
``CLONE``: its ``snapshotDefinition.baseTableReference`` / ``cloneDefinition.baseTableReference`` names the
table it copies, and its ``location`` where the copy is
(https://cloud.google.com/bigquery/docs/reference/rest/v2/tables, checked 2026-12-07). The copy becomes a
``snapshot-copy`` place of the *base* table's dataset (via ``bigquery-table-snapshot`` / ``-clone``,
target the dataset holding it, in its project), so the residency checks see it.

Every dataset is listed, not only the health ones: the copy of a health table usually sits in a dataset
that is not labelled as health data. A listing that fails is a coverage gap of the dataset it was made
on. Not seen: a plain copy (a copy job, ``bq cp``: a table with no trace of its source), and a clone the
listing reports as an ordinary ``TABLE`` (reading every table to tell would cost one call per table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from auditor.connectors.gcp.context import Scan
from auditor.connectors.gcp.gaps import ReadError
from auditor.model.inventory import DataLocation, GapAspect, LocationRole, Resource
from auditor.model.vocab import GapReason, Via

NAME = "bigquery"
OPERATIONS = {
    "bigquery.tables.list": "bigquery.tables.list",
    "bigquery.tables.get": "bigquery.tables.get",
}
KINDS = {"SNAPSHOT": ("snapshotDefinition", Via.BIGQUERY_TABLE_SNAPSHOT),
         "CLONE": ("cloneDefinition", Via.BIGQUERY_TABLE_CLONE)}


def link(scan: Scan, resources: Sequence[Resource]) -> list[Resource]:
    """Each health dataset gains the places of the snapshots and clones of its tables."""
    datasets = [r for r in resources if r.service == NAME]
    if not any(r.attributes.get("depth") == "deep" for r in datasets):
        return list(resources)
    by_base: dict[str, list[tuple[DataLocation, str]]] = {}
    for copies in scan.map(lambda r: _copies(scan, r), datasets):
        for base, location, label in copies:
            by_base.setdefault(base, []).append((location, label))
    out = []
    for resource in resources:
        found = by_base.get(resource.id) if resource.attributes.get("depth") == "deep" else None
        if not found:
            out.append(resource)
            continue
        out.append(replace(
            resource, locations=tuple(dict.fromkeys((*resource.locations, *(loc for loc, _ in found)))),
            evidence=tuple(dict.fromkeys((*resource.evidence, "bigquery.tables.list", "bigquery.tables.get"))),
            attributes={**resource.attributes, "table_copies": sorted(label for _, label in found)}))
    return out


def _copies(scan: Scan, holder: Resource) -> list[tuple[str, DataLocation, str]]:
    """(base dataset id, the copy's place, "kind base -> copy") for each snapshot or clone ``holder`` holds."""
    project, dataset = holder.account, holder.name
    path = f"/bigquery/v2/projects/{project}/datasets/{dataset}/tables"
    try:
        tables = list(scan.session.pages("bigquery.tables.list", NAME, path, "tables"))
    except ReadError as err:
        if err.reason is not GapReason.NOT_FOUND:  # a dataset deleted since it was listed holds nothing
            scan.note(NAME, err.reason, f"the tables of {project}:{dataset} could not be listed ({err.text()}): "
                      "snapshots or clones of health tables it may hold are unknown", project=project,
                      resource=holder.id, aspect=GapAspect.LOCATION)
        return []
    out = []
    for table in tables:
        kind = str(table.get("type") or "")
        ref = table.get("tableReference") or {}
        if kind not in KINDS or not ref.get("tableId"):
            continue
        data = scan.get(NAME, "bigquery.tables.get", f"{path}/{ref['tableId']}", project=project,
                        resource=holder.id, aspect=GapAspect.LOCATION)
        field, via = KINDS[kind]
        base = ((data or {}).get(field) or {}).get("baseTableReference") or {}
        if not base.get("projectId") or not base.get("datasetId"):
            continue
        base_id = f"//bigquery.{scan.session.endpoints.universe}/projects/{base['projectId']}/datasets/" \
                  f"{base['datasetId']}"
        if base_id == holder.id:
            continue  # a copy inside the same dataset: same place, same readers
        region = scan.region((data or {}).get("location")) if (data or {}).get("location") else holder.region
        label = f"{kind.lower()} {base['projectId']}:{base['datasetId']}.{base.get('tableId', '?')} -> " \
                f"{project}:{dataset}.{ref['tableId']}"
        out.append((base_id, DataLocation(region, LocationRole.SNAPSHOT_COPY, via, target=holder.id,
                                          account=project, via_detail=f"{dataset}.{ref['tableId']}"), label))
    return out
