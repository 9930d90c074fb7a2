"""The hospital's Google Cloud organisation, read through Asset Inventory and each service."""

from __future__ import annotations

from pathlib import Path

from gcp_helpers import by_name, scan

from auditor.demo import gcp_estate
from auditor.demo.fakegcp import FakeGCP
from auditor.model.inventory import Inventory, KeyManager, PrincipalKind
from auditor.model.vocab import GrantSource


def places(inventory: Inventory, name: str) -> list[tuple[str, str, str | None]]:
    return [(str(loc.role), loc.region, loc.via) for loc in by_name(inventory, name).locations]


def test_every_store_of_the_organisation_is_found(estate: tuple[FakeGCP, Inventory]) -> None:
    _, inv = estate
    assert sorted((r.provider, r.account, r.service, r.name) for r in inv.resources) == [
        ("gcp", "chu-data", "aiplatform", "radios-thorax"),
        ("gcp", "chu-data", "cloudkms", "sante/dossiers"),
        ("gcp", "chu-data", "firestore", "chu-data/(default)"),
        ("gcp", "chu-data", "healthcare", "dossiers"),
        ("gcp", "chu-data", "sqladmin", "chu-dpi"),
        ("gcp", "chu-data", "sqladmin", "chu-dpi-replica"),
        ("gcp", "chu-data", "storage", "chu-dossiers-patients"),
        ("gcp", "chu-data", "storage", "chu-imagerie"),
        ("gcp", "chu-research", "aiplatform", "triage-urgences"),
        ("gcp", "chu-research", "bigquery", "entrepot_recherche"),
        ("gcp", "chu-research", "spanner", "cohortes"),
        ("gcp", "chu-research", "storage", "chu-exports-publics"),
    ]
    assert inv.scope.accounts == ("chu-data", "chu-research")
    assert inv.scope.organizations == ("468213579024",)
    assert inv.coverage_gaps == ()


def test_a_regional_bucket_its_key_and_public_access_prevention(estate: tuple[FakeGCP, Inventory]) -> None:
    _, inv = estate
    bucket = by_name(inv, "chu-dossiers-patients")
    assert bucket.region == "europe-west9" and places(inv, "chu-dossiers-patients") == [
        ("primary", "europe-west9", None)]
    assert bucket.tags == {"data-classification": "health"}
    assert bucket.encryption is not None and bucket.encryption.manager is KeyManager.CUSTOMER
    assert bucket.encryption.region == "europe-west9"
    assert bucket.attributes["public_access_prevention"] == "enforced"
    own = [(g.principal, g.principal_kind, g.home) for g in bucket.access if g.source is GrantSource.BUCKET_POLICY]
    assert own == [("group:dsi@chu-exemple.fr", PrincipalKind.GROUP, "468213579024")]  # the organisation's domain


def test_a_dual_region_bucket_lives_in_both_regions(estate: tuple[FakeGCP, Inventory]) -> None:
    _, inv = estate
    assert places(inv, "chu-imagerie") == [("primary", "europe-west9", "gcs-dual-region"),
                                           ("primary", "europe-west4", "gcs-dual-region")]


def test_a_public_bucket_grants_read_to_all_users(estate: tuple[FakeGCP, Inventory]) -> None:
    _, inv = estate
    public = [g for g in by_name(inv, "chu-exports-publics").access if g.principal_kind is PrincipalKind.PUBLIC]
    assert [(g.principal, str(g.permission)) for g in public] == [("allUsers", "read")]


def test_the_warehouse_is_in_the_us_multi_region_and_shared_outside(estate: tuple[FakeGCP, Inventory]) -> None:
    _, inv = estate
    warehouse = by_name(inv, "entrepot_recherche")
    assert (warehouse.kind, warehouse.region) == ("warehouse", "us")
    homes = {g.principal: g.home for g in warehouse.access}
    assert homes["user:analyste@labo-partenaire.com"] == "labo-partenaire.com"
    assert homes["partner-analytics/vues/cohorte"] == "partner-analytics"  # an authorized view elsewhere
    assert homes["projectViewer:chu-research"] == "chu-research"


