"""Key Vault and Managed HSM: where keys live, and the key reference every other store points at.

A vault's contents are replicated to its paired region (Microsoft documents this for Key Vault;
Managed HSM replicates only to the extra regions it lists), so a vault has a geo-secondary the
customer never chose. :func:`key_ref` turns a key URI found on a data store into a ``KeyRef``
with the vault's own region, found in the Resource Graph inventory; a vault the credential
cannot see gives a ``KeyRef`` without region plus a gap, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from azure.mgmt.keyvault import KeyVaultManagementClient

from auditor.connectors.azure.context import Ctx, Row, base, host_label, network, region
from auditor.model.inventory import DataLocation, KeyManager, KeyRef, LocationRole, Resource
from auditor.model.vocab import GapReason, Kind, Via

SERVICE = "Microsoft.KeyVault"
VAULT = "microsoft.keyvault/vaults"
HSM = "microsoft.keyvault/managedhsms"
TYPES: Mapping[str, Kind] = {VAULT: Kind.KEY, HSM: Kind.KEY}
OPERATIONS = ("Microsoft.KeyVault/vaults/read", "Microsoft.KeyVault/managedHSMs/read")


def read(ctx: Ctx, row: Row) -> Resource:
    client = ctx.session.sdk(KeyVaultManagementClient, row.subscription)
    if row.type == HSM:
        data = ctx.json(client.managed_hsms.get, row.resource_group, row.name)
        op = OPERATIONS[1]
    else:
        data = ctx.json(client.vaults.get, row.resource_group, row.name)
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
        locations.append(ctx.geo_copy(home, LocationRole.GEO_SECONDARY, Via.KEY_VAULT_PAIRED_REGION))
    sku = (data.get("sku") or props.get("sku") or {}).get("name")
    return replace(
        base(row, SERVICE, TYPES[row.type], ctx.tenant), region=home, locations=tuple(locations),
        network=network(props), evidence=("Microsoft.ResourceGraph/resources/read", op),
        attributes={"resource_group": row.resource_group, "sku": sku,
                    "hsm": row.type == HSM or str(sku).lower() == "premium",
                    "purge_protection": props.get("enablePurgeProtection"),
                    "soft_delete": props.get("enableSoftDelete"),
                    "rbac_authorization": props.get("enableRbacAuthorization"),
                    "access_policies": len(props.get("accessPolicies") or ())})


def key_ref(ctx: Ctx, key_uri: str | None, *, account: str | None, resource_id: str) -> KeyRef:
    """The customer-managed key at ``key_uri`` (a Key Vault or Managed HSM key URL)."""
    if not key_uri:
        return KeyRef(manager=KeyManager.UNKNOWN)
    host = key_uri.split("//", 1)[-1].split("/", 1)[0].lower()
    in_hsm = ".managedhsm." in host
    vault = ctx.index.named(HSM if in_hsm else VAULT, host_label(key_uri))
    manager = KeyManager.HSM if in_hsm else KeyManager.CUSTOMER
    origin = "Microsoft.KeyVault/managedHSMs" if in_hsm else "Microsoft.KeyVault/vaults"
    if vault is None:
        ctx.unresolved(SERVICE, GapReason.NOT_READ, f"key vault {host} is not visible to the credential: "
                       "the key's region is unknown", account=account, resource_id=resource_id)
        return KeyRef(manager=manager, key_id=key_uri, region=None, origin=origin)
    copies = [DataLocation(region=vault.location, role=LocationRole.PRIMARY, target=vault.id)]
    if not in_hsm:
        copies.append(ctx.geo_copy(vault.location, LocationRole.GEO_SECONDARY,
                                   Via.KEY_VAULT_PAIRED_REGION, vault.id))
    return KeyRef(manager=manager, key_id=key_uri, region=vault.location, origin=origin, locations=tuple(copies))
