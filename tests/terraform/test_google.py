"""google / google-beta in a plan: where each store will live, its key, who it is granted to.

The plan is built in the shape ``terraform show -json`` prints for the google provider 6.x
(argument names from the provider's resource documentation: ``google_storage_bucket``
``location``/``custom_placement_config.data_locations``/``encryption.default_kms_key_name``,
``google_bigquery_dataset`` ``location``, ``google_sql_database_instance`` ``region``/
``master_instance_name``/``settings.backup_configuration``, ``google_healthcare_dataset``
``location``, ``google_kms_key_ring`` ``location``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from planbuilder import PlanBuilder, Ref, known, write
from plantools import by_id, places

from auditor.connectors.terraform import read_plan
from auditor.model.inventory import Inventory, KeyManager, PrincipalKind

HEALTH = {"data-classification": "health"}
KEY = "projects/chu-data/locations/europe-west9/keyRings/health/cryptoKeys/buckets"


def _plan() -> dict[str, Any]:
    b = PlanBuilder(variables={"gcp_region": "europe-west9"})
    b.provider("google", name="google", full_name="registry.terraform.io/hashicorp/google", version="~> 6.0",
               project="chu-data", region=Ref("var.gcp_region"))
    b.provider("google.us", name="google", alias="us", full_name="registry.terraform.io/hashicorp/google",
               version="~> 6.0", project="chu-research", region="us-central1")
    b.provider("google-beta", name="google-beta", full_name="registry.terraform.io/hashicorp/google-beta",
               version="~> 6.0", project="chu-data", region="europe-west1")
    b.resource("google_kms_key_ring.health", {"name": "health", "location": "europe-west9"})
    b.resource("google_storage_bucket.records", {
        "name": "chu-records", "location": "EUROPE-WEST9", "labels": HEALTH,
        "uniform_bucket_level_access": True, "public_access_prevention": "enforced",
        "encryption": [{"default_kms_key_name": KEY}]})
    b.resource("google_storage_bucket.imaging", {
        "name": "chu-imaging", "location": "EU", "labels": HEALTH,
        "custom_placement_config": [{"data_locations": ["EUROPE-WEST9", "EUROPE-WEST4"]}]})
    b.resource("google_storage_bucket.open", {"name": "chu-open", "location": "US", "labels": HEALTH})
    b.resource("google_storage_bucket_iam_member.open", {
        "bucket": known("google_storage_bucket.open.name", "chu-open"),
        "role": "roles/storage.objectViewer", "member": "allUsers"})
    b.resource("google_bigquery_dataset.warehouse", {"dataset_id": "warehouse", "location": "US", "labels": HEALTH})
    b.resource("google_bigquery_dataset.defaulted", {"dataset_id": "defaulted", "labels": HEALTH})
    b.resource("google_sql_database_instance.primary", {
        "name": "chu-sql", "database_version": "POSTGRES_16",
        "settings": [{"tier": "db-custom-2-7680", "backup_configuration": [{"enabled": True, "location": "us"}],
                      "ip_configuration": [{"ipv4_enabled": False}], "user_labels": HEALTH}]},
        unknown=("region",))  # computed: the provider block's region when the configuration sets none
    b.resource("google_sql_database_instance.replica", {
        "name": "chu-sql-replica", "database_version": "POSTGRES_16", "region": "us-central1",
        "master_instance_name": known("google_sql_database_instance.primary.name", "chu-sql"),
        "settings": [{"tier": "db-custom-2-7680"}]})
    b.resource("google_firestore_database.rdv", {"name": "(default)", "location_id": "eur3",
                                                 "type": "FIRESTORE_NATIVE"})
    b.resource("google_spanner_instance.cohorts", {"name": "cohortes", "config": "regional-europe-west9",
                                                   "display_name": "Cohortes", "labels": HEALTH})
    b.resource("google_kms_crypto_key.records", {
        "name": "records", "key_ring": Ref("google_kms_key_ring.health.id"), "purpose": "ENCRYPT_DECRYPT",
        "version_template": [{"protection_level": "EXTERNAL", "algorithm": "EXTERNAL_SYMMETRIC_ENCRYPTION"}]},
        unknown=("key_ring",))
    b.resource("google_kms_crypto_key.us", {
        "name": "us", "key_ring": "projects/chu-research/locations/us/keyRings/research"})
    b.resource("google_storage_bucket.vault", {
        "name": "chu-vault", "location": "EUROPE-WEST9", "labels": HEALTH,
        "encryption": [{"default_kms_key_name": Ref("google_kms_crypto_key.records.id")}]},
        unknown=("encryption.0.default_kms_key_name",))
    b.resource("google_vertex_ai_endpoint.triage", {
        "name": "4817203948123456789", "display_name": "triage", "location": "us-central1", "region": "us-central1",
        "labels": HEALTH})
    b.resource("google_vertex_ai_dataset.images", {
        "display_name": "thorax", "region": "europe-west9", "labels": HEALTH,
        "metadata_schema_uri": "gs://google-cloud-aiplatform/schema/dataset/metadata/image_1.0.0.yaml",
        "encryption_spec": [{"kms_key_name": KEY}]})
    b.resource("google_healthcare_dataset.fhir", {"name": "patients", "location": "europe-west9"})
    b.resource("google_healthcare_fhir_store.r4", {
        "name": "r4", "version": "R4", "dataset": known("google_healthcare_dataset.fhir.id", "projects/x/d"),
        "labels": HEALTH})
    b.resource("google_storage_bucket.research", {"name": "chu-research", "location": Ref("var.unknown_place"),
                                                  "labels": HEALTH}, provider="google.us",
               unknown=("location",))
    b.resource("google_sql_database_instance.beta", {"name": "chu-beta", "database_version": "MYSQL_8_0",
                                                     "settings": [{"tier": "db-f1-micro"}]},
               provider="google-beta")
    plan = b.build()
    for change in plan["resource_changes"]:  # google-beta resources name their own provider
        if change["address"].endswith(".beta"):
            change["provider_name"] = "registry.terraform.io/hashicorp/google-beta"
    return plan


@pytest.fixture(scope="module")
def google(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    path: Path = tmp_path_factory.mktemp("google") / "plan.json"
    write(_plan(), path)
    json.loads(path.read_text("utf-8"))
    return read_plan(path)


def test_a_bucket_location_in_capitals_is_the_catalog_region(google: Inventory) -> None:
    bucket = by_id(google, "google_storage_bucket.records")
    # the account is the provider block's project
    assert (bucket.provider, bucket.region, bucket.account) == ("gcp", "europe-west9", "chu-data")
    assert bucket.encryption is not None and bucket.encryption.manager is KeyManager.CUSTOMER
    assert bucket.encryption.region == "europe-west9"
    assert bucket.tags == HEALTH


def test_a_configurable_dual_region_puts_every_object_in_both_regions(google: Inventory) -> None:
    assert places(by_id(google, "google_storage_bucket.imaging")) == [
        ("primary", "europe-west9", None), ("primary", "europe-west4", "gcs-dual-region dual-region EU")]


def test_a_public_member_on_a_bucket_is_a_public_grant(google: Inventory) -> None:
    bucket = by_id(google, "google_storage_bucket.open")
    assert bucket.region == "us"
    assert [g.principal_kind for g in bucket.access] == [PrincipalKind.PUBLIC]


def test_bigquery_location_and_its_documented_default(google: Inventory) -> None:
    assert by_id(google, "google_bigquery_dataset.warehouse").region == "us"
    assert by_id(google, "google_bigquery_dataset.defaulted").region == "us"


def test_cloud_sql_region_from_the_provider_variable_backups_and_replica(google: Inventory) -> None:
    primary = by_id(google, "google_sql_database_instance.primary")
    assert primary.region == "europe-west9"  # provider "google" region = var.gcp_region
    assert ("backup", "us", "cloud-sql-backup backup_configuration.location") in places(primary)
    assert ("replica", "us-central1", "read-replica") in places(primary)
    assert primary.network.public_endpoint is False


def test_google_beta_resources_take_the_google_beta_provider_block(google: Inventory) -> None:
    assert by_id(google, "google_sql_database_instance.beta").region == "europe-west1"


def test_a_location_known_only_at_apply_is_unknown(google: Inventory) -> None:
    assert by_id(google, "google_storage_bucket.research").region == "unknown"


def test_healthcare_dataset_and_key_ring(google: Inventory) -> None:
    dataset = by_id(google, "google_healthcare_dataset.fhir")
    assert (dataset.kind, dataset.region) == ("health-api", "europe-west9")
    assert dataset.attributes.get("stores") == ["fhir_store r4"]
    ring = by_id(google, "google_kms_key_ring.health")
    assert (ring.kind, ring.region) == ("key", "europe-west9")


def test_a_crypto_key_lives_where_its_key_ring_is_and_keeps_its_protection_level(google: Inventory) -> None:
    key = by_id(google, "google_kms_crypto_key.records")
    assert (key.kind, key.region) == ("key", "europe-west9")  # the planned ring's location
    assert key.attributes["protection_level"] == "EXTERNAL"
    assert key.encryption is not None and key.encryption.manager is KeyManager.EXTERNAL
    assert by_id(google, "google_kms_crypto_key.us").region == "us"  # from the ring's id
    vault = by_id(google, "google_storage_bucket.vault")
    assert vault.encryption is not None and vault.encryption.region == "europe-west9"


def test_a_vertex_endpoint_processes_in_its_location_and_a_dataset_rests_in_its_region(google: Inventory) -> None:
    endpoint = by_id(google, "google_vertex_ai_endpoint.triage")
    assert (endpoint.kind, endpoint.name, endpoint.region) == ("ai-inference", "triage", "us-central1")
    assert ("processing", "us-central1", "vertex-ai-endpoint") in places(endpoint)
    dataset = by_id(google, "google_vertex_ai_dataset.images")
    assert (dataset.kind, dataset.region, dataset.tags) == ("data-lake", "europe-west9", HEALTH)
    assert dataset.encryption is not None and dataset.encryption.region == "europe-west9"


def test_cloud_sql_labels_live_in_settings(google: Inventory) -> None:
    assert by_id(google, "google_sql_database_instance.primary").tags == HEALTH


def test_a_google_provider_in_the_s3ns_universe_makes_s3ns_stores(tmp_path: Path) -> None:
    b = PlanBuilder()
    b.provider("google", name="google", full_name="registry.terraform.io/hashicorp/google", version="~> 6.0",
               project="s3ns:chu-souverain", region="u-france-east1", universe_domain="s3nsapis.fr")
    b.provider("google.public", name="google", alias="public", full_name="registry.terraform.io/hashicorp/google",
               version="~> 6.0", project="chu-data", region="europe-west9")
    b.resource("google_storage_bucket.sovereign", {"name": "chu-souverain", "location": "U-FRANCE-EAST1",
                                                   "labels": HEALTH})
    b.resource("google_storage_bucket.twin", {"name": "chu-jumeau", "location": "EUROPE-WEST9", "labels": HEALTH},
               provider="google.public")
    write(b.build(), tmp_path / "plan.json")
    inv = read_plan(tmp_path / "plan.json")
    sovereign, twin = by_id(inv, "google_storage_bucket.sovereign"), by_id(inv, "google_storage_bucket.twin")
    assert (sovereign.provider, sovereign.region, sovereign.account) == ("s3ns", "u-france-east1",
                                                                         "s3ns:chu-souverain")
    assert (twin.provider, twin.region) == ("gcp", "europe-west9")


def test_firestore_location_id(google: Inventory) -> None:
    assert by_id(google, "google_firestore_database.rdv").region == "eur3"


def test_spanner_instance_config_names_its_region(google: Inventory) -> None:
    assert by_id(google, "google_spanner_instance.cohorts").region == "europe-west9"
