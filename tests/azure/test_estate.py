"""The hospital's Azure estate, scanned by the real connector: each case of the issue, as a user
would read it in inventory.json."""

from __future__ import annotations

import json
import os

import pytest
from azure_helpers import by_name

from auditor.config import Config
from auditor.connectors.azure.context import UNKNOWN_REGION
from auditor.demo import azure_estate as est
from auditor.demo.fakearm import FakeARM
from auditor.model.codec import to_dict
from auditor.model.inventory import Inventory, KeyManager, LocationRole, Permission, PrincipalKind
from auditor.pipeline import scope_filter
from auditor.progress import NullReporter

Estate = tuple[FakeARM, Inventory]


def places(inventory: Inventory, name: str) -> set[tuple[str, str]]:
    return {(loc.role.value, loc.region) for loc in by_name(inventory, name).locations}


def test_grs_in_westeurope_keeps_its_secondary_in_northeurope(estate: Estate) -> None:
    assert places(estate[1], "stdpiloire") >= {("primary", "westeurope"), ("geo-secondary", "northeurope")}


def test_ra_grs_secondary_is_the_one_arm_reports_not_the_documented_pair(estate: Estate) -> None:
    account = by_name(estate[1], "stimagerieloire")
    secondaries = {loc.region for loc in account.locations if loc.role is LocationRole.GEO_SECONDARY}
    assert secondaries == {"eastus"}  # francecentral's documented pair is francesouth: not assumed
    assert account.attributes["replication"] == "RAGRS"


def test_cosmos_read_region_in_eastus_is_a_replica(estate: Estate) -> None:
    cosmos = by_name(estate[1], "cosmos-dossiers")
    assert cosmos.region == "francecentral"
    assert ("replica", "eastus") in places(estate[1], "cosmos-dossiers")
    assert ("backup", "francesouth") in places(estate[1], "cosmos-dossiers")  # periodic, Geo redundancy


def test_sql_failover_group_to_a_us_region_and_geo_backups(estate: Estate) -> None:
    db = by_name(estate[1], "pmsi")
    replicas = [loc for loc in db.locations if loc.role is LocationRole.REPLICA]
    assert [(r.region, r.via, r.via_detail) for r in replicas] == [("westus", "sql-failover-group", "fg-pmsi")]
    assert replicas[0].target and replicas[0].target.endswith("/servers/sql-loire-us")
    assert ("backup", "francesouth") in places(estate[1], "pmsi")
    assert db.tags == est.HEALTH  # inherited from the server: the database is in scope because of it


def test_object_replication_to_another_tenant(estate: Estate) -> None:
    inventory = estate[1]
    account = by_name(inventory, "stdpiloire")
    copy = next(loc for loc in account.locations if loc.via == "object-replication")
    assert copy.role is LocationRole.REPLICA and copy.region == UNKNOWN_REGION and copy.account == est.PARTNER_SUB
    grant = next(g for g in account.access if g.source == "object-replication")
    assert grant.home == est.PARTNER_TENANT  # from ARM's 401 challenge for the foreign subscription
    assert any(g.account == est.PARTNER_SUB and g.reason == "access-denied" for g in inventory.coverage_gaps)


def test_lighthouse_delegation_gives_the_managing_tenant_access(estate: Estate) -> None:
    grants = [g for g in by_name(estate[1], "fhir-loire").access if g.source == "lighthouse"]
    assert len(grants) == 1
    assert grants[0].home == est.MSP_TENANT and grants[0].permission is Permission.ADMIN
    assert "Infogérance Atlantique" in (grants[0].condition or "")
    assert not [g for g in by_name(estate[1], "stgenomique").access if g.source == "lighthouse"]  # other subscription


def test_public_blob_access_is_an_anonymous_grant(estate: Estate) -> None:
    public = [g for g in by_name(estate[1], "stimagerieloire").access if g.principal_kind is PrincipalKind.PUBLIC]
    assert len(public) == 1 and "radiologie-public" in (public[0].condition or "")
    # allowBlobPublicAccess is on, but no container is public: no anonymous grant
    assert not [g for g in by_name(estate[1], "stmarketing").access if g.principal_kind is PrincipalKind.PUBLIC]


def test_customer_key_in_a_vault_in_another_region(estate: Estate) -> None:
    key = by_name(estate[1], "stimagerieloire").encryption
    assert key is not None and key.manager is KeyManager.CUSTOMER and key.region == "eastus"
    assert {(loc.role.value, loc.region) for loc in key.locations} == {("primary", "eastus"),
                                                                       ("geo-secondary", "westus")}
    tde = by_name(estate[1], "pmsi").encryption
    assert tde is not None and tde.region == "eastus" and tde.manager is KeyManager.CUSTOMER
    assert by_name(estate[1], "stdpiloire").encryption.manager is KeyManager.PROVIDER  # type: ignore[union-attr]


def test_fhir_service_is_a_health_api_with_its_export_copy(estate: Estate) -> None:
    fhir = by_name(estate[1], "fhir-loire")
    assert (fhir.kind, fhir.region, fhir.service) == ("health-api", "francecentral", "Microsoft.HealthcareApis")
    assert ("snapshot-copy", "francecentral") in places(estate[1], "fhir-loire")
    assert fhir.encryption is not None and fhir.encryption.region == "francecentral"


