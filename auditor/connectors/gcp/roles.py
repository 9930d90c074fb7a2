"""Custom roles: whether a grant of a custom role reaches a store's data, from the role's permissions.

A binding may name a custom role (``organizations/<id>/roles/<r>`` or ``projects/<p>/roles/<r>``), whose
name says nothing of what it allows. IAM ``organizations.roles.get`` / ``projects.roles.get``
(``GET https://iam.<universe>/v1/{name}``, https://cloud.google.com/iam/docs/reference/rest/v1/organizations.roles/get
and …/projects.roles/get, checked 2026-12-07) answer the ``Role``: ``name``, ``title``,
``includedPermissions[]``, ``stage``, ``deleted``. Each grant of such a role on a store (its own policy or
an ancestor's) is then judged by what the permissions allow on that store's service:

- a data permission (``storage.objects.get``, ``bigquery.tables.getData``, ``healthcare.fhirResources.read``…,
  :data:`DATA_READ`) -> read; a data-writing one (:data:`DATA_WRITE`) -> write; a ``setIamPolicy`` of the
  service or of the project/folder/organisation (the holder can grant itself anything) -> admin;
- none of them (a metadata-only role, or a deleted role) -> the grant does not reach the data: dropped;
- the role could not be read -> dropped too, and an ``access`` coverage gap on the store: only the
  access checks are unknown, never a pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from auditor.connectors.gcp.context import Scan
from auditor.connectors.gcp.gaps import ReadError
from auditor.connectors.gcp.service import Service
from auditor.model.inventory import AccessGrant, GapAspect, Permission, Resource

NAME = "iam"
OPERATIONS = {
    "iam.organizations.roles.get": "iam.roles.get",
    "iam.projects.roles.get": "iam.roles.get",
}
SERVICE = Service(name=NAME, operations=OPERATIONS)

# Permissions that read a store's data (or copy it out), by the connector's service name.
DATA_READ: Mapping[str, frozenset[str]] = {
    "storage": frozenset({"storage.objects.get", "storage.objects.list", "storage.managedFolders.get"}),
    "bigquery": frozenset({"bigquery.tables.getData", "bigquery.tables.export", "bigquery.tables.createSnapshot",
                           "bigquery.readsessions.getData", "bigquery.dataPolicies.maskedGet"}),
    "sqladmin": frozenset({"cloudsql.instances.connect", "cloudsql.instances.login", "cloudsql.instances.export",
                           "cloudsql.instances.executeSql", "cloudsql.backupRuns.get"}),
    "healthcare": frozenset({"healthcare.fhirResources.get", "healthcare.fhirResources.read",
                             "healthcare.fhirResources.search", "healthcare.fhirResources.patientEverything",
                             "healthcare.fhirStores.export", "healthcare.dicomStores.dicomWebRead",
                             "healthcare.dicomStores.export", "healthcare.hl7V2Messages.get",
                             "healthcare.hl7V2Messages.list", "healthcare.hl7V2Stores.export",
                             "healthcare.datasets.deidentify", "healthcare.consentStores.get"}),
    "firestore": frozenset({"datastore.entities.get", "datastore.entities.list", "datastore.databases.export"}),
    "spanner": frozenset({"spanner.databases.read", "spanner.databases.select", "spanner.databases.export",
                          "spanner.databases.beginReadOnlyTransaction"}),
    "cloudkms": frozenset({"cloudkms.cryptoKeyVersions.useToDecrypt", "cloudkms.cryptoKeyVersions.useToEncrypt",
                           "cloudkms.cryptoKeyVersions.useToSign"}),
    "aiplatform": frozenset({"aiplatform.endpoints.predict", "aiplatform.endpoints.explain",
                             "aiplatform.dataItems.list", "aiplatform.datasets.export",
                             "aiplatform.annotations.list"}),
}
DATA_WRITE: Mapping[str, frozenset[str]] = {
    "storage": frozenset({"storage.objects.create", "storage.objects.update", "storage.objects.delete"}),
    "bigquery": frozenset({"bigquery.tables.updateData", "bigquery.tables.delete", "bigquery.datasets.delete"}),
    "sqladmin": frozenset({"cloudsql.instances.import", "cloudsql.instances.delete", "cloudsql.users.update"}),
    "healthcare": frozenset({"healthcare.fhirResources.create", "healthcare.fhirResources.update",
                             "healthcare.fhirResources.delete", "healthcare.fhirStores.import",
                             "healthcare.dicomStores.dicomWebWrite", "healthcare.hl7V2Messages.create"}),
    "firestore": frozenset({"datastore.entities.create", "datastore.entities.update", "datastore.entities.delete",
                            "datastore.databases.import"}),
    "spanner": frozenset({"spanner.databases.write", "spanner.databases.drop"}),
    "cloudkms": frozenset({"cloudkms.cryptoKeyVersions.destroy", "cloudkms.cryptoKeys.update"}),
    "aiplatform": frozenset({"aiplatform.endpoints.deploy", "aiplatform.datasets.update", "aiplatform.datasets.delete",
                             "aiplatform.datasets.import"}),
}
# Who can set a policy can grant itself the data.
ADMIN_ANYWHERE = frozenset({"resourcemanager.projects.setIamPolicy", "resourcemanager.folders.setIamPolicy",
                            "resourcemanager.organizations.setIamPolicy"})
_SET_POLICY_PREFIX = {"storage": "storage.", "bigquery": "bigquery.", "sqladmin": "cloudsql.",
                      "healthcare": "healthcare.", "firestore": "datastore.", "spanner": "spanner.",
                      "cloudkms": "cloudkms.", "aiplatform": "aiplatform."}


def is_custom(role: str) -> bool:
    parts = role.split("/")
    return len(parts) == 4 and parts[0] in ("organizations", "projects") and parts[2] == "roles"


def role_of(grant: AccessGrant) -> str:
    """The role a GCP grant was made with (its ``condition`` starts with it, see :func:`iam.grant`)."""
    return (grant.condition or "").split(" if ", 1)[0].split("; ", 1)[0].strip()


def reach(service: str, permissions: frozenset[str]) -> Permission | None:
    """What a role with ``permissions`` can do to the data of a store of ``service`` (None: nothing)."""
    prefix = _SET_POLICY_PREFIX.get(service)
    if permissions & ADMIN_ANYWHERE or (prefix and any(p.startswith(prefix) and p.endswith(".setIamPolicy")
                                                       for p in permissions)):
        return Permission.ADMIN
    if permissions & DATA_WRITE.get(service, frozenset()):
        return Permission.WRITE
    if permissions & DATA_READ.get(service, frozenset()):
        return Permission.READ
    return None


def read(scan: Scan, role: str) -> frozenset[str] | ReadError:
    """The permissions of a custom role (once per scan), or why they could not be read."""

    def get() -> frozenset[str] | ReadError:
        kind = role.split("/", 1)[0]
        try:
            data = scan.session.get(f"iam.{kind}.roles.get", NAME, f"/v1/{role}")
        except ReadError as err:
            return err
        if data.get("deleted"):
            return frozenset()  # a deleted role grants nothing
        return frozenset(str(p) for p in data.get("includedPermissions") or ())

    return scan.once(("role", role), get)


def apply(scan: Scan, resources: Sequence[Resource]) -> list[Resource]:
    """Each grant of a custom role kept with what its permissions allow, or dropped."""
    roles = sorted({role_of(g) for r in resources if r.attributes.get("depth") == "deep" for g in r.access
                    if is_custom(role_of(g))})
    known = dict(zip(roles, scan.map(lambda role: read(scan, role), roles), strict=True))
    out = []
    for resource in resources:
        if not any(is_custom(role_of(g)) for g in resource.access):
            out.append(resource)
            continue
        access: list[AccessGrant] = []
        for grant in resource.access:
            role = role_of(grant)
            if not is_custom(role) or role not in known:
                access.append(grant)
                continue
            perms = known[role]
            if isinstance(perms, ReadError):
                scan.note(NAME, perms.reason, f"custom role {role} could not be read ({perms.text()}): whether "
                          f"{grant.principal} reaches the data is unknown", project=resource.account,
                          resource=resource.id, aspect=GapAspect.ACCESS)
                continue
            level = reach(resource.service, perms)
            if level is not None:
                access.append(replace(grant, permission=level))
        read_ops = (f"iam.{role_of(g).split('/', 1)[0]}.roles.get" for g in resource.access if is_custom(role_of(g)))
        out.append(replace(resource, access=tuple(access),
                           evidence=tuple(dict.fromkeys((*resource.evidence, *read_ops)))))
    return out
