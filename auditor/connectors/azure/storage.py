"""Storage accounts: the real geo-secondary, anonymous access, object replication, the key.

- **Replication** comes from the SKU (``Standard_GRS``, ``Standard_RAGZRS``…) and the secondary
  region from ``properties.secondaryLocation`` as ARM reports it: the pair table is only a
  fallback when an account is geo-redundant but ARM gives no secondary.
- **Anonymous access** is possible when ``allowBlobPublicAccess`` is not false *and* a container
  has ``publicAccess`` ``Blob``/``Container`` *and* the network lets the internet in.
- **Object replication**: each policy whose source is this account copies blobs to its
  destination account; the destination's region and tenant come from the inventory, or from
  what ARM answers when asked for it (a foreign tenant shows in the 401 challenge).
- **Encryption**: ``Microsoft.Storage`` keys are the provider's; ``Microsoft.Keyvault`` points at
  a vault or Managed HSM whose region is the key's, and the vault's access policies that can
  decrypt with that key are access to the data (:func:`keyvault.key_grants`).
- **Resource instance rules** (``networkAcls.resourceAccessRules``): a resource of a named tenant
  (a Synapse or Fabric workspace…) let through the firewall; one of another tenant is an access
  path from outside the organisation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from azure.mgmt.storage import StorageManagementClient

from auditor.connectors.azure import keyvault
from auditor.connectors.azure.context import UNKNOWN_REGION, Row, Scan, base, network, region, subscription_of
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.service import Service
from auditor.connectors.spec import TypeSpec
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

NAMESPACE = "Microsoft.Storage"
ACCOUNT = "microsoft.storage/storageaccounts"
OPERATIONS = (
    "Microsoft.Storage/storageAccounts/read",
    "Microsoft.Storage/storageAccounts/objectReplicationPolicies/read",
    "Microsoft.Storage/storageAccounts/blobServices/containers/read",
)
GEO_REDUNDANT = {"GRS", "RAGRS", "GZRS", "RAGZRS"}


def read(scan: Scan, row: Row) -> Resource:
    client = scan.session.sdk(StorageManagementClient, row.subscription)
    data = scan.json(client.storage_accounts.get_properties, row.resource_group, row.name)
    props: dict[str, Any] = data.get("properties") or {}
    sku = str((data.get("sku") or {}).get("name") or row.sku or "")
    replication = sku.split("_", 1)[-1].upper() if sku else "UNKNOWN"
    primary = region(props.get("primaryLocation") or data.get("location") or row.location)
    locations = [DataLocation(region=primary, role=LocationRole.PRIMARY)]
    if replication in GEO_REDUNDANT:
        secondary = props.get("secondaryLocation")
        if secondary:
            locations.append(DataLocation(region=region(secondary), role=LocationRole.GEO_SECONDARY,
                                          via=Via.STORAGE_GEO_REPLICATION,
                                          via_detail=f"{replication}, secondaryLocation"))
        else:
            locations.append(scan.geo_copy(primary, LocationRole.GEO_SECONDARY, Via.STORAGE_GEO_REPLICATION,
                                          detail=str(replication)))
    net = network(props)
    evidence = ["Microsoft.ResourceGraph/resources/read", OPERATIONS[0]]
    access: list[AccessGrant] = resource_rules(scan, props)
    public_blobs = props.get("allowBlobPublicAccess")
    containers: list[dict[str, Any]] = []
    if public_blobs is not False:
        try:
            containers = _public_containers(scan, client, row)
            evidence.append(OPERATIONS[2])
        except ReadError as err:
            scan.failed(NAMESPACE, err, account=row.subscription, region=primary, resource_id=row.id,
                       aspect=GapAspect.ACCESS)
    for container in containers:
        level = container["publicAccess"]
        access.append(AccessGrant(
            principal="*", principal_kind=PrincipalKind.PUBLIC, permission=Permission.READ,
            source=GrantSource.BLOB_PUBLIC_ACCESS,
            condition=f"container {container['name']} publicAccess={level}"
                      + ("" if net.public_endpoint else "; network blocks the internet"),
        ))
    encryption = _encryption(scan, row, props, primary)
    access.extend(keyvault.key_grants(scan, encryption.key_id, account=row.subscription, resource_id=row.id))
    copies, grants = _object_replication(scan, client, row, data)
    if copies or grants:
        evidence.append(OPERATIONS[1])
    locations.extend(copies)
    access.extend(grants)
    return replace(
        base(row, NAMESPACE, Kind.OBJECT_STORE, scan.tenant),
        region=primary, locations=tuple(locations), network=net, access=tuple(access),
        encryption=encryption, evidence=tuple(evidence),
        attributes={
            "resource_group": row.resource_group, "sku": sku, "replication": replication,
            "arm_kind": data.get("kind"), "secondary_location": props.get("secondaryLocation"),
            "status_of_secondary": props.get("statusOfSecondary"),
            "allow_blob_public_access": public_blobs,
            "public_network_access": props.get("publicNetworkAccess"),
            "allow_cross_tenant_replication": props.get("allowCrossTenantReplication"),
            "allow_shared_key_access": props.get("allowSharedKeyAccess"),
            "network_default_action": (props.get("networkAcls") or {}).get("defaultAction"),
            "public_containers": [c["name"] for c in containers],
        },
    )


def resource_rules(scan: Scan, props: Mapping[str, Any]) -> list[AccessGrant]:
    """Resource instance rules: each lets a resource of its tenant through the firewall."""
    out = []
    for rule in (props.get("networkAcls") or {}).get("resourceAccessRules") or ():
        resource_id = str(rule.get("resourceId") or "")
        tenant = str(rule.get("tenantId") or "").lower() or None
        if not resource_id:
            continue
        foreign = tenant is None or tenant != scan.tenant
        out.append(AccessGrant(
            principal=resource_id, principal_kind=PrincipalKind.FOREIGN_RESOURCE if foreign else PrincipalKind.SERVICE,
            permission=Permission.READ, source=GrantSource.RESOURCE_ACCESS_RULE, home=tenant,
            condition=f"networkAcls.resourceAccessRules: resources {resource_id} of tenant {tenant or '?'} pass the "
                      "firewall and read with their managed identity's roles"))
    return out


def _public_containers(scan: Scan, client: StorageManagementClient, row: Row) -> list[dict[str, Any]]:
    found = []
    for item in scan.json_list(client.blob_containers.list, row.resource_group, row.name):
        level = str((item.get("properties") or {}).get("publicAccess") or "None")
        if level.lower() in ("blob", "container"):
            found.append({"name": item.get("name"), "publicAccess": level})
    return found


def _object_replication(scan: Scan, client: StorageManagementClient, row: Row,
                        data: Mapping[str, Any]) -> tuple[list[DataLocation], list[AccessGrant]]:
    try:
        policies = scan.json_list(client.object_replication_policies.list, row.resource_group, row.name)
    except ReadError as err:
        if err.reason != "not-found":
            scan.failed(NAMESPACE, err, account=row.subscription, region=row.location, resource_id=row.id,
                       aspect=GapAspect.LOCATION)
        return [], []
    copies: list[DataLocation] = []
    grants: list[AccessGrant] = []
    for policy in policies:
        props = policy.get("properties") or {}
        source, destination = str(props.get("sourceAccount") or ""), str(props.get("destinationAccount") or "")
        if not destination or _same_account(destination, row) or not _same_account(source, row):
            continue  # an incoming policy: this account is the copy, not the origin
        where, account, home = _destination(scan, row, destination)
        copies.append(DataLocation(region=where, role=LocationRole.REPLICA, via=Via.OBJECT_REPLICATION,
                                   target=destination, account=account))
        grants.append(AccessGrant(
            principal=destination, principal_kind=PrincipalKind.ACCOUNT, permission=Permission.READ,
            source=GrantSource.OBJECT_REPLICATION, home=home,
            condition="whoever controls the destination account reads every replicated blob"))
    return copies, grants


def _same_account(ref: str, row: Row) -> bool:
    return ref.lower() in (row.name.lower(), row.id.lower())


def _destination(scan: Scan, row: Row, ref: str) -> tuple[str, str | None, str | None]:
    """Region, subscription and tenant of an object-replication destination (id or bare name)."""
    known = scan.index.get(ref) if ref.startswith("/") else scan.index.named(ACCOUNT, ref)
    if known is not None:
        return known.location, known.subscription, scan.tenant
    if not ref.startswith("/"):
        scan.unresolved(NAMESPACE, GapReason.NOT_READ, f"object replication destination {ref} is not visible to the "
                       "credential (name only: another subscription or tenant)", account=row.subscription,
                       resource_id=row.id, aspect=GapAspect.LOCATION)
        return UNKNOWN_REGION, None, None
    try:
        found = scan.session.get(ref, "2023-05-01")
        return region(found.get("location")), subscription_of(ref), scan.tenant
    except ReadError as err:
        scan.failed(NAMESPACE, err, account=subscription_of(ref), resource_id=ref, aspect=GapAspect.LOCATION)
        return UNKNOWN_REGION, subscription_of(ref), err.home_tenant


def _encryption(scan: Scan, row: Row, props: Mapping[str, Any], primary: str) -> KeyRef:
    enc = props.get("encryption") or {}
    source = str(enc.get("keySource") or "").lower()
    if source == "microsoft.keyvault":
        kv = enc.get("keyvaultproperties") or {}
        uri = kv.get("currentVersionedKeyIdentifier") or (
            f"{str(kv.get('keyvaulturi') or '').rstrip('/')}/keys/{kv.get('keyname') or ''}"
            if kv.get("keyvaulturi") else None)
        return keyvault.key_ref(scan, uri, account=row.subscription, resource_id=row.id)
    if source == "microsoft.storage" or not source:
        return KeyRef(manager=KeyManager.PROVIDER, region=primary, origin="Microsoft.Storage")
    return KeyRef(manager=KeyManager.UNKNOWN, origin=str(enc.get("keySource")))


SERVICE = Service(
    name=NAMESPACE, operations=OPERATIONS, read=read,
    types=(TypeSpec(Kind.OBJECT_STORE, "Microsoft.Storage/storageAccounts", ("azurerm_storage_account",)),),
)
