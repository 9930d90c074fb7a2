"""The connector's later reads: Vertex AI without Asset Inventory, custom roles, BigQuery snapshots and
clones, Data Access audit logs, VPC Service Controls (fixtures in ``gcp_fixtures``)."""

from __future__ import annotations

from pathlib import Path

from gcp_fixtures import (
    INVENTORY_ROLE,
    OLD_ROLE,
    READER_ROLE,
    audit_configs,
    custom_roles,
    endpoints,
    perimeters,
    table_copies,
    vertex_server,
)
from gcp_helpers import by_name, config, scan

from auditor import pipeline
from auditor.demo import gcp_estate
from auditor.demo.fakegcp import FakeGCP
from auditor.model.inventory import GapAspect, LocationRole, Permission
from auditor.model.vocab import GapReason, Via

ORG = gcp_estate.ORG


def test_without_asset_inventory_vertex_ai_is_listed_location_by_location(fake: FakeGCP, tmp_path: Path) -> None:
    fake.deny(f"/v1/organizations/{ORG}:searchAllResources")
    with vertex_server(fake, tmp_path) as vertex:
        inv = scan(fake, tmp_path, endpoints=endpoints(fake, aiplatform=vertex.base_url))
        paths = [p for _, p, _ in vertex.requests]
    endpoint, dataset = by_name(inv, "triage-urgences"), by_name(inv, "radios-thorax")
    assert (endpoint.account, dataset.account) == ("chu-research", "chu-data")
    assert endpoint.attributes["depth"] == "deep"
    assert "aiplatform.projects.locations.endpoints.list" in endpoint.evidence
    assert [(loc.role, loc.region) for loc in endpoint.locations] == [
        (LocationRole.PRIMARY, "us-central1"), (LocationRole.PROCESSING, "us-central1")]
    assert dataset.attributes["sources"] == ["gs://chu-imagerie/thorax/import.jsonl"]
    assert "/v1/projects/chu-data/locations" in paths
    assert "/v1/projects/chu-research/locations/us-central1/endpoints" in paths
    assert not [g for g in inv.coverage_gaps if g.service == "aiplatform"]


def test_vertex_ai_disabled_in_a_project_is_a_gap_of_that_project(fake: FakeGCP, tmp_path: Path) -> None:
    fake.deny(f"/v1/organizations/{ORG}:searchAllResources")
    with vertex_server(fake, tmp_path) as vertex:
        vertex.disable("/v1/projects/chu-research/", "Vertex AI API")
        inv = scan(fake, tmp_path, endpoints=endpoints(fake, aiplatform=vertex.base_url))
    assert [r.name for r in inv.resources if r.service == "aiplatform"] == ["radios-thorax"]
    [gap] = [g for g in inv.coverage_gaps if g.service == "aiplatform"]
    assert (gap.account, gap.reason) == ("chu-research", GapReason.API_UNAVAILABLE)


def test_a_custom_role_reaches_the_data_only_through_its_permissions(fake: FakeGCP, tmp_path: Path) -> None:
    custom_roles(fake)
    inv = scan(fake, tmp_path)
    bucket, warehouse = by_name(inv, "chu-dossiers-patients"), by_name(inv, "entrepot_recherche")
    support = [g for g in bucket.access if g.principal == "user:support@infogerance-externe.fr"]
    assert [(g.permission, g.home) for g in support] == [(Permission.READ, "infogerance-externe.fr")]
    assert "iam.organizations.roles.get" in bucket.evidence
    # storage.objects.get reaches objects, not BigQuery tables; a metadata-only role reaches nothing
    assert not [g for g in warehouse.access if "infogerance-externe" in g.principal]
    assert not [g for r in inv.resources for g in r.access if "partenaire-audit" in g.principal]
    # a project's custom role with bigquery.tables.getData reaches that project's warehouse
    old = [g for g in warehouse.access if g.principal == "user:ancien@labo-partenaire.com"]
    assert [g.permission for g in old] == [Permission.READ]
    assert not [g for g in inv.coverage_gaps if g.service == "iam"]
    assert {p for _, p, _ in fake.requests if "/roles/" in p} == {
        f"/v1/{READER_ROLE}", f"/v1/{INVENTORY_ROLE}", f"/v1/{OLD_ROLE}"}  # once each per scan


