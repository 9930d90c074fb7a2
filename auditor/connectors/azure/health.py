"""Azure Health Data Services (workspaces, FHIR, DICOM) and Azure API for FHIR: health by nature.

Facts beyond the region: the customer-managed key, public network access, the storage account
a FHIR service exports to (a copy of the data, read deeply too), the storage account a DICOM
service keeps its files in, and the Entra authority a service trusts for tokens: an authority
in another tenant lets that tenant's identities in. ``smartIdentityProviders`` (FHIR, API
2023-12-01 and later) name up to two more token authorities and the applications of each that
may read (``allowedDataActions``): each application is an access grant whose home is the
authority's tenant (or, for a non-Entra identity provider, the authority itself).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from auditor.connectors.azure import keyvault
from auditor.connectors.azure.context import UNKNOWN_REGION, Row, Scan, base, network, region
from auditor.connectors.azure.planning import (
    MICROSOFT_MANAGED,
    identities,
    public,
)
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

NAMESPACE = "Microsoft.HealthcareApis"
WORKSPACE = "microsoft.healthcareapis/workspaces"
FHIR = "microsoft.healthcareapis/workspaces/fhirservices"
DICOM = "microsoft.healthcareapis/workspaces/dicomservices"
API_FOR_FHIR = "microsoft.healthcareapis/services"
OPERATIONS = (
    "Microsoft.HealthcareApis/workspaces/read",
    "Microsoft.HealthcareApis/workspaces/fhirservices/read",
    "Microsoft.HealthcareApis/workspaces/dicomservices/read",
    "Microsoft.HealthcareApis/services/read",
)
API = "2024-03-31"
STORAGE = "microsoft.storage/storageaccounts"
_TENANT = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", re.IGNORECASE)
_OPS = {WORKSPACE: OPERATIONS[0], FHIR: OPERATIONS[1], DICOM: OPERATIONS[2], API_FOR_FHIR: OPERATIONS[3]}


def read(scan: Scan, row: Row) -> Resource:
    data = scan.session.get(row.id, API)
    props: dict[str, Any] = data.get("properties") or {}
    home = region(data.get("location") or row.location)
    locations = [DataLocation(region=home, role=LocationRole.PRIMARY)]
    export = (props.get("exportConfiguration") or {}).get("storageAccountName")
    if export:
        locations.append(_storage_copy(scan, row, str(export), LocationRole.SNAPSHOT_COPY, Via.FHIR_EXPORT))
    stored = (props.get("storageConfiguration") or {}).get("storageResourceId")
    if stored:
        locations.append(_storage_copy(scan, row, str(stored), LocationRole.PRIMARY, Via.DICOM_STORAGE))
    auth = props.get("authenticationConfiguration") or {}
    access = []
    authority = str(auth.get("authority") or "")
    tenant = _TENANT.search(authority)
    if tenant and tenant.group(1).lower() != scan.tenant:  # the own tenant's identities are the role grants below
        access.append(AccessGrant(principal=authority, principal_kind=PrincipalKind.ACCOUNT,
                                  permission=Permission.READ, source=GrantSource.TOKEN_AUTHORITY,
                                      home=tenant.group(1).lower(),
                                  condition="identities this Entra tenant issues tokens to, subject to data roles"))
    access.extend(smart_grants(scan, auth))
    access.extend(keyvault.key_grants(scan, _key_uri(props), account=row.subscription, resource_id=row.id))
    for policy in props.get("accessPolicies") or ():
        access.append(AccessGrant(principal=str(policy.get("objectId")), principal_kind=PrincipalKind.UNKNOWN,
                                  permission=Permission.WRITE, source=GrantSource.FHIR_ACCESS_POLICY, home=scan.tenant))
    return replace(
        base(row, NAMESPACE, Kind.HEALTH_API, scan.tenant), region=home, locations=tuple(locations),
        network=network(props), access=tuple(access), encryption=_key(scan, row, props, home),
        evidence=("Microsoft.ResourceGraph/resources/read", _OPS[row.type]),
        attributes={"resource_group": row.resource_group, "arm_kind": data.get("kind") or row.kind,
                    "authority": authority or None, "export_storage": export, "dicom_storage": stored,
                    "import_storage": (props.get("importConfiguration") or {}).get("integrationDataStore"),
                    "smart_identity_providers": [p.get("authority") for p in auth.get("smartIdentityProviders") or ()],
                    "cors_origins": (props.get("corsConfiguration") or {}).get("origins")},
    )


def _storage_copy(scan: Scan, row: Row, ref: str, role: LocationRole, via: Via) -> DataLocation:
    account = scan.index.get(ref) if ref.startswith("/") else scan.index.named(STORAGE, ref)
    if account is None:
        scan.unresolved(NAMESPACE, GapReason.NOT_READ, f"{via} storage account {ref.rsplit('/', 1)[-1]} is not visible "
                       "to the credential", account=row.subscription, resource_id=row.id, aspect=GapAspect.LOCATION)
        return DataLocation(region=UNKNOWN_REGION, role=role, via=via, target=ref)
    scan.want(account.id)  # the copy's own replication and access matter as much as the service's
    return DataLocation(region=account.location, role=role, via=via, target=account.id,
                        account=account.subscription)


def smart_grants(scan: Scan, auth: Mapping[str, Any]) -> list[AccessGrant]:
    """The applications each SMART identity provider lets read the FHIR data."""
    out = []
    for provider in auth.get("smartIdentityProviders") or ():
        authority = str(provider.get("authority") or "")
        found = _TENANT.search(authority)
        home = found.group(1).lower() if found else (authority.split("//", 1)[-1].split("/", 1)[0] or None)
        inside = home is not None and home == scan.tenant
        for app in provider.get("applications") or ():
            actions = [str(a) for a in app.get("allowedDataActions") or ()]
            if not actions:
                continue
            out.append(AccessGrant(
                principal=str(app.get("clientId") or "?"),
                principal_kind=PrincipalKind.SERVICE if inside else PrincipalKind.FOREIGN_TENANT_APP,
                permission=Permission.WRITE if any(a.lower() != "read" for a in actions) else Permission.READ,
                source=GrantSource.SMART_IDENTITY_PROVIDER, home=home,
                condition=f"SMART identity provider {authority}: application allowed {', '.join(actions)}"))
    return out


def _key_uri(props: Mapping[str, Any]) -> str | None:
    cmk = (props.get("encryption") or {}).get("customerManagedKeyEncryption") or {}
    uri = cmk.get("keyEncryptionKeyUrl") or (props.get("cosmosDbConfiguration") or {}).get("keyVaultKeyUri")
    return str(uri) if uri else None


def _key(scan: Scan, row: Row, props: Mapping[str, Any], home: str) -> KeyRef:
    uri = _key_uri(props)
    if uri:
        return keyvault.key_ref(scan, uri, account=row.subscription, resource_id=row.id)
    return KeyRef(manager=KeyManager.PROVIDER, region=home, origin="Microsoft.HealthcareApis")



# -- in a Terraform plan ----------------------------------------------------------------------



def healthcare(change: Change) -> Iterator[Fact]:
    yield Store(
        kind=Kind.HEALTH_API,
        service="healthcareapis",
        name=change.planned_name("name"),
        logging=change.new_logging(),
        network=public(change),
        key=MICROSOFT_MANAGED,
        identities=identities("healthcareapis", change),
    )


SERVICE = Service(
    name=NAMESPACE, operations=OPERATIONS, read=read,
    types=(TypeSpec(Kind.HEALTH_API, "Microsoft.HealthcareApis/workspaces", ("azurerm_healthcare_workspace",)),
           TypeSpec(Kind.HEALTH_API, "Microsoft.HealthcareApis/workspaces/fhirservices",
                    ("azurerm_healthcare_fhir_service",)),
           TypeSpec(Kind.HEALTH_API, "Microsoft.HealthcareApis/workspaces/dicomservices",
                    ("azurerm_healthcare_dicom_service",)),
           TypeSpec(Kind.HEALTH_API, "Microsoft.HealthcareApis/services", ("azurerm_healthcare_service",))),
    plan={
        "azurerm_healthcare_workspace": healthcare,
        "azurerm_healthcare_service": healthcare,
        "azurerm_healthcare_fhir_service": healthcare,
        "azurerm_healthcare_dicom_service": healthcare,
    },
)
