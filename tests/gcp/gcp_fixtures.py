"""Documents added on top of the hospital's estate (``auditor.demo.gcp_estate``) for the tests of the
connector's later reads, in each API's own shapes. Where each shape comes from (checked 2026-12-07):

- Vertex AI ``locations.list`` (google.cloud.location ``Location``: ``name``, ``locationId``), ``endpoints.list``
  (``{"endpoints": [Endpoint]}``) and ``datasets.list`` (``{"datasets": [Dataset]}``):
  https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations/list,
  https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.endpoints/list,
  https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.datasets/list
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
