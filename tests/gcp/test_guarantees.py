"""Read-only, origin-confined, bounded, and every failure a coverage gap (never a pass)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gcp_helpers import by_name, config, scan

from auditor.connectors.gcp import SERVICES
from auditor.connectors.gcp.scan import declared
from auditor.connectors.gcp.session import GuardError, Session, is_read_only
from auditor.demo import gcp_estate
from auditor.demo.fakegcp import FakeGCP
from auditor.errors import ConnectorError
from auditor.model.inventory import GapAspect
from auditor.model.vocab import GapReason, GrantSource


def test_every_declared_operation_is_a_read() -> None:
    for method_id in declared(SERVICES):  # the modules not in SERVICES too (discovery, projects, inherited grants)
        assert is_read_only(method_id), method_id


def test_the_guard_refuses_writes_undeclared_methods_and_other_origins(fake: FakeGCP, tmp_path: Path) -> None:
    session = Session(config(fake, tmp_path).gcp, declared(SERVICES))
    base = f"{fake.base_url}/storage/v1/b/x"
    with pytest.raises(GuardError, match="only reads"):
        session.check("DELETE", "storage.buckets.get", "storage", base)
    with pytest.raises(GuardError, match="not a declared"):
        session.check("GET", "storage.objects.get", "storage", base)
    with pytest.raises(GuardError, match="not the configured origin"):
        session.check("GET", "storage.buckets.get", "storage", "https://storage.googleapis.com/storage/v1/b/x")
    with pytest.raises(GuardError, match="not the configured origin"):
        session.check("GET", "storage.buckets.get", "storage", base.replace("https://", "http://"))
    with pytest.raises(GuardError, match="not an API host label"):
        session.check("GET", "aiplatform.projects.locations.endpoints.get", "evil.example.com/x-aiplatform", base)
    assert not [p for _, p, _ in fake.requests if p != "/token"]  # nothing was sent


def test_a_regional_api_takes_its_api_s_configured_origin_or_its_regional_host() -> None:
    from auditor.config import GcpConfig
    from auditor.connectors.gcp.session import Endpoints

    configured = Endpoints(GcpConfig(endpoints={"aiplatform": "https://vertex.internal.example"}))
    assert configured.base("europe-west9-aiplatform") == "https://vertex.internal.example"
    assert Endpoints(GcpConfig(universe_domain="s3nsapis.fr")).base("u-france-east1-aiplatform") == (
        "https://u-france-east1-aiplatform.s3nsapis.fr")


def test_asset_inventory_disabled_falls_back_to_each_service_and_says_so(fake: FakeGCP, tmp_path: Path) -> None:
    fake.disable("/v1/organizations/", "Cloud Asset API")
    inv = scan(fake, tmp_path)
    assert {r.name for r in inv.resources} >= {"chu-dossiers-patients", "entrepot_recherche", "chu-dpi", "dossiers"}
    [gap] = [g for g in inv.coverage_gaps if g.service == "cloudasset" and "project by project" in g.error]
    assert gap.reason is GapReason.API_UNAVAILABLE and "SERVICE_DISABLED" in gap.error
    assert "project by project" in gap.error
    assert any(p == "/storage/v1/b" for _, p, _ in fake.requests)


def test_a_denied_iam_policy_is_an_access_gap_not_a_private_bucket(fake: FakeGCP, tmp_path: Path) -> None:
    fake.deny("/storage/v1/b/chu-exports-publics/iam")
    inv = scan(fake, tmp_path)
    assert [g for g in by_name(inv, "chu-exports-publics").access if g.source is GrantSource.BUCKET_POLICY] == []
    [gap] = [g for g in inv.coverage_gaps if g.resource_id and "chu-exports-publics" in g.resource_id]
    assert (gap.reason, gap.aspect) == (GapReason.ACCESS_DENIED, GapAspect.ACCESS)


def test_a_redirect_elsewhere_is_an_untrusted_link_and_the_token_stays_home(fake: FakeGCP, tmp_path: Path) -> None:
    (tmp_path / "attacker").mkdir()
    with FakeGCP(ca_dir=tmp_path / "attacker", ca=fake.ca) as other:
        fake.redirect("/storage/v1/b/chu-imagerie", f"{other.base_url}/steal")
        inv = scan(fake, tmp_path)
        assert other.requests == []
    [gap] = [g for g in inv.coverage_gaps if g.reason is GapReason.UNTRUSTED_LINK]
    assert other.base_url in gap.error and "chu-imagerie" in (gap.resource_id or "")


def test_a_page_token_that_repeats_itself_ends_the_listing_with_a_gap(fake: FakeGCP, tmp_path: Path) -> None:
    fake.loop("/v3/projects:search")
    inv = scan(fake, tmp_path)
    assert any(g.service == "cloudresourcemanager" and "repeats itself" in g.error for g in inv.coverage_gaps)
    assert sum(1 for _, p, _ in fake.requests if p == "/v3/projects:search") == 2


def test_a_credential_of_another_universe_is_refused_before_anything_is_sent(fake: FakeGCP, tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS",
                       str(gcp_estate.service_account_key(fake, tmp_path, "s3nsapis.fr")))
    with pytest.raises(ConnectorError, match=r"universe s3nsapis\.fr"):
        scan(fake, tmp_path)
    assert fake.requests == []


def test_no_credential_is_one_line_naming_how_to_give_one(fake: FakeGCP, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    with pytest.raises(ConnectorError) as err:
        scan(fake, tmp_path)
    assert "GOOGLE_APPLICATION_CREDENTIALS" in err.value.one_line()


def test_no_secret_reaches_the_inventory(fake: FakeGCP, tmp_path: Path) -> None:
    fake.deny("/bigquery/")
    inv = scan(fake, tmp_path)
    text = repr(inv)
    key = (tmp_path / "sa-googleapis.com.json").read_text()
    assert "PRIVATE KEY" not in text and "ya29." not in text and key[200:260] not in text
    assert any(g.service == "bigquery" for g in inv.coverage_gaps)


def test_inherited_policies_unreadable_make_every_store_s_access_unknown(fake: FakeGCP, tmp_path: Path) -> None:
    fake.deny(f"/v1/organizations/{gcp_estate.ORG}:searchAllIamPolicies")
    inv = scan(fake, tmp_path)
    inherited = [g for g in inv.coverage_gaps if "inherited grants are unknown" in g.error]
    assert {g.aspect for g in inherited} == {GapAspect.ACCESS} and len(inherited) == len(inv.resources)


def test_throttling_is_retried_then_a_gap(fake: FakeGCP, tmp_path: Path) -> None:
    fake.throttle("/storage/v1/b/chu-imagerie", 2)  # two 429s, then the answer
    fake.throttle("/bigquery/v2/projects/chu-research/datasets/entrepot_recherche", 50)  # never answers
    inv = scan(fake, tmp_path)
    assert by_name(inv, "chu-imagerie").attributes["depth"] == "deep"
    [gap] = [g for g in inv.coverage_gaps if g.service == "bigquery"]
    assert gap.reason is GapReason.THROTTLED and gap.resource_id and "entrepot_recherche" in gap.resource_id


def test_listed_projects_are_searched_one_by_one(fake: FakeGCP, tmp_path: Path) -> None:
    inv = scan(fake, tmp_path, projects=["chu-research"])
    assert inv.scope.accounts == ("chu-research",)
    assert {(g.resource_id or "").rsplit("/", 1)[-1] for g in inv.coverage_gaps if g.aspect is GapAspect.ACCESS
            and "configure gcp.organization" in g.error} == {"entrepot_recherche", "chu-exports-publics", "cohortes",
                                                  "4817203948123456789"}  # the Vertex AI endpoint
    assert {r.name for r in inv.resources} == {"entrepot_recherche", "chu-exports-publics", "cohortes",
                                               "triage-urgences"}
    assert {r.account for r in inv.resources} == {"chu-research"}
    assert any(p == "/v1/projects/chu-research:searchAllResources" for _, p, _ in fake.requests)


def test_the_test_configuration_points_every_api_the_connector_uses_at_the_fake() -> None:
    from auditor.connectors.gcp.context import _api

    assert {_api(op) for op in declared(SERVICES)} <= set(gcp_estate.SERVICES)
