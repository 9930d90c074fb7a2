"""Stage 2c: who is who. Each access grant gets a relation to the audited organisation.

``public`` (anyone), ``internal`` (an account of the audited organisation / the resource's own
tenant, or a grant narrowed by a condition on the organisation id), ``trusted`` (listed in the
config's ``trusted`` section), ``external`` (anyone else, including "any authenticated AWS
user"), ``unknown`` (the principal's home could not be determined — never treated as safe).

A guest, a foreign-tenant application, a ForeignGroup or a resource of another tenant is outside
the organisation by definition. When its home tenant is not known it is ``external`` if no
trusted tenant is configured (nothing could make it acceptable), and ``unknown`` otherwise (it
may belong to one of the trusted tenants): known facts decide when they can.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from auditor.model.inventory import AccessGrant, Inventory, PrincipalKind, Relation, Resource

_TENANT_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
OUTSIDE_BY_KIND = (PrincipalKind.GUEST, PrincipalKind.FOREIGN_TENANT_APP, PrincipalKind.FOREIGN_GROUP,
                   PrincipalKind.FOREIGN_RESOURCE)


def _narrowed_to(condition: str | None, organizations: set[str]) -> bool:
    if not condition:
        return False
    return any(org and org in condition for org in organizations)


def relation(grant: AccessGrant, resource: Resource, internal: set[str], trusted: set[str],
             organizations: set[str], trusted_tenants: set[str] | None = None) -> Relation:
    if grant.principal_kind is PrincipalKind.PUBLIC:
        return Relation.INTERNAL if _narrowed_to(grant.condition, organizations) else Relation.PUBLIC
    if _narrowed_to(grant.condition, organizations):
        return Relation.INTERNAL
    if grant.principal_kind is PrincipalKind.ANY_AUTHENTICATED:
        return Relation.EXTERNAL
    home = grant.home
    if home is None and grant.principal_kind in OUTSIDE_BY_KIND:
        # from another directory by definition, even when nothing says which one
        tenants = {t for t in trusted if _TENANT_ID.fullmatch(t)} if trusted_tenants is None else trusted_tenants
        return Relation.UNKNOWN if tenants else Relation.EXTERNAL
    if home is None:
        return Relation.UNKNOWN
    if home == resource.account or home in internal or (resource.organization and home == resource.organization):
        return Relation.INTERNAL
    if home in trusted:
        return Relation.TRUSTED
    return Relation.EXTERNAL


def relate(inventory: Inventory, trusted: Iterable[str] = (), trusted_tenants: Iterable[str] | None = None
           ) -> Inventory:
    """Return the inventory with every grant's ``relation`` filled.

    ``trusted_tenants`` (the configured trusted Azure tenants; default: the tenant ids in ``trusted``) decides
    whether a principal from an unnamed other tenant could still be a trusted one.
    """
    internal = set(inventory.scope.accounts) | {r.account for r in inventory.resources}
    organizations = {o for o in inventory.scope.organizations if o} | {
        r.organization for r in inventory.resources if r.organization
    }
    trusted_set = set(trusted)
    tenants = None if trusted_tenants is None else {t.lower() for t in trusted_tenants}
    resources = []
    for r in inventory.resources:
        if not r.access:
            resources.append(r)
            continue
        grants = tuple(replace(g, relation=relation(g, r, internal, trusted_set, organizations, tenants))
                       for g in r.access)
        resources.append(replace(r, access=grants))
    return replace(inventory, resources=tuple(resources))
