"""Microsoft Graph: which users behind role assignments are guests, which apps belong elsewhere.

Only the principals that hold a grant on an in-scope resource are looked up, one ``GET`` each.
A guest (``userType = Guest``) becomes ``principal_kind = guest`` with no home tenant (outside
the organisation by definition); a service principal whose ``appOwnerOrganizationId`` is
another tenant becomes ``foreign-tenant-app`` with that tenant as its home. When Graph cannot be
read (no ``User.Read.All``/``Application.Read.All``, or no Graph endpoint for this cloud), the
whole question becomes one coverage gap: guests are never assumed absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from auditor.connectors.azure.context import Mapper, Scan
from auditor.connectors.azure.gaps import ReadError
from auditor.model.inventory import AccessGrant, PrincipalKind, Resource

NAMESPACE = "Microsoft.Graph"
PERMISSIONS = ("User.Read.All", "Application.Read.All")  # Graph application permissions (not Azure RBAC)
_PATHS = {PrincipalKind.USER: ("/v1.0/users/", "id,userType,userPrincipalName"),
          PrincipalKind.SERVICE: ("/v1.0/servicePrincipals/", "id,appId,appOwnerOrganizationId,displayName")}

def enrich(scan: Scan, resources: Mapping[str, Resource], pmap: Mapper = map) -> dict[str, Resource]:
    """``resources`` with each in-tenant principal refined by the directory (guests, foreign apps)."""
    principals = sorted({(g.principal, g.principal_kind) for r in resources.values() for g in r.access
                         if g.principal_kind in _PATHS and g.home == scan.tenant})
    if not principals:
        return dict(resources)
    failures: list[ReadError] = []

    def lookup(item: tuple[str, PrincipalKind]) -> tuple[str, dict[str, Any] | None]:
        principal, kind = item
        if failures and failures[0].reason == "access-denied":
            return principal, None
        path, select = _PATHS[kind]
        try:
            return principal, scan.session.get(f"{path}{principal}", None, {"$select": select}, graph=True)
        except ReadError as err:
            if err.reason != "not-found":
                failures.append(err)
            return principal, {} if err.reason == "not-found" else None

    found = dict(pmap(lookup, principals))
    if failures:
        err = failures[0]  # one gap for the whole question, not one per principal
        scan.failed(NAMESPACE, err)
    return {key: replace(resource, access=tuple(_refine(scan, grant, found.get(grant.principal))
                                                for grant in resource.access))
            for key, resource in resources.items()}


def _refine(scan: Scan, grant: AccessGrant, obj: dict[str, Any] | None) -> AccessGrant:
    if obj is None or grant.principal_kind not in _PATHS or grant.home != scan.tenant:
        return grant
    if not obj:
        return replace(grant, condition=_join(grant.condition, "principal not found in the directory"))
    if obj.get("displayName") and grant.name is None:
        grant = replace(grant, name=str(obj["displayName"]))
    if grant.principal_kind is PrincipalKind.USER and str(obj.get("userType")).lower() == "guest":
        return replace(grant, principal_kind=PrincipalKind.GUEST, home=None,
                       condition=_join(grant.condition, f"guest {obj.get('userPrincipalName') or ''}".strip()))
    owner = str(obj.get("appOwnerOrganizationId") or "").lower()
    if grant.principal_kind is PrincipalKind.SERVICE and owner and owner != (scan.tenant or "").lower():
        return replace(grant, principal_kind=PrincipalKind.FOREIGN_TENANT_APP, home=owner,
                       condition=_join(grant.condition, f"app {obj.get('displayName') or obj.get('appId')} "
                                                        f"owned by tenant {owner}"))
    return grant


def _join(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second
