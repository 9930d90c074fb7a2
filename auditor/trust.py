"""Stage 2c: who is who. Each access grant gets a relation to the audited organisation.

``public`` (anyone), ``internal`` (an account of the audited organisation / the resource's own
tenant, or a grant narrowed by a condition on the organisation id), ``trusted`` (listed in the
config's ``trusted`` section), ``external`` (anyone else, including "any authenticated AWS
user", guests and foreign-tenant applications whose home tenant is not known), ``unknown``
(the principal's home could not be determined — never treated as safe).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from auditor.model.inventory import AccessGrant, Inventory, PrincipalKind, Relation, Resource


def _narrowed_to(condition: str | None, organizations: set[str]) -> bool:
    if not condition:
        return False
    return any(org and org in condition for org in organizations)


def relation(grant: AccessGrant, resource: Resource, internal: set[str], trusted: set[str],
             organizations: set[str]) -> Relation:
    if grant.principal_kind is PrincipalKind.PUBLIC:
        return Relation.INTERNAL if _narrowed_to(grant.condition, organizations) else Relation.PUBLIC
    if _narrowed_to(grant.condition, organizations):
        return Relation.INTERNAL
    if grant.principal_kind is PrincipalKind.ANY_AUTHENTICATED:
        return Relation.EXTERNAL
    home = grant.home
    if home is None and grant.principal_kind in (PrincipalKind.GUEST, PrincipalKind.FOREIGN_TENANT_APP):
        return Relation.EXTERNAL  # from another directory by definition, even when Graph does not say which
    if home is None:
        return Relation.UNKNOWN
    if home == resource.account or home in internal or (resource.organization and home == resource.organization):
        return Relation.INTERNAL
    if home in trusted:
        return Relation.TRUSTED
    return Relation.EXTERNAL


def relate(inventory: Inventory, trusted: Iterable[str] = ()) -> Inventory:
    """Return the inventory with every grant's ``relation`` filled."""
    internal = set(inventory.scope.accounts) | {r.account for r in inventory.resources}
    organizations = {o for o in inventory.scope.organizations if o} | {
        r.organization for r in inventory.resources if r.organization
    }
    trusted_set = set(trusted)
    resources = []
    for r in inventory.resources:
        if not r.access:
            resources.append(r)
            continue
        grants = tuple(replace(g, relation=relation(g, r, internal, trusted_set, organizations)) for g in r.access)
        resources.append(replace(r, access=grants))
    return replace(inventory, resources=tuple(resources))
