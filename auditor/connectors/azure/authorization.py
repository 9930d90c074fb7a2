"""Who can reach a resource: role assignments at and above its scope, and Lighthouse delegations.

Read once per subscription: every role assignment that applies in it (ARM includes the ones
inherited from management groups and the root), the role definitions (to tell data-plane
roles from control-plane ones and read from write), and Azure Lighthouse registration
assignments (a managing tenant's principals acting in this tenant). Each in-scope resource then
gets the grants whose scope is the resource itself or one of its ancestors.

``source`` tells policies what a grant means: ``role-assignment`` reaches the data (data-plane
actions, or control-plane rights that hand out keys: Owner, Contributor, ``listKeys``);
``role-assignment-control-plane`` only sees or changes configuration; ``lighthouse`` comes from
another tenant by delegation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from azure.mgmt.authorization import AuthorizationManagementClient

from auditor.connectors.azure.context import Scan, under
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.service import Service
from auditor.model.inventory import AccessGrant, Permission, PrincipalKind, Resource
from auditor.model.vocab import GrantSource

NAMESPACE = "Microsoft.Authorization"
OPERATIONS = (
    "Microsoft.Authorization/roleAssignments/read",
    "Microsoft.Authorization/roleDefinitions/read",
    "Microsoft.ManagedServices/registrationAssignments/read",
    "Microsoft.ManagedServices/registrationDefinitions/read",
)
LIGHTHOUSE_API = "2022-10-01"
_KINDS = {"user": PrincipalKind.USER, "group": PrincipalKind.GROUP, "serviceprincipal": PrincipalKind.SERVICE,
          "foreigngroup": PrincipalKind.FOREIGN_GROUP}
ABOVE = "above"  # assignments at the root or a management group: they apply to every resource
_RANK = {Permission.READ: 0, Permission.WRITE: 1, Permission.ADMIN: 2}
_KEY_ACTIONS = ("/listkeys/action", "/regeneratekey/action", "/listconnectionstrings/action",
                "/listaccountsas/action", "/listservicesas/action")


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    permission: Permission
    data: bool  # reaches the data (data-plane actions, or keys via the control plane)


@dataclass(frozen=True, slots=True)
class Access:
    subscription: str
    roles: Mapping[str, Role] = field(default_factory=dict)
    delegations: tuple[Mapping[str, Any], ...] = ()
    managed_by: tuple[str, ...] = ()  # subscription's managedByTenants, the fallback when Lighthouse is unreadable
    lighthouse_read: bool = True
    by_scope: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)  # lower-case scope

    @staticmethod
    def build(subscription: str, assignments: Iterable[Mapping[str, Any]], roles: Mapping[str, Role],
              delegations: tuple[Mapping[str, Any], ...], managed_by: tuple[str, ...], read: bool) -> Access:
        """Index assignments by scope: a resource then looks up its ~10 ancestors, not every assignment."""
        grouped: dict[str, list[Mapping[str, Any]]] = {}
        for item in assignments:
            scope = str((item.get("properties") or {}).get("scope") or "").rstrip("/").lower()
            grouped.setdefault(scope if scope.startswith("/subscriptions/") else ABOVE, []).append(item)
        return Access(subscription, roles, delegations, managed_by, read,
                      {k: tuple(v) for k, v in grouped.items()})

    def applying_to(self, resource_id: str) -> list[Mapping[str, Any]]:
        parts = resource_id.rstrip("/").lower().split("/")
        found = list(self.by_scope.get(ABOVE, ()))
        for end in range(3, len(parts) + 1):  # /subscriptions/s, …/resourcegroups/rg, …, the resource
            found.extend(self.by_scope.get("/".join(parts[:end]), ()))
        return found


def _hands_out_keys(action: str) -> bool:
    """``*``, ``Microsoft.Storage/*``, ``…/storageAccounts/*`` or an explicit key action: data via keys."""
    if action.endswith(_KEY_ACTIONS):
        return True
    return action == "*" or (action.endswith("/*") and action.count("/") <= 2)


def classify(permissions: Iterable[Mapping[str, Any]], name: str) -> Role:
    actions = [str(a).lower() for p in permissions for a in p.get("actions") or ()]
    data_actions = [str(a).lower() for p in permissions for a in p.get("dataActions") or ()]
    if any(_hands_out_keys(a) or (a.startswith("microsoft.authorization/") and a.endswith(("/write", "/*")))
           for a in actions):
        control = Permission.ADMIN
    elif any(a.endswith(("/write", "/delete", "/action", "/*")) for a in actions):
        control = Permission.WRITE
    else:
        control = Permission.READ
    if data_actions:
        data_perm = Permission.READ if all(a.endswith("/read") for a in data_actions) else Permission.WRITE
        best = max(data_perm, control, key=_RANK.__getitem__) if control is Permission.ADMIN else data_perm
        return Role(name, best, True)
    return Role(name, control, control is Permission.ADMIN)


def _guid(role_id: str) -> str:
    return role_id.rstrip("/").rsplit("/", 1)[-1].lower()


def prepare(scan: Scan, subscription: str, managed_by: Sequence[str] = ()) -> Access:
    client = scan.session.sdk(AuthorizationManagementClient, subscription)
    scope = f"/subscriptions/{subscription}"
    try:
        assignments = tuple(scan.json_list(client.role_assignments.list_for_subscription))
    except ReadError as err:
        scan.failed(NAMESPACE, err, account=subscription)
        assignments = ()
    roles: dict[str, Role] = {}
    try:
        for item in scan.json_list(client.role_definitions.list, scope):
            props = item.get("properties") or {}
            roles[_guid(str(item.get("id") or item.get("name")))] = classify(
                props.get("permissions") or (), str(props.get("roleName") or item.get("name")))
    except ReadError as err:
        scan.failed(NAMESPACE, err, account=subscription)
    try:
        delegations = tuple(scan.session.pages(
            f"{scope}/providers/Microsoft.ManagedServices/registrationAssignments", LIGHTHOUSE_API,
            {"$expandRegistrationDefinition": "true"}))
        lighthouse_read = True
    except ReadError as err:
        scan.failed("Microsoft.ManagedServices", err, account=subscription)
        delegations, lighthouse_read = (), False
    return Access.build(subscription, assignments, roles, delegations, tuple(managed_by), lighthouse_read)


def _role(access: Access, role_id: str) -> Role:
    return access.roles.get(_guid(role_id)) or Role(f"unreadable role {_guid(role_id)}", Permission.READ, True)


def grants(scan: Scan, access: Access, resource: Resource) -> tuple[AccessGrant, ...]:
    found: dict[tuple[str, ...], AccessGrant] = {}
    for item in access.applying_to(resource.id):
        props = item.get("properties") or {}
        scope = str(props.get("scope") or "")
        role = _role(access, str(props.get("roleDefinitionId") or ""))
        ptype = str(props.get("principalType") or "")
        foreign = ptype.lower() == "foreigngroup"
        notes = [f"{role.name} at {scope or '/'}"]
        if foreign:
            notes.append("ForeignGroup: a group of another tenant")
        if props.get("condition"):
            notes.append(f"condition: {props['condition']}")
        grant = AccessGrant(
            principal=str(props.get("principalId")), principal_kind=_KINDS.get(ptype.lower(), PrincipalKind.UNKNOWN),
            permission=role.permission, source=(GrantSource.ROLE_ASSIGNMENT if role.data
                                                 else GrantSource.ROLE_ASSIGNMENT_CONTROL_PLANE),
            home=None if foreign else scan.tenant, condition="; ".join(notes))
        found.setdefault((grant.principal, grant.source, grant.condition or ""), grant)
    for delegation in access.delegations:
        rid = str(delegation.get("id") or "")
        cut = rid.lower().find("/providers/microsoft.managedservices/")
        scope = rid[:cut] if cut > 0 else ""
        if not under(scope, resource.id):
            continue
        for grant in _lighthouse(access, delegation):
            found.setdefault((grant.principal, grant.source, grant.condition or ""), grant)
    if not access.lighthouse_read:
        for tenant in access.managed_by:
            grant = AccessGrant(principal=tenant, principal_kind=PrincipalKind.ACCOUNT, permission=Permission.READ,
                                source=GrantSource.LIGHTHOUSE, home=tenant,
                                condition="subscription managedByTenants; delegation details unreadable")
            found.setdefault((grant.principal, grant.source, grant.condition or ""), grant)
    return tuple(found.values())


def _lighthouse(access: Access, delegation: Mapping[str, Any]) -> list[AccessGrant]:
    definition = ((delegation.get("properties") or {}).get("registrationDefinition") or {}).get("properties") or {}
    tenant = str(definition.get("managedByTenantId") or "").lower() or None
    label = f"Lighthouse '{definition.get('registrationDefinitionName') or delegation.get('name')}'" + (
        f" from {definition['managedByTenantName']}" if definition.get("managedByTenantName") else "")
    out = []
    for key, note in (("authorizations", ""), ("eligibleAuthorizations", "; eligible (just-in-time)")):
        for auth in definition.get(key) or ():
            role = _role(access, str(auth.get("roleDefinitionId") or ""))
            who = auth.get("principalIdDisplayName")
            out.append(AccessGrant(
                principal=str(auth.get("principalId")), principal_kind=PrincipalKind.UNKNOWN,
                permission=role.permission, source=GrantSource.LIGHTHOUSE, home=tenant,
                condition=f"{label}: {who + ' ' if who else ''}as {role.name}{note}"))
    if not out and tenant:
        out.append(AccessGrant(principal=tenant, principal_kind=PrincipalKind.ACCOUNT, permission=Permission.READ,
                               source=GrantSource.LIGHTHOUSE, home=tenant,
                                   condition=f"{label}: authorizations not listed"))
    return out


SERVICE = Service(name=NAMESPACE, operations=OPERATIONS)  # supports every scan, reads no store
