"""The hospital's Google Cloud organisation (and its S3NS twin) on the local fake, in the APIs' own shapes.

Shapes, field by field, from each API's REST reference (checked 2026-12-07):

- Resource Manager v3 ``projects.search``: https://cloud.google.com/resource-manager/reference/rest/v3/projects/search
  (``projects[]``: ``name`` = ``projects/<number>``, ``projectId``, ``displayName``, ``parent``, ``state``)
- Cloud Asset ``searchAllResources``: https://cloud.google.com/asset-inventory/docs/reference/rest/v1/TopLevel/searchAllResources
  (``results[]`` ResourceSearchResult: ``name``, ``assetType``, ``project``, ``displayName``, ``location``, ``labels``,
  ``kmsKeys``)
- Cloud Storage ``buckets``: https://cloud.google.com/storage/docs/json_api/v1/buckets (``kind``, ``name``,
  ``location``, ``locationType``, ``customPlacementConfig.dataLocations``, ``rpo``, ``encryption.defaultKmsKeyName``,
  ``iamConfiguration``, ``labels``, ``softDeletePolicy``) and ``getIamPolicy`` (``kind: storage#policy``, ``bindings``)
- BigQuery ``datasets``: https://cloud.google.com/bigquery/docs/reference/rest/v2/datasets (``datasetReference``,
  ``location``, ``access[]``, ``defaultEncryptionConfiguration``)
- Cloud SQL Admin ``instances.list``: https://cloud.google.com/sql/docs/mysql/admin-api/rest/v1/instances/list
  (``items[]``: ``name``, ``region``, ``replicaNames``, ``masterInstanceName``, ``settings.backupConfiguration``,
  ``settings.ipConfiguration``, ``settings.userLabels``, ``diskEncryptionConfiguration``)
- Cloud Healthcare ``datasets``/``fhirStores``: https://cloud.google.com/healthcare-api/docs/reference/rest/v1/projects.locations.datasets
- Cloud Asset ``searchAllIamPolicies``: https://cloud.google.com/asset-inventory/docs/reference/rest/v1/TopLevel/searchAllIamPolicies
  (``results[]``: ``resource``, ``assetType``, ``project``, ``folders``, ``organization``, ``policy.bindings``)
- Firestore ``databases.list``: https://cloud.google.com/firestore/docs/reference/rest/v1/projects.databases/list
  (``databases[]``: ``name``, ``locationId``, ``type``, ``cmekConfig``)
- Spanner ``instances``/``instanceConfigs``/``databases``: https://cloud.google.com/spanner/docs/reference/rest/v1/projects.instances
  and https://cloud.google.com/spanner/docs/reference/rest/v1/projects.instanceConfigs (``replicas[]``: ``location``,
  ``type``, ``defaultLeaderLocation``); the replica list below is illustrative, not Google's published one
- Cloud KMS ``cryptoKeys``: https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys
  (``name``, ``primary`` CryptoKeyVersion with ``protectionLevel``/``state``/``algorithm``, ``purpose``,
  ``versionTemplate``, ``rotationPeriod``, ``labels``) and ``cryptoKeys.getIamPolicy`` (a GET, ``bindings``)
- Vertex AI ``endpoints``/``datasets`` (regional hosts ``<location>-aiplatform.googleapis.com``):
  https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.endpoints (``name``,
  ``displayName``, ``deployedModels[]``, ``encryptionSpec``, ``labels``, ``predictRequestResponseLoggingConfig``) and
  https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.datasets (``metadataSchemaUri``,
  ``dataItemCount``, ``metadata``, ``encryptionSpec``, ``labels``)
- Org Policy v2 ``getEffectivePolicy``: https://cloud.google.com/resource-manager/docs/reference/orgpolicy/rest/v2/projects.policies/getEffectivePolicy
  (``spec.rules[].values.allowedValues``)

S3NS answers the same APIs under ``s3nsapis.fr`` with project ids prefixed ``s3ns:``
(https://documentation.s3ns.fr/docs/get-started-tpc/use-client-libraries) in region ``u-france-east1``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.demo.fakegcp import FakeGCP
from auditor.fsio import write_atomic

ORG = "468213579024"
HEALTH = {"data-classification": "health"}
DOMAIN = "chu-exemple.fr"
KEY = "projects/chu-data/locations/europe-west9/keyRings/sante/cryptoKeys/dossiers"
S3NS_KEY = "projects/s3ns:chu-souverain/locations/u-france-east1/keyRings/sante/cryptoKeys/dossiers"


def _project(fake: FakeGCP, pid: str, number: str, name: str) -> None:
    project = {"name": f"projects/{number}", "projectId": pid, "displayName": name, "parent": f"organizations/{ORG}",
               "state": "ACTIVE", "createTime": "2024-02-01T09:00:00Z", "etag": "W/\"1\""}
    fake.add("/v3/projects:search", "projects", project)
    fake.put(f"/v3/projects/{pid}", project)


def _asset(fake: FakeGCP, universe: str, name: str, asset_type: str, number: str, location: str,
           labels: dict[str, str], scopes: tuple[str, ...], kms: tuple[str, ...] = (), display: str | None = None,
           ) -> None:
    row: dict[str, Any] = {"name": f"//{name.split('/')[0]}.{universe}/{name.split('/', 1)[1]}",
                           "assetType": asset_type, "project": f"projects/{number}",
                           "displayName": display or name.rsplit("/", 1)[-1], "location": location, "labels": labels,
                           "organization": f"organizations/{ORG}", "state": "ACTIVE"}
    if kms:
        row["kmsKeys"] = list(kms)
    fake.asset(row, *scopes)


def _bucket(fake: FakeGCP, universe: str, project: str, number: str, name: str, location: str, location_type: str,
            *, labels: dict[str, str], bindings: list[dict[str, Any]], prevention: str = "inherited",
            uniform: bool = True, key: str | None = None, placement: list[str] | None = None,
            scopes: tuple[str, ...] = ()) -> None:
    bucket: dict[str, Any] = {
        "kind": "storage#bucket", "selfLink": f"https://www.{universe}/storage/v1/b/{name}", "id": name, "name": name,
        "projectNumber": number, "metageneration": "1", "location": location, "locationType": location_type,
        "storageClass": "STANDARD", "etag": "CAE=", "timeCreated": "2024-03-01T10:00:00.000Z",
        "updated": "2024-03-01T10:00:00.000Z", "labels": labels,
        "iamConfiguration": {"bucketPolicyOnly": {"enabled": uniform},
                             "uniformBucketLevelAccess": {"enabled": uniform},
                             "publicAccessPrevention": prevention},
        "softDeletePolicy": {"retentionDurationSeconds": "604800", "effectiveTime": "2024-03-01T10:00:00.000Z"},
    }
    if key:
        bucket["encryption"] = {"defaultKmsKeyName": key}
    if placement:
        bucket["customPlacementConfig"] = {"dataLocations": placement}
    fake.add("/storage/v1/b", "items", bucket)
    fake.put(f"/storage/v1/b/{name}", bucket)
    fake.put(f"/storage/v1/b/{name}/iam", {"kind": "storage#policy", "resourceId": f"projects/_/buckets/{name}",
                                            "version": 1, "etag": "CAE=", "bindings": bindings})
    _asset(fake, universe, f"storage/{name}", "storage.googleapis.com/Bucket", number, location.lower(), labels,
           scopes, (key,) if key else ())


def _crypto_key(fake: FakeGCP, universe: str, path: str, number: str, level: str, bindings: list[dict[str, Any]],
                scopes: tuple[str, ...]) -> None:
    algorithm = "GOOGLE_SYMMETRIC_ENCRYPTION" if level != "EXTERNAL" else "EXTERNAL_SYMMETRIC_ENCRYPTION"
    fake.put(f"/v1/{path}", {
        "name": path, "purpose": "ENCRYPT_DECRYPT", "createTime": "2024-02-15T08:00:00.000000Z",
        "primary": {"name": f"{path}/cryptoKeyVersions/1", "state": "ENABLED", "protectionLevel": level,
                    "algorithm": algorithm, "createTime": "2024-02-15T08:00:00.000000Z",
                    "generateTime": "2024-02-15T08:00:00.000000Z"},
        "versionTemplate": {"protectionLevel": level, "algorithm": algorithm},
        "rotationPeriod": "7776000s", "nextRotationTime": "2025-01-15T08:00:00Z",
        "destroyScheduledDuration": "2592000s"})
    fake.put(f"/v1/{path}:getIamPolicy", {"version": 1, "etag": "BwYk=", "bindings": bindings})
    _asset(fake, universe, f"cloudkms/{path}", "cloudkms.googleapis.com/CryptoKey", number,
           path.split("/")[3], {}, scopes)


def build(fake: FakeGCP) -> FakeGCP:
    """Two projects of the hospital's organisation on Google Cloud."""
    u = "googleapis.com"
    org = (f"organizations/{ORG}",)
    _project(fake, "chu-data", "310000000001", "CHU données de santé")
    _project(fake, "chu-research", "310000000002", "CHU recherche")
    data, research = (*org, "projects/chu-data"), (*org, "projects/chu-research")
    owners = {"role": "roles/storage.admin", "members": [f"group:dsi@{DOMAIN}"]}
    _bucket(fake, u, "chu-data", "310000000001", "chu-dossiers-patients", "EUROPE-WEST9", "region",
            labels=HEALTH, bindings=[owners], prevention="enforced", key=KEY, scopes=data)
    _bucket(fake, u, "chu-data", "310000000001", "chu-imagerie", "EU", "dual-region", labels=HEALTH,
            bindings=[owners], placement=["EUROPE-WEST9", "EUROPE-WEST4"], scopes=data)
    _bucket(fake, u, "chu-research", "310000000002", "chu-exports-publics", "EUROPE-WEST1", "region", labels=HEALTH,
            bindings=[owners, {"role": "roles/storage.objectViewer", "members": ["allUsers"]}], scopes=research)
    # Cloud KMS: the records' key, in a Cloud HSM key ring in Paris, usable by a partner's ETL account too.
    _crypto_key(fake, u, KEY, "310000000001", "HSM", [
        {"role": "roles/cloudkms.admin", "members": [f"group:dsi@{DOMAIN}"]},
        {"role": "roles/cloudkms.cryptoKeyEncrypterDecrypter",
         "members": ["serviceAccount:etl@partner-analytics.iam.gserviceaccount.com"]}], data)
    # BigQuery: a research warehouse in the US multi-region, shared with a partner lab.
    dataset = {
        "kind": "bigquery#dataset", "etag": "aBc==", "id": "chu-research:entrepot_recherche",
        "selfLink": "https://bigquery.googleapis.com/bigquery/v2/projects/chu-research/datasets/entrepot_recherche",
        "datasetReference": {"datasetId": "entrepot_recherche", "projectId": "chu-research"},
        "labels": HEALTH, "location": "US", "type": "DEFAULT", "creationTime": "1709290000000",
        "lastModifiedTime": "1709290000000",
        "access": [
            {"role": "OWNER", "specialGroup": "projectOwners"},
            {"role": "READER", "specialGroup": "projectReaders"},
            {"role": "WRITER", "userByEmail": f"data-eng@{DOMAIN}"},
            {"role": "READER", "userByEmail": "analyste@labo-partenaire.com"},
            {"view": {"projectId": "partner-analytics", "datasetId": "vues", "tableId": "cohorte"}},
        ],
    }
    fake.add("/bigquery/v2/projects/chu-research/datasets", "datasets", {
        "kind": "bigquery#dataset", "id": dataset["id"], "datasetReference": dataset["datasetReference"],
        "labels": HEALTH, "location": "US"})
    fake.put("/bigquery/v2/projects/chu-research/datasets/entrepot_recherche", dataset)
    _asset(fake, u, "bigquery/projects/chu-research/datasets/entrepot_recherche", "bigquery.googleapis.com/Dataset",
           "310000000002", "us", HEALTH, research)
    # Cloud SQL: the EMR database in Paris with a cross-region replica in Iowa, backups at the default place.
    for name, region, extra in (
        ("chu-dpi", "europe-west9", {"replicaNames": ["chu-dpi-replica"], "instanceType": "CLOUD_SQL_INSTANCE"}),
        ("chu-dpi-replica", "us-central1", {"masterInstanceName": "chu-data:chu-dpi",
                                            "instanceType": "READ_REPLICA_INSTANCE"}),
    ):
        fake.add("/v1/projects/chu-data/instances", "items", {
            "kind": "sql#instance", "name": name, "project": "chu-data", "region": region,
            "gceZone": f"{region}-a", "databaseVersion": "POSTGRES_16", "state": "RUNNABLE",
            "backendType": "SECOND_GEN",
            "connectionName": f"chu-data:{region}:{name}",
            "selfLink": f"https://sqladmin.googleapis.com/v1/projects/chu-data/instances/{name}",
            "settings": {"tier": "db-custom-2-7680", "userLabels": HEALTH,
                         "backupConfiguration": {"enabled": name == "chu-dpi", "kind": "sql#backupConfiguration"},
                         "ipConfiguration": {"ipv4Enabled": False,
                                             "privateNetwork": "projects/chu-data/global/networks/sante"}},
            **extra})
        _asset(fake, u, f"cloudsql/projects/chu-data/instances/{name}", "sqladmin.googleapis.com/Instance",
               "310000000001", region, HEALTH, data)
    # Healthcare API: the FHIR store of the patient record, in Paris.
    path = "projects/chu-data/locations/europe-west9/datasets/dossiers"
    fake.fhir_dataset(path, "patients", HEALTH, f"group:soignants@{DOMAIN}")
    fake.add("/v1/projects/chu-data/locations", "locations", {"name": "projects/chu-data/locations/europe-west9",
                                                                "locationId": "europe-west9"})
    fake.add("/v1/projects/chu-data/locations/europe-west9/datasets", "datasets", {"name": path,
                                                                                  "timeZone": "Europe/Paris"})
    _asset(fake, u, f"healthcare/{path}", "healthcare.googleapis.com/Dataset", "310000000001", "europe-west9", {},
           data)
    # Firestore: the appointment app's database in the eur3 multi-region.
    fake.add("/v1/projects/chu-data/databases", "databases", {
        "name": "projects/chu-data/databases/(default)", "uid": "6f1d2c3b-0000-4000-8000-000000000001",
        "createTime": "2024-03-01T10:00:00Z", "locationId": "eur3", "type": "FIRESTORE_NATIVE",
        "concurrencyMode": "PESSIMISTIC", "appEngineIntegrationMode": "DISABLED", "etag": "IJ"})
    _asset(fake, u, "firestore/projects/chu-data/databases/(default)", "firestore.googleapis.com/Database",
           "310000000001", "eur3", {}, data)
    # Spanner: the research cohort database on the nam-eur-asia1 configuration (three continents).
    fake.add("/v1/projects/chu-research/instances", "instances", {
        "name": "projects/chu-research/instances/cohortes", "config":
        "projects/chu-research/instanceConfigs/nam-eur-asia1", "displayName": "Cohortes", "nodeCount": 1,
        "state": "READY", "labels": HEALTH, "edition": "ENTERPRISE_PLUS"})
    fake.put("/v1/projects/chu-research/instanceConfigs/nam-eur-asia1", {
        "name": "projects/chu-research/instanceConfigs/nam-eur-asia1", "displayName": "North America, Europe, Asia",
        "configType": "GOOGLE_MANAGED", "replicas": [
            {"location": "us-central1", "type": "READ_WRITE", "defaultLeaderLocation": True},
            {"location": "us-east1", "type": "READ_WRITE"},
            {"location": "europe-west1", "type": "READ_ONLY"},
            {"location": "asia-east1", "type": "READ_ONLY"},
            {"location": "us-east4", "type": "WITNESS"}]})
    fake.add("/v1/projects/chu-research/instances/cohortes/databases", "databases", {
        "name": "projects/chu-research/instances/cohortes/databases/suivi", "state": "READY",
        "databaseDialect": "GOOGLE_STANDARD_SQL"})
    _asset(fake, u, "spanner/projects/chu-research/instances/cohortes", "spanner.googleapis.com/Instance",
           "310000000002", "nam-eur-asia1", HEALTH, research)
    # Vertex AI: a triage model served in Iowa (predictions processed there), its training data in Paris.
    endpoint = "projects/310000000002/locations/us-central1/endpoints/4817203948123456789"
    fake.put(f"/v1/{endpoint}", {
        "name": endpoint, "displayName": "triage-urgences", "etag": "AMEw9yM=", "labels": HEALTH,
        "createTime": "2024-05-02T09:00:00.000000Z", "updateTime": "2024-05-02T09:30:00.000000Z",
        "deployedModels": [{"id": "6001", "model": "projects/310000000002/locations/us-central1/models/77",
                            "displayName": "triage-v3", "createTime": "2024-05-02T09:30:00.000000Z",
                            "dedicatedResources": {"machineSpec": {"machineType": "n1-standard-4"},
                                                   "minReplicaCount": 1}}],
        "trafficSplit": {"6001": 100},
        "predictRequestResponseLoggingConfig": {"enabled": True, "samplingRate": 0.1, "bigqueryDestination": {
            "outputUri": "bq://chu-research.journal_predictions.triage"}}})
    _asset(fake, u, f"aiplatform/{endpoint}", "aiplatform.googleapis.com/Endpoint", "310000000002", "us-central1",
           HEALTH, research, display="triage-urgences")
    vertex_dataset = "projects/310000000001/locations/europe-west9/datasets/5500112233445566778"
    fake.put(f"/v1/{vertex_dataset}", {
        "name": vertex_dataset, "displayName": "radios-thorax", "labels": HEALTH, "etag": "AMEw9yN=",
        "metadataSchemaUri": "gs://google-cloud-aiplatform/schema/dataset/metadata/image_1.0.0.yaml",
        "createTime": "2024-04-10T08:00:00.000000Z", "updateTime": "2024-04-10T08:00:00.000000Z",
        "dataItemCount": "12000", "encryptionSpec": {"kmsKeyName": KEY},
        "metadata": {"inputConfig": {"gcsSource": {"uri": ["gs://chu-imagerie/thorax/import.jsonl"]}}}})
    _asset(fake, u, f"aiplatform/{vertex_dataset}", "aiplatform.googleapis.com/Dataset", "310000000001",
           "europe-west9", HEALTH, data, (KEY,), display="radios-thorax")
    # Cloud Asset searchAllIamPolicies: the organisation's and projects' policies (and one on a bucket,
    # which the connector leaves to the bucket's own read).
    fake.iam_policy({
        "resource": f"//cloudresourcemanager.googleapis.com/organizations/{ORG}", "assetType":
        "cloudresourcemanager.googleapis.com/Organization", "organization": f"organizations/{ORG}",
        "policy": {"bindings": [{"role": "roles/owner", "members": [f"group:dsi@{DOMAIN}"]},
                                {"role": "roles/resourcemanager.organizationViewer", "members": ["allUsers"]}]}},
        *org)
    fake.iam_policy({
        "resource": "//cloudresourcemanager.googleapis.com/projects/310000000002", "project": "projects/310000000002",
        "assetType": "cloudresourcemanager.googleapis.com/Project", "organization": f"organizations/{ORG}",
        "policy": {"bindings": [{"role": "roles/bigquery.dataViewer",
                                 "members": ["user:chercheur@universite-partenaire.eu"]}]}}, *research)
    fake.iam_policy({
        "resource": "//storage.googleapis.com/chu-exports-publics", "project": "projects/310000000002",
        "assetType": "storage.googleapis.com/Bucket",
        "policy": {"bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]}}, *research)
    fake.put("/v2/projects/chu-data/policies/gcp.resourceLocations:getEffectivePolicy", {
        "name": "projects/310000000001/policies/gcp.resourceLocations",
        "spec": {"etag": "CAE=", "rules": [{"values": {"allowedValues": ["in:eu-locations"]}}]}})
    return fake


def build_s3ns(fake: FakeGCP) -> FakeGCP:
    """The same hospital's sovereign project on S3NS PREMI3NS (universe s3nsapis.fr)."""
    u = "s3nsapis.fr"
    _project(fake, "s3ns:chu-souverain", "410000000001", "CHU cloud de confiance")
    scopes = (f"organizations/{ORG}", "projects/s3ns:chu-souverain")
    _bucket(fake, u, "s3ns:chu-souverain", "410000000001", "chu-dossiers-souverains", "U-FRANCE-EAST1", "region",
            labels=HEALTH, bindings=[{"role": "roles/storage.admin", "members": [f"group:dsi@{DOMAIN}"]}],
            prevention="enforced", scopes=scopes,
            key=S3NS_KEY)
    _crypto_key(fake, u, S3NS_KEY, "410000000001", "EXTERNAL",
                [{"role": "roles/cloudkms.admin", "members": [f"group:dsi@{DOMAIN}"]}], scopes)
    return fake


def service_account_key(fake: FakeGCP, folder: Path, universe: str = "googleapis.com") -> Path:
    """A service-account key file whose token endpoint is the fake's (a fresh RSA key, never a real one)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = folder / f"sa-{universe}.json"
    write_atomic(path, json.dumps({
        "type": "service_account", "project_id": "chu-audit", "private_key_id": "0123456789abcdef",
        "private_key": pem, "client_email": "auditeur@chu-audit.iam.gserviceaccount.com", "client_id": "1234567890",
        "token_uri": f"{fake.base_url}/token", "universe_domain": universe}))  # 0600
    return path


SERVICES = ("cloudresourcemanager", "cloudasset", "storage", "bigquery", "sqladmin", "healthcare", "firestore",
            "spanner", "orgpolicy", "cloudkms", "aiplatform", "iam", "accesscontextmanager")


def config_section(fake: FakeGCP, universe: str = "googleapis.com") -> dict[str, Any]:
    """The ``gcp:`` block of ``auditor.yaml`` pointing every API at the fake."""
    return {"organization": ORG, "universe_domain": universe, "domains": [DOMAIN],
            "endpoints": {s: fake.base_url for s in SERVICES}}
