"""The Google Cloud and S3NS part of "Hôpitaux de la Loire", and how ``auditor demo`` scans it.

The group's research platform runs on Google Cloud, and its sovereign twin on S3NS's PREMI3NS
(Google's APIs under the universe domain ``s3nsapis.fr``, operated in France by S3NS), so that one
report compares the two:

Both organisations turn the Data Access audit logs on for every service.

- Google Cloud, project ``loire-recherche-gcp``: the research warehouse, a BigQuery dataset in the
  ``US`` multi-region, shared with a contract research organisation's analyst (outside the
  group's domain); the imaging bucket in ``europe-west9`` (Paris), public access prevention
  enforced; a Cloud Healthcare API dataset in ``europe-west9`` holding the FHIR store of the
  research cohort.
- S3NS, project ``s3ns:loire-souverain``: the same warehouse and imaging bucket, in S3NS's region
  ``u-france-east1``, read by the group only, encrypted with a Cloud External Key Manager key (the
  key material stays in the group's own key manager).

Each universe is served by its own local HTTPS fake (:class:`auditor.demo.fakegcp.FakeGCP`, in the
APIs' own shapes: the field-by-field references are in :mod:`auditor.demo.gcp_estate`) and read by
the real Google Cloud connector with a real ``google-auth`` service-account credential (a fresh key
made for the run, whose token endpoint is the fake). The universe is configuration
(``gcp.universe_domain``); each API's origin is the fake (``gcp.endpoints``).

S3NS's universe domain, region and project-id prefix: https://documentation.s3ns.fr/docs/get-started-tpc/use-client-libraries
and https://documentation.s3ns.fr/kms/docs/locations (checked 2026-12-07). The estate is fictional:
which products S3NS offers in that region was not checked for it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from auditor.config import Config, GcpConfig
from auditor.connectors import gcp
from auditor.connectors.base import ScopeFilter
from auditor.demo.fakegcp import FakeGCP
from auditor.demo.gcp_estate import SERVICES, service_account_key
from auditor.messages import say
from auditor.model.inventory import Inventory
from auditor.progress import Reporter

ORG = "583920174615"  # the group's Google Cloud organisation (S3NS projects sit under the same number here)
DOMAIN = "hopitaux-loire.fr"
GOOGLE, S3NS = "googleapis.com", "s3nsapis.fr"
PROJECT, PROJECT_NUMBER = "loire-recherche-gcp", "520000000001"
TWIN, TWIN_NUMBER = "s3ns:loire-souverain", "620000000001"
HEALTH = {"data-classification": "health"}
DSI = {"role": "roles/storage.admin", "members": [f"group:dsi@{DOMAIN}"]}
TWIN_KEY = f"projects/{TWIN}/locations/u-france-east1/keyRings/sante/cryptoKeys/entrepot"


def _project(fake: FakeGCP, pid: str, number: str, name: str) -> None:
    project = {"name": f"projects/{number}", "projectId": pid, "displayName": name, "parent": f"organizations/{ORG}",
               "state": "ACTIVE", "createTime": "2025-01-15T09:00:00Z", "etag": "W/\"1\""}
    fake.add("/v3/projects:search", "projects", project)
    fake.put(f"/v3/projects/{pid}", project)


def _asset(fake: FakeGCP, universe: str, api: str, path: str, asset_type: str, number: str, location: str,
           labels: dict[str, str], pid: str) -> None:
    fake.asset({"name": f"//{api}.{universe}/{path}", "assetType": asset_type, "project": f"projects/{number}",
                "displayName": path.rsplit("/", 1)[-1], "location": location, "labels": labels,
                "organization": f"organizations/{ORG}", "state": "ACTIVE"}, f"organizations/{ORG}", f"projects/{pid}")


def _bucket(fake: FakeGCP, universe: str, pid: str, number: str, name: str, location: str,
            key: str | None = None) -> None:
    bucket: dict[str, Any] = {
        "kind": "storage#bucket", "selfLink": f"https://www.{universe}/storage/v1/b/{name}", "id": name, "name": name,
        "projectNumber": number, "metageneration": "1", "location": location, "locationType": "region",
        "storageClass": "STANDARD", "etag": "CAE=", "timeCreated": "2025-02-03T10:00:00.000Z",
        "updated": "2025-02-03T10:00:00.000Z", "labels": HEALTH,
        "iamConfiguration": {"bucketPolicyOnly": {"enabled": True}, "uniformBucketLevelAccess": {"enabled": True},
                             "publicAccessPrevention": "enforced"},
        "softDeletePolicy": {"retentionDurationSeconds": "604800", "effectiveTime": "2025-02-03T10:00:00.000Z"},
    }
    if key:
        bucket["encryption"] = {"defaultKmsKeyName": key}
    fake.add("/storage/v1/b", "items", bucket)
    fake.put(f"/storage/v1/b/{name}", bucket)
    fake.put(f"/storage/v1/b/{name}/iam", {"kind": "storage#policy", "resourceId": f"projects/_/buckets/{name}",
                                            "version": 1, "etag": "CAE=", "bindings": [DSI]})
    _asset(fake, universe, "storage", name, "storage.googleapis.com/Bucket", number, location.lower(), HEALTH, pid)


def _warehouse(fake: FakeGCP, universe: str, pid: str, number: str, name: str, location: str,
               readers: list[dict[str, Any]], key: str | None = None) -> None:
    ref = {"datasetId": name, "projectId": pid}
    fake.add(f"/bigquery/v2/projects/{pid}/datasets", "datasets", {
        "kind": "bigquery#dataset", "id": f"{pid}:{name}", "datasetReference": ref, "labels": HEALTH,
        "location": location})
    fake.put(f"/bigquery/v2/projects/{pid}/datasets/{name}", {
        "kind": "bigquery#dataset", "etag": "aBc==", "id": f"{pid}:{name}", "datasetReference": ref,
        "selfLink": f"https://bigquery.{universe}/bigquery/v2/projects/{pid}/datasets/{name}",
        "labels": HEALTH, "location": location, "type": "DEFAULT", "creationTime": "1738576800000",
        "lastModifiedTime": "1738576800000",
        "access": [{"role": "OWNER", "specialGroup": "projectOwners"},
                   {"role": "WRITER", "groupByEmail": f"data-eng@{DOMAIN}"}, *readers],
        **({"defaultEncryptionConfiguration": {"kmsKeyName": key}} if key else {})})
    _asset(fake, universe, "bigquery", f"projects/{pid}/datasets/{name}", "bigquery.googleapis.com/Dataset", number,
           location.lower(), HEALTH, pid)


def _fhir(fake: FakeGCP, universe: str, pid: str, number: str, location: str, dataset: str, store: str) -> None:
    path = f"projects/{pid}/locations/{location}/datasets/{dataset}"
    fake.fhir_dataset(path, store, HEALTH, f"group:recherche-clinique@{DOMAIN}")
    _asset(fake, universe, "healthcare", path, "healthcare.googleapis.com/Dataset", number, location, {}, pid)


def _external_key(fake: FakeGCP, universe: str, path: str, number: str, pid: str) -> None:
    """A Cloud KMS key whose material an external key manager holds (protection level ``EXTERNAL``)."""
    version = {"name": f"{path}/cryptoKeyVersions/1", "state": "ENABLED", "protectionLevel": "EXTERNAL",
               "algorithm": "EXTERNAL_SYMMETRIC_ENCRYPTION", "createTime": "2025-02-01T08:00:00.000000Z"}
    fake.put(f"/v1/{path}", {"name": path, "purpose": "ENCRYPT_DECRYPT", "createTime": "2025-02-01T08:00:00.000000Z",
                             "primary": version, "versionTemplate": {
                                 "protectionLevel": "EXTERNAL", "algorithm": "EXTERNAL_SYMMETRIC_ENCRYPTION"}})
    fake.put(f"/v1/{path}:getIamPolicy", {"version": 1, "etag": "BwYk=", "bindings": [
        {"role": "roles/cloudkms.admin", "members": [f"group:dsi@{DOMAIN}"]}]})
    _asset(fake, universe, "cloudkms", path, "cloudkms.googleapis.com/CryptoKey", number, path.split("/")[3], {}, pid)


def _organisation(fake: FakeGCP, universe: str) -> None:
    fake.iam_policy({
        "resource": f"//cloudresourcemanager.{universe}/organizations/{ORG}",
        "assetType": "cloudresourcemanager.googleapis.com/Organization", "organization": f"organizations/{ORG}",
        "policy": {"bindings": [{"role": "roles/owner", "members": [f"group:dsi@{DOMAIN}"]}],
                   # Data Access audit logs on for every service, set once for the organisation
                   "auditConfigs": [{"service": "allServices", "auditLogConfigs": [{"logType": "DATA_READ"},
                                                                                  {"logType": "DATA_WRITE"}]}]}},
        f"organizations/{ORG}")


def build_google(fake: FakeGCP) -> FakeGCP:
    """The research platform on Google Cloud."""
    _project(fake, PROJECT, PROJECT_NUMBER, "Loire plateforme de recherche")
    _organisation(fake, GOOGLE)
    _warehouse(fake, GOOGLE, PROJECT, PROJECT_NUMBER, "entrepot_sante", "US",
               [{"role": "READER", "userByEmail": "biostatisticien@cro-atlantique.com"}])
    _bucket(fake, GOOGLE, PROJECT, PROJECT_NUMBER, "loire-recherche-imagerie", "EUROPE-WEST9")
    _fhir(fake, GOOGLE, PROJECT, PROJECT_NUMBER, "europe-west9", "cohortes", "cohorte-insuffisance-cardiaque")
    return fake


def build_s3ns(fake: FakeGCP) -> FakeGCP:
    """Its sovereign twin on S3NS PREMI3NS."""
    _project(fake, TWIN, TWIN_NUMBER, "Loire cloud de confiance")
    _organisation(fake, S3NS)
    _external_key(fake, S3NS, TWIN_KEY, TWIN_NUMBER, TWIN)
    _warehouse(fake, S3NS, TWIN, TWIN_NUMBER, "entrepot_sante_souverain", "u-france-east1", [], TWIN_KEY)
    _bucket(fake, S3NS, TWIN, TWIN_NUMBER, "loire-souverain-imagerie", "U-FRANCE-EAST1", TWIN_KEY)
    return fake


# Every variable google-auth or requests would otherwise take from the user's environment.
_CLEARED = ("GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_UNIVERSE_DOMAIN", "GOOGLE_CLOUD_PROJECT",
            "CLOUDSDK_CONFIG", "GCE_METADATA_HOST", "GCE_METADATA_IP", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@contextlib.contextmanager
def gcp_environment(key: Path, ca_path: str) -> Iterator[None]:
    """While the block runs, Application Default Credentials are the demo's key, trusted by the fake's CA only.

    The user's own Google credentials and gcloud configuration are set aside (and restored after), so
    the demo can never reach a real Google Cloud or S3NS organisation.
    """
    saved = {k: os.environ.pop(k) for k in _CLEARED if k in os.environ}
    os.environ.update({"GOOGLE_APPLICATION_CREDENTIALS": str(key), "REQUESTS_CA_BUNDLE": ca_path,
                       "CLOUDSDK_CONFIG": str(key.parent)})
    try:
        yield
    finally:
        for k in _CLEARED:
            os.environ.pop(k, None)
        os.environ.update(saved)


def _scan(config: Config, reporter: Reporter, in_scope: ScopeFilter, fake: FakeGCP, universe: str,
          folder: Path) -> Inventory:
    section = GcpConfig(organization=ORG, universe_domain=universe, domains=(DOMAIN,),
                        endpoints={s: fake.base_url for s in SERVICES}, max_workers=config.gcp.max_workers)
    with fake, gcp_environment(service_account_key(fake, folder, universe), fake.ca_path):
        reporter.info(say("demo-gcp", config.lang, universe=universe, url=fake.base_url))
        return gcp.collect(replace(config, gcp=section), reporter, in_scope)


def collect(config: Config, reporter: Reporter, in_scope: ScopeFilter) -> list[Inventory]:
    """The Google Cloud and S3NS parts of ``auditor demo``: the real connector, once per universe."""
    with tempfile.TemporaryDirectory(prefix="auditor-demo-gcp-") as tmp:
        google, s3ns = Path(tmp, "google"), Path(tmp, "s3ns")
        google.mkdir()
        s3ns.mkdir()
        return [_scan(config, reporter, in_scope, build_google(FakeGCP(ca_dir=google)), GOOGLE, google),
                _scan(config, reporter, in_scope, build_s3ns(FakeGCP(ca_dir=s3ns)), S3NS, s3ns)]