def test_denied_subscription_is_a_gap_not_an_empty_subscription(estate: Estate) -> None:
    gaps = [g for g in estate[1].coverage_gaps if g.account == est.ARCHIVE_SUB]
    assert [(g.provider, g.service, g.reason) for g in gaps] == [("azure", "Microsoft.Resources", "access-denied")]
    assert est.ARCHIVE_SUB in estate[1].scope.accounts


def test_front_door_in_front_of_a_health_account_is_a_global_edge_cache(estate: Estate) -> None:
    edge = [loc for loc in by_name(estate[1], "stimagerieloire").locations if loc.role is LocationRole.EDGE_CACHE]
    assert [(e.region, e.via, e.via_detail) for e in edge] == [("global", "front-door", "afd-portail-patients")]
    assert by_name(estate[1], "afd-portail-patients").kind == "cdn"


def test_classic_cdn_endpoint_origin_is_matched_by_host_name(estate: Estate) -> None:
    edge = [loc for loc in by_name(estate[1], "stgenomique").locations if loc.role is LocationRole.EDGE_CACHE]
    assert [(e.region, e.via, e.via_detail) for e in edge] == [("global", "cdn", "cdn-publications")]


def test_a_fhir_server_trusting_another_tenants_tokens(estate: Estate) -> None:
    legacy = [g for g in by_name(estate[1], "fhir-legacy-loire").access if g.source == "token-authority"]
    assert [(g.home, g.principal_kind) for g in legacy] == [(est.PARTNER_TENANT, PrincipalKind.ACCOUNT)]
    assert not [g for g in by_name(estate[1], "fhir-loire").access if g.source == "token-authority"]


def test_replicas_and_vault_backups_of_a_flexible_server(estate: Estate) -> None:
    found = places(estate[1], "pg-eds-loire")
    assert {("replica", "uksouth"), ("backup", "francesouth")} <= found
    backups = [loc for loc in by_name(estate[1], "pg-eds-loire").locations if (loc.target or "").endswith(
        "/backupVaults/bv-recherche")]
    assert {b.region for b in backups} == {"francecentral", "francesouth"}


def test_guests_foreign_apps_and_foreign_groups(estate: Estate) -> None:
    img = {g.principal: g for g in by_name(estate[1], "stimagerieloire").access}
    assert img[est.GUEST].principal_kind is PrincipalKind.GUEST and img[est.GUEST].home is None
    fhir = {g.principal: g for g in by_name(estate[1], "fhir-loire").access}
    assert fhir[est.FOREIGN_APP].principal_kind is PrincipalKind.FOREIGN_TENANT_APP
    assert fhir[est.FOREIGN_APP].home == est.PARTNER_TENANT and fhir[est.FOREIGN_APP].source == "role-assignment"
    cosmos = {g.principal: g for g in by_name(estate[1], "cosmos-dossiers").access}
    assert cosmos[est.FOREIGN_GROUP].home is None and "ForeignGroup" in (cosmos[est.FOREIGN_GROUP].condition or "")
    reader = fhir[est.MEMBER]  # Reader at the subscription: configuration only
    assert (reader.source, reader.permission, reader.home) == ("role-assignment-control-plane", Permission.READ,
                                                               est.TENANT)


def test_tenant_boundary_and_scope(estate: Estate) -> None:
    inventory = estate[1]
    assert {r.organization for r in inventory.resources} == {est.TENANT}
    assert {r.attributes["eu_data_boundary"] for r in inventory.resources} == {"EU"}
    assert inventory.scope.organizations == (est.TENANT,)
    assert set(inventory.scope.accounts) == {est.SUB, est.RESEARCH_SUB, est.ARCHIVE_SUB}


def test_only_reads_reach_the_cloud(estate: Estate) -> None:
    fake = estate[0]
    posts = {path.lower() for method, path, _ in fake.requests if method == "POST"}
    assert fake.methods() == {"GET", "POST"}
    assert all(p.endswith("/oauth2/v2.0/token") or p == "/providers/microsoft.resourcegraph/resources" for p in posts)


def test_inventory_round_trips_to_json(estate: Estate) -> None:
    text = json.dumps(to_dict(estate[1]))
    assert "stimagerieloire" in text and est.CLIENT_SECRET not in text


def test_diagnostic_settings_give_logging_and_log_destinations(estate: Estate) -> None:
    fhir = by_name(estate[1], "fhir-loire")
    assert fhir.logging is True
    assert ("log-destination", "westeurope") in places(estate[1], "fhir-loire")
    img = by_name(estate[1], "stimagerieloire")
    assert img.logging is True and ("log-destination", "eastus") in places(estate[1], "stimagerieloire")
    assert by_name(estate[1], "stdpiloire").logging is False  # metrics only: no access log
    assert by_name(estate[1], "stgenomique").logging is False  # no diagnostic setting at all


def test_demo_collect_leaves_the_process_environment_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem")
    for key in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_AUTHORITY_HOST"):
        monkeypatch.delenv(key, raising=False)
    reporter = NullReporter()
    inventory = est.collect(Config(), reporter, scope_filter(Config()))
    assert {"fhir-loire", "stimagerieloire", "pmsi"} <= {r.name for r in inventory.resources}
    assert "stmarketing" not in {r.name for r in inventory.resources}
    assert os.environ["REQUESTS_CA_BUNDLE"] == "/nonexistent/ca.pem" and "AZURE_CLIENT_SECRET" not in os.environ
    assert reporter.messages and est.CLIENT_SECRET not in " ".join(reporter.messages)
