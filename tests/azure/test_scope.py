"""Which subscriptions are read, and what happens when the fast listing itself fails."""

from __future__ import annotations

from azure_helpers import by_name, scan

from auditor.demo import azure_estate as est
from auditor.demo.fakearm import FakeARM


def test_management_group_limits_the_subscriptions(fake: FakeARM) -> None:
    inventory = scan(fake, management_group=est.CARE_GROUP)
    assert set(inventory.scope.accounts) == {est.SUB, est.ARCHIVE_SUB}
    assert {r.account for r in inventory.resources} == {est.SUB}
    assert "stgenomique" not in {r.name for r in inventory.resources}  # research subscription: not in the group


def test_configured_subscriptions_and_one_that_does_not_exist(fake: FakeARM) -> None:
    missing = "deadbeef-0000-4000-8000-000000000000"
    inventory = scan(fake, subscriptions=(est.RESEARCH_SUB, missing))
    assert {r.account for r in inventory.resources} == {est.RESEARCH_SUB}
    assert [(g.account, g.reason) for g in inventory.coverage_gaps if g.account == missing] == [(missing, "not-found")]


def test_resource_graph_unavailable_falls_back_to_the_arm_resource_list(fake: FakeARM) -> None:
    fake.deny("/providers/Microsoft.ResourceGraph")
    inventory = scan(fake)
    assert [g.reason for g in inventory.coverage_gaps if g.service == "Microsoft.ResourceGraph"] == ["access-denied"]
    assert by_name(inventory, "stimagerieloire").attributes["replication"] == "RAGRS"
    assert by_name(inventory, "pmsi").tags == est.HEALTH
    assert [q for m, p, q in fake.requests if p.endswith(f"/subscriptions/{est.SUB}/resources")]


def test_mysql_flexible_server_geo_backup_lands_in_the_pair(fake: FakeARM) -> None:
    server = by_name(scan(fake), "mysql-registre-cancers")
    assert (server.service, server.kind) == ("Microsoft.DBforMySQL", "database")
    assert {(loc.role.value, loc.region) for loc in server.locations} == {("primary", "westeurope"),
                                                                          ("backup", "northeurope")}


def test_a_credential_that_sees_no_subscription_is_a_gap(fake: FakeARM) -> None:
    for sub in list(fake.subscriptions.values()):
        sub["_listed"] = False
    inventory = scan(fake)
    assert inventory.resources == ()
    assert [(g.service, g.reason) for g in inventory.coverage_gaps] == [("Microsoft.Resources", "not-read")]
