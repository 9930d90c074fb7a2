"""Who is inside, trusted or outside: every grant gets a relation, unknown is never safe."""

from __future__ import annotations

import pytest

from auditor.model.inventory import AccessGrant, Inventory, PrincipalKind, Relation, Resource, Scope
from auditor.trust import relate

OWN, MEMBER, PARTNER, STRANGER = "111122223333", "444455556666", "777788889999", "999900001111"


def relation_of(grant: AccessGrant, trusted: tuple[str, ...] = (PARTNER,)) -> Relation:
    r = Resource(id="b", provider="aws", account=OWN, service="s3", kind="object-store", native_type="x", name="b",
                 region="eu-west-3", organization="o-org1", access=(grant,))
    inv = Inventory(resources=(r,), scope=Scope(accounts=(OWN, MEMBER), organizations=("o-org1",)))
    (out,) = relate(inv, trusted).resources[0].access
    assert out.relation is not None
    return out.relation


@pytest.mark.parametrize(
    ("grant", "expected"),
    [
        (AccessGrant("*", PrincipalKind.PUBLIC), Relation.PUBLIC),
        (AccessGrant("*", PrincipalKind.PUBLIC, condition="aws:PrincipalOrgID=o-org1"), Relation.INTERNAL),
        (AccessGrant("*", PrincipalKind.PUBLIC, condition="aws:PrincipalOrgID=o-other"), Relation.PUBLIC),
        (AccessGrant("AuthenticatedUsers", PrincipalKind.ANY_AUTHENTICATED), Relation.EXTERNAL),
        (AccessGrant(f"arn:aws:iam::{MEMBER}:root", PrincipalKind.ACCOUNT, home=MEMBER), Relation.INTERNAL),
        (AccessGrant(f"arn:aws:iam::{PARTNER}:root", PrincipalKind.ACCOUNT, home=PARTNER), Relation.TRUSTED),
        (AccessGrant(f"arn:aws:iam::{STRANGER}:root", PrincipalKind.ACCOUNT, home=STRANGER), Relation.EXTERNAL),
        (AccessGrant("some-role", PrincipalKind.ROLE), Relation.UNKNOWN),
        (AccessGrant("guest@partner.example", PrincipalKind.GUEST), Relation.EXTERNAL),
        (AccessGrant("app", PrincipalKind.FOREIGN_TENANT_APP), Relation.EXTERNAL),
    ],
)
def test_relations(grant: AccessGrant, expected: Relation) -> None:
    assert relation_of(grant) == expected


TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


@pytest.mark.parametrize("kind", [PrincipalKind.FOREIGN_GROUP, PrincipalKind.GUEST, PrincipalKind.FOREIGN_TENANT_APP,
                                  PrincipalKind.FOREIGN_RESOURCE])
def test_outside_by_kind_is_external_when_no_trusted_tenant_could_make_it_acceptable(kind: PrincipalKind) -> None:
    # known facts decide: a group of another directory is outside, its tenant id is not needed
    assert relation_of(AccessGrant("g", kind), trusted=()) == Relation.EXTERNAL
    assert relation_of(AccessGrant("g", kind), trusted=(PARTNER,)) == Relation.EXTERNAL  # an AWS account only


@pytest.mark.parametrize("kind", [PrincipalKind.FOREIGN_GROUP, PrincipalKind.GUEST])
def test_outside_by_kind_is_unknown_when_it_may_be_a_trusted_tenant(kind: PrincipalKind) -> None:
    assert relation_of(AccessGrant("g", kind), trusted=(TENANT,)) == Relation.UNKNOWN


def test_a_known_home_tenant_decides_even_with_trusted_tenants() -> None:
    assert relation_of(AccessGrant("g", PrincipalKind.FOREIGN_GROUP, home=TENANT), trusted=(TENANT,)) \
        == Relation.TRUSTED
    other = "0b1f6471-1bf0-4dda-aec3-111122223333"
    assert relation_of(AccessGrant("g", PrincipalKind.FOREIGN_GROUP, home=other), trusted=(TENANT,)) \
        == Relation.EXTERNAL
