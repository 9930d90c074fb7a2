"""What the Azure plan extractors share: how a planned change names its stores, key, network and copies.

The extractors themselves live next to the live reads of the same type (``storage.py``,
``sql.py``…, listed in each module's ``SERVICE.plan``). Geo-redundancy that Azure decides
(GRS/GZRS storage, geo-redundant backups, ``GeoRedundant`` vaults) lands in the region's pair
(:mod:`auditor.connectors.azure.redundancy`); redundancy that the customer chooses (Cosmos DB
``geo_location``, SQL failover groups, object replication) lands where the plan says.

Access from other tenants, where azurerm exposes it: a storage account's
``network_rules.private_link_access`` with an ``endpoint_tenant_id`` (the provider's name for
``networkAcls.resourceAccessRules``; also ``azurerm_storage_account_network_rules``), and the
access policies of the Key Vault holding a store's customer-managed key (inline ``access_policy``
blocks and ``azurerm_key_vault_access_policy``) whose ``tenant_id`` is not the vault's and whose
``key_permissions`` decrypt. azurerm 4.x has no argument for FHIR ``smartIdentityProviders``.
"""

from __future__ import annotations

from collections.abc import Callable

from auditor.connectors.azure import redundancy
from auditor.connectors.terraform.facts import Change, KeyLink, Target
from auditor.connectors.terraform.resolve import UNKNOWN
from auditor.connectors.terraform.values import items
from auditor.model.inventory import (
    AccessGrant,
    DataLocation,
    KeyManager,
    LocationRole,
    Network,
    Permission,
    PrincipalKind,
)
from auditor.model.vocab import GrantSource, Kind, Via

MICROSOFT_MANAGED = KeyLink(KeyManager.PROVIDER, key_id="Microsoft-managed key")
_DECRYPTING = frozenset({"decrypt", "unwrapkey", "release", "all"})


def paired(region: str) -> str:
    """The paired region holding a geo-redundant copy, or ``unknown``."""
    return UNKNOWN if region == UNKNOWN else redundancy.pair(region) or UNKNOWN


def identities(service: str, change: Change) -> tuple[str, ...]:
    return tuple(f"{service}:{v}" for a in ("name", "id") if (v := change.text(a)))


def target(change: Change, attribute: str, kind: Kind, service: str, create: bool = True) -> Target:
    value = change.text(attribute)
    return Target(tuple(change.refs(attribute)), f"{service}:{value}" if value else None, kind, service, value, create)


def pair(
    change: Change, attribute: str, role: LocationRole, via: Via, redundant: Callable[[object], bool],
    detail: str = "{value}",
) -> tuple[DataLocation, ...]:
    """A location in the paired region when ``attribute`` asks for geo-redundancy (``detail`` may use {value})."""
    if change.unknown(attribute):
        return (DataLocation(UNKNOWN, role, via, via_detail=f"{attribute} unknown until apply"),)
    value = change.get(attribute)
    if value is True or (isinstance(value, str) and redundant(value)):
        return (DataLocation(paired(change.region.value), role, via, via_detail=detail.format(value=value)),)
    return ()


def public(change: Change) -> Network:
    value = change.get("public_network_access_enabled")
    known = isinstance(value, bool) and not change.unknown("public_network_access_enabled")
    return Network(public_endpoint=value if known else None)


def vault_policies(change: Change, *key_path: str | int) -> tuple[AccessGrant, ...]:
    """Entries of the key's vault, of another tenant than the vault's, that can decrypt with its keys."""
    keys = change.refs(*key_path)
    key = change.other(keys[0]) if keys else None
    vaults = key.refs("key_vault_id") if key is not None else []
    vault = change.other(vaults[0]) if vaults else None
    if vault is None:
        return ()
    home = (vault.text("tenant_id") or "").lower()
    entries: list[tuple[Change, tuple[str | int, ...]]] = [
        (vault, ("access_policy", i)) for i, _ in items(vault.get("access_policy"))]
    for entry in change.resolver.entries.values():
        if entry.type == "azurerm_key_vault_access_policy":
            other = change.other(entry.address)
            if other is not None and vault.address in other.refs("key_vault_id"):
                entries.append((other, ()))
    out = []
    for owner, path in entries:
        tenant = (owner.text(*path, "tenant_id") or "").lower()
        permissions = [str(p) for p in owner.get(*path, "key_permissions") or ()]
        reading = sorted(p for p in permissions if p.lower() in _DECRYPTING)
        if not tenant or tenant == home or not reading:
            continue
        who = owner.text(*path, "object_id") or "?"
        out.append(AccessGrant(who, PrincipalKind.UNKNOWN, Permission.READ, GrantSource.KEY_VAULT_ACCESS_POLICY,
                               home=tenant, condition=f"access policy of {vault.address}: keys {', '.join(reading)}"))
    return tuple(out)


def cmk(change: Change, *path: str | int) -> KeyLink:
    key = Target(tuple(change.refs(*path)), None, Kind.KEY, "keyvault", change.text(*path), create=False)
    return KeyLink(
        KeyManager.CUSTOMER, key=key, key_id=change.text(*path) or change.address, evidence=change.path(*path)
    )
