"""The connector's later reads: Vertex AI without Asset Inventory, custom roles, BigQuery snapshots and
clones, Data Access audit logs, VPC Service Controls (fixtures in ``gcp_fixtures``)."""

from __future__ import annotations

from pathlib import Path

from gcp_fixtures import endpoints, vertex_server
from gcp_helpers import by_name, scan

from auditor.demo import gcp_estate
from auditor.demo.fakegcp import FakeGCP
from auditor.model.inventory import LocationRole
from auditor.model.vocab import GapReason

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