def test_an_unreadable_custom_role_is_an_access_gap_of_the_stores_it_is_granted_on(fake: FakeGCP,
                                                                                    tmp_path: Path) -> None:
    custom_roles(fake)
    fake.deny(f"/v1/{OLD_ROLE}")
    inv = scan(fake, tmp_path)
    warehouse = by_name(inv, "entrepot_recherche")
    assert not [g for g in warehouse.access if "ancien@" in g.principal]
    gaps = [g for g in inv.coverage_gaps if g.service == "iam"]
    assert {(g.resource_id or "").rsplit("/", 1)[-1] for g in gaps} >= {"entrepot_recherche", "chu-exports-publics"}
    assert all(g.aspect is GapAspect.ACCESS and g.reason is GapReason.ACCESS_DENIED for g in gaps)
    assert all(g.account == "chu-research" for g in gaps)


def test_snapshots_and_clones_of_a_health_table_are_places_of_its_dataset(fake: FakeGCP, tmp_path: Path) -> None:
    table_copies(fake)
    inv = scan(fake, tmp_path)
    warehouse = by_name(inv, "entrepot_recherche")
    copies = [(loc.role, loc.region, loc.via, loc.account, loc.via_detail) for loc in warehouse.locations
              if loc.role is LocationRole.SNAPSHOT_COPY]
    assert copies == [
        (LocationRole.SNAPSHOT_COPY, "us", Via.BIGQUERY_TABLE_SNAPSHOT, "chu-data", "bac_a_sable.sejours_20241201"),
        (LocationRole.SNAPSHOT_COPY, "us", Via.BIGQUERY_TABLE_CLONE, "chu-data", "bac_a_sable.sejours_essai")]
    assert all(loc.target and loc.target.endswith("/projects/chu-data/datasets/bac_a_sable")
               for loc in warehouse.locations if loc.role is LocationRole.SNAPSHOT_COPY)
    assert warehouse.attributes["table_copies"] == [
        "clone chu-research:entrepot_recherche.sejours -> chu-data:bac_a_sable.sejours_essai",
        "snapshot chu-research:entrepot_recherche.sejours -> chu-data:bac_a_sable.sejours_20241201"]
    got = [p for _, p, _ in fake.requests if "/tables" in p]
    assert "/bigquery/v2/projects/chu-data/datasets/bac_a_sable/tables/notes" not in got  # an ordinary table
    assert not inv.coverage_gaps


def test_a_copy_outside_the_zone_fails_residency_of_its_base_dataset(fake: FakeGCP, tmp_path: Path) -> None:
    table_copies(fake)
    for doc in (fake.objects["/bigquery/v2/projects/chu-research/datasets/entrepot_recherche"],
                *[r for r in fake.assets if str(r["name"]).endswith("/entrepot_recherche")]):
        doc["location"] = "EU" if "kind" in doc else "eu"  # the research warehouse moved to the EU
    snapshot = fake.objects["/bigquery/v2/projects/chu-data/datasets/bac_a_sable/tables/sejours_20241201"]

    def residency() -> set[str]:
        inv = scan(fake, tmp_path)
        findings = pipeline.assess(inv, config(fake, tmp_path)).doc.findings
        return {f.policy_id for f in findings if f.policy_id.startswith("RES") and str(f.status) == "fail"
                and f.resource_id.endswith("/entrepot_recherche")}

    for path, doc in fake.objects.items():
        if "/bac_a_sable" in path:
            doc["location"] = "EU"
    assert residency() == set()
    snapshot["location"] = "asia-northeast1"  # (Google keeps a snapshot in its base's region; the fact decides)
    assert residency()


def test_tables_that_cannot_be_listed_are_a_location_gap_of_their_dataset(fake: FakeGCP, tmp_path: Path) -> None:
    table_copies(fake)
    fake.deny("/bigquery/v2/projects/chu-data/datasets/bac_a_sable/tables")
    inv = scan(fake, tmp_path)
    [gap] = [g for g in inv.coverage_gaps if g.service == "bigquery"]
    assert (gap.aspect, gap.reason, gap.account) == (GapAspect.LOCATION, GapReason.ACCESS_DENIED, "chu-data")
    assert gap.resource_id and gap.resource_id.endswith("/bac_a_sable")


def _log_verdicts(fake: FakeGCP, tmp_path: Path, **extra: object) -> dict[str, str]:
    inv = scan(fake, tmp_path, **extra)
    doc = pipeline.assess(inv, config(fake, tmp_path, **extra)).doc
    return {f.resource_id.rsplit("/", 1)[-1]: str(f.status) for f in doc.findings if f.policy_id == "LOG-001"}


