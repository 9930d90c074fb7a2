"""Key Vault and Managed HSM: where keys live, and the key reference every other store points at.

A vault's contents are replicated to its paired region (Microsoft documents this for Key Vault;
Managed HSM replicates only to the extra regions it lists), so a vault has a geo-secondary the
customer never chose. :func:`key_ref` turns a key URI found on a data store into a ``KeyRef``
with the vault's own region, found in the Resource Graph inventory; a vault the credential
cannot see gives a ``KeyRef`` without region plus a gap, never a guess.

A vault that does not use Azure RBAC lists its ``accessPolicies``: each entry (tenant, object,
permissions) with a key permission that decrypts (``decrypt``, ``unwrapKey``, ``release``,
``all``) reads every store the vault's keys protect; :func:`key_grants` gives them as access
grants of those stores, with the entry's tenant as home.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from azure.mgmt.keyvault import KeyVaultManagementClient

from auditor.connectors.azure.context import Row, Scan, base, host_label, network, region
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.planning import identities, paired, public
from auditor.connectors.azure.service import Service
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, Store
from auditor.model.inventory import (
    AccessGrant,
    DataLocation,
    GapAspect,
    KeyManager,
    KeyRef,
    LocationRole,
    Permission,
    PrincipalKind,
    Resource,
)
from auditor.model.vocab import GapReason, GrantSource, Kind, Via

NAMESPACE = "Microsoft.KeyVault"
VAULT = "microsoft.keyvault/vaults"
HSM = "microsoft.keyvault/managedhsms"
OPERATIONS = ("Microsoft.KeyVault/vaults/read", "Microsoft.KeyVault/managedHSMs/read")
API = "2023-07-01"
DECRYPTING = frozenset({"decrypt", "unwrapkey", "release", "all"})  # key permissions that read what a key protects


def read(scan: Scan, row: Row) -> Resource:
    client = scan.session.sdk(KeyVaultManagementClient, row.subscription)
    if row.type == HSM:
        data = scan.json(client.managed_hsms.get, row.resource_group, row.name)
        op = OPERATIONS[1]
    else:
        data = scan.json(client.vaults.get, row.resource_group, row.name)
        op = OPERATIONS[0]
    props: dict[str, Any] = data.get("properties") or {}
    home = region(data.get("location") or row.location)
    locations = [DataLocation(region=home, role=LocationRole.PRIMARY)]
    if row.type == HSM:
        for extra in props.get("regions") or ():
            where = region(extra.get("name"))
            if where != home:
                locations.append(DataLocation(region=where, role=LocationRole.REPLICA, via=Via.MANAGED_HSM_REGION))
    else:
        locations.append(scan.geo_copy(home, LocationRole.GEO_SECONDARY, Via.KEY_VAULT_PAIRED_REGION))
    sku = (data.get("sku") or props.get("sku") or {}).get("name")
    return replace(
        base(row, NAMESPACE, Kind.KEY, scan.tenant), region=home, locations=tuple(locations),
        access=tuple(policy_grants(scan, props, name=row.name)),
        network=network(props), evidence=("Microsoft.ResourceGraph/resources/read", op),
        attributes={"resource_group": row.resource_group, "sku": sku,
                    "hsm": row.type == HSM or str(sku).lower() == "premium",
                    "purge_protection": props.get("enablePurgeProtection"),
                    "soft_delete": props.get("enableSoftDelete"),
                    "rbac_authorization": props.get("enableRbacAuthorization"),
                    "access_policies": len(props.get("accessPolicies") or ())})


def key_ref(scan: Scan, key_uri: str | None, *, account: str | None, resource_id: str) -> KeyRef:
    """The customer-managed key at ``key_uri`` (a Key Vault or Managed HSM key URL)."""
    if not key_uri:
        return KeyRef(manager=KeyManager.UNKNOWN)
    host = key_uri.split("//", 1)[-1].split("/", 1)[0].lower()
    in_hsm = ".managedhsm." in host
    vault = scan.index.named(HSM if in_hsm else VAULT, host_label(key_uri))
    manager = KeyManager.HSM if in_hsm else KeyManager.CUSTOMER
    origin = "Microsoft.KeyVault/managedHSMs" if in_hsm else "Microsoft.KeyVault/vaults"
    if vault is None:
        scan.unresolved(NAMESPACE, GapReason.NOT_READ, f"key vault {host} is not visible to the credential: "
                       "the key's region is unknown", account=account, resource_id=resource_id, aspect=GapAspect.KEY)
        return KeyRef(manager=manager, key_id=key_uri, region=None, origin=origin)
    copies = [DataLocation(region=vault.location, role=LocationRole.PRIMARY, target=vault.id)]
    if not in_hsm:
        copies.append(scan.geo_copy(vault.location, LocationRole.GEO_SECONDARY,
                                   Via.KEY_VAULT_PAIRED_REGION, vault.id))
    return KeyRef(manager=manager, key_id=key_uri, region=vault.location, origin=origin, locations=tuple(copies))


def policy_grants(scan: Scan, props: Mapping[str, Any], *, name: str) -> list[AccessGrant]:
    """The access-policy entries of a vault that can decrypt with its keys (none under Azure RBAC)."""
    if props.get("enableRbacAuthorization") is True:
        return []  # access policies are ignored; role assignments decide (read by ``authorization``)
    out = []
    for entry in props.get("accessPolicies") or ():
        keys = [str(k) for k in (entry.get("permissions") or {}).get("keys") or ()]
        reading = sorted(k for k in keys if k.lower() in DECRYPTING)
        if not reading:
            continue
        tenant = str(entry.get("tenantId") or "").lower() or None
        app = entry.get("applicationId")
        out.append(AccessGrant(
            principal=str(entry.get("objectId") or "?"),
            principal_kind=PrincipalKind.UNKNOWN if tenant == scan.tenant else PrincipalKind.FOREIGN_TENANT_APP
            if app else PrincipalKind.UNKNOWN,
            permission=Permission.READ, source=GrantSource.KEY_VAULT_ACCESS_POLICY, home=tenant,
            condition=f"access policy of key vault {name}: keys {', '.join(reading)}"
                      + (f" (through application {app})" if app else "")))
    return out


def key_grants(scan: Scan, key_uri: str | None, *, account: str | None, resource_id: str) -> list[AccessGrant]:
    """Who can decrypt with the key at ``key_uri`` through its vault's access policies."""
    if not key_uri or ".managedhsm." in key_uri.lower():
        return []  # Managed HSM uses local RBAC only
    vault = scan.index.named(VAULT, host_label(key_uri))
    if vault is None:
        return []  # already a gap of ``key_ref``: the vault is not visible
    try:
        data: dict[str, Any] = scan.memo(("kv-get", vault.id.lower()), lambda: scan.session.get(vault.id, API))
    except ReadError as err:
        scan.failed(NAMESPACE, err, account=account, region=vault.location, resource_id=resource_id,
                   aspect=GapAspect.ACCESS)
        return []
    return policy_grants(scan, data.get("properties") or {}, name=vault.name)



