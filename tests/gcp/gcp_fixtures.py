"""Documents added on top of the hospital's estate (``auditor.demo.gcp_estate``) for the tests of the
connector's later reads, in each API's own shapes. Where each shape comes from (checked 2026-12-07):

- Vertex AI ``locations.list`` (google.cloud.location ``Location``: ``name``, ``locationId``), ``endpoints.list``
  (``{"endpoints": [Endpoint]}``) and ``datasets.list`` (``{"datasets": [Dataset]}``):
  https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations/list,
  https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.endpoints/list,
  https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.datasets/list
- IAM ``organizations.roles.get`` / ``projects.roles.get`` (``Role``: ``name``, ``title``, ``description``,
  ``includedPermissions``, ``stage``, ``etag``, ``deleted``):
  https://cloud.google.com/iam/docs/reference/rest/v1/organizations.roles#Role
- BigQuery ``tables.list`` (``{"kind": "bigquery#tableList", "tables": [{"kind", "id", "tableReference", "type",
  "creationTime"}], "totalItems"}``) and ``tables.get`` (``Table``: ``type``, ``location``,
  ``snapshotDefinition.baseTableReference``/``snapshotTime``, ``cloneDefinition.baseTableReference``/``cloneTime``):
  https://cloud.google.com/bigquery/docs/reference/rest/v2/tables/list,
  https://cloud.google.com/bigquery/docs/reference/rest/v2/tables#Table
- IAM ``Policy.auditConfigs`` (``service``, ``auditLogConfigs[]``: ``logType``, ``exemptedMembers``):
  https://cloud.google.com/iam/docs/reference/rest/v1/Policy#AuditConfig, served by the fake's ``assets.list``
  (``contentType=IAM_POLICY``) from the ``searchAllIamPolicies`` rows
- Access Context Manager ``accessPolicies.list`` (``{"accessPolicies": [AccessPolicy]}``: ``name``, ``parent``,
  ``title``, ``etag``) and ``servicePerimeters.list`` (``{"servicePerimeters": [ServicePerimeter]}``: ``name``,
  ``title``, ``perimeterType``, ``status``/``spec`` with ``resources``, ``accessLevels``, ``restrictedServices``,
  ``vpcAccessibleServices``, ``useExplicitDryRunSpec``):
  https://cloud.google.com/access-context-manager/docs/reference/rest/v1/accessPolicies/list,
  https://cloud.google.com/access-context-manager/docs/reference/rest/v1/accessPolicies.servicePerimeters#ServicePerimeter
"""

from __future__ import annotations

from pathlib import Path

from auditor.demo import gcp_estate
from auditor.demo.fakegcp import FakeGCP

HEALTH = gcp_estate.HEALTH


def vertex_server(fake: FakeGCP, folder: Path) -> FakeGCP:
    """Vertex AI's own hosts: a second server (same CA, same tokens), since its paths
    (``/v1/projects/P/locations/L/datasets``) are the Healthcare API's too on one origin."""
    other = FakeGCP(ca_dir=folder, ca=fake.ca)
    other.tokens = fake.tokens
    for path, obj in fake.objects.items():
        if "/endpoints/" in path or "/datasets/5500" in path:
            other.put(path, obj)
    for project, location in (("chu-data", "europe-west9"), ("chu-research", "us-central1")):
        other.add(f"/v1/projects/{project}/locations", "locations",
                  {"name": f"projects/{project}/locations/{location}", "locationId": location,
                   "displayName": location, "labels": {}})
        other.empty(f"/v1/projects/{project}/locations/{location}/datasets", "datasets")
        other.empty(f"/v1/projects/{project}/locations/{location}/endpoints", "endpoints")
    endpoint = "projects/310000000002/locations/us-central1/endpoints/4817203948123456789"
    other.add("/v1/projects/chu-research/locations/us-central1/endpoints", "endpoints",
              dict(fake.objects[f"/v1/{endpoint}"]))  # a listed item is the whole resource
    dataset = "projects/310000000001/locations/europe-west9/datasets/5500112233445566778"
    other.add("/v1/projects/chu-data/locations/europe-west9/datasets", "datasets", dict(fake.objects[f"/v1/{dataset}"]))
    return other


def endpoints(fake: FakeGCP, **override: str) -> dict[str, str]:
    """The ``gcp.endpoints`` of the test configuration with some APIs pointed elsewhere."""
    return {**gcp_estate.config_section(fake)["endpoints"], **override}


READER_ROLE = f"organizations/{gcp_estate.ORG}/roles/lecteurDossiers"
INVENTORY_ROLE = f"organizations/{gcp_estate.ORG}/roles/inventaire"
OLD_ROLE = "projects/chu-research/roles/ancienExport"


def custom_roles(fake: FakeGCP) -> None:
    """Three custom roles bound on the organisation and a project: one reads objects, one lists metadata
    only, one the test may make unreadable."""
    for name, title, permissions in (
        (READER_ROLE, "Lecteur des dossiers", ["storage.buckets.get", "storage.objects.get", "storage.objects.list",
                                               "bigquery.datasets.get"]),
        (INVENTORY_ROLE, "Inventaire", ["storage.buckets.list", "storage.buckets.get", "bigquery.datasets.get",
                                        "resourcemanager.projects.get"]),
        (OLD_ROLE, "Ancien export", ["bigquery.tables.getData", "bigquery.tables.export"]),
    ):
        fake.put(f"/v1/{name}", {"name": name, "title": title, "description": f"{title} (CHU)",
                                 "includedPermissions": permissions, "stage": "GA", "etag": "BwWKmjvelug="})
    org, research = fake.policies[0], fake.policies[1]
    org["policy"]["bindings"] += [
        {"role": READER_ROLE, "members": ["user:support@infogerance-externe.fr"]},
        {"role": INVENTORY_ROLE, "members": ["group:inventaire@partenaire-audit.com"]}]
    research["policy"]["bindings"] += [{"role": OLD_ROLE, "members": ["user:ancien@labo-partenaire.com"]}]