def test_data_access_audit_logs_decide_log_001(fake: FakeGCP, tmp_path: Path) -> None:
    audit_configs(fake)
    inv = scan(fake, tmp_path)
    bucket = by_name(inv, "chu-dossiers-patients")
    assert bucket.logging is True and bucket.attributes["data_access_logs"] == "DATA_READ"
    assert bucket.attributes["data_access_log_exempted"] == [
        "serviceAccount:sauvegarde@chu-data.iam.gserviceaccount.com"]
    assert by_name(inv, "entrepot_recherche").logging is True  # BigQuery's Data Access logs are always on
    assert by_name(inv, "chu-dpi").logging is False  # DATA_WRITE only: reads are not logged
    assert by_name(inv, "dossiers").logging is False
    assert not inv.coverage_gaps
    verdicts = _log_verdicts(fake, tmp_path)
    assert verdicts.get("chu-dpi") == "fail"  # passes are counted, not listed
    assert "chu-dossiers-patients" not in verdicts and "entrepot_recherche" not in verdicts


def test_unreadable_audit_configurations_leave_log_001_unknown(fake: FakeGCP, tmp_path: Path) -> None:
    audit_configs(fake)
    fake.deny(f"/v1/organizations/{ORG}/assets")
    inv = scan(fake, tmp_path)
    assert by_name(inv, "chu-dossiers-patients").logging is None
    [gap] = [g for g in inv.coverage_gaps if "audit configurations" in g.error]
    assert gap.reason is GapReason.ACCESS_DENIED and gap.resource_id is None
    verdicts = _log_verdicts(fake, tmp_path)
    assert verdicts.get("chu-dossiers-patients") == "unknown" and "entrepot_recherche" not in verdicts


def test_projects_one_by_one_see_only_their_own_audit_configuration(fake: FakeGCP, tmp_path: Path) -> None:
    audit_configs(fake)
    inv = scan(fake, tmp_path, projects=["chu-data"])
    assert by_name(inv, "chu-dossiers-patients").logging is None  # the organisation's configuration is not seen
    assert [g.account for g in inv.coverage_gaps if "audit configurations" in g.error] == ["chu-data"]


def test_a_store_inside_a_vpc_service_controls_perimeter_says_so(fake: FakeGCP, tmp_path: Path) -> None:
    perimeters(fake)
    inv = scan(fake, tmp_path)
    assert by_name(inv, "chu-dossiers-patients").attributes["vpc_service_perimeters"] == ["sante"]
    assert by_name(inv, "dossiers").attributes["vpc_service_perimeters"] == ["sante"]
    assert "vpc_service_perimeters" not in by_name(inv, "chu-dpi").attributes  # Cloud SQL is not restricted
    assert by_name(inv, "entrepot_recherche").attributes["vpc_service_perimeters"] == ["recherche (dry run)"]
    assert "vpc_service_perimeters" not in by_name(inv, "chu-exports-publics").attributes
    assert ("GET", "/v1/accessPolicies", {"parent": f"organizations/{ORG}"}) in fake.requests
    assert not inv.coverage_gaps


def test_access_context_manager_denied_is_a_gap_no_store_check_depends_on(fake: FakeGCP, tmp_path: Path) -> None:
    perimeters(fake)
    fake.deny("/v1/accessPolicies")
    inv = scan(fake, tmp_path)
    [gap] = [g for g in inv.coverage_gaps if g.service == "accesscontextmanager"]
    assert gap.reason is GapReason.ACCESS_DENIED and gap.resource_id is None
    assert all("vpc_service_perimeters" not in r.attributes for r in inv.resources)


def test_the_report_shows_a_store_s_perimeter_in_both_languages(fake: FakeGCP, tmp_path: Path) -> None:
    perimeters(fake)
    inv = scan(fake, tmp_path)
    doc = pipeline.assess(inv, config(fake, tmp_path)).doc
    for lang, text in (("en", "inside VPC Service Controls perimeter(s): recherche (dry run)"),
                       ("fr", "dans le(s) périmètre(s) VPC Service Controls : recherche (dry run)")):
        paths = pipeline.write_outputs(doc, tmp_path / lang, ["html"], lang, inventory=inv)
        html = next(p for p in paths if p.suffix == ".html").read_text(encoding="utf-8")
        assert text in html.replace("&#39;", "'").replace("\u202f", " ").replace("\u00a0", " ")
