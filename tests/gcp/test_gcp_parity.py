"""Live scan and plan gate agree on every Google Cloud type they both know.

The hospital's organisation (``auditor.demo.gcp_estate``) is scanned on the local fake, and the same
resources are written as planned google changes (argument names from the provider's resource
documentation); the normalised resources must be the same: region, the regions of every copy with
its role, the key manager, and whether anyone anonymous can read. A row may leave out an aspect the
plan cannot know, with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from gcp_helpers import by_name

from auditor.connectors import gcp
from auditor.connectors.terraform import read_plan
from auditor.demo import gcp_estate
from auditor.model.inventory import Inventory, PrincipalKind, Resource
from tests.terraform.planbuilder import PlanBuilder, Ref, known

GOOGLE = "registry.terraform.io/hashicorp/google"
HEALTH = gcp_estate.HEALTH


@dataclass(frozen=True)
class Case:
    native: str  # the asset type (TypeSpec.native)
    live: str  # the resource's name in the scan
    planned: str  # its name in the plan
    terraform: list[tuple[str, dict[str, Any]]]  # planned changes (address, configuration); the store first
    plan_cannot_tell: Mapping[str, str] = field(default_factory=dict)  # aspect -> why


OWNERS = {"role": "roles/storage.admin", "members": [f"group:dsi@{gcp_estate.DOMAIN}"]}

CASES = [
    Case("storage.googleapis.com/Bucket", "chu-dossiers-patients", "chu-dossiers-patients",
         [("google_storage_bucket.records", {
             "name": "chu-dossiers-patients", "location": "EUROPE-WEST9", "labels": HEALTH, "project": "chu-data",
             "uniform_bucket_level_access": True, "public_access_prevention": "enforced",
             "encryption": [{"default_kms_key_name": gcp_estate.KEY}]})]),
    Case("storage.googleapis.com/Bucket", "chu-imagerie", "chu-imagerie",
         [("google_storage_bucket.imaging", {
             "name": "chu-imagerie", "location": "EU", "labels": HEALTH, "project": "chu-data",
             "uniform_bucket_level_access": True,
             "custom_placement_config": [{"data_locations": ["EUROPE-WEST9", "EUROPE-WEST4"]}]})]),
    Case("storage.googleapis.com/Bucket", "chu-exports-publics", "chu-exports-publics",
         [("google_storage_bucket.exports", {
             "name": "chu-exports-publics", "location": "EUROPE-WEST1", "labels": HEALTH, "project": "chu-research",
             "uniform_bucket_level_access": True, "public_access_prevention": "inherited"}),
          ("google_storage_bucket_iam_member.public", {
              "bucket": known("google_storage_bucket.exports.name", "chu-exports-publics"),
              "role": "roles/storage.objectViewer", "member": "allUsers"})]),
    Case("bigquery.googleapis.com/Dataset", "entrepot_recherche", "entrepot_recherche",
         [("google_bigquery_dataset.warehouse", {"dataset_id": "entrepot_recherche", "location": "US",
                                                 "labels": HEALTH, "project": "chu-research"})]),
    Case("sqladmin.googleapis.com/Instance", "chu-dpi", "chu-dpi",
         [("google_sql_database_instance.dpi", {
             "name": "chu-dpi", "region": "europe-west9", "database_version": "POSTGRES_16", "project": "chu-data",
             "settings": [{"tier": "db-custom-2-7680", "user_labels": HEALTH,
                           "backup_configuration": [{"enabled": True}],
                           "ip_configuration": [{"ipv4_enabled": False}]}]}),
          ("google_sql_database_instance.replica", {
              "name": "chu-dpi-replica", "region": "us-central1", "database_version": "POSTGRES_16",
              "project": "chu-data", "master_instance_name": known("google_sql_database_instance.dpi.name", "chu-dpi"),
              "settings": [{"tier": "db-custom-2-7680", "user_labels": HEALTH,
                            "ip_configuration": [{"ipv4_enabled": False}]}]})]),
    Case("healthcare.googleapis.com/Dataset", "dossiers", "dossiers",
         [("google_healthcare_dataset.dossiers", {"name": "dossiers", "location": "europe-west9",
                                                  "time_zone": "Europe/Paris", "project": "chu-data"})]),
    Case("firestore.googleapis.com/Database", "chu-data/(default)", "chu-data/(default)",
         [("google_firestore_database.rdv", {"name": "(default)", "location_id": "eur3", "type": "FIRESTORE_NATIVE",
                                             "project": "chu-data"})]),
    Case("spanner.googleapis.com/Instance", "cohortes", "cohortes",
         [("google_spanner_instance.cohortes", {"name": "cohortes", "config": "nam-eur-asia1", "num_nodes": 1,
                                                "display_name": "Cohortes", "labels": HEALTH,
                                                "project": "chu-research"})],
         {"region": "a plan names the instance configuration (nam-eur-asia1), the live scan reads its replicas' "
                    "regions from instanceConfigs.get; the plan's place is unresolved, so unknown, never a pass",
          "copies": "the replica regions of a configuration are read live only (see region)",
          "key": "Spanner keys are per database (google_spanner_database), not per instance"}),
    Case("cloudkms.googleapis.com/CryptoKey", "sante/dossiers", "sante/dossiers",
         [("google_kms_crypto_key.dossiers", {
             "name": "dossiers", "key_ring": Ref("google_kms_key_ring.sante.id"), "purpose": "ENCRYPT_DECRYPT",
             "version_template": [{"protection_level": "HSM", "algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION"}]}),
          ("google_kms_key_ring.sante", {"name": "sante", "location": "europe-west9", "project": "chu-data"})]),
    Case("aiplatform.googleapis.com/Endpoint", "triage-urgences", "triage-urgences",
         [("google_vertex_ai_endpoint.triage", {
             "name": "4817203948123456789", "display_name": "triage-urgences", "location": "us-central1",
             "region": "us-central1", "labels": HEALTH, "project": "chu-research"})]),
    Case("aiplatform.googleapis.com/Dataset", "radios-thorax", "radios-thorax",
         [("google_vertex_ai_dataset.thorax", {
             "display_name": "radios-thorax", "region": "europe-west9", "labels": HEALTH, "project": "chu-data",
             "metadata_schema_uri": "gs://google-cloud-aiplatform/schema/dataset/metadata/image_1.0.0.yaml",
             "encryption_spec": [{"kms_key_name": gcp_estate.KEY}]})]),
]


def facts(resource: Resource) -> dict[str, Any]:
    """What a verdict rests on, in a form both sources can give."""
    return {
        "region": resource.region,
        "copies": sorted({(loc.region, str(loc.role)) for loc in resource.locations if loc.region != resource.region}),
        "key": str(resource.encryption.manager) if resource.encryption else None,
        "anonymous_read": any(g.principal_kind is PrincipalKind.PUBLIC for g in resource.access),
    }


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    b = PlanBuilder()
    b.provider("google", name="google", full_name=GOOGLE, version="~> 6.0", project="chu-data",
               region="europe-west9")
    for case in CASES:
        for address, config in case.terraform:
            b.resource(address, config)
    path = Path(tmp_path_factory.mktemp("plan")) / "plan.json"
    path.write_text(json.dumps(b.build()), "utf-8")
    return read_plan(path)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.live)
def test_live_and_planned_resources_agree(case: Case, estate: tuple[Any, Inventory], planned: Inventory) -> None:
    scanned, plan = facts(by_name(estate[1], case.live)), facts(by_name(planned, case.planned))
    for aspect in case.plan_cannot_tell:
        scanned.pop(aspect), plan.pop(aspect)
    assert plan == scanned


def test_the_rows_are_not_vacuous(estate: tuple[Any, Inventory], planned: Inventory) -> None:
    """The aspects compared vary across the rows, on both sides (a dual region, a replica, a customer key…)."""
    for inventory in (estate[1], planned):
        assert facts(by_name(inventory, "chu-dossiers-patients"))["key"] == "customer"
        assert facts(by_name(inventory, "chu-exports-publics"))["anonymous_read"] is True
        assert ("us-central1", "replica") in facts(by_name(inventory, "chu-dpi"))["copies"]
        assert facts(by_name(inventory, "chu-imagerie"))["copies"]
        assert facts(by_name(inventory, "triage-urgences"))["region"] == "us-central1"  # processed there too


def test_every_google_type_with_a_plan_mapping_has_a_row() -> None:
    mapped = {spec.native for s in gcp.SERVICES for spec in s.types if spec.terraform}
    assert mapped <= {c.native for c in CASES}
    for case in CASES:
        spec = next(t for s in gcp.SERVICES for t in s.types if t.native == case.native)
        assert case.terraform[0][0].split(".")[0] in spec.terraform