def table_copies(fake: FakeGCP) -> None:
    """A sandbox dataset of chu-data holding a snapshot and a clone of the research warehouse's stays table."""
    base = {"projectId": "chu-research", "datasetId": "entrepot_recherche", "tableId": "sejours"}
    ref = {"datasetId": "bac_a_sable", "projectId": "chu-data"}
    dataset = {"kind": "bigquery#dataset", "etag": "xYz==", "id": "chu-data:bac_a_sable", "datasetReference": ref,
               "location": "US", "type": "DEFAULT", "creationTime": "1733011200000",
               "lastModifiedTime": "1733011200000", "access": [{"role": "OWNER", "specialGroup": "projectOwners"}]}
    fake.add("/bigquery/v2/projects/chu-data/datasets", "datasets",
             {"kind": "bigquery#dataset", "id": dataset["id"], "datasetReference": ref, "location": "US"})
    fake.put("/bigquery/v2/projects/chu-data/datasets/bac_a_sable", dataset)
    fake.asset({"name": "//bigquery.googleapis.com/projects/chu-data/datasets/bac_a_sable",
                "assetType": "bigquery.googleapis.com/Dataset", "project": "projects/310000000001",
                "displayName": "bac_a_sable", "location": "us", "labels": {},
                "organization": f"organizations/{gcp_estate.ORG}", "state": "ACTIVE"},
               f"organizations/{gcp_estate.ORG}", "projects/chu-data")
    tables = "/bigquery/v2/projects/chu-data/datasets/bac_a_sable/tables"
    for table, kind, definition in (
        ("sejours_20241201", "SNAPSHOT", {"snapshotDefinition": {"baseTableReference": base,
                                                                 "snapshotTime": "2024-12-01T00:00:00Z"}}),
        ("sejours_essai", "CLONE", {"cloneDefinition": {"baseTableReference": base,
                                                        "cloneTime": "2024-12-02T00:00:00Z"}}),
        ("notes", "TABLE", {}),
    ):
        reference = {**ref, "tableId": table}
        item = {"kind": "bigquery#table", "id": f"chu-data:bac_a_sable.{table}", "tableReference": reference,
                "type": kind, "creationTime": "1733011200000"}
        fake.add(tables, "tables", item)
        fake.put(f"{tables}/{table}", {**item, "etag": "aB1==", "location": "US", "numBytes": "1048576",
                                       "numRows": "12000", **definition})


def audit_configs(fake: FakeGCP) -> None:
    """The organisation logs Cloud Storage reads (but a backup account's); chu-data logs only writes of all
    services."""
    org = fake.policies[0]
    org["policy"]["auditConfigs"] = [{"service": "storage.googleapis.com", "auditLogConfigs": [
        {"logType": "ADMIN_READ"}, {"logType": "DATA_READ", "exemptedMembers": [
            "serviceAccount:sauvegarde@chu-data.iam.gserviceaccount.com"]}, {"logType": "DATA_WRITE"}]}]
    fake.iam_policy({
        "resource": "//cloudresourcemanager.googleapis.com/projects/310000000001", "project": "projects/310000000001",
        "assetType": "cloudresourcemanager.googleapis.com/Project", "organization": f"organizations/{gcp_estate.ORG}",
        "policy": {"version": 1, "etag": "BwYa=", "bindings": [], "auditConfigs": [
            {"service": "allServices", "auditLogConfigs": [{"logType": "DATA_WRITE"}]}]}},
        f"organizations/{gcp_estate.ORG}", "projects/chu-data")


def perimeters(fake: FakeGCP) -> None:
    """chu-data inside an enforced perimeter for Cloud Storage and the Healthcare API; chu-research in a
    dry-run one for BigQuery."""
    fake.add("/v1/accessPolicies", "accessPolicies", {
        "name": "accessPolicies/804213579", "parent": f"organizations/{gcp_estate.ORG}", "title": "chu-politique",
        "etag": "2f8a1c"})
    base = "accessPolicies/804213579/servicePerimeters"
    fake.add(f"/v1/{base}", "servicePerimeters", {
        "name": f"{base}/sante", "title": "sante", "perimeterType": "PERIMETER_TYPE_REGULAR",
        "status": {"resources": ["projects/310000000001"],
                   "accessLevels": ["accessPolicies/804213579/accessLevels/chu"],
                   "restrictedServices": ["storage.googleapis.com", "healthcare.googleapis.com"],
                   "vpcAccessibleServices": {"enableRestriction": True, "allowedServices": ["RESTRICTED-SERVICES"]}},
        "useExplicitDryRunSpec": False})
    fake.add(f"/v1/{base}", "servicePerimeters", {
        "name": f"{base}/recherche", "title": "recherche", "perimeterType": "PERIMETER_TYPE_REGULAR",
        "status": {},
        "spec": {"resources": ["projects/310000000002"], "restrictedServices": ["bigquery.googleapis.com"]},
        "useExplicitDryRunSpec": True})