def test_cloud_sql_replica_across_the_atlantic_and_default_backups(estate: tuple[FakeGCP, Inventory]) -> None:
    _, inv = estate
    assert places(inv, "chu-dpi") == [("primary", "europe-west9", None),
                                      ("replica", "us-central1", "read-replica"),
                                      ("backup", "eu", "cloud-sql-backup")]
    assert by_name(inv, "chu-dpi").network.public_endpoint is False


def test_healthcare_dataset_with_its_fhir_store_and_labels(estate: tuple[FakeGCP, Inventory]) -> None:
    _, inv = estate
    dataset = by_name(inv, "dossiers")
    assert (dataset.kind, dataset.region, dataset.attributes["stores"]) == ("health-api", "europe-west9",
                                                                           ["FHIR patients"])
    assert dataset.tags == {"data-classification": "health"}


def test_the_resource_location_policy_is_shown_next_to_the_stores(estate: tuple[FakeGCP, Inventory]) -> None:
    _, inv = estate
    assert by_name(inv, "chu-dpi").attributes["allowed_locations"] == ["in:eu-locations"]
    assert "allowed_locations" not in by_name(inv, "entrepot_recherche").attributes  # no policy in that project


def test_only_declared_reads_were_sent_and_every_one_carried_a_token(estate: tuple[FakeGCP, Inventory]) -> None:
    fake, _ = estate
    api = [(m, p, a) for m, p, a in fake.authorizations if p != "/token"]
    assert {m for m, _, _ in api} == {"GET"}
    assert all(a.startswith("Bearer ya29.fake-") for _, _, a in api)
    assert [m for m, p, _ in fake.authorizations if p == "/token"] and all(
        m == "POST" for m, p, _ in fake.authorizations if p == "/token")
    assert any(p.endswith(":searchAllResources") for _, p, _ in api)
    assert not any(p == "/storage/v1/b" for _, p, _ in api)  # Asset Inventory answered: no per-service listing


def test_grants_inherited_from_the_organisation_and_the_project(estate: tuple[FakeGCP, Inventory]) -> None:
    _, inv = estate
    warehouse = {g.principal: g.condition for g in by_name(inv, "entrepot_recherche").access}
    assert "inherited from projects/310000000002" in warehouse["user:chercheur@universite-partenaire.eu"]
    assert "inherited from organizations/468213579024" in warehouse["group:dsi@chu-exemple.fr"]
    bucket = [g.principal for g in by_name(inv, "chu-dossiers-patients").access]
    assert "user:chercheur@universite-partenaire.eu" not in bucket  # another project's grant
    assert "allUsers" not in bucket  # organizationViewer reaches no data


def test_a_firestore_database_in_a_multi_region(estate: tuple[FakeGCP, Inventory]) -> None:
    _, inv = estate
    database = by_name(inv, "chu-data/(default)")
    assert (database.kind, database.region, database.attributes["type"]) == ("nosql", "eur3", "FIRESTORE_NATIVE")


def test_a_spanner_instance_lives_in_every_replica_of_its_configuration(estate: tuple[FakeGCP, Inventory]) -> None:
    _, inv = estate
    assert places(inv, "cohortes") == [("primary", "us-central1", None),
                                       ("replica", "us-east1", "spanner-replica"),
                                       ("replica", "europe-west1", "spanner-replica"),
                                       ("replica", "asia-east1", "spanner-replica")]  # the witness holds no data
    cohortes = by_name(inv, "cohortes")
    assert cohortes.encryption is not None and cohortes.encryption.manager is KeyManager.PROVIDER


