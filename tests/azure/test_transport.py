"""Paging, throttling, the read-only guard and scope: what the connector does on the wire."""

from __future__ import annotations

import pytest
from azure.mgmt.resource.databoundaries import DataBoundaryMgmtClient
from azure.mgmt.resource.databoundaries.models import DataBoundaryDefinition, DataBoundaryProperties
from azure_helpers import by_name, scan

from auditor.config import Config
from auditor.connectors import readonly as guard
from auditor.connectors.azure.session import Session
from auditor.connectors.readonly import ReadOnlyViolation
from auditor.demo import azure_estate as est
from auditor.demo.fakearm import FakeARM
from auditor.pipeline import scope_filter


def calls(fake: FakeARM, suffix: str, method: str = "GET") -> list[dict[str, str]]:
    return [q for m, p, q in fake.requests if m == method and p.lower().endswith(suffix.lower())]


def test_next_link_pages_are_all_followed(fake: FakeARM) -> None:
    inventory = scan(fake)
    pages = calls(fake, f"/subscriptions/{est.SUB}/providers/Microsoft.Authorization/roleAssignments")
    assert [q.get("$skiptoken") for q in pages] == [None, "2", "4"]  # 5 assignments, 2 per page
    grants = {g.principal for g in by_name(inventory, "stimagerieloire").access}
    assert {est.MEMBER, est.GUEST, est.GROUP} <= grants  # found on the first, second and third page


def test_resource_graph_skip_token_paging(fake: FakeARM) -> None:
    inventory = scan(fake)
    posts = [p for m, p, _ in fake.requests if m == "POST" and "ResourceGraph" in p]
    assert len(posts) >= 3  # the estate's rows come 5 per page
    assert {r.name for r in inventory.resources} >= {"stdpiloire", "stgenomique", "pg-eds-loire", "fhir-loire"}


def test_429_is_retried_after_retry_after(fake: FakeARM) -> None:
    account = f"/subscriptions/{est.SUB}/resourceGroups/rg-sante/providers/Microsoft.Storage/storageAccounts/stdpiloire"
    fake.throttle(account, times=1, retry_after=1)
    inventory = scan(fake)
    assert len(calls(fake, account)) == 2
    assert by_name(inventory, "stdpiloire").attributes["replication"] == "GRS"
    assert not [g for g in inventory.coverage_gaps if g.resource_id == account]


def test_resource_graph_quota_is_waited_for_and_its_post_retried(fake: FakeARM) -> None:
    fake.throttle("/providers/Microsoft.ResourceGraph/resources", times=1, retry_after=1,
                  header="x-ms-user-quota-resets-after")
    inventory = scan(fake)
    assert not [g for g in inventory.coverage_gaps if g.service == "Microsoft.ResourceGraph"]
    assert by_name(inventory, "fhir-loire").region == "francecentral"
    assert not calls(fake, f"/subscriptions/{est.SUB}/resources")  # no fallback was needed


def test_throttled_past_the_retries_is_a_gap(fake: FakeARM) -> None:
    account = f"/subscriptions/{est.SUB}/resourceGroups/rg-sante/providers/Microsoft.Storage/storageAccounts/stdpiloire"
    fake.throttle(account, times=50, retry_after=0.01)
    inventory = scan(fake)
    gap = next(g for g in inventory.coverage_gaps if g.resource_id == account)
    assert gap.reason == "throttled" and gap.service == "Microsoft.Storage"
    assert by_name(inventory, "stdpiloire").region == "westeurope"  # what Resource Graph said is kept


def test_guard_refuses_a_put_before_it_is_sent(fake: FakeARM) -> None:
    session = Session(est.azure_config(fake))
    client = session.sdk(DataBoundaryMgmtClient)
    body = DataBoundaryDefinition(properties=DataBoundaryProperties(data_boundary="Global"))
    with pytest.raises(ReadOnlyViolation, match="refused PUT"):
        client.data_boundaries.put("default", body)
    assert "PUT" not in fake.methods()
    assert not [p for m, p, _ in fake.requests if "databoundaries" in p.lower()]
    session.close()


@pytest.mark.parametrize(("method", "url", "ok"), [
    ("GET", "https://management.azure.com/subscriptions/x", True),
    ("POST", "https://management.azure.com/providers/Microsoft.ResourceGraph/resources", True),
    ("POST", "https://login.microsoftonline.com/tid/oauth2/v2.0/token", False),  # only the configured authority
    ("POST", "https://management.azure.com/subscriptions/x/providers/Microsoft.Storage/storageAccounts/a/listKeys",
     False),
    ("POST", "https://management.azure.com/subscriptions/x/providers/Microsoft.Storage/register", False),
    ("PUT", "https://management.azure.com/providers/Microsoft.ResourceGraph/resources", False),
    ("DELETE", "https://management.azure.com/subscriptions/x/resourceGroups/rg", False),
    ("PATCH", "https://management.azure.com/subscriptions/x", False),
])
def test_guard_allows_only_declared_reads(method: str, url: str, ok: bool) -> None:
    assert guard.azure_is_read_only(method, url) is ok


def test_scope_filter_limits_the_deep_reads(fake: FakeARM) -> None:
    inventory = scan(fake, scope_filter(Config()))
    names = {r.name for r in inventory.resources}
    assert "stmarketing" not in names and {"stimagerieloire", "fhir-loire", "pmsi", "cosmos-dossiers"} <= names
    assert not calls(fake, "/storageAccounts/stmarketing")  # listed by Resource Graph, never read