# -- in a Terraform plan ----------------------------------------------------------------------



def key_vault(change: Change) -> Iterator[Fact]:
    """A vault's keys are also in its paired region (as live: ``Via.KEY_VAULT_PAIRED_REGION``)."""
    region = change.region.value
    yield Store(
        kind=Kind.KEY,
        service="keyvault",
        name=change.planned_name("name"),
        locations=(DataLocation(paired(region), LocationRole.GEO_SECONDARY, Via.KEY_VAULT_PAIRED_REGION),),
        network=public(change),
        identities=identities("keyvault", change),
    )


def managed_hsm(change: Change) -> Iterator[Fact]:
    """A Managed HSM stays in its region (extra regions are not an azurerm argument yet)."""
    yield Store(
        kind=Kind.KEY,
        service="keyvault",
        name=change.planned_name("name"),
        network=public(change),
        identities=identities("keyvault", change),
    )


SERVICE = Service(
    name=NAMESPACE, operations=OPERATIONS, read=read,
    types=(TypeSpec(Kind.KEY, "Microsoft.KeyVault/vaults", ("azurerm_key_vault",)),
           TypeSpec(Kind.KEY, "Microsoft.KeyVault/managedHSMs",
                    ("azurerm_key_vault_managed_hardware_security_module",))),
    plan={
        "azurerm_key_vault": key_vault,
        "azurerm_key_vault_managed_hardware_security_module": managed_hsm,
    },
)
