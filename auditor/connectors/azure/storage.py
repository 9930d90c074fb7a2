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

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from azure.mgmt.storage import StorageManagementClient

from auditor.connectors.azure import keyvault, redundancy
from auditor.connectors.azure.context import UNKNOWN_REGION, Row, Scan, base, network, region, subscription_of
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.planning import (
    MICROSOFT_MANAGED,
    cmk,
    identities,
    pair,
    public,
    target,
    vault_policies,
)
from auditor.connectors.azure.service import Service
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Attach, Change, Fact, KeyLink, Store, Target
from auditor.connectors.terraform.resolve import UNKNOWN, Resolved
from auditor.connectors.terraform.values import items
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


def read(scan: Scan, row: Row) -> Resource:
    client = scan.session.sdk(StorageManagementClient, row.subscription)
    data = scan.json(client.storage_accounts.get_properties, row.resource_group, row.name)
    props: dict[str, Any] = data.get("properties") or {}
    sku = str((data.get("sku") or {}).get("name") or row.sku or "")
    option = redundancy.storage(sku)
    replication = option.code if option else (sku.split("_", 1)[-1].upper() if sku else "UNKNOWN")
    primary = region(props.get("primaryLocation") or data.get("location") or row.location)
    locations = [DataLocation(region=primary, role=LocationRole.PRIMARY)]
    if option is not None and option.geo:
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



# -- in a Terraform plan ----------------------------------------------------------------------



def storage_account(change: Change) -> Iterator[Fact]:
    has_cmk = bool(change.get("customer_managed_key"))
    yield Store(
        kind=Kind.OBJECT_STORE,
        service="storage",
        name=change.planned_name("name"),
        logging=change.new_logging(),
        locations=pair(
            change, "account_replication_type", LocationRole.GEO_SECONDARY, Via.STORAGE_GEO_REPLICATION,
                redundancy.GEO_STORAGE.__contains__
        ),
        key=cmk(change, "customer_managed_key", 0, "key_vault_key_id") if has_cmk else MICROSOFT_MANAGED,
        access=(*_private_link_access(change, "network_rules", 0),
                *vault_policies(change, "customer_managed_key", 0, "key_vault_key_id")),
        network=public(change),
        identities=identities("storage", change),
        attributes={
            "account_replication_type": change.get("account_replication_type"),
            "allow_nested_items_to_be_public": change.get("allow_nested_items_to_be_public"),
        },
        evidence=(change.path("account_replication_type"),),
    )


def _account_target(change: Change) -> Target:
    if change.get("storage_account_id") or change.refs("storage_account_id"):
        return target(change, "storage_account_id", Kind.OBJECT_STORE, "storage")
    return target(change, "storage_account_name", Kind.OBJECT_STORE, "storage")


def storage_container(change: Change) -> Iterator[Fact]:
    access = change.text("container_access_type")
    if access not in ("blob", "container"):
        return
    target = _account_target(change)
    for address in target.addresses:
        account = change.other(address)
        if account is not None and account.get("allow_nested_items_to_be_public") is False:
            return  # the account forbids public containers: the setting has no effect
    grant = AccessGrant("*", PrincipalKind.PUBLIC, Permission.READ, GrantSource.CONTAINER_ACL,
                        condition=f"container {access}")
    yield Attach(target, access=(grant,), evidence=(change.path("container_access_type"),))


def storage_network_rules(change: Change) -> Iterator[Fact]:
    grants = _private_link_access(change)
    if grants:
        yield Attach(_account_target(change), access=grants, evidence=(change.path("private_link_access"),))


def storage_account_cmk(change: Change) -> Iterator[Fact]:
    key = Target(tuple(change.refs("key_vault_id")), None, Kind.KEY, "keyvault", create=False)
    link = KeyLink(KeyManager.CUSTOMER, key=key, key_id=change.text("key_name") or change.address)
    yield Attach(_account_target(change), key=link, evidence=(change.path("key_name"),))


def storage_object_replication(change: Change) -> Iterator[Fact]:
    destinations = change.refs("destination_storage_account_id")
    region = change.region_of(destinations[0]) if destinations else Resolved(UNKNOWN, "destination not in the plan")
    location = DataLocation(
        region.value,
        LocationRole.REPLICA,
        Via.OBJECT_REPLICATION,
        destinations[0] if destinations else change.text("destination_storage_account_id"),
    )
    yield Attach(
        target(change, "source_storage_account_id", Kind.OBJECT_STORE, "storage"),
        locations=(location,),
        evidence=(change.path("destination_storage_account_id"), region.evidence),
    )


def _private_link_access(change: Change, *path: str | int) -> tuple[AccessGrant, ...]:
    """Resources of another (named) tenant let through the storage firewall."""
    out = []
    for i, _ in items(change.get(*path, "private_link_access")):
        tenant = change.text(*path, "private_link_access", i, "endpoint_tenant_id")
        resource = change.text(*path, "private_link_access", i, "endpoint_resource_id") or "?"
        if not tenant:
            continue  # the provider's own tenant (the default)
        out.append(AccessGrant(resource, PrincipalKind.FOREIGN_RESOURCE, Permission.READ,
                               GrantSource.RESOURCE_ACCESS_RULE, home=tenant.lower(),
                               condition=f"network_rules.private_link_access: {resource} of "
                               f"tenant {tenant} passes the firewall"))
    return tuple(out)


SERVICE = Service(
    name=NAMESPACE, operations=OPERATIONS, read=read,
    types=(TypeSpec(Kind.OBJECT_STORE, "Microsoft.Storage/storageAccounts", ("azurerm_storage_account",)),),
    plan={
        "azurerm_storage_account": storage_account,
        "azurerm_storage_container": storage_container,
        "azurerm_storage_account_customer_managed_key": storage_account_cmk,
        "azurerm_storage_account_network_rules": storage_network_rules,
        "azurerm_storage_object_replication": storage_object_replication,
    },
)