def test_a_cloud_kms_key_is_a_resource_with_its_ring_place_level_and_the_stores_it_protects(
        estate: tuple[FakeGCP, Inventory]) -> None:
    _, inv = estate
    key = by_name(inv, "sante/dossiers")
    assert (key.kind, key.region, places(inv, "sante/dossiers")) == ("key", "europe-west9",
                                                                     [("primary", "europe-west9", None)])
    assert key.attributes["protection_level"] == "HSM" and key.attributes["key_manager"] == "customer"
    assert key.attributes["key_ring_location"] == "europe-west9"
    partner = [g for g in key.access if g.principal == "serviceAccount:etl@partner-analytics.iam.gserviceaccount.com"]
    assert [(g.source, g.home) for g in partner] == [(GrantSource.KEY_POLICY, "partner-analytics")]
    bucket = by_name(inv, "chu-dossiers-patients")
    assert bucket.encryption is not None and bucket.encryption.origin == "cloudkms HSM"
    assert sorted(key.attributes["protects"]) == sorted([bucket.id, by_name(inv, "radios-thorax").id])
    assert "partner-analytics" not in {g.home for g in bucket.access}  # the key's grants stay on the key


def test_a_key_a_store_names_is_read_even_when_the_listing_missed_it(fake: FakeGCP, tmp_path: Path) -> None:
    fake.assets[:] = [a for a in fake.assets if a["assetType"] != "cloudkms.googleapis.com/CryptoKey"]
    inv = scan(fake, tmp_path)
    key = by_name(inv, "sante/dossiers")
    assert key.attributes["depth"] == "deep" and by_name(inv, "chu-dossiers-patients").id in key.attributes["protects"]
    assert "named by a store" in key.evidence


def test_an_unreadable_key_is_a_gap_and_the_store_keeps_what_its_name_says(fake: FakeGCP, tmp_path: Path) -> None:
    fake.deny("/v1/projects/chu-data/locations/europe-west9/keyRings")
    inv = scan(fake, tmp_path)
    assert [(g.service, g.reason) for g in inv.coverage_gaps if g.service == "cloudkms"] == [
        ("cloudkms", "access-denied")]
    assert len([p for _, p, _ in fake.requests if p == f"/v1/{gcp_estate.KEY}"]) == 1  # the link does not ask again
    bucket = by_name(inv, "chu-dossiers-patients")
    assert bucket.encryption is not None and bucket.encryption.manager is KeyManager.CUSTOMER
    assert bucket.encryption.region == "europe-west9"


def test_a_vertex_endpoint_processes_predictions_in_its_region(estate: tuple[FakeGCP, Inventory]) -> None:
    fake, inv = estate
    endpoint = by_name(inv, "triage-urgences")
    assert (endpoint.kind, endpoint.account, endpoint.region) == ("ai-inference", "chu-research", "us-central1")
    assert places(inv, "triage-urgences") == [("primary", "us-central1", None),
                                              ("processing", "us-central1", "vertex-ai-endpoint")]
    assert endpoint.locations[1].via_detail == "deployed models: triage-v3"
    assert endpoint.attributes["request_response_logging"] == "bq://chu-research.journal_predictions.triage"
    assert endpoint.tags == {"data-classification": "health"}
    assert endpoint.encryption is not None and endpoint.encryption.manager is KeyManager.PROVIDER
    assert any(p.endswith("/endpoints/4817203948123456789") for _, p, _ in fake.requests)


def test_a_vertex_dataset_rests_in_its_region_under_its_key(estate: tuple[FakeGCP, Inventory]) -> None:
    _, inv = estate
    dataset = by_name(inv, "radios-thorax")
    assert (dataset.kind, dataset.region) == ("data-lake", "europe-west9")
    assert places(inv, "radios-thorax") == [("primary", "europe-west9", None)]
    assert dataset.encryption is not None and dataset.encryption.region == "europe-west9"
    assert dataset.attributes["sources"] == ["gs://chu-imagerie/thorax/import.jsonl"]


def test_a_location_that_is_not_one_never_names_a_host(fake: FakeGCP, tmp_path: Path) -> None:
    row = next(a for a in fake.assets if a["assetType"] == "aiplatform.googleapis.com/Endpoint")
    row["name"] = row["name"].replace("locations/us-central1", "locations/evil.example.com#")
    inv = scan(fake, tmp_path)
    endpoint = by_name(inv, "triage-urgences")
    assert endpoint.attributes["depth"] == "listing"
    assert [g.reason for g in inv.coverage_gaps if g.service == "aiplatform"] == ["error"]
    assert not any("evil" in p for _, p, _ in fake.requests)
