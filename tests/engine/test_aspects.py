"""Unknown only where the facts cannot decide: a gap on one aspect of a store makes unknown only
the checks that read that aspect, and says what was not read (never something untrue)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from auditor.config import Config
from auditor.engine.context import aspects_of
from auditor.model.findings import Finding, Status
from auditor.model.inventory import (
    AccessGrant,
    CoverageGap,
    DataLocation,
    GapAspect,
    Inventory,
    KeyManager,
    KeyRef,
    LocationRole,
    Network,
    PrincipalKind,
    Resource,
    Scope,
)
from auditor.pipeline import assess

ARN = "arn:aws:s3:::patients"


def store(*, copies: tuple[str, ...] = (), logging: bool | None = True, region: str = "eu-west-3") -> Resource:
    return Resource(
        id=ARN, provider="aws", account="111122223333", service="s3", kind="object-store",
        native_type="AWS::S3::Bucket", name="patients", region=region, tags={"data-classification": "health"},
        locations=(DataLocation(region), *(DataLocation(c, LocationRole.REPLICA, via="s3-replication")
                                           for c in copies)),
        encryption=KeyRef(KeyManager.PROVIDER, region=region, origin="AWS_OWNED"),
        network=Network(public_endpoint=False), logging=logging)


def gap(aspect: GapAspect, reason: str = "access-denied") -> CoverageGap:
    return CoverageGap("aws", "s3", reason, f"AccessDenied on the {aspect.value}", account="111122223333",
                       region="eu-west-3", resource_id=ARN, aspect=aspect)


def run(resource: Resource, *gaps: CoverageGap, source: str = "aws") -> dict[str, Finding]:
    doc = assess(Inventory(resources=(resource,), coverage_gaps=gaps, scope=Scope(source=source)),
                 Config(profile="hds")).doc
    return {f.policy_id: f for f in doc.findings if f.resource_id == ARN}


def test_an_unreadable_logging_setting_leaves_residency_decided_and_says_what_was_not_read() -> None:
    found = run(store(logging=None), gap(GapAspect.LOGGING))
    assert "RES-001" not in found  # the region was read: it passes
    assert found["LOG-001"].status is Status.UNKNOWN
    # where access logs go is part of the copies: RES-002 cannot pass, and says why truthfully
    res002 = found["RES-002"]
    assert res002.status is Status.UNKNOWN
    assert "logging settings" in res002.message["en"] and "journalisation" in res002.message["fr"]
    for f in found.values():
        assert "cannot be placed in a country" not in f.message["en"]


def test_a_key_gap_touches_only_key_checks() -> None:
    found = run(store(), gap(GapAspect.KEY))
    assert found["KEY-005"].status is Status.UNKNOWN
    assert "encryption settings" in found["KEY-005"].message["en"]
    assert not {"RES-001", "RES-002", "ACC-001", "LOG-001"} & set(found)


def test_an_access_gap_touches_only_access_checks() -> None:
    found = run(store(), gap(GapAspect.ACCESS))
    assert {"ACC-001", "ACC-002", "ACC-005"} <= set(found)
    assert all(found[p].status is Status.UNKNOWN for p in ("ACC-001", "ACC-002"))
    assert "Who can reach patients could not be read in full" in found["ACC-001"].message["en"]
    assert not {"RES-001", "RES-002", "KEY-005", "LOG-001"} & set(found)


def test_a_failure_on_the_facts_read_stands_despite_a_gap_on_the_same_aspect() -> None:
    found = run(store(copies=("us-east-1",)), gap(GapAspect.LOCATION))
    assert found["RES-002"].status is Status.FAIL  # a known copy in Virginia decides


def test_a_whole_store_gap_makes_every_check_that_would_pass_unknown() -> None:
    found = run(store(), gap(GapAspect.STORE))
    assert found["RES-001"].status is Status.UNKNOWN
    assert found["RES-001"].message["en"].startswith("Part of patients could not be read")


def test_not_in_plan_logging_is_not_assessable_and_leaves_copies_alone() -> None:
    planned = replace(store(logging=None), id=ARN, change="create")
    found = run(planned, source="terraform-plan")
    log = found["LOG-001"]
    assert log.status is Status.UNKNOWN and log.assessable is False
    assert log.message["en"].startswith("Not assessable from a plan")
    assert log.message["fr"].startswith("Non évaluable depuis un plan")
    assert "RES-002" not in found  # the plan shows the copies; logs set elsewhere are not its business
    assert "COV-001" not in {f.policy_id for f in found.values()}


@pytest.mark.parametrize(
    ("fields", "aspects"),
    [
        ({"primary"}, {GapAspect.STORE}),
        ({"copies"}, {GapAspect.STORE, GapAspect.LOCATION, GapAspect.LOGGING}),
        ({"key"}, {GapAspect.STORE, GapAspect.KEY}),
        ({"access", "public"}, {GapAspect.STORE, GapAspect.ACCESS}),
        ({"jurisdiction", "region"}, {GapAspect.STORE}),
        ({"attributes"}, set(GapAspect)),
    ],
)
def test_aspects_follow_the_fields_a_condition_reads(fields: set[str], aspects: set[GapAspect]) -> None:
    assert aspects_of(frozenset(fields)) == aspects


def test_a_foreign_group_is_judged_outside_without_its_tenant_id() -> None:
    grant = AccessGrant("9a7e3c2d-0000-4000-8000-00000000f00d", PrincipalKind.FOREIGN_GROUP,
                        source="role-assignment")
    resource = Resource(id="/subscriptions/s/st", provider="azure", account="s", service="Microsoft.Storage",
                        kind="object-store", native_type="microsoft.storage/storageaccounts", name="stpatients",
                        region="francecentral", organization="11111111-1111-1111-1111-111111111111",
                        tags={"data-classification": "health"}, access=(grant,), logging=True)
    doc = assess(Inventory(resources=(resource,)), Config(profile="hds")).doc
    statuses = {f.policy_id: f.status for f in doc.findings}
    assert statuses.get("ACC-004") is Status.FAIL and "ACC-003" not in statuses
    trusting = Config(profile="hds", trusted_azure_tenants=("72f988bf-86f1-41af-91ab-2d7cd011db47",))
    doc = assess(Inventory(resources=(resource,)), trusting).doc
    statuses = {f.policy_id: f.status for f in doc.findings}
    assert statuses.get("ACC-003") is Status.UNKNOWN and "ACC-004" not in statuses
