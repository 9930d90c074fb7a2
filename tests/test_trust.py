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
